"""schemathesis over the JSON API of the arbiter's and administrator's screens, as an
administrator: generated (valid and invalid) input gives no server error, and every
answer matches the schema."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.unit.web.admin_data import add_screener, queue_pairs
from tests.unit.web.conftest import TestClient
from tests.unit.web.test_api import fuzz_as

Clients = Callable[[str], tuple[TestClient, str]]
PATHS = (
    "/api/conflicts/{stage}/details",
    "/api/admin/assignments",
    "/api/admin/reassign",
    "/api/duplicates",
    "/api/duplicates/decisions",
)


@pytest.fixture
def project(seeded_sqlite_project: Path, tmp_path: Path) -> Path:
    """The seeded project with a third screener and queued duplicate pairs."""
    copy = Path(shutil.copytree(seeded_sqlite_project, tmp_path / "review"))
    add_screener(copy)
    queue_pairs(copy)
    return copy


def test_schemathesis_finds_no_server_errors_as_an_administrator(
    app: FastAPI, clients: Clients
) -> None:
    ran = fuzz_as(app, clients, "boss", lambda path: path in PATHS, 25)
    assert sorted(ran) == sorted(PATHS)
