"""schemathesis over the JSON API of the arbiter's and administrator's screens, as an
administrator: generated (valid and invalid) input gives no server error, and every
answer matches the schema."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from sysreview.web.app import SESSION_COOKIE
from tests.unit.web.admin_data import add_screener, queue_pairs
from tests.unit.web.conftest import TestClient

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
    client, token = clients("boss")
    cookie = client.cookies[SESSION_COOKIE]
    schema = schemathesis.openapi.from_dict(app.openapi())
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    ran = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid schema raises
        if operation.path not in PATHS:
            continue

        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            case.call_and_validate(
                app=app,
                headers={"X-CSRF-Token": token, "Cookie": f"{SESSION_COOKIE}={cookie}"},
                checks=checks,
            )

        check()
        ran.append(operation.path)
    assert sorted(ran) == sorted(PATHS)
