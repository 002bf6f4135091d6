"""The RevMan reader on a small hand-written ``.rm5`` (no shared data needed)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import sysreview.revman as revman
from sysreview.revman import (
    Comparison,
    Outcome,
    Review,
    StoredPooled,
    StoredStudy,
    StudyRow,
    Subgroup,
    parse_rm5,
    read_rm5,
)

RM5 = """<?xml version="1.0" encoding="{encoding}"?>
<COCHRANE_REVIEW TYPE="INTERVENTION" REVMAN_VERSION="5">
<COVER_SHEET><TITLE>Caf\u00e9 trials</TITLE></COVER_SHEET>
<STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>
<STUDY ID="STD-Smith-2001" NAME="Smith 2001" YEAR="2001"/>
<STUDY ID="STD-Jones-2003" NAME="" YEAR="2003"/>
</INCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES>
<ANALYSES_AND_DATA CALCULATED_DATA="YES">
<COMPARISON ID="CMP-001" NO="1"><NAME>Coffee versus tea</NAME>
<DICH_OUTCOME ID="CMP-001.01" NO="1" EFFECT_MEASURE="OR" METHOD="PETO" RANDOM="NO"
  TOTALS="SUB" SUBGROUPS="YES" SUBGROUP_TEST="YES" SWAP_EVENTS="NO" CI_STUDY="90"
  CI_TOTAL="95" EFFECT_SIZE="0.5" Q="1.5" P_Q="0.22" I2_Q="33.3" TAU2="NaN" STUDIES="3"
  P_CHI2="-1.0E-15" LOG_EFFECT_SIZE="-Infinity">
<NAME>Death at <SUB>30</SUB>
  days</NAME>
<GROUP_LABEL_1>Coffee</GROUP_LABEL_1><GROUP_LABEL_2></GROUP_LABEL_2>
<DICH_SUBGROUP ID="CMP-001.01.01" NO="1" EFFECT_SIZE="0.4" STUDIES="2" ESTIMABLE="YES">
<NAME>Adults</NAME>
<DICH_DATA STUDY_ID="STD-Smith-2001" EVENTS_1="5" TOTAL_1="50" EVENTS_2="10" TOTAL_2="50"
  ESTIMABLE="YES" EFFECT_SIZE="0.45" SE="0.55" WEIGHT="60.0" ORDER="2" O_E="-2.5" VAR="2.1"/>
<DICH_DATA STUDY_ID="STD-Jones-2003" EVENTS_1="0" TOTAL_1="20" EVENTS_2="0" TOTAL_2="20"
  ESTIMABLE="NO" EFFECT_SIZE="0.0" SE="0.0" WEIGHT="0.0" ORDER="3"/>
</DICH_SUBGROUP>
<DICH_SUBGROUP ID="CMP-001.01.02" NO="2" EFFECT_SIZE="" ESTIMABLE="NO">
<NAME>Children</NAME>
<DICH_DATA STUDY_ID="STD-O_x0027_Brien-1999" EVENTS_1="1" TOTAL_1="10" EVENTS_2="2"
  TOTAL_2="10" ESTIMABLE="YES" EFFECT_SIZE="0.47" SE="1.2" WEIGHT="40.0" ORDER="1"/>
</DICH_SUBGROUP>
</DICH_OUTCOME>
<CONT_OUTCOME ID="CMP-001.02" NO="2" EFFECT_MEASURE="SMD" RANDOM="YES" TOTALS="YES"
  EFFECT_SIZE="-0.2" Q="" P_Q="" I2_Q="">
<NAME>Pain</NAME>
<CONT_DATA STUDY_ID="STD-Smith-2001" MEAN_1="3.5" SD_1="1.25" TOTAL_1="40" MEAN_2="4.0"
  SD_2="1.5" TOTAL_2="41" ESTIMABLE="YES" EFFECT_SIZE="-0.36" SE="0.22" WEIGHT="100.0"/>
</CONT_OUTCOME>
<IV_OUTCOME ID="CMP-001.03" NO="3" LOG_DATA="YES" RANDOM="YES" TOTALS="NO" EFFECT_SIZE="0.8">
<NAME>Survival</NAME>
<EFFECT_MEASURE>Hazard Ratio</EFFECT_MEASURE>
<IV_DATA STUDY_ID="STD-Smith-2001" ESTIMATE="-0.22314355" SE="0.1" TOTAL_1="100"
  TOTAL_2="98" ESTIMABLE="YES" EFFECT_SIZE="0.8" WEIGHT="100.0"/>
</IV_OUTCOME>
<IPD_OUTCOME ID="CMP-001.04" NO="4"><NAME>Time to event</NAME></IPD_OUTCOME>
</COMPARISON>
</ANALYSES_AND_DATA>
</COCHRANE_REVIEW>
"""


def _review(encoding: str = "UTF-8", newline: str = "\n") -> Review:
    text = RM5.format(encoding=encoding).replace("\n", newline)
    return parse_rm5(text.encode(encoding), source="synthetic.rm5")


def test_public_names_are_curated() -> None:
    assert sorted(revman.__all__) == [
        "Comparison",
        "Outcome",
        "Review",
        "StoredPooled",
        "StoredStudy",
        "StudyRow",
        "Subgroup",
        "parse_rm5",
        "read_rm5",
    ]


@pytest.mark.parametrize(
    "cls", [Review, Comparison, Outcome, Subgroup, StudyRow, StoredPooled, StoredStudy]
)
def test_records_are_frozen_slotted_dataclasses(cls: type) -> None:
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen
    assert "__slots__" in cls.__dict__


def test_tree_structure_and_settings() -> None:
    review = _review()
    assert review.title == "Caf\u00e9 trials" and review.path == "synthetic.rm5"
    assert review.skipped_outcomes == ("CMP-001.04",)
    (comparison,) = review.comparisons
    assert (comparison.id, comparison.no, comparison.name) == ("CMP-001", 1, "Coffee versus tea")
    assert [o.id for o in review.outcomes()] == ["CMP-001.01", "CMP-001.02", "CMP-001.03"]
    dich = review.outcome("CMP-001.01")
    assert dich.name == "Death at 30 days"
    assert (dich.measure, dich.method, dich.random, dich.totals) == ("OR", "PETO", False, "SUB")
    assert dich.log_data and dich.subgroups_flag and dich.subgroup_test_flag
    assert (dich.ci_study, dich.ci_total) == (90.0, 95.0)
    assert (dich.group_label_1, dich.group_label_2) == ("Coffee", None)
    assert dich.subgroup_test == (1.5, 0.22, 33.3)
    assert [s.study_id for s in dich.studies] == [
        "STD-Smith-2001",
        "STD-Jones-2003",
        "STD-O_x0027_Brien-1999",
    ]
    assert [s.subgroup_no for s in dich.studies] == [1, 1, 2]
    adults, children = dich.subgroups
    assert adults.stored is not None and adults.stored.studies == 2 and adults.estimable
    assert children.stored is None and not children.estimable


def test_stored_values_keep_java_specials() -> None:
    stored = _review().outcome("CMP-001.01").stored
    assert stored is not None
    assert stored.tau2 is not None and stored.tau2 != stored.tau2  # NaN
    assert stored.log_effect_size == float("-inf")
    assert stored.p_chi2 == -1.0e-15
    assert stored.ci_start is None  # absent attribute


def test_study_names_and_fallbacks() -> None:
    review = _review()
    assert review.study_names == {
        "STD-Smith-2001": "Smith 2001",
        "STD-Jones-2003": "Jones 2003",  # empty NAME -> derived from the id
        "STD-O_x0027_Brien-1999": "O'Brien 1999",  # no STUDY element; XML escape decoded
    }
    assert [s.study_name for s in review.outcome("CMP-001.01").studies][-1] == "O'Brien 1999"


def test_rows_of_each_data_type() -> None:
    review = _review()
    smith, jones, _ = review.outcome("CMP-001.01").studies
    assert (smith.events_1, smith.total_1, smith.events_2, smith.total_2) == (5, 50, 10, 50)
    assert smith.stored == StoredStudy(0.45, 0.55, None, None, 60.0, None, None, None, -2.5, 2.1)
    assert not jones.estimable and jones.stored is not None and jones.stored.weight == 0.0
    (cont,) = review.outcome("CMP-001.02").studies
    assert (cont.mean_1, cont.sd_1, cont.mean_2, cont.sd_2) == (3.5, 1.25, 4.0, 1.5)
    assert cont.events_1 is None and cont.estimate is None
    assert review.outcome("CMP-001.02").subgroup_test is None
    iv_outcome = review.outcome("CMP-001.03")
    assert (iv_outcome.measure, iv_outcome.method, iv_outcome.log_data) == ("GIV", "IV", True)
    assert iv_outcome.iv_measure_label == "Hazard Ratio" and iv_outcome.totals == "NO"
    (iv,) = iv_outcome.studies
    assert (iv.estimate, iv.se_input, iv.total_1) == (-0.22314355, 0.1, 100.0)
    assert iv.stored is not None and iv.stored.se is None


@pytest.mark.parametrize(("encoding", "newline"), [("UTF-8", "\n"), ("ISO-8859-1", "\r\n")])
def test_encodings_and_line_ends(tmp_path: Path, encoding: str, newline: str) -> None:
    path = tmp_path / "review.rm5"
    path.write_bytes(RM5.format(encoding=encoding).replace("\n", newline).encode(encoding))
    review = read_rm5(path)
    assert review.title == "Caf\u00e9 trials"
    assert review.outcome("CMP-001.01").name == "Death at 30 days"
    assert review.path == str(path)


def test_to_frame_is_tidy_and_typed() -> None:
    frame = _review().outcome("CMP-001.01").to_frame()
    assert list(frame.columns) == [
        "study_id",
        "study",
        "subgroup_no",
        "subgroup",
        "order",
        "estimable",
        "events_1",
        "total_1",
        "events_2",
        "total_2",
        "effect_size",
        "se",
        "ci_start",
        "ci_end",
        "weight",
        "log_effect_size",
        "log_ci_start",
        "log_ci_end",
        "o_e",
        "var",
    ]
    assert frame["subgroup"].tolist() == ["Adults", "Adults", "Children"]
    assert str(frame["subgroup_no"].dtype) == "Int64"
    assert frame["estimable"].tolist() == [True, False, True]
    assert frame["events_1"].dtype == "float64"
    iv_frame = _review().outcome("CMP-001.03").to_frame()
    assert {"estimate", "se_input"} <= set(iv_frame.columns)
    assert iv_frame["se"].isna().all()
    review_frame = _review().to_frame()
    assert review_frame["outcome_id"].tolist() == ["CMP-001.01", "CMP-001.02", "CMP-001.03"]


def test_summaries() -> None:
    review = _review()
    text = review.outcome("CMP-001.01").summary()
    assert text.splitlines() == [
        "CMP-001.01 Death at 30 days: DICH OR, PETO fixed, totals SUB, 3 studies; "
        "stored OR 0.5 [?, ?]",
        "  Smith 2001 [Adults]: 5/50 vs 10/50; OR 0.45 [?, ?], weight 60.0%",
        "  Jones 2003 [Adults]: 0/20 vs 0/20; not estimable",
        "  O'Brien 1999 [Children]: 1/10 vs 2/10; OR 0.47 [?, ?], weight 40.0%",
    ]
    assert "estimate -0.223144 (SE 0.1)" in review.outcome("CMP-001.03").summary()
    assert review.summary().splitlines()[0] == "Caf\u00e9 trials (synthetic.rm5)"
    assert len(review.summary().splitlines()) == 4


def test_unknown_outcome_id_raises_key_error() -> None:
    with pytest.raises(KeyError, match=r"CMP-009\.01"):
        _review().outcome("CMP-009.01")


def test_records_cannot_be_changed() -> None:
    outcome = _review().outcome("CMP-001.02")
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.random = False  # type: ignore[misc]


def test_review_without_analyses() -> None:
    review = parse_rm5(
        b"<COCHRANE_REVIEW><COVER_SHEET><TITLE> T </TITLE></COVER_SHEET></COCHRANE_REVIEW>"
    )
    assert review.title == "T" and review.comparisons == () and review.study_names == {}
    assert list(review.outcomes()) == []
    assert review.to_frame().empty
