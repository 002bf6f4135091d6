"""Covidence's exports and imports (``io.screening_formats``), on files laid out as the real ones.

The CSV header is that of a real Covidence reference export, as reproduced in the README
of ``rdoughty/csv_to_rsi`` (GitHub, commit fdf730b5b3bbdd97b561adcfe32df82ada88d0f4):
``Title, Authors, Abstract, Published Year, Published Month, Journal, Volume, Issue,
Pages, Accession Number, DOI, Ref, Covidence #, Study, Notes, Tags``; Covidence's ids are
written ``#123`` (an R analysis of a Covidence review joins its extraction export to its
``review_<id>_included_csv_<time>.csv`` by pasting ``#`` before the number). Covidence
imports RIS into the list a team picks: Screen, Full text review, Included, Excluded,
Irrelevant (University of Victoria Libraries' Covidence guide,
https://libguides.uvic.ca/c.php?g=717748&p=5123569).
"""

from __future__ import annotations

import pytest

from sysreview.errors import InputError
from sysreview.io.screening_formats import DecisionRow, covidence_lists, read_decisions

HEADER = (
    "Title,Authors,Abstract,Published Year,Published Month,Journal,Volume,Issue,Pages,"
    "Accession Number,DOI,Ref,Covidence #,Study,Notes,Tags\n"
)
EXPORT = (
    "\ufeff"
    + HEADER
    + (
        '"Peer support for depression: a randomised trial","Doe, J; Roe, K","Background: ...",'
        '2019,Mar,"J Affect Disord",12,3,"1-9",31234567,10.1000/abc,"","#17","Doe 2019",'
        '"Exclusion reason: Wrong comparator; second note","Awaiting classification"\n'
        '"Another trial","Smith, A","",2020,,"BMJ",,,,"","","","#18","Smith 2020","",""\n'
    )
)


def test_real_covidence_csv_layout_is_read() -> None:
    first, second = read_decisions(EXPORT, "covidence", source="excluded.csv", listed="exclude")
    assert first.where == "excluded.csv, row 2 (Covidence #17)"
    assert dict(first.decisions) == {"": "exclude"}
    assert first.title == "Peer support for depression: a randomised trial"
    assert first.authors == ("Doe, J", "Roe, K")
    assert (first.year, first.pmid, first.doi) == (2019, "31234567", "10.1000/abc")
    assert first.abstract == "Background: ..."
    assert first.reason == "Wrong comparator"
    assert first.key is None  # Covidence's own id never matches a project's record id
    assert dict(first.extra) == {"covidence #": "#17", "tags": "Awaiting classification"}
    assert (second.pmid, second.doi, second.reason, second.year) == (None, None, None, 2020)


def test_exclusion_reason_column_wins_over_the_note() -> None:
    text = HEADER.replace("Tags\n", "Tags,Exclusion reason\n") + (
        '"A","B",,2020,,,,,,,,,"#3",,"Exclusion reason: from the note",,"Wrong population"\n'
    )
    (row,) = read_decisions(text, "covidence", source="x.csv", listed="exclude")
    assert row.reason == "Wrong population"


def test_not_a_covidence_export() -> None:
    with pytest.raises(InputError, match="no 'Covidence #' or 'Title' column"):
        read_decisions("a,b\n1,2\n", "covidence", source="x.csv", listed="include")


def _row(rid: int, decision: str | None, reason: str | None = None) -> DecisionRow:
    decisions = {} if decision is None else {"": decision}
    return DecisionRow(rid, f"Trial {rid}", ("Doe, J",), 2020, f"10.1/{rid}", "Text.",
                       decisions, reason)  # fmt: skip


@pytest.mark.parametrize(
    ("stage", "files"),
    [
        ("ta", {"screen.ris": ("Screen", None),
                "full-text-review.ris": ("Full text review", "include"),
                "full-text-review-maybe.ris": ("Full text review", "maybe"),
                "irrelevant.ris": ("Irrelevant", "exclude")}),
        ("ft", {"full-text-review.ris": ("Full text review", None),
                "full-text-review-maybe.ris": ("Full text review", "maybe"),
                "included.ris": ("Included", "include"), "excluded.ris": ("Excluded", "exclude")}),
    ],
)  # fmt: skip
def test_lists_write_and_read_back_identical(
    stage: str, files: dict[str, tuple[str, str | None]]
) -> None:
    """Write one RIS per list, read each back with its list's decision: the same decisions,
    titles, DOIs and (full-text) exclusion reasons."""
    rows = [_row(1, None), _row(2, "include"), _row(3, "maybe"),
            _row(4, "exclude", "Wrong design | not an RCT"), _row(5, "exclude")]  # fmt: skip
    lists = covidence_lists(rows, stage)
    assert {x.file_name: (x.covidence_list, x.decision) for x in lists} == files
    assert sum(x.count for x in lists) == len(rows)
    back = {}
    for x in lists:
        if x.decision is None:  # not settled: into Screen / Full text review, no decision
            continue
        for d in read_decisions(x.text, "covidence", source=x.file_name, listed=x.decision):
            back[int(d.key or 0)] = (d.decisions[""], d.reason, d.title, d.doi)
    want = {r.record_id: (r.decisions[""], r.reason, r.title, r.doi) for r in rows if r.decisions}
    assert back == want
