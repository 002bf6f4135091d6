"""The duplicate review: uncertain pairs side by side, differences marked in words, accepted
or rejected through the de-duplication service (page and JSON API), adjudicators only."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sysreview.project.deduplicating.service import duplicate_queue
from sysreview.project.opening import opened
from sysreview.project.storage import current_duplicate_links
from tests.unit.web.admin_data import queue_pairs
from tests.unit.web.conftest import TestClient

Clients = Callable[[str], tuple[TestClient, str]]
WAITING = 11


@pytest.fixture
def project(seeded_sqlite_project: Path, tmp_path: Path) -> Path:
    """The seeded project with eleven pairs queued by ``sysreview dedup``."""
    copy = Path(shutil.copytree(seeded_sqlite_project, tmp_path / "review"))
    queue_pairs(copy)
    return copy


def _rows(page: str) -> dict[str, tuple[str, str, str]]:
    """Each field row: (record A's cell, record B's cell, the comparison in words)."""
    rows = {}
    for key, body in re.findall(r'<tr class="field-(\w+) [\w-]+">(.*?)</tr>', page, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        status = html.unescape(re.sub(r"<[^>]+>", "", cells[2]))
        rows[key] = (cells[0], cells[1], status)
    return rows


def _links(project: Path) -> dict[str, tuple[str, int | None]]:
    with opened(project) as (_, store), store.session(readonly=True) as s:
        return {
            f"{x.record_a_id}-{x.record_b_id}": (x.status, x.reviewer_id)
            for x in current_duplicate_links(s)
        }


def test_a_pair_side_by_side_with_the_differences_named(clients: Clients) -> None:
    r3, _ = clients("R3")
    page = r3.get("/duplicates", params={"pair": "7-8"}).text
    assert f"0 of {WAITING} decided; {WAITING} waiting" in page
    assert f'<progress id="dedup-progress" max="{WAITING}" value="0">' in page
    rows = _rows(page)
    assert list(rows) == [
        "title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid",
        "abstract",
    ]  # fmt: skip
    assert rows["title"][2] == "Same" and "<mark" not in rows["title"][0]
    assert rows["authors"][0] == "Smith, Jane; Doe, John" and rows["authors"][2] == "Same"
    assert rows["issue"][2] == "Neither has one"
    assert rows["pages"] == (
        '10<mark class="diff">0</mark>-110',
        '10<mark class="diff">1</mark>-110',
        "Differs",
    )  # fmt: skip: characters, for a code
    assert rows["doi"][2] == "Differs"
    assert rows["doi"][0].endswith('<mark class="diff">456</mark>')
    a, b, status = rows["abstract"]
    assert status == "Differs"
    assert 'hope <mark class="diff">scores</mark> at' in a  # words, for text
    assert 'hope <mark class="diff">and empowerment</mark> at' in b
    assert 'id="btn-accept"' in page and "Same record (a)" in page
    assert "Different records (r)" in page


def test_record_markup_stays_text(clients: Clients) -> None:
    r3, _ = clients("R3")
    page = r3.get("/duplicates").text  # the first pair: records 2 and 3
    assert 'id="pair-2-3"' in page
    assert "<img" not in page and "&lt;img" in page and "onerror=&#34;window" in page


def test_accept_and_reject_are_stored_and_the_next_pair_follows(
    clients: Clients, project: Path
) -> None:
    r3, token = clients("R3")
    accepted = r3.post(
        "/duplicates/decide",
        data={"pair": "7-8", "decision": "accept", "csrf_token": token},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    page = r3.get(accepted.headers["location"]).text
    assert "Saved: Pair 7-8: same record" in page
    assert f"1 of {WAITING} decided; {WAITING - 1} waiting" in page
    waiting = page.split('<ul class="waiting">')[1].split("</ul>")[0]
    assert 'id="pair-2-3"' in page and "7-8" not in waiting and "2-4" in waiting
    rejected = r3.post(
        "/duplicates/decide", data={"pair": "2-3", "decision": "reject", "csrf_token": token}
    )
    assert "Saved: Pair 2-3: different records" in rejected.text
    links = _links(project)
    assert links["7-8"][0] == "confirmed" and links["2-3"][0] == "rejected"
    assert links["7-8"][1] is not None  # by a reviewer (R3), as the CLI records it
    assert len(duplicate_queue(project)) == WAITING - 2
    gone = r3.post(
        "/duplicates/decide", data={"pair": "7-99", "decision": "accept", "csrf_token": token}
    )
    assert gone.status_code == 422 and "pair 7-99 is not linked" in gone.text


def test_a_reviewer_cannot_decide_a_pair(clients: Clients, project: Path) -> None:
    r1, t1 = clients("R1")
    before = _links(project)
    assert r1.get("/duplicates").status_code == 403
    form = {"pair": "7-8", "decision": "accept", "csrf_token": t1}
    assert r1.post("/duplicates/decide", data=form).status_code == 403
    api = r1.post(
        "/api/duplicates/decisions",
        json={"pair": "7-8", "accept": True},
        headers={"X-CSRF-Token": t1},
    )
    assert api.status_code == 403
    assert r1.get("/api/duplicates").status_code == 403
    r3, _ = clients("R3")
    no_token = r3.post("/duplicates/decide", data={"pair": "7-8", "decision": "accept"})
    assert no_token.status_code == 403
    assert _links(project) == before


def test_the_json_api(clients: Clients, project: Path) -> None:
    boss, token = clients("boss")
    review = boss.get("/api/duplicates").json()
    assert (review["decided"], review["waiting"]) == (0, WAITING)
    last = review["pairs"][-1]
    assert last["pair"] == "7-8" and last["rule"] == "different_doi_same_title"
    assert last["a"]["pages"] == "100-110" and last["b"]["doi"] == "10.1176/appi.ps.201900789"
    headers = {"X-CSRF-Token": token}
    answer = boss.post(
        "/api/duplicates/decisions", json={"pair": "7-8", "accept": False}, headers=headers
    )
    assert answer.status_code == 200 and answer.json() == {"pair": "7-8", "status": "rejected"}
    assert _links(project)["7-8"][0] == "rejected"
    bad = boss.post(
        "/api/duplicates/decisions", json={"pair": "7", "accept": True}, headers=headers
    )
    assert bad.status_code == 422
    review = boss.get("/api/duplicates").json()
    assert (review["decided"], review["waiting"]) == (1, WAITING - 1)
    assert review["recent"] == [{"pair": "7-8", "status": "rejected", "reviewer": "boss"}]


def test_a_recent_decision_can_be_corrected(clients: Clients, project: Path) -> None:
    r3, token = clients("R3")
    form = {"pair": "7-8", "csrf_token": token}
    page = r3.post("/duplicates/decide", data={**form, "decision": "accept"}).text
    row = page.split('id="decided-7-8"')[1].split("</tr>")[0]
    assert "Same record" in row and "R3" in row and 'value="reject"' in row
    corrected = r3.post("/duplicates/decide", data={**form, "decision": "reject"}).text
    assert "Saved: Pair 7-8: different records" in corrected
    assert f"1 of {WAITING} decided" in corrected  # the same pair, decided again
    assert "Different records" in corrected.split('id="decided-7-8"')[1].split("</tr>")[0]
    assert _links(project)["7-8"][0] == "rejected"
