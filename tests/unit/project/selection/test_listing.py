"""The record list's search and filters in the service, on SQLite and PostgreSQL: the
trigram index (SQLite) finds what a scan finds, full texts are searched, duplicates list
once, and blinding holds (the web tests check the routes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.errors import InputError, NotPermittedError
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.opening import open_project
from sysreview.project.selection.listing import (
    RecordFilter,
    _scanned_matches,
    _text_matches,
)
from sysreview.project.storage import FulltextFile, Reviewer
from tests.unit.project.selection.test_decisions import make_project

RIS = "".join(
    f"TY  - JOUR\nTI  - {title}\nAB  - {abstract}\nAU  - {author}\nPY  - 2020\nER  -\n"
    for title, abstract, author in [
        ("Peer SUPPORT in psychosis", "A 100% <b>cluster</b> trial_x", "Ñúñez, Ana"),
        ("Mutual help groups", "Self-help for depression", "Smith, J"),
        ("Statins and the knee", "No peers here", "Doe, A"),
    ]
)
R1 = AccountInfo(1, "R1", "reviewer", True)
R3 = AccountInfo(3, "R3", "adjudicator", True)
QUERIES = [
    "peer",
    "PEER support",
    "100%",
    "trial_x",
    "Ñúñez",
    "smith",
    "help",
    "nothing",
    "self-help",
]


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> tuple[Path, str]:
    folder, _ = make_project(tmp_path, store_url, ris=RIS, dual_fraction="1.0")
    return folder, store_url


def test_the_index_finds_what_a_scan_finds(project: tuple[Path, str]) -> None:
    folder, url = project
    with open_project(folder, url) as review, review.store.session() as session:
        sqlite = url.startswith("sqlite")
        for q in QUERIES:
            for every in (True, False):
                for full in (True, False):
                    words = q.split()
                    scanned = _scanned_matches(session, words, every=every, full=full,
                                               sqlite=sqlite)  # fmt: skip
                    assert _text_matches(session, words, every=every, full=full) == scanned, q
        assert _text_matches(session, ["peer"], every=True, full=True) == {1, 3}
        assert _text_matches(session, ["100%"], every=True, full=True) == {1}  # not a wildcard
        if sqlite:  # the trigram index folds every letter's case; PostgreSQL's ILIKE
            # folds by the database's LC_CTYPE (none but ASCII under "C", as in the tests)
            assert _text_matches(session, ["ñúñez"], every=True, full=True) == {1}


def test_full_texts_are_searched_and_duplicates_list_once(project: tuple[Path, str]) -> None:
    folder, url = project
    with open_project(folder, url) as review:
        with review.store.session() as session:
            who = session.query(Reviewer).first()
            assert who is not None
            session.add(FulltextFile(record_id=2, sha256="a" * 64, file_name="x.pdf", size=1,
                                     text="A randomised cross-over design", source="cli",
                                     reviewer_id=who.id))  # fmt: skip
        found = review.screening.records(R1, RecordFilter(q="cross-over"))
        assert [r.id for r in found.rows] == [2] and found.total == 1
        found = review.screening.records(R1, RecordFilter(q="cross-over mutual"))
        assert [r.id for r in found.rows] == [2]  # one word in the file, one in the title


def test_blinded_filters_and_refusals(project: tuple[Path, str]) -> None:
    folder, url = project
    with open_project(folder, url) as review:
        review.screening.decide(stage="ta", record_id=2, reviewer="R2", decision="exclude")
        mine = review.screening.records(R1, RecordFilter(status="exclude"))
        assert mine.total == 0
        assert [r.status for r in review.screening.records(R1, RecordFilter()).rows] == [
            None, None, None
        ]  # fmt: skip
        arbiter = review.screening.records(R3, RecordFilter(reviewer="R2", decision="exclude"))
        assert [r.id for r in arbiter.rows] == [2]
        with pytest.raises(NotPermittedError):
            review.screening.records(R1, RecordFilter(reviewer="R2"))
        with pytest.raises(InputError, match="invalid status 'x'"):
            RecordFilter(status="x")
        with pytest.raises(InputError, match="the q holds control characters"):
            RecordFilter(q="peer\x00")
        with pytest.raises(InputError, match="per_page"):
            RecordFilter(per_page=0)
