"""RIS dialect rules and malformed-file messages (file, line, tag)."""

from __future__ import annotations

import pytest

from sysreview.errors import InputError
from sysreview.records import read_text


def test_dialect_quirks() -> None:
    text = (
        "Database: Embase <1974 to 2024>\n"  # exporter banner outside records
        "TY  - JOUR\n"
        "ti  - Lower-case tags\n"
        "A1\t- Smith, John\n"
        "AU  - Doe J\n"
        "AU  - Roe R\n"
        "AB  - First line\n"
        "second line\n"
        "Y1  - 2019 Jul 13\n"
        "SP  - 123\n"
        "EP  - 130\n"
        "UR  - https://doi.org/10.1000/ABC.1\n"
        "L2  - https://pubmed.ncbi.nlm.nih.gov/123456/\n"
        "ER  -"
    )
    c = read_text(text, "t.ris").citations[0]
    assert c.title == "Lower-case tags"
    assert c.authors == ("Doe, J", "Roe, R")  # AU preferred over A1
    assert c.abstract == "First line second line"
    assert (c.year, c.pages, c.doi, c.pmid) == (2019, "123-130", "10.1000/abc.1", "123456")
    assert c.raw["AB"] == ["First line\nsecond line"]


def test_an_is_a_pmid_only_for_pubmed_records() -> None:
    pubmed = "TY  - JOUR\nAN  - 21553931\nDP  - NLM\nER  - \n"
    proquest = "TY  - JOUR\nAN  - 2214991469\nDB  - PTSDpubs\nER  - \n"
    assert read_text(pubmed).citations[0].pmid == "21553931"
    assert read_text(proquest).citations[0].pmid is None


def test_missing_er_is_accepted_with_a_warning_naming_the_record() -> None:
    result = read_text("TY  - JOUR\nTI  - A\nTY  - JOUR\nTI  - B\n", "cut.ris")
    assert [c.title for c in result.citations] == ["A", "B"]
    assert result.warnings == (
        "cut.ris:1: record has no 'ER  -' before the next 'TY' at line 3; accepted",
        "cut.ris:3: record not terminated by 'ER  -' at end of file; accepted",
    )


def test_tag_before_the_first_ty_is_an_error_with_line_and_tag() -> None:
    with pytest.raises(InputError) as info:
        read_text("\nAU  - Smith, J\nTI  - A\nTY  - JOUR\nER  - \n", "bad.ris")
    error = info.value
    assert (error.source, error.line, error.column) == ("bad.ris", 2, "AU")
    assert str(error) == (
        "bad.ris, line 2, column 'AU': tag 'AU' before the first 'TY  - ' line: "
        "a RIS record must start with 'TY  - '"
    )


def test_empty_values_are_fine() -> None:
    c = read_text("TY  - GEN\nTI  -\nN2  - \nPY  -\nER  -\n").citations[0]
    assert (c.title, c.abstract, c.year) == (None, None, None)


def test_repeated_tags_keep_every_value() -> None:
    c = read_text("TY  - JOUR\nSN  - 1111-2222\nSN  - 3333-4444\nKW  - a\nKW  - b\nER  - \n")
    assert c.citations[0].issn == "1111-2222"
    assert c.citations[0].raw["SN"] == ["1111-2222", "3333-4444"]
    assert c.citations[0].keywords == ("a", "b")
