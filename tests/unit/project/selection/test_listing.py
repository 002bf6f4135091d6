"""The record list's search and filters in the service, on SQLite and PostgreSQL: words
found as substrings in any (ASCII) case, full texts searched, duplicates listed once, and
blinding held (the web tests check the routes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.errors import InputError, NotPermittedError
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.opening import open_project
from sysreview.project.selection.listing import (
    RecordFilter,
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


# (words, every, full) -> the records found: ``full`` adds the authors (and full texts)
SEARCHES = {
    ("peer", True, False): {1, 3},
    ("PEER support", True, False): {1},
    ("PEER support", False, False): {1, 3},
    ("100%", True, True): {1},  # % and _ are plain characters, not wildcards
    ("0_%", True, True): set(),
    ("trial_x", True, False): {1},
    ("Ñúñez", True, True): {1},
    ("Ñúñez", True, False): set(),  # an author: only with full
    ("smith", True, True): {2},
    ("help", True, False): {2},
    ("self-help depression", True, False): {2},
    ("nothing", False, True): set(),
    ("cluster knee", False, False): {1, 3},
}


def test_search_finds_substrings_in_any_case(project: tuple[Path, str]) -> None:
    folder, url = project
    with open_project(folder, url) as review, review.store.session() as session:
        for (q, every, full), expected in SEARCHES.items():
            assert _text_matches(session, q.split(), every=every, full=full) == expected, q
        # SQLite's LIKE and ILIKE under the "C" collation fold the case of ASCII only
        assert _text_matches(session, ["ñúñez"], every=True, full=True) == set()


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
