"""Shared test fixtures: where ../shared/ is (skipping cleanly when it is absent), and the
store fixtures of :mod:`tests.store_fixtures` (one PostgreSQL server per test session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.store_fixtures import (  # noqa: F401 (fixtures)
    backend,
    new_url,
    pg_server,
    pg_url,
    store,
    store_url,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/; skips the test (fails under CI=true) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing; CI always provides ../shared/")
        pytest.skip(f"{path} is absent (../shared/ holds the golden data; see README)")
    return path
