"""The RevMan reader refuses bad input with an InputError naming the file and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.errors import InputError, SysreviewError
from sysreview.revman import parse_rm5, read_rm5

MINIMAL = (
    '<COCHRANE_REVIEW><ANALYSES_AND_DATA><COMPARISON ID="CMP-001" NO="1"><NAME>C</NAME>'
    "{outcome}</COMPARISON></ANALYSES_AND_DATA></COCHRANE_REVIEW>"
)


def _write(tmp_path: Path, text: str, name: str = "bad.rm5") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_xml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "<COCHRANE_REVIEW><COVER_SHEET></COCHRANE_REVIEW>")
    with pytest.raises(InputError, match="malformed XML: mismatched tag: line 1") as info:
        read_rm5(path)
    assert str(path) in str(info.value)
    assert info.value.source == str(path)


def test_truncated_file(tmp_path: Path) -> None:
    path = _write(tmp_path, '<?xml version="1.0"?>\n<COCHRANE_REVIEW><COVER_SHEET>')
    with pytest.raises(InputError, match=r"bad\.rm5: malformed XML"):
        read_rm5(path)


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="malformed XML"):
        read_rm5(_write(tmp_path, ""))


def test_other_xml_is_not_rm5(tmp_path: Path) -> None:
    path = _write(tmp_path, "<?xml version='1.0'?><PubmedArticleSet/>", "pubmed.xml")
    with pytest.raises(InputError, match="not a RevMan 5 file") as info:
        read_rm5(path)
    assert "pubmed.xml" in str(info.value) and "<PubmedArticleSet>" in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.rm5: cannot read file"):
        read_rm5(tmp_path / "missing.rm5")
    with pytest.raises(InputError, match="cannot read file"):
        read_rm5(tmp_path)


def test_input_error_is_a_value_error_and_a_sysreview_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        read_rm5(tmp_path / "missing.rm5")
    with pytest.raises(SysreviewError):
        read_rm5(tmp_path / "missing.rm5")


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE COCHRANE_REVIEW [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><COCHRANE_REVIEW>&b;</COCHRANE_REVIEW>'
    )
    with pytest.raises(InputError, match=r"bad\.rm5: unsafe XML refused"):
        read_rm5(_write(tmp_path, bomb))


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<COCHRANE_REVIEW>&x;</COCHRANE_REVIEW>"
    )
    with pytest.raises(InputError, match="unsafe XML refused"):
        read_rm5(_write(tmp_path, xxe))


def test_bad_number_names_element_and_attribute() -> None:
    outcome = (
        '<DICH_OUTCOME ID="CMP-001.01" NO="1" EFFECT_MEASURE="RR" METHOD="MH" TOTALS="YES">'
        '<DICH_DATA STUDY_ID="STD-A" EVENTS_1="five" TOTAL_1="10"/></DICH_OUTCOME>'
    )
    with pytest.raises(
        InputError, match=r"x\.rm5: <DICH_DATA ID='STD-A'>: EVENTS_1='five' is not a number"
    ):
        parse_rm5(MINIMAL.format(outcome=outcome), source="x.rm5")


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ('NO="1" EFFECT_MEASURE="HR" METHOD="MH"', "EFFECT_MEASURE is 'HR'; must be one of RR, OR"),
        ('NO="1" EFFECT_MEASURE="RR" METHOD="DL"', "METHOD is 'DL'; must be one of MH, IV, PETO"),
        ('NO="1" METHOD="MH"', "EFFECT_MEASURE is missing"),
        ('NO="1" EFFECT_MEASURE="RR" METHOD="MH" TOTALS="ALL"', "TOTALS is 'ALL'"),
        ('NO="one" EFFECT_MEASURE="RR" METHOD="MH"', "NO='one' is not an integer"),
        ('EFFECT_MEASURE="RR" METHOD="MH"', "attribute NO is missing"),
    ],
)
def test_bad_settings_are_reported(attributes: str, message: str) -> None:
    outcome = f'<DICH_OUTCOME ID="CMP-001.01" {attributes}><NAME>O</NAME></DICH_OUTCOME>'
    with pytest.raises(InputError, match=rf"x\.rm5: <DICH_OUTCOME ID='CMP-001\.01'>: {message}"):
        parse_rm5(MINIMAL.format(outcome=outcome), source="x.rm5")


def test_missing_ids_are_reported() -> None:
    with pytest.raises(InputError, match="<COMPARISON>: attribute ID is missing"):
        parse_rm5(
            "<COCHRANE_REVIEW><ANALYSES_AND_DATA><COMPARISON NO='1'/>"
            "</ANALYSES_AND_DATA></COCHRANE_REVIEW>"
        )
    outcome = '<CONT_OUTCOME ID="CMP-001.01" NO="1" EFFECT_MEASURE="MD"><CONT_DATA/></CONT_OUTCOME>'
    with pytest.raises(InputError, match="<CONT_DATA>: attribute STUDY_ID is missing"):
        parse_rm5(MINIMAL.format(outcome=outcome))
