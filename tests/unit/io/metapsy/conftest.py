"""Fixtures of the Metapsy adapter tests."""

from __future__ import annotations

import pytest

from tests.unit.io.metapsy.helpers import Demo, load


@pytest.fixture(scope="module")
def demo() -> Demo:
    """The bundled demo review's Metapsy file, read and read back (``helpers.Demo``)."""
    return load()
