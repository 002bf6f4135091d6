"""Fixtures of the extraction tests."""

from __future__ import annotations

import pytest

from sysreview.project.demo import DemoInputs, load_demo
from tests.unit.io.metapsy.helpers import DEMO


@pytest.fixture(scope="module")
def demo() -> DemoInputs:
    """The bundled demo review's inputs (``examples/group-peer-support/``)."""
    return load_demo(DEMO)
