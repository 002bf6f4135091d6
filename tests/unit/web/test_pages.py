"""The pages: screening with HTMX, full text with reasons, conflicts, agreement, dashboard,
report → study links. Values are checked against the services the pages sit on."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sysreview.project.reporting.service import prisma_flow
from sysreview.project.selection.directory import screen_agreement, screen_conflicts, screen_pending
from tests.unit.web.conftest import N_RECORDS, TestClient

Clients = Callable[[str], tuple[TestClient, str]]


def decide(
    client: TestClient,
    token: str,
    record: int,
    decision: str,
    stage: str = "ta",
    reason: str | None = None,
) -> None:
    body = {"stage": stage, "record_id": record, "decision": decision, "reason": reason}
    answer = client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
    assert answer.status_code == 201, answer.text


def test_screening_page_shows_one_record_with_checklist_and_progress(clients: Clients) -> None:
    client, _ = clients("R1")
    page = client.get("/screen/ta").text
    assert page.count('<article class="record"') == 1
    assert 'id="record-1"' in page
    assert f'<progress id="progress" max="{N_RECORDS}" value="0">' in page
    assert "Eligibility checklist" in page and "Cluster-randomised trial" in page
    assert '<mark class="inc" title="include keyword">Peer</mark>' in page  # a keyword


def test_htmx_decision_swaps_in_the_next_record(clients: Clients, project: Path) -> None:
    client, token = clients("R1")
    answer = client.post(
        "/screen/ta/decide",
        data={"record_id": "1", "decision": "exclude", "csrf_token": token, "note": "n"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert answer.text.startswith('<section id="screen"')  # a fragment, not a page
    assert 'id="record-2"' in answer.text and "Saved: Record 1: exclude" in answer.text
    assert 'value="1"></progress>' in answer.text
    assert [c.id for c in screen_pending(project, "ta", "R1")] == [2, 3, 4, 5, 6]
    assert [c.id for c in screen_pending(project, "ta", "R2")] == [1, 2, 3, 4, 5, 6]


def test_plain_form_post_redirects_back(clients: Clients) -> None:
    client, token = clients("R1")
    answer = client.post(
        "/screen/ta/decide",
        data={"record_id": "1", "decision": "include", "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/screen/ta"


def test_bad_decision_is_shown_inline(clients: Clients) -> None:
    client, token = clients("R1")
    answer = client.post(
        "/screen/ta/decide",
        data={"record_id": "1", "decision": "perhaps", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 422
    assert (
        "invalid decision &#39;perhaps&#39;; must be one of include, exclude, maybe" in answer.text
    )


def _to_full_text(clients: Clients, records: list[int]) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    for record in range(1, N_RECORDS + 1):
        verdict = "include" if record in records else "exclude"
        decide(r1, t1, record, verdict)
        decide(r2, t2, record, verdict)


def test_full_text_exclusion_needs_a_protocol_reason(clients: Clients, project: Path) -> None:
    _to_full_text(clients, [3, 4])
    client, token = clients("R1")
    page = client.get("/screen/ft").text
    assert 'id="record-3"' in page and "(needed to exclude)" in page
    form = {"record_id": "3", "decision": "exclude", "csrf_token": token}
    refused = client.post("/screen/ft/decide", data=form, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert "a full-text exclusion needs a reason from the protocol" in refused.text
    reason = "Not group peer support"
    saved = client.post(
        "/screen/ft/decide", data={**form, "reason": reason}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200 and 'id="record-4"' in saved.text


def test_conflict_resolved_by_the_adjudicator(clients: Clients, project: Path) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    decide(r1, t1, 2, "include")
    decide(r2, t2, 2, "exclude")
    r3, t3 = clients("R3")
    page = r3.get("/conflicts/ta").text
    assert 'id="conflict-2"' in page and "R1: include; R2: exclude" in page
    assert [c.record_id for c in screen_conflicts(project, "ta")] == [2]
    answer = r3.post(
        "/conflicts/ta/resolve",
        data={"record_id": "2", "decision": "include", "csrf_token": t3},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert screen_conflicts(project, "ta") == []
    assert "No unresolved conflicts." in r3.get("/conflicts/ta").text


def test_an_admin_who_is_not_a_protocol_arbiter_cannot_resolve(clients: Clients) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    decide(r1, t1, 2, "include")
    decide(r2, t2, 2, "exclude")
    boss, token = clients("boss")
    answer = boss.post(
        "/conflicts/ta/resolve", data={"record_id": "2", "decision": "include", "csrf_token": token}
    )
    assert answer.status_code == 422
    assert "unknown reviewer &#39;boss&#39;" in answer.text


def test_agreement_page_shows_the_services_kappa(clients: Clients, project: Path) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    for record, (a, b) in enumerate(
        [
            ("include", "include"),
            ("exclude", "exclude"),
            ("include", "exclude"),
            ("exclude", "exclude"),
        ],
        1,
    ):
        decide(r1, t1, record, a)
        decide(r2, t2, record, b)
    kappa = screen_agreement(project, "ta").pairs[0][1].kappa
    assert kappa is not None
    page = r1.get("/agreement").text
    assert "R1 vs R2" in page and f"{kappa:.3f}" in page and "75.0%" in page


def test_dashboard_shows_prisma_counts_and_progress(clients: Clients, project: Path) -> None:
    _to_full_text(clients, [3])
    client, _ = clients("R1")
    page = client.get("/dashboard").text
    assert f'<td id="screened">{prisma_flow(project).records_screened}</td>' in page
    assert f'<td id="identified">{N_RECORDS}</td>' in page
    report = json.loads(client.get("/dashboard/report.json").text)
    assert report["prisma"] == prisma_flow(project).to_dict()

    def progress(report: dict[str, Any]) -> dict[str, tuple[int, int]]:
        rows = report["progress"]
        return {p["reviewer"]: (p["decided"], p["assigned"]) for p in rows if p["stage"] == "ta"}

    # a reviewer sees their own progress; an adjudicator sees everyone's
    assert progress(report) == {"R1": (N_RECORDS, N_RECORDS)}
    assert report["agreement"]["ta"][0]["percent_agreement"] == 1.0
    arbiter, _ = clients("R3")
    report = json.loads(arbiter.get("/dashboard/report.json").text)
    assert progress(report) == {"R1": (N_RECORDS, N_RECORDS), "R2": (N_RECORDS, N_RECORDS)}


def test_report_is_linked_to_its_study(clients: Clients, project: Path) -> None:
    _to_full_text(clients, [3, 4])
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    for record in (3, 4):  # R2's sample is drawn once R1 has assessed every report
        decide(r1, t1, record, "include", "ft")
    for record in (3, 4):
        decide(r2, t2, record, "include", "ft")
    page = r1.get("/studies").text
    assert 'name="record_id" value="3"' in page and 'name="record_id" value="4"' in page
    for record in (3, 4):
        answer = r1.post(
            "/studies/link",
            data={"record_id": str(record), "study": "Cook 2012a", "csrf_token": t1},
            follow_redirects=False,
        )
        assert answer.status_code == 303
    again = r1.post(
        "/studies/link", data={"record_id": "3", "study": "Other 2020", "csrf_token": t1}
    )
    assert again.status_code == 409 and "already linked" in again.text
    counts = prisma_flow(project)
    assert (counts.reports_included, counts.studies_included) == (2, 1)
    assert r1.get("/studies").text.count("Cook 2012a") == 2


def test_malformed_form_is_an_error_page_not_json(clients: Clients) -> None:
    client, token = clients("R1")
    answer = client.post("/screen/ta/decide", data={"record_id": "x", "csrf_token": token})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "malformed request: record_id: Input should be a valid integer" in answer.text
    assert "decision: Field required" in answer.text
