"""The arbiter's conflicts page: each record in full (highlighted abstract, links), both
reviewers' decisions with reasons and notes, maybe shown as the service counts it, the
resolution with the protocol's full-text rule, and nobody else reaching it."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sysreview.project.selection.directory import screen_conflicts
from tests.unit.web.admin_data import add_linked_record
from tests.unit.web.conftest import N_RECORDS, TestClient

Clients = Callable[[str], tuple[TestClient, str]]
EXCLUDE_REASON = "Participants not eligible"


@pytest.fixture
def project(seeded_sqlite_project: Path, tmp_path: Path) -> Path:
    """The seeded project with record 7, which has a DOI and a PMID."""
    copy = Path(shutil.copytree(seeded_sqlite_project, tmp_path / "review"))
    add_linked_record(copy)
    return copy


def _decide(
    client: TestClient, token: str, record: int, decision: str, stage: str = "ta", **more: str
) -> None:
    body = {"stage": stage, "record_id": record, "decision": decision, **more}
    answer = client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
    assert answer.status_code == 201, answer.text


def _article(page: str, record: int) -> str:
    found = re.search(rf'<article[^>]*id="conflict-{record}".*?</article>', page, re.S)
    assert found is not None, f"no conflict {record} on the page"
    return found.group(0)


def _shown(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'<article[^>]*id="conflict-(\d+)"', page)]


def test_a_conflict_shows_the_record_and_both_decisions_in_full(clients: Clients) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    _decide(r1, t1, 7, "include", note="RCT, adults: fits the PICO")
    _decide(r2, t2, 7, "exclude", reason=EXCLUDE_REASON, note="only inpatients")
    r3, _ = clients("R3")
    card = _article(r3.get("/conflicts/ta").text, 7)
    text = html.unescape(re.sub(r"<[^>]+>", "", card))
    assert "Okafor, Ngozi; Lindqvist, Erik" in text and "2021" in text
    assert "Schizophrenia Bulletin" in text
    assert "Adults with schizophrenia were randomised to peer support groups" in text
    assert '<mark class="inc" title="include keyword">' in card.split('class="abstract"')[1]
    assert 'href="https://doi.org/10.1093/schbul/sbab001"' in card
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/33500001/"' in card
    assert "R1: include; R2: exclude" in text
    rows = {
        who: html.unescape(re.sub(r"<[^>]+>", " ", row))
        for who, row in re.findall(r'<tr class="decision-(R\d)">(.*?)</tr>', card, re.S)
    }
    assert "Include" in rows["R1"] and "RCT, adults: fits the PICO" in rows["R1"]
    assert "Exclude" in rows["R2"] and EXCLUDE_REASON in rows["R2"]
    assert "only inpatients" in rows["R2"]


def test_maybe_is_shown_as_maybe_and_listed_as_the_service_rules(clients: Clients) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    pairs = {1: ("maybe", "include"), 2: ("maybe", "exclude"), 3: ("maybe", "maybe"),
             4: ("include", "include"), 5: ("include", "exclude")}  # fmt: skip
    for record, (first, second) in pairs.items():
        _decide(r1, t1, record, first)
        _decide(r2, t2, record, second)
    r3, _ = clients("R3")
    page = r3.get("/conflicts/ta").text
    service = [c.record_id for c in screen_conflicts(r3.app.state.project.directory, "ta")]
    assert _shown(page) == service
    # the protocol's rule (sysreview.screening.status): a maybe disagrees with include
    # and with exclude; two maybes agree
    assert service == [1, 2, 5]
    assert "R1: maybe; R2: include" in _article(page, 1)
    assert '<span class="verdict maybe">Maybe</span>' in _article(page, 2)


def test_a_change_after_the_reveal_is_shown_with_the_decision_before(clients: Clients) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    _decide(r1, t1, 4, "include")
    _decide(r2, t2, 4, "exclude", note="first look")
    _decide(r2, t2, 4, "include", note="after seeing R1's")
    r3, _ = clients("R3")
    card = _article(r3.get("/conflicts/ta").text, 4)
    assert "(changed after seeing the other's; was exclude)" in card
    assert "decided after seeing the other's; was exclude" in card
    assert "after seeing R1&#39;s" in card


def test_resolving_at_full_text_needs_a_reason_to_exclude(clients: Clients) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    for record in range(1, N_RECORDS + 2):
        verdict = "include" if record in (3, 4) else "exclude"
        _decide(r1, t1, record, verdict)
        _decide(r2, t2, record, verdict)
    for record in (3, 4):
        _decide(r1, t1, record, "include", "ft")
    _decide(r2, t2, 3, "exclude", "ft", reason=EXCLUDE_REASON, note="students, not patients")
    _decide(r2, t2, 4, "include", "ft")
    r3, t3 = clients("R3")
    project = r3.app.state.project.directory
    page = r3.get("/conflicts/ft").text
    assert _shown(page) == [3] and "(needed to exclude)" in page
    assert EXCLUDE_REASON in _article(page, 3) and "students, not patients" in _article(page, 3)
    form = {"record_id": "3", "decision": "exclude", "csrf_token": t3}
    refused = r3.post("/conflicts/ft/resolve", data=form)
    assert refused.status_code == 422
    assert "a full-text exclusion needs a reason from the protocol" in refused.text
    assert [c.record_id for c in screen_conflicts(project, "ft")] == [3]  # nothing stored
    done = r3.post(
        "/conflicts/ft/resolve",
        data={**form, "reason": EXCLUDE_REASON, "note": "agreed with R2"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert screen_conflicts(project, "ft") == []
    assert 'id="no-conflicts"' in r3.get("/conflicts/ft").text


def test_only_adjudicators_and_admins_see_conflicts_and_only_arbiters_resolve(
    clients: Clients,
) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    _decide(r1, t1, 2, "include")
    _decide(r2, t2, 2, "exclude", note="R2's private note")
    project = r1.app.state.project.directory
    for client, token in ((r1, t1), (r2, t2)):
        assert client.get("/conflicts/ta").status_code == 403
        assert client.get("/api/conflicts/ta/details").status_code == 403
        answer = client.post(
            "/conflicts/ta/resolve",
            data={"record_id": "2", "decision": "include", "csrf_token": token},
        )
        assert answer.status_code == 403
    assert [c.record_id for c in screen_conflicts(project, "ta")] == [2]  # nothing stored
    boss, token = clients("boss")
    page = boss.get("/conflicts/ta").text
    assert "R2&#39;s private note" in page  # admins see it
    assert "only the protocol's arbiters (R3) resolve them" in page
    assert "/conflicts/ta/resolve" not in page  # no form that would be refused
    refused = boss.post(
        "/conflicts/ta/resolve", data={"record_id": "2", "decision": "include", "csrf_token": token}
    )
    assert refused.status_code == 422  # an admin who is no protocol arbiter cannot resolve
    r3, _ = clients("R3")
    no_token = r3.post("/conflicts/ta/resolve", data={"record_id": "2", "decision": "include"})
    assert no_token.status_code == 403
    assert [c.record_id for c in screen_conflicts(project, "ta")] == [2]


def test_the_json_api_gives_the_same_details(clients: Clients) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    _decide(r1, t1, 7, "maybe", note="check the design")
    _decide(r2, t2, 7, "exclude", reason=EXCLUDE_REASON)
    r3, _ = clients("R3")
    (found,) = r3.get("/api/conflicts/ta/details").json()
    assert found["record_id"] == 7 and found["record"]["year"] == 2021
    assert found["links"] == [
        "https://doi.org/10.1093/schbul/sbab001",
        "https://pubmed.ncbi.nlm.nih.gov/33500001/",
    ]
    assert [(d["reviewer"], d["decision"], d["reason"], d["note"]) for d in found["decisions"]] == [
        ("R1", "maybe", None, "check the design"),
        ("R2", "exclude", EXCLUDE_REASON, None),
    ]
