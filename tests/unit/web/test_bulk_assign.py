"""Administrators reassign many records at once: the page (filter, tick, confirm, move) and
the JSON API, through the screening service's reassignment and its checks."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sysreview.project.opening import opened
from sysreview.project.selection.directory import screen_pending
from sysreview.project.storage import AuditEntry, ScreeningAssignment
from tests.unit.web.admin_data import add_screener
from tests.unit.web.conftest import N_RECORDS, TestClient

Clients = Callable[[str], tuple[TestClient, str]]


@pytest.fixture
def project(seeded_sqlite_project: Path, tmp_path: Path) -> Path:
    """The seeded project with a third screener, R4 (before the app starts)."""
    copy = Path(shutil.copytree(seeded_sqlite_project, tmp_path / "review"))
    add_screener(copy)
    return copy


def _decide(client: TestClient, token: str, record: int, decision: str) -> None:
    body = {"stage": "ta", "record_id": record, "decision": decision}
    answer = client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
    assert answer.status_code == 201, answer.text


def _stored(project: Path) -> tuple[int, int]:
    """Reassignment events and reassignment audit entries stored."""
    with opened(project) as (_, store), store.session(readonly=True) as s:
        moves = s.query(ScreeningAssignment).filter_by(origin="reassignment").count()
        audits = s.query(AuditEntry).filter(AuditEntry.what.like("% reassign")).count()
    return moves, audits


def _hidden_records(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'name="records" value="(\d+)"', page)]


def test_tick_confirm_and_move_through_the_page(clients: Clients, project: Path) -> None:
    r1, t1 = clients("R1")
    _decide(r1, t1, 1, "include")
    boss, token = clients("boss")
    page = boss.get("/admin/assign", params={"stage": "ta", "from_reviewer": "R1"}).text
    assert f"{N_RECORDS} records assigned to R1" in page and f"{N_RECORDS - 1} can move" in page
    assert 'id="pick-1"' not in page  # decided by R1: no checkbox
    assert "cannot move" in page.split('id="assigned-1"')[1].split("</tr>")[0]
    unscreened = boss.get(
        "/admin/assign", params={"stage": "ta", "from_reviewer": "R1", "unscreened": "true"}
    ).text
    assert 'id="assigned-1"' not in unscreened and 'id="assigned-2"' in unscreened

    form = {"stage": "ta", "from_reviewer": "R1", "to_reviewer": "R4", "csrf_token": token}
    confirm = boss.post("/admin/assign/confirm", data={**form, "records": ["2", "3", "5"]})
    assert confirm.status_code == 200
    assert "<strong>3 records</strong>" in confirm.text and "Move 3 records" in confirm.text
    assert _hidden_records(confirm.text) == [2, 3, 5]
    assert _stored(project) == (0, 0)  # the confirmation step stores nothing

    moved = boss.post(
        "/admin/assign", data={**form, "records": ["2", "3", "5"]}, follow_redirects=False
    )
    assert moved.status_code == 303
    done = boss.get(moved.headers["location"]).text
    assert "3 records at title and abstract moved from R1 to R4." in done
    assert [c.id for c in screen_pending(project, "ta", "R1")] == [4, 6]
    assert [c.id for c in screen_pending(project, "ta", "R4")] == [2, 3, 5]
    assert _stored(project) == (3, 1)  # one event per record, one audited reassignment


def test_all_unscreened_by_filter_moves_exactly_what_was_confirmed(
    clients: Clients, project: Path
) -> None:
    r2, t2 = clients("R2")
    _decide(r2, t2, 6, "exclude")
    boss, token = clients("boss")
    form = {"stage": "ta", "from_reviewer": "R2", "to_reviewer": "R4", "csrf_token": token}
    confirm = boss.post("/admin/assign/confirm", data={**form, "scope": "unscreened"})
    assert f"<strong>{N_RECORDS - 1} records</strong>" in confirm.text
    records = _hidden_records(confirm.text)
    assert records == [1, 2, 3, 4, 5]
    # R2 decides record 5 after the confirmation: the move is refused whole
    _decide(r2, t2, 5, "include")
    refused = boss.post("/admin/assign", data={**form, "records": [str(r) for r in records]})
    assert refused.status_code == 403
    assert "record 5: R2 has decided it; it cannot move" in refused.text
    assert _stored(project) == (0, 0)
    assert [c.id for c in screen_pending(project, "ta", "R2")] == [1, 2, 3, 4]


def test_the_rules_of_the_command_line_hold(clients: Clients, project: Path) -> None:
    r1, t1 = clients("R1")
    _decide(r1, t1, 1, "include")
    boss, token = clients("boss")
    form = {"stage": "ta", "from_reviewer": "R1", "csrf_token": token}
    decided = boss.post(
        "/admin/assign/confirm", data={**form, "to_reviewer": "R4", "records": ["1", "2"]}
    )
    assert decided.status_code == 409 and 'id="problems"' in decided.text
    assert "record 1: R1 has decided it; it cannot move" in decided.text
    assert "btn-move" not in decided.text
    taken = boss.post("/admin/assign/confirm", data={**form, "to_reviewer": "R2", "records": ["2"]})
    assert taken.status_code == 409 and "record 2 is already assigned to R2" in taken.text
    arbiter = boss.post(
        "/admin/assign/confirm", data={**form, "to_reviewer": "R3", "records": ["2"]}
    )
    assert arbiter.status_code == 422 and "reviewer &#39;R3&#39; is not a screener" in arbiter.text
    nothing = boss.post("/admin/assign/confirm", data={**form, "to_reviewer": "R4"})
    assert nothing.status_code == 422 and "Tick at least one record" in nothing.text
    assert _stored(project) == (0, 0)


def test_a_reviewer_or_adjudicator_cannot_reassign(clients: Clients, project: Path) -> None:
    body = {"stage": "ta", "from_reviewer": "R2", "to_reviewer": "R4", "records": ["1"]}
    for name in ("R1", "R3"):
        client, token = clients(name)
        assert client.get("/admin/assign").status_code == 403
        page = client.post("/admin/assign", data={**body, "csrf_token": token})
        assert page.status_code == 403
        preview = client.post("/admin/assign/confirm", data={**body, "csrf_token": token})
        assert preview.status_code == 403
        api = client.post(
            "/api/admin/reassign",
            json={"from_reviewer": "R2", "to_reviewer": "R4", "records": [1]},
            headers={"X-CSRF-Token": token},
        )
        assert api.status_code == 403
    boss, _ = clients("boss")
    no_csrf = boss.post("/admin/assign", data=body)  # no token: refused, nothing stored
    assert no_csrf.status_code == 403
    assert _stored(project) == (0, 0)
    assert [c.id for c in screen_pending(project, "ta", "R2")] == list(range(1, N_RECORDS + 1))


def test_the_json_api_plans_then_moves(clients: Clients, project: Path) -> None:
    r1, t1 = clients("R1")
    _decide(r1, t1, 2, "exclude")
    boss, token = clients("boss")
    listed = boss.get("/api/admin/assignments", params={"reviewer": "R1"}).json()
    assert [(r["record_id"], r["decided"]) for r in listed][:3] == [
        (1, False),
        (2, True),
        (3, False),
    ]
    headers = {"X-CSRF-Token": token}
    body = {"from_reviewer": "R1", "to_reviewer": "R4", "dry_run": True}
    plan = boss.post("/api/admin/reassign", json=body, headers=headers).json()
    assert plan["records"] == [1, 3, 4, 5, 6] and plan["count"] == 5 and not plan["moved"]
    bad = boss.post("/api/admin/reassign", json={**body, "records": [2]}, headers=headers).json()
    assert bad["count"] == 0 and bad["problems"] == ["record 2: R1 has decided it; it cannot move"]
    assert _stored(project) == (0, 0)
    refused = boss.post(
        "/api/admin/reassign", json={**body, "dry_run": False, "records": [2, 3]}, headers=headers
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == "record 2: R1 has decided it; it cannot move"
    done = boss.post(
        "/api/admin/reassign", json={**body, "dry_run": False, "records": [3, 4]}, headers=headers
    )
    assert done.status_code == 200
    assert done.json() | {} == {
        "stage": "ta", "from_reviewer": "R1", "to_reviewer": "R4", "records": [3, 4],
        "count": 2, "moved": True, "problems": [],
    }  # fmt: skip
    assert [c.id for c in screen_pending(project, "ta", "R4")] == [3, 4]
    assert _stored(project) == (2, 1)


def test_malformed_choices_are_refused_without_storing(clients: Clients, project: Path) -> None:
    boss, token = clients("boss")
    form = {"stage": "ta", "from_reviewer": "R1", "to_reviewer": "R4", "csrf_token": token}
    for records in (["99999999999"], ["0"], ["x"]):
        answer = boss.post("/admin/assign", data={**form, "records": records})
        assert answer.status_code == 422, records
    unknown = boss.post("/admin/assign", data={**form, "records": ["4000"]})
    assert unknown.status_code == 404 and "no record 4000 in this project" in unknown.text
    empty = boss.post(
        "/api/admin/reassign",
        json={"from_reviewer": "R1", "to_reviewer": "R4", "records": []},
        headers={"X-CSRF-Token": token},
    )
    assert empty.status_code == 422
    assert _stored(project) == (0, 0)
