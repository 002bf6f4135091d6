"""Bad input, case by case: one InputError naming file and line (or study), or records
whose text is clean and storable, with a warning saying what was changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.records import open_export, read_bytes, read_file, read_text
from sysreview.records import source as line_source
from tests.fuzz.strategies import assert_clean

STUDY = {
    "protocolSection": {
        "identificationModule": {"nctId": "NCT04280705", "briefTitle": "ACTT-1"},
        "conditionsModule": {"conditions": ["COVID-19"]},
    }
}


def _ctgov(study: object) -> str:
    return json.dumps({"studies": [STUDY, study]})


def _refused(text: str, source: str, format: str | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        read_text(text, source, format=format)
    assert "\n" not in str(info.value)
    return info.value


# ---- ClinicalTrials.gov JSON ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("study", "message"),
    [
        (
            {"protocolSection": []},
            "ct.json, study 2: protocolSection is a list; expected an object",
        ),
        (
            {"protocolSection": {"identificationModule": {"briefTitle": 7}}},
            "ct.json, study 2: protocolSection.identificationModule.briefTitle is a number; "
            "expected a string",
        ),
        (
            {"protocolSection": {"conditionsModule": {"conditions": "Asthma"}}},
            "ct.json, study 2: protocolSection.conditionsModule.conditions is a string; "
            "expected a list of strings",
        ),
        (
            {"protocolSection": {"statusModule": {"startDateStruct": [2020]}}},
            "ct.json, study 2: protocolSection.statusModule.startDateStruct is a list; "
            "expected an object",
        ),
    ],
)
def test_ctgov_unexpected_node_types_name_study_and_node(study: object, message: str) -> None:
    assert str(_refused(_ctgov(study), "ct.json")) == message


def test_ctgov_deep_nesting_huge_numbers_and_nan_name_their_line() -> None:
    deep = '{"studies": [\n{"protocolSection": {}, "x": ' + "[" * 100_000 + "]" * 100_000 + "}]}"
    assert str(_refused(deep, "d.json")) == "d.json, line 2: JSON nested more than 64 levels deep"
    legal_depth = '{"studies": [{"protocolSection": {}, "x": ' + "[" * 70 + "]" * 70 + "}]}"
    assert "more than 64 levels" in str(_refused(legal_depth, "e.json"))
    huge = '{"studies": [{"protocolSection": {},\n"n": ' + "9" * 5000 + "}]}"
    assert str(_refused(huge, "h.json")) == "h.json, line 2: a number with over 4,300 digits"
    nan = '{"studies": [{"protocolSection": {"x": NaN}}]}'
    assert str(_refused(nan, "n.json")) == "n.json, line 1: invalid JSON: NaN is not a JSON number"


def test_ctgov_nul_and_lone_surrogates_are_cleaned_in_fields_and_raw() -> None:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT1", "briefTitle": "A\u0000 trial \ud800x"},
            "conditionsModule": {"conditions": ["Asth\u0000ma"]},
        },
        "extra\u0000": ["\udfff"],
    }
    result = read_text(_ctgov(study), "s.json")
    second = result.citations[1]
    assert second.title == "A trial \ufffdx" and second.keywords == ("Asthma",)
    assert second.raw["extra"] == ["\ufffd"]
    assert result.warnings == (
        "s.json: 1 studies (first: study 2) held NUL characters, lone surrogates or "
        "non-finite numbers; removed or replaced",
    )
    for citation in result.citations:
        assert_clean(citation)


# ---- BibTeX -----------------------------------------------------------------------------------


def test_bibtex_undefined_macro_names_it_and_its_line() -> None:
    text = "@article{a, title = {Fine}, month = jan}\n\n@article{b,\n  journal = jbmj,\n}\n"
    assert str(_refused(text, "refs.bib")) == (
        "refs.bib, line 4: macro 'jbmj' is used but not defined: add @string{jbmj = {...}} "
        "or write the value in braces"
    )
    defined = "@string{jbmj = {BMJ}}\n" + text
    assert read_text(defined, "refs.bib").citations[1].journal == "BMJ"


def test_bibtex_deep_braces_name_their_line() -> None:
    text = "@article{a, title = {A}}\n@article{b,\n title = {" + "{" * 5000 + "x" + "}" * 5001
    assert str(_refused(text, "deep.bib")) == (
        "deep.bib, line 3: braces nested more than 32 levels deep (is a closing brace missing?)"
    )
    nested = "@article{a, title = {" + "{" * 20 + "x" + "}" * 20 + "}}\n"
    assert read_text(nested, "ok.bib").citations[0].title == "x"


# ---- NUL, surrogates, encodings -----------------------------------------------------------------

RIS = "TY  - JOUR\nTI  - First\nER  - \nTY  - JOUR\nTI  - Sec\x00ond\x00\nAU  - Doe, J\nER  - \n"


def test_nul_bytes_are_removed_with_a_warning_naming_the_first_line() -> None:
    result = read_bytes(RIS.encode(), "nul.ris")
    assert [c.title for c in result.citations] == ["First", "Second"]
    assert result.citations[1].raw["TI"] == ["Second"]
    assert result.warnings == (
        "nul.ris:5: 2 NUL character(s) removed (first on line 5); a database cannot store them",
    )


def test_lone_surrogates_in_text_are_replaced_with_a_warning() -> None:
    result = read_text(RIS.replace("\x00", "").replace("First", "Fi\ud83drst"), "s.ris")
    assert result.citations[0].title == "Fi\ufffdrst"
    assert result.warnings == (
        "s.ris:2: 1 lone surrogate(s) (half of a UTF-16 pair) replaced by '\ufffd' "
        "(first on line 2)",
    )


def test_broken_utf16_stays_utf16() -> None:
    data = "\ufeffTY  - JOUR\nTI  - Müller\nER  - \n".encode("utf-16-le")
    data = data[:20] + b"\x00\xd8" + data[20:]  # a lone high surrogate
    result = read_bytes(data, "u16.ris")
    assert result.encoding == "utf-16"
    assert result.citations[0].title == "Müller"
    assert result.warnings == ("u16.ris: not valid UTF-16; invalid parts replaced by '\ufffd'",)


def test_excel_unicode_text_and_cp1252_csv(tmp_path: Path) -> None:
    table = "Title\tAuthors\tYear\nCafé au lait\tMüller, H\t2020\n"
    unicode_text = tmp_path / "excel_unicode.txt"
    unicode_text.write_bytes(b"\xff\xfe" + table.encode("utf-16-le"))
    ansi = tmp_path / "excel_ansi.csv"
    ansi.write_bytes(table.replace("\t", ";").encode("cp1252"))
    for path in (unicode_text, ansi):
        citation = read_file(path).citations[0]
        assert (citation.title, citation.authors, citation.year) == (
            "Café au lait",
            ("Müller, H",),
            2020,
        )


# ---- control characters -----------------------------------------------------------------------


def test_controls_leave_normalised_fields_and_stay_in_raw() -> None:
    text = (
        "TY  - JOUR\nTI  - \x1b[2J\x1b[31mRed\x1b[0m [bold]trial[/bold]\u202e\x07\n"
        "AU  - Do\x08e, J\nAB  - Line\x1b]0;pwned\x07 one\r\nKW  - a\x9bb\nER  - \n"
    )
    citation = read_text(text, "c.ris").citations[0]
    assert citation.title == "Red [bold]trial[/bold]"
    assert citation.authors == ("Doe, J",)
    assert citation.abstract == "Line one"
    assert citation.keywords == ("ab",)
    assert citation.raw["TI"] == ["\x1b[2J\x1b[31mRed\x1b[0m [bold]trial[/bold]\u202e\x07"]
    assert_clean(citation)


# ---- streaming --------------------------------------------------------------------------------


def test_long_multi_line_values_are_joined_once() -> None:
    lines = "\n".join(f"word{i}" for i in range(50_000))
    citation = read_text(f"TY  - JOUR\nAB  - start\n{lines}\nER  - \n", "long.ris").citations[0]
    assert citation.abstract is not None
    assert citation.abstract.startswith("start word0 word1 ") and citation.abstract.endswith(
        "word49999"
    )
    assert citation.raw["AB"][0].count("\n") == 50_000


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_files_read_in_small_chunks_give_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    text = "\r\n".join(
        f"TY  - JOUR\rTI  - Tr\u00e9s {i}\r\nAU  - M\u00fcller, H\nER  - " for i in range(40)
    )
    if encoding != "cp1252":
        text = text.replace("\u00e9", "\u00e9\u4e2d")
    path = tmp_path / "chunks.ris"
    path.write_bytes(text.encode(encoding))
    whole = read_bytes(path.read_bytes(), str(path))
    monkeypatch.setattr(line_source, "CHUNK", 7)  # \r\n and multi-byte characters split
    export = open_export(path)
    assert export.count() == 40
    warnings: list[str] = []
    assert tuple(export.citations(warnings)) == whole.citations
    assert tuple(warnings) == whole.warnings
    assert read_file(path) == whole


def test_a_late_error_in_a_streamed_file_is_found_by_counting(tmp_path: Path) -> None:
    good = "".join(f"PMID- {i}\nTI  - Trial {i}\n\n" for i in range(1, 3000))
    path = tmp_path / "late.nbib"
    path.write_text(good + "TI  - lost title\n", encoding="utf-8")
    export = open_export(path)
    with pytest.raises(InputError) as info:
        export.count()
    assert str(info.value) == (
        f"{path}, line 8998, column 'TI': tag 'TI' outside any record "
        "(a medline record starts with PMID- )"
    )
