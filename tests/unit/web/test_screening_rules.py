"""The protocol's screening rules hold on the pages and the JSON API as on the CLI:
assignment (403), stage order and conflicts (409), undo, changes after a reveal shown to
the arbiter, blinding of counts, and the audit trail for administrators."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sysreview.project.opening import load_project, opened
from sysreview.project.selection.decisions import conflicts
from sysreview.project.selection.directory import screen_reassign
from tests.unit.web.conftest import N_RECORDS, TestClient

Clients = Callable[[str], tuple[TestClient, str]]


def post(client: TestClient, token: str, path: str, **body: object) -> tuple[int, Any]:
    answer = client.post(path, json=body, headers={"X-CSRF-Token": token})
    return answer.status_code, answer.json()


def test_only_the_protocols_screeners_decide(clients: Clients) -> None:
    r3, t3 = clients("R3")  # an arbiter, not a screener
    status, body = post(r3, t3, "/api/decisions", stage="ta", record_id=1, decision="include")
    assert status == 400 and "'R3' is not a screener" in body["detail"]
    boss, tb = clients("boss")  # an administrator who is no reviewer of the protocol
    status, body = post(boss, tb, "/api/decisions", stage="ta", record_id=1, decision="include")
    assert status == 400 and "unknown reviewer 'boss'" in body["detail"]


def test_reassigned_records_move_and_the_old_reviewer_is_refused(
    clients: Clients, project: Path
) -> None:
    from sysreview.project.accounts.users import create_account

    text = (project / "review.toml").read_text(encoding="utf-8")
    extra = '\n[[review.reviewers]]\nid = "R4"\nname = "Reviewer 4"\nroles = ["screener"]\n'
    marker = "[eligibility.design]"
    (project / "review.toml").write_text(text.replace(marker, extra + "\n" + marker), "utf-8")
    with opened(project) as (_, store):
        create_account(store, "R4", role="reviewer", password="r4-password")
    assert screen_reassign(project, stage="ta", from_reviewer="R2", to_reviewer="R4", by="boss",
                           records=[5, 6]) == 2  # fmt: skip
    r2, t2 = clients("R2")
    status, body = post(r2, t2, "/api/decisions", stage="ta", record_id=5, decision="include")
    assert status == 403 and body["detail"] == "record 5 is not assigned to R2 at ta"
    assert r2.get("/api/queue").json()["assigned"] == N_RECORDS - 2


def test_stage_order_and_conflicts_are_enforced_with_409(clients: Clients) -> None:
    r1, t1 = clients("R1")
    r3, t3 = clients("R3")
    status, body = post(r1, t1, "/api/decisions", stage="ft", record_id=2, decision="include")
    assert status == 409 and "not forwarded to full text" in body["detail"]
    post(r1, t1, "/api/decisions", stage="ta", record_id=2, decision="include")
    status, body = post(r3, t3, "/api/resolutions", stage="ta", record_id=2, decision="include")
    assert status == 409
    assert body["detail"] == (
        "record 2 is not in conflict at ta (it is awaiting second decision): an arbiter "
        "resolves disagreements only"
    )
    # the page route answers the same
    page = r3.post(
        "/conflicts/ta/resolve",
        data={"record_id": "2", "decision": "include", "csrf_token": t3},
    )
    assert page.status_code == 409 and "not in conflict" in page.text


def test_undo_through_the_page_and_the_api(clients: Clients, project: Path) -> None:
    r1, t1 = clients("R1")
    r1.post(
        "/screen/ta/decide",
        data={"record_id": "1", "decision": "exclude", "csrf_token": t1},
        headers={"HX-Request": "true"},
    )
    panel = r1.get("/screen/ta").text
    assert 'id="record-2"' in panel and 'id="btn-undo"' in panel
    undone = r1.post("/screen/ta/undo", data={"csrf_token": t1}, headers={"HX-Request": "true"})
    assert undone.status_code == 200
    assert "Undone: Record 1: exclude" in undone.text and 'id="record-1"' in undone.text
    again = r1.post("/screen/ta/undo", data={"csrf_token": t1}, headers={"HX-Request": "true"})
    assert again.status_code == 409 and "R1 has no ta decision to undo" in again.text
    post(r1, t1, "/api/decisions", stage="ta", record_id=3, decision="include")
    status, body = post(r1, t1, "/api/decisions/undo", stage="ta")
    assert (status, body) == (200, {"record_id": 3, "decision": "include", "kind": "decision"})
    assert r1.get("/api/queue").json()["pending"] == N_RECORDS


def test_a_change_after_the_reveal_goes_to_the_arbiter_marked(
    clients: Clients, project: Path
) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    post(r1, t1, "/api/decisions", stage="ta", record_id=4, decision="include")
    post(r2, t2, "/api/decisions", stage="ta", record_id=4, decision="exclude")
    # R2 now sees R1's decision, and aligns with it: not independent agreement
    seen = r2.get("/api/records/4").json()["decisions"]
    assert {(d["reviewer"], d["decision"]) for d in seen} == {("R1", "include"), ("R2", "exclude")}
    post(r2, t2, "/api/decisions", stage="ta", record_id=4, decision="include")
    r3, _ = clients("R3")
    (found,) = r3.get("/api/conflicts").json()
    assert found["record_id"] == 4 and found["revealed"] == ["R2"]
    assert found["independent"] == [["R1", "include"], ["R2", "exclude"]]
    page = r3.get("/conflicts/ta").text
    assert "(changed after seeing the other's; was exclude)" in page
    protocol = load_project(project).protocol
    with opened(project) as (_, store):
        assert [c.record_id for c in conflicts(store, protocol, "ta")] == [4]


def test_screeners_see_only_settled_counts_and_their_own_progress(clients: Clients) -> None:
    r1, t1 = clients("R1")
    r2, _ = clients("R2")
    before = r2.get("/api/progress").json()
    for record in range(1, N_RECORDS + 1):
        post(r1, t1, "/api/decisions", stage="ta", record_id=record, decision="exclude")
    after = r2.get("/api/progress").json()
    assert after == before  # R1's decisions on R2's open records show nowhere to R2
    assert [p["reviewer"] for p in after["progress"]] == ["R2", "R2"]
    assert after["prisma"]["records_excluded"] == 0
    assert r2.get("/dashboard").text == r2.get("/dashboard").text
    assert "R1" not in r2.get("/agreement").text


def test_the_audit_trail_is_for_administrators(clients: Clients) -> None:
    r1, t1 = clients("R1")
    post(r1, t1, "/api/decisions", stage="ta", record_id=2, decision="include")
    r1.post("/screen/ta/decide", data={"record_id": "3", "decision": "exclude", "csrf_token": t1})
    assert r1.get("/audit").status_code == 403
    boss, _ = clients("boss")
    page = boss.get("/audit", params={"record": 2}).text
    assert "ta decision" in page and "[api]" not in page and ">api<" in page
    assert ">3<" not in page
    everything = boss.get("/audit").text
    assert ">web<" in everything and "assign records" in everything
