"""Formats the shared folder lacks (hand-made fixtures) and malformed files of each format."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.records import read_file, read_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "records"


def test_pubmed_nbib() -> None:
    result = read_file(FIXTURES / "pubmed_two_records.nbib")
    assert result.format == "medline"
    first, second = result.citations
    assert first.title == (
        "The PRISMA 2020 statement: an updated guideline for reporting systematic reviews."
    )
    assert first.authors == ("Page, Matthew J", "McKenzie, Joanne E", "Moher, David")
    assert (first.year, first.pmid, first.doi, first.pages) == (
        2021,
        "33782057",
        "10.1136/bmj.n71",
        "n71",
    )
    assert (first.journal, first.journal_abbrev, first.issn) == (
        "BMJ (Clinical research ed.)",
        "BMJ",
        "1756-1833",
    )
    assert first.abstract is not None and first.abstract.startswith("The Preferred Reporting Items")
    assert (second.line, second.pmid, second.year) == (30, "31462531", 2019)
    assert second.keywords == ("risk of bias", "randomised trials")
    assert second.raw["PT"] == ["Journal Article", "Research Support, Non-U.S. Gov't"]


def test_bibtex() -> None:
    result = read_file(FIXTURES / "two_entries.bib")
    assert result.format == "bibtex"
    first, second = result.citations
    assert (first.line, first.record_id, first.pmid, first.doi) == (
        2,
        "page2021prisma",
        "33782057",
        "10.1136/bmj.n71",
    )
    assert (
        first.title
        == "The PRISMA 2020 statement: an updated guideline for reporting systematic reviews"
    )
    assert first.keywords == ("reporting guideline", "systematic reviews")
    assert second.authors == ("Sterne, Jonathan A. C.", "Savović, Jelena", "Higgins, Julian P. T.")
    assert (second.year, second.doi, second.journal) == (2019, "10.1136/bmj.l4898", "BMJ")


def test_bibtex_entry_that_cannot_be_parsed_is_named() -> None:
    text = "@article{good, title={A}, year=2020}\n\n@article{bad,\n  title = {B\n"
    with pytest.raises(InputError, match=r"refs.bib, line 3: BibTeX entry 'bad'"):
        read_text(text, "refs.bib")


def test_ctgov_json_and_csv_agree() -> None:
    json_result = read_file(FIXTURES / "ctgov_api_v2.json")
    csv_result = read_file(FIXTURES / "ctgov_studies.csv")
    assert (json_result.format, csv_result.format) == ("ctgov_json", "ctgov_csv")
    for a, b in zip(json_result.citations, csv_result.citations, strict=True):
        assert (a.record_id, a.title, a.year, a.url, a.keywords) == (
            b.record_id,
            b.title,
            b.year,
            b.url,
            b.keywords,
        )
    actt = json_result.citations[0]
    assert actt.record_id == "NCT04280705" and actt.year == 2020
    assert actt.publication_type == "Trial registration" and actt.database == "ClinicalTrials.gov"
    assert actt.raw["protocolSection"]["identificationModule"]["officialTitle"].startswith(
        "A Multicenter"
    )


def test_ctgov_json_errors() -> None:
    with pytest.raises(InputError, match=r"api.json, line 2: invalid JSON"):
        read_text('{"studies": [\n  {"protocolSection": }]}', "api.json", format="ctgov_json")
    with pytest.raises(InputError, match="expected studies with a 'protocolSection'"):
        read_text('{"studies": [{"nctId": "NCT1"}]}', "api.json")


def test_ictrp_xml() -> None:
    result = read_file(FIXTURES / "ictrp_two_trials.xml")
    assert result.format == "ictrp_xml"
    recovery = result.citations[0]
    assert (recovery.record_id, recovery.title, recovery.year) == (
        "ISRCTN50189673",
        "Randomised Evaluation of COVID-19 Therapy",
        2020,
    )
    assert recovery.keywords == ("COVID-19", "Severe acute respiratory syndrome")
    assert recovery.database == "ISRCTN"
    assert (
        recovery.raw["Scientific_title"] == "Randomised Evaluation of COVID-19 Therapy (RECOVERY)"
    )


def test_invalid_xml_names_its_line() -> None:
    text = '<?xml version="1.0"?>\n<xml><records>\n<record><titles></record>\n</records></xml>'
    with pytest.raises(InputError) as info:
        read_text(text, "lib.xml")
    assert info.value.line == 3 and "invalid XML: mismatched tag" in str(info.value)


def test_xml_entity_expansion_is_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><records>&a;</records></xml>'
    with pytest.raises(InputError, match="XML refused for safety"):
        read_text(bomb, "bomb.xml")


def test_ovid_and_wos_tags_outside_records() -> None:
    with pytest.raises(InputError, match=r"x.txt, line 1, column 'TI': tag 'TI' outside"):
        read_text("TI  - A\n<1. >\nTI  - B\n", "x.txt", format="ovid")
    with pytest.raises(InputError, match=r"w.txt, line 2, column 'AU'"):
        read_text("FN Clarivate Analytics Web of Science\nAU Smith, J\nPT J\nER\n", "w.txt")


def test_ovid_medline_ui_is_the_pmid() -> None:
    text = (
        "<1. >\nDB  - Ovid MEDLINE(R)\nUI  - 31462531\nTI  - RoB 2\n"
        "SO  - BMJ. 366:l4898, 2019 08 28.\n"
    )
    c = read_text(text).citations[0]
    assert (c.pmid, c.journal, c.volume, c.pages, c.year) == (
        "31462531",
        "BMJ",
        "366",
        "l4898",
        2019,
    )


def test_pmid_list_rejects_other_lines() -> None:
    with pytest.raises(InputError, match=r"ids.txt, line 2: 'abc' is not a PMID"):
        read_text("123\nabc\n", "ids.txt", format="pmid_list")


def test_csv_errors() -> None:
    with pytest.raises(InputError) as info:
        read_text("Name,Notes\nx,y\n", "t.csv")
    assert info.value.line == 1
    assert "no title or abstract column; the columns are 'Name', 'Notes'" in str(info.value)
    abstracts_only = read_text("Name,Abstract\nx,y\n", "t.csv")
    assert abstracts_only.citations[0].abstract == "y"
    assert "t.csv:1: no title column, so records have abstracts only" in abstracts_only.warnings[0]
    with pytest.raises(InputError, match=r"t.csv, row 3: row has 3 cells but the header has 2"):
        read_text("title,abstract\na,b\nc,d,e\n", "t.csv")


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (
            "Title,Authors,Publication Year,Source title,DOI,PubMed ID",
            "A,Liu R.; Adler D.G.,2014,J X,10.1/A,123",
        ),
        (
            "title,authors,year,journal,doi,pmid",
            "A,Liu R. and Adler D.G.,2014,J X,https://doi.org/10.1/a,123",
        ),
        (
            "Article Title,Author,PY,Journal,DI,pubmed_id",
            'A,"Liu R., Adler D.G.",2014,J X,10.1/A,123',
        ),
        (
            "primary_title,au,Publication Year,Source title,DOI,PMID",
            "A,Liu R.;Adler D.G.,2014,J X,doi:10.1/A,123",
        ),
    ],
)
def test_csv_column_names_as_other_tools_write_them(header: str, row: str) -> None:
    c = read_text(f"{header}\n{row}\n").citations[0]
    assert (c.title, c.authors, c.year, c.journal, c.doi, c.pmid) == (
        "A",
        ("Liu, R.", "Adler, D.G."),
        2014,
        "J X",
        "10.1/a",
        "123",
    )
