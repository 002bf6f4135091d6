"""Decoding (BOMs, UTF-16, cp1252 fallback) and format detection by content."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.records import FORMATS, READERS, decode, detect_format, read_bytes, read_file

RIS = "TY  - JOUR\nTI  - Müller's trial\nAU  - Müller, Hans\nPY  - 2020\nER  - \n"


def test_every_format_has_a_reader() -> None:
    assert set(READERS) == set(FORMATS)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (RIS.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + RIS.encode("utf-8"), "utf-8-sig"),
        (RIS.encode("utf-16"), "utf-16"),
        (RIS.encode("utf-16-le"), "utf-16-le"),
        (RIS.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_unicode_encodings_are_recognised(data: bytes, encoding: str) -> None:
    result = read_bytes(data, "x.ris")
    assert result.encoding == encoding
    assert result.citations[0].authors == ("Müller, Hans",)
    assert result.warnings == ()


def test_cp1252_falls_back_with_a_warning() -> None:
    result = read_bytes(RIS.replace("’", "'").encode("cp1252"), "old.ris")
    assert result.encoding == "cp1252"
    assert result.citations[0].title == "Müller's trial"
    assert result.warnings == (
        "old.ris: not valid UTF-8; decoded as cp1252 (check accented characters)",
    )


def test_line_endings_and_inner_boms_are_normalised() -> None:
    text, _, _ = decode(b"TY  - JOUR\r\nER  -\r\n\xef\xbb\xbfTY  - GEN\rER  -\r")
    assert text == "TY  - JOUR\nER  -\nTY  - GEN\nER  -\n"


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("\n\nTY  - JOUR\nER  -\n", "ris"),
        ("1.\nTY  - JOUR\nER  -\n", "ris"),
        ("ty  - JOUR\ner  -\n", "ris"),
        ("<1. >\nVN  - Ovid Technologies\nDB  - Embase\n", "ovid"),
        ("PMID- 33782057\nTI  - A\n", "medline"),
        ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nER\nEF", "wos"),
        ("PT J\nAU Smith, J\nER\n", "wos"),
        ("% comment\n@article{k, title={A}}\n", "bibtex"),
        ('<?xml version="1.0"?><xml><records><record/></records></xml>', "endnote_xml"),
        ("<Trials_downloaded_from_ICTRP><Trial><TrialID>X</TrialID></Trial>", "ictrp_xml"),
        ('{"studies": [{"protocolSection": {}}]}', "ctgov_json"),
        ('"NCT Number","Study Title"\n', "ctgov_csv"),
        ("title\tabstract\n", "csv"),
        ("Title,Authors\n", "csv"),
        ("30668574\n30235242\n", "pmid_list"),
    ],
)
def test_detect_format_by_content(text: str, fmt: str) -> None:
    assert detect_format(text) == fmt


def test_extension_does_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(RIS, encoding="utf-8")
    assert read_file(path).format == "ris"


def test_unrecognised_format_says_what_it_saw_and_what_is_supported() -> None:
    with pytest.raises(InputError) as info:
        read_bytes(b"Hello reviewer\nnothing to see\n", "notes.txt")
    message = str(info.value)
    assert message.startswith("notes.txt: unrecognised export format: the first line is 'Hello")
    assert "RIS ('TY  - '" in message and "BibTeX" in message and "PMIDs" in message


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ris"
    empty.write_bytes(b"\xef\xbb\xbf\n\n")
    with pytest.raises(InputError, match=r"empty\.ris: the file is empty"):
        read_file(empty)
    with pytest.raises(InputError, match="cannot read the file"):
        read_file(tmp_path / "absent.ris")


def test_explicit_format_overrides_detection() -> None:
    result = read_bytes(b"title\n30668574\n", format="csv")
    assert result.format == "csv" and result.citations[0].title == "30668574"
    with pytest.raises(InputError, match="unknown format 'docx'"):
        read_bytes(b"x", format="docx")


def test_public_api_names_resolve() -> None:
    import sysreview.records as records

    assert records.__all__
    for name in records.__all__:
        assert hasattr(records, name), name
