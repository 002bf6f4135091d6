"""The record list, review, labels and keywords through the pages and the JSON API.

Blinding (the seed project: every title/abstract record dual-screened by R1 and R2,
blind): R2's decisions on records R1 has not decided must not show through the list,
its counts or which records a filter matches, on the page or in the JSON API.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sysreview.project.selection.directory import screen_decision
from tests.unit.web.conftest import N_RECORDS, TestClient

Clients = Callable[[str], tuple[TestClient, str]]


def _api(client: TestClient, **params: Any) -> Any:
    answer = client.get("/api/records", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _r2_decides(project: Path) -> None:
    """R2 excludes records 1-4; R1 decides only record 1 (include: a conflict)."""
    for record in (1, 2, 3, 4):
        screen_decision(project, stage="ta", record_id=record, reviewer="R2", decision="exclude")
    screen_decision(project, stage="ta", record_id=1, reviewer="R1", decision="include")


def test_r1_learns_nothing_of_r2s_blinded_decisions(clients: Clients, project: Path) -> None:
    _r2_decides(project)
    r1, _ = clients("R1")
    everything = _api(r1)
    assert everything["total"] == N_RECORDS
    statuses = {r["id"]: r["status"] for r in everything["records"]}
    assert statuses == {1: "conflict", 2: None, 3: None, 4: None, 5: None, 6: None}
    assert {r["id"]: r["decision"] for r in everything["records"]}[1] == "include"
    # "excluded" by status, by own decision, or conflicts: nothing of R2's on 2-4
    assert _api(r1, status="exclude")["total"] == 0
    assert _api(r1, status="awaiting")["total"] == 0  # the complement would leak too
    assert _api(r1, decision="exclude")["total"] == 0
    assert [r["id"] for r in _api(r1, conflict=True)["records"]] == [1]
    assert _api(r1, decision="undecided")["total"] == N_RECORDS - 1  # the same for R2 or not
    # asking about R2 is refused, on the API and the page
    refused = r1.get("/api/records", params={"reviewer": "R2", "decision": "exclude"})
    assert refused.status_code == 403 and "records" not in refused.json()
    page = r1.get("/records", params={"reviewer": "R2", "decision": "exclude"})
    assert page.status_code == 403 and "row-2" not in page.text
    html = r1.get("/records", params={"status": "exclude"}).text
    assert "0 records match" in html and 'id="row-' not in html
    html = r1.get("/records").text
    assert html.count('class="blinded"') == N_RECORDS - 1 and "exclude" not in _rows(html)


def _rows(html: str) -> str:
    start = html.find('id="record-list"')
    return html[start : html.find("</table>", start)]


def test_the_same_list_without_r2_deciding_looks_the_same_to_r1(
    clients: Clients, project: Path
) -> None:
    """What R1 sees does not depend on R2's decisions on records R1 has not decided."""
    screen_decision(project, stage="ta", record_id=1, reviewer="R1", decision="include")
    r1, _ = clients("R1")
    before = [_api(r1, **f) for f in ({}, {"status": "exclude"}, {"decision": "undecided"})]
    for record in (2, 3, 4):
        screen_decision(project, stage="ta", record_id=record, reviewer="R2", decision="exclude")
    after = [_api(r1, **f) for f in ({}, {"status": "exclude"}, {"decision": "undecided"})]
    assert before == after


def test_adjudicators_see_every_decision_and_filter_by_reviewer(
    clients: Clients, project: Path
) -> None:
    _r2_decides(project)
    r3, _ = clients("R3")
    assert [r["id"] for r in _api(r3, reviewer="R2", decision="exclude")["records"]] == [1, 2, 3, 4]
    assert _api(r3, status="awaiting")["total"] == N_RECORDS - 1
    boss, _ = clients("boss")
    assert [r["id"] for r in _api(boss, conflict=True)["records"]] == [1]
    assert "Decision of R2" in boss.get("/records", params={"reviewer": "R2"}).text


def test_search_paging_and_bad_filters(clients: Clients) -> None:
    r1, _ = clients("R1")
    assert [r["id"] for r in _api(r1, q="trial number 4")["records"]] == [4]
    assert _api(r1, q="100%")["total"] == 0  # LIKE wildcards are plain characters
    assert [r["id"] for r in _api(r1, q="doe", per_page=2, page=2)["records"]] == [3, 4]
    assert _api(r1, q="doe", per_page=2)["pages"] == 3
    assert r1.get("/api/records", params={"status": "nope"}).status_code == 422
    assert r1.get("/records", params={"decision": "nope"}).status_code == 400
    assert r1.get("/api/records", params={"label": "nope"}).status_code == 400


def test_go_back_and_change_a_decision(clients: Clients, project: Path) -> None:
    r1, token = clients("R1")
    for record in (1, 2):
        screen_decision(project, stage="ta", record_id=record, reviewer="R1", decision="include")
    latest = r1.get("/screen/ta/review", follow_redirects=False)
    assert latest.headers["location"] == "/screen/ta/review/2"
    page = r1.get("/screen/ta/review/2").text
    assert 'id="own-decision">include<' in page and 'id="history-older"' in page
    changed = r1.post(
        "/screen/ta/review/1", data={"csrf_token": token, "decision": "exclude"},
        follow_redirects=False,
    )  # fmt: skip
    assert changed.status_code == 303
    assert 'id="own-decision">exclude<' in r1.get(changed.headers["location"]).text
    history = _api(r1, decision="decided", order="recent")["records"]
    assert [(r["id"], r["decision"]) for r in history] == [(1, "exclude"), (2, "include")]
    # after R2 decided, a change is recorded as made after seeing R2's decision
    screen_decision(project, stage="ta", record_id=2, reviewer="R2", decision="exclude")
    r1.post("/screen/ta/review/2", data={"csrf_token": token, "decision": "exclude"})
    r3, _ = clients("R3")
    seen = r3.get("/screen/ta/review/2").text
    assert "made after seeing another" in seen


def test_labels_defined_by_admins_applied_by_reviewers(clients: Clients) -> None:
    boss, boss_token = clients("boss")
    r1, token = clients("R1")
    refused = r1.post("/api/labels", json={"name": "RCT"}, headers={"X-CSRF-Token": token})
    assert refused.status_code == 403
    made = boss.post("/api/labels", json={"name": "RCT", "description": "randomised"},
                     headers={"X-CSRF-Token": boss_token})  # fmt: skip
    assert made.status_code == 201 and made.json()["defined_by"] == "boss"
    put = r1.post("/api/records/3/labels", json={"label": "rct"}, headers={"X-CSRF-Token": token})
    assert put.json() == ["RCT"]
    again = r1.post("/api/records/3/labels", json={"label": "RCT"}, headers={"X-CSRF-Token": token})
    assert again.status_code == 409
    assert r1.post("/api/records/999/labels", json={"label": "RCT"},
                   headers={"X-CSRF-Token": token}).status_code == 404  # fmt: skip
    r2, _ = clients("R2")  # visible to every reviewer, and filterable
    assert [(r["id"], r["labels"]) for r in _api(r2, label="RCT")["records"]] == [(3, ["RCT"])]
    assert '<span class="label-tag">RCT</span>' in r2.get("/records").text
    r1.post("/records/3/labels", data={"csrf_token": token, "label": "RCT", "action": "remove"})
    assert _api(r2, label="RCT")["total"] == 0


def test_keywords_replace_the_protocol_words(clients: Clients) -> None:
    r1, token = clients("R1")
    mine = r1.get("/api/keywords").json()
    assert "peer" in mine["include"] and "children" in mine["exclude"]  # review.toml
    body = {"word": "trial", "kind": "exclude"}
    after = r1.post("/api/keywords", json=body, headers={"X-CSRF-Token": token}).json()
    assert "trial" in after["exclude"] and ["trial", "exclude"] in after["own"]
    page = r1.get("/screen/ta").text
    assert '<mark class="exc" title="exclude keyword">trial</mark>' in page
    assert 'id="keyword-legend"' in page
    assert "&lt;script&gt;" in page and "<script>window" not in page  # still escaped
    r2, _ = clients("R2")  # R1's own list is R1's
    assert "trial" not in r2.get("/api/keywords").json()["exclude"]
    body = {"word": "trial", "kind": "include", "scope": "project"}
    assert r1.post("/api/keywords", json=body, headers={"X-CSRF-Token": token}).status_code == 403
    assert _api(r1, keyword="exclude")["total"] == N_RECORDS  # every record says "trial"
