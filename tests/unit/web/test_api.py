"""The JSON API: login, queue, decisions with blinding, resolutions, links, progress;
and schemathesis over the OpenAPI schema (no 5xx, responses match the schema)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from sysreview.project.reporting.service import prisma_flow
from sysreview.project.selection.directory import screen_conflicts, screen_queue
from sysreview.web.app import SESSION_COOKIE
from tests.unit.web.conftest import N_RECORDS, PASSWORDS, TestClient

Clients = Callable[[str], tuple[TestClient, str]]


def test_api_login_gives_the_csrf_token(client: TestClient) -> None:
    wrong = client.post("/api/login", json={"name": "R1", "password": "not-it-at-all"})
    assert wrong.status_code == 401
    answer = client.post("/api/login", json={"name": "R1", "password": PASSWORDS["R1"]})
    assert answer.status_code == 200
    me = answer.json()
    assert me["name"] == "R1" and me["role"] == "reviewer" and len(me["csrf_token"]) >= 32
    assert client.get("/api/me").json() == me


def test_queue_decide_and_see_the_queue_shrink(clients: Clients) -> None:
    client, token = clients("R1")
    queue = client.get("/api/queue", params={"limit": 2}).json()
    assert (queue["assigned"], queue["pending"]) == (N_RECORDS, N_RECORDS)
    assert [r["id"] for r in queue["records"]] == [1, 2]
    assert queue["records"][0]["title"].startswith("Peer groups <script>")  # JSON: as stored
    body = {"stage": "ta", "record_id": 1, "decision": "maybe", "note": "unsure"}
    saved = client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
    assert saved.status_code == 201 and saved.json()["event_id"] >= 1
    assert client.get("/api/queue").json()["pending"] == N_RECORDS - 1
    seen = client.get("/api/records/1").json()["decisions"]
    assert seen == [
        {
            "reviewer": "R1",
            "kind": "decision",
            "decision": "maybe",
            "reason": None,
            "note": "unsure",
            "revealed": False,
        }
    ]


def test_queue_follows_the_active_learning_order_of_the_service(
    clients: Clients, project: Path
) -> None:
    client, token = clients("R1")
    r2, t2 = clients("R2")
    for record, verdict in ((4, "include"), (2, "exclude")):
        body = {"stage": "ta", "record_id": record, "decision": verdict}
        client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
    # decisions train the ranking only once settled (here: when both reviewers agree)
    assert client.get("/api/queue").json()["prioritised"] is False
    for record, verdict in ((4, "include"), (2, "exclude")):
        body = {"stage": "ta", "record_id": record, "decision": verdict}
        r2.post("/api/decisions", json=body, headers={"X-CSRF-Token": t2})
    queue = client.get("/api/queue", params={"limit": 10}).json()
    cards, advice = screen_queue(project, "ta", "R1")
    assert queue["prioritised"] is True and queue["advice"] == advice
    assert [r["id"] for r in queue["records"]] == [c.id for c in cards]
    assert sorted(c.id for c in cards) == [1, 3, 5, 6]
    page = client.get("/screen/ta").text
    assert f'id="record-{cards[0].id}"' in page and "ordered by relevance" in page


def test_bad_input_is_400_and_missing_records_404(clients: Clients) -> None:
    client, token = clients("R1")
    headers = {"X-CSRF-Token": token}
    missing = client.post(
        "/api/decisions",
        headers=headers,
        json={"stage": "ta", "record_id": 999, "decision": "include"},
    )
    assert missing.status_code == 404
    assert client.get("/api/records/999").status_code == 404
    ft = client.post(
        "/api/decisions",
        headers=headers,
        json={"stage": "ft", "record_id": 1, "decision": "exclude"},
    )
    assert ft.status_code == 400
    assert "a full-text exclusion needs a reason from the protocol" in ft.json()["detail"]
    early = client.post(
        "/api/decisions",
        headers=headers,
        json={"stage": "ft", "record_id": 1, "decision": "include"},
    )
    assert early.status_code == 409
    assert early.json()["detail"] == (
        "record 1 is not forwarded to full text: at title/abstract it is awaiting first decision"
    )
    malformed = client.post(
        "/api/decisions",
        headers=headers,
        json={"stage": "xx", "record_id": 1, "decision": "include"},
    )
    assert malformed.status_code == 422


def test_resolution_through_the_api(clients: Clients, project: Path) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    for client, token, verdict in ((r1, t1, "include"), (r2, t2, "exclude")):
        body = {"stage": "ta", "record_id": 5, "decision": verdict}
        client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
    r3, t3 = clients("R3")
    assert r3.get("/api/conflicts").json() == [
        {
            "record_id": 5,
            "title": "Group peer support trial 5",
            "decisions": [["R1", "include"], ["R2", "exclude"]],
            "revealed": [],
            "independent": [["R1", "include"], ["R2", "exclude"]],
        }
    ]
    body = {"stage": "ta", "record_id": 5, "decision": "exclude"}
    assert r3.post("/api/resolutions", json=body, headers={"X-CSRF-Token": t3}).status_code == 201
    assert r3.get("/api/conflicts").json() == [] == screen_conflicts(project, "ta")


def test_progress_matches_the_prisma_service(clients: Clients, project: Path) -> None:
    client, _ = clients("R2")
    report = client.get("/api/progress").json()
    assert report["prisma"] == prisma_flow(project).to_dict()
    assert report["agreement"] == {"ta": [], "ft": []}


def test_openapi_schema_lists_the_api(clients: Clients) -> None:
    client, _ = clients("R1")
    schema = client.get("/api/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/login",
        "/api/logout",
        "/api/me",
        "/api/queue",
        "/api/records/{record_id}",
        "/api/decisions",
        "/api/decisions/undo",
        "/api/conflicts",
        "/api/resolutions",
        "/api/links",
        "/api/progress",
        "/api/records",
        "/api/records/{record_id}/labels",
        "/api/labels",
        "/api/keywords",
        "/api/appraisal/studies",
        "/api/appraisal/form",
        "/api/conflicts/{stage}/details",
        "/api/admin/assignments",
        "/api/admin/reassign",
        "/api/duplicates",
        "/api/duplicates/decisions",
        "/api/study-statuses",
        "/api/contacts",
        "/api/contacts/{contact_id}/replies",
    }
    assert schema["components"]["schemas"]["DecisionIn"]["additionalProperties"] is False


def fuzz_as(
    app: FastAPI, clients: Clients, name: str, paths: Callable[[str], bool], examples: int
) -> list[str]:
    """Schemathesis over every operation whose path ``paths`` accepts, logged in as ``name``.

    Generated (valid and invalid) input; no answer may be a server error or stray from
    the documented status codes and schemas. The paths run, in order.
    """
    client, token = clients(name)
    cookie = client.cookies[SESSION_COOKIE]
    schema = schemathesis.openapi.from_dict(app.openapi())
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    ran = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid schema raises
        if not paths(operation.path):
            continue

        @settings(
            max_examples=examples, deadline=None, database=None,
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            case.call_and_validate(
                app=app,
                headers={"X-CSRF-Token": token, "Cookie": f"{SESSION_COOKIE}={cookie}"},
                checks=checks,
            )

        check()
        ran.append(operation.path)
    return ran


def test_schemathesis_finds_no_server_errors(app: FastAPI, clients: Clients) -> None:
    """Every operation, with generated (valid and invalid) input, as the screener R1."""
    # logging out would end the session the other operations use
    ran = fuzz_as(app, clients, "R1", lambda p: p not in ("/api/logout", "/api/login"), 20)
    # 9 screening, 6 records/labels/keywords, 3 risk of bias, 5 api_admin, 5 study statuses
    assert len(ran) == 28
