"""BibTeX written as CSV (CoLRev, bib-dedupe, pandas frames of bibtexparser entries).

The columns are BibTeX's field names (``ENTRYTYPE``, ``booktitle``, ``number``), names
are joined by ``and``, and CoLRev writes ``UNKNOWN`` where a field is unknown.  These
files reach users through ``sysreview import`` and ``sysreview dedup FILE``; the rows
below are shaped after ``../shared/data/dedup/digital_work/records_pre_merged.csv``.
"""

from __future__ import annotations

from sysreview.records import read_text

HEADER = '"ID","ENTRYTYPE","journal","title","year","volume","number","pages","abstract",'
HEADER += '"author","doi","booktitle"\n'


def read(*rows: str) -> list:
    result = read_text(HEADER + "".join(rows), "bib.csv")
    assert result.format == "csv"
    assert not result.warnings
    return list(result.citations)


def test_booktitle_is_the_venue_of_a_conference_paper() -> None:
    (c,) = read(
        '"id_1","inproceedings",,"Crowd work",2019,,,"1--10",,"Deng, X. and Joshi, K. D.",,'
        '"International Conference on Information Systems"\n'
    )
    assert c.journal == "International Conference on Information Systems"
    assert c.publication_type == "inproceedings"
    assert c.authors == ("Deng, X.", "Joshi, K. D.")
    assert c.pages == "1-10"


def test_journal_comes_before_booktitle_and_number_is_the_issue() -> None:
    (c,) = read('"id_2","article","MIS Q","A title",2020,44,3,"1 -- 9",,"Lee, K.",,"Ignored"\n')
    assert (c.journal, c.volume, c.issue) == ("MIS Q", "44", "3")


def test_unknown_placeholders_are_missing_values() -> None:
    (c,) = read(
        '"id_3","article","Problems of Economy","A title","UNKNOWN","UNKNOWN","UNKNOWN",'
        '"376 -- 383",,"UNKNOWN","UNKNOWN",\n'
    )
    assert (c.year, c.volume, c.issue, c.doi, c.authors) == (None, None, None, None, ())
    assert c.raw["volume"] == "UNKNOWN"  # kept as read


def test_authors_are_split_on_and_only() -> None:
    """A stray ``;`` before ``and`` does not make ``and Jane`` an author; names with
    commas inside stay whole."""
    (c,) = read(
        '"id_4","article","J","T",2012,1,1,"1",,"Chiang, Y.-H.; and Jane, W.-J. and '
        'van Stolk-Cooke, Katherine",,\n'
    )
    assert c.authors == ("Chiang, Y.-H.", "Jane, W.-J.", "van Stolk-Cooke, Katherine")


def test_doi_found_in_bracketed_text_loses_the_bracket() -> None:
    (c,) = read(
        '"id_5","article","J Polit Econ","Referrals",2016,124,6,1793,"Findings. [web URL: '
        'http://www.journals.uchicago.edu/doi/abs/10.1086/688850]","Pallais, Amanda",,\n'
    )
    assert c.doi == "10.1086/688850"


def test_balanced_brackets_belong_to_the_doi() -> None:
    (c,) = read('"id_6","article","J","T",2001,1,1,"1",,"A, B","10.1016/S0963-8687(01)00043-9",\n')
    assert c.doi == "10.1016/s0963-8687(01)00043-9"


def test_a_table_without_entrytype_keeps_its_own_author_rules() -> None:
    result = read_text("Title;Authors\nA trial;Liu R., Adler D.G.\n", "t.csv")
    assert result.citations[0].authors == ("Liu, R.", "Adler, D.G.")
