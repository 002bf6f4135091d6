"""Matching PDFs to records: identifiers before titles, ambiguity reported, never guessed."""

from __future__ import annotations

import pytest

from sysreview.fulltext import PdfText, RecordKeys, dois_in, match_pdf, pmids_in
from sysreview.fulltext.matching import RecordIndex

TITLE_A = "Synthetic trial A of group peer support for depression in older adults"
TITLE_B = "Synthetic trial B of telephone peer support for anxiety in carers"
KEYS = [
    RecordKeys(1, frozenset({"10.5555/sr.a1"}), frozenset({"9000001"}), (TITLE_A,)),
    RecordKeys(2, frozenset({"10.5555/sr.b2"}), frozenset({"9000002"}), (TITLE_B,)),
    RecordKeys(3, titles=("Peer support",)),
]


def _pdf(page: str = "", **info: str) -> PdfText:
    return PdfText((page,), info, 1)


def test_doi_in_document_info_wins_over_a_title_on_the_page() -> None:
    m = match_pdf("x.pdf", _pdf(TITLE_B, doi="10.5555/SR.A1"), KEYS)
    assert (m.status, m.unit, m.by, m.evidence) == (
        "matched",
        1,
        "doi or pmid in document info",
        "10.5555/sr.a1",
    )


@pytest.mark.parametrize(
    "name",
    ["10.5555_sr.a1.pdf", "10.5555-sr.a1.pdf", "Smith2019 10.5555_sr.a1 (1).pdf",
     "pmid_9000001.pdf", "9000001.pdf"],
)  # fmt: skip
def test_file_names_carrying_the_doi_or_pmid_match(name: str) -> None:
    assert match_pdf(name, _pdf(), KEYS).unit == 1


def test_a_doi_on_the_first_page_matches_references_on_later_pages_do_not() -> None:
    pdf = PdfText(("Trials 2021. https://doi.org/10.5555/sr.b2", "References: 10.5555/sr.a1"),
                  {}, 2)  # fmt: skip
    m = match_pdf("paper.pdf", pdf, KEYS)
    assert (m.unit, m.by) == (2, "doi or pmid on first page")


def test_two_records_named_on_the_first_page_are_ambiguous_not_guessed() -> None:
    m = match_pdf("paper.pdf", _pdf("doi 10.5555/sr.a1 and PMID: 9000002"), KEYS)
    assert (m.status, m.units, m.unit) == ("ambiguous", (1, 2), None)
    assert m.summary() == ("paper.pdf: ambiguous records 1, 2 by doi or pmid on first page "
                           "(10.5555/sr.a1, PMID 9000002)")  # fmt: skip


def test_title_in_document_info_matches_above_the_threshold_only() -> None:
    assert match_pdf("x.pdf", _pdf(Title=TITLE_A.upper() + "."), KEYS).unit == 1
    near = "Synthetic trial C of group peer support for depression in young adults"
    assert match_pdf("x.pdf", _pdf(Title=near), KEYS).status == "unmatched"
    loose = match_pdf("x.pdf", _pdf(Title=near), KEYS, threshold=80)
    assert (loose.unit, loose.by) == (1, "title in document info")


def test_title_on_the_first_page_is_found_across_a_hyphenated_line_break() -> None:
    page = (
        "Journal of Peer Support 12:3\nSynthetic trial A of group peer sup-\nport for "
        "depression in older adults\nJ. Smith"
    )
    m = match_pdf("x.pdf", _pdf(page), KEYS)
    assert (m.unit, m.by) == (1, "title on first page")


def test_short_titles_are_not_searched_for_in_page_text() -> None:
    assert match_pdf("x.pdf", _pdf("Peer support in prisons"), KEYS).status == "unmatched"
    assert match_pdf("x.pdf", _pdf(Title="Peer support"), KEYS).unit == 3


def test_titles_that_fit_two_records_are_ambiguous() -> None:
    keys = [RecordKeys(1, titles=(TITLE_A,)), RecordKeys(2, titles=(TITLE_A + ".",))]
    m = match_pdf("x.pdf", _pdf(Title=TITLE_A), keys)
    assert (m.status, m.units) == ("ambiguous", (1, 2))


def test_copies_of_one_unit_count_once() -> None:
    index = RecordIndex([RecordKeys(7, frozenset({"10.5555/x"}), titles=(TITLE_A, TITLE_A))])
    assert match_pdf("10.5555_x.pdf", _pdf(Title=TITLE_A), index).unit == 7


def test_nothing_to_go_on_is_unmatched() -> None:
    m = match_pdf("scan.pdf", _pdf(), KEYS)
    assert (m.status, m.units, m.summary()) == ("unmatched", (), "scan.pdf: no record matched")


def test_threshold_is_checked() -> None:
    with pytest.raises(ValueError, match="threshold"):
        match_pdf("x.pdf", _pdf(), KEYS, threshold=0)


def test_identifier_finders() -> None:
    assert dois_in("(doi:10.5555/ab(c)d), 10.5555/e.") == ("10.5555/ab(c)d", "10.5555/e")
    assert pmids_in("PMID:12 pmid 0034 PMCID: PMC9") == ("12", "34")
    assert dois_in("no identifiers") == () == pmids_in("PMC 123")
