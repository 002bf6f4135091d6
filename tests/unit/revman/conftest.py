"""Fixtures for the RevMan reader tests: where the shared golden ``.rm5`` files live.

The golden files are not part of the repository (Cochrane data, test use only); they
sit next to the project in ``../shared/golden/revman/``. Tests that use them skip,
saying why, when that folder is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from sysreview.revman import Review, read_rm5
from tests.conftest import shared_path


@pytest.fixture(scope="session")
def revman_dir() -> Path:
    """The folder of golden ``.rm5`` files; skips when absent (fails under ``CI=true``)."""
    return shared_path("golden", "revman")


@pytest.fixture(scope="session")
def load_review(revman_dir: Path) -> Callable[[str], Review]:
    """A loader ``load(file_name) -> Review`` that parses each golden file once."""

    @cache
    def load(name: str) -> Review:
        return read_rm5(revman_dir / name)

    return load
