"""Report inputs are checked on construction; errors name the analysis, figure or study."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from sysreview.appraisal.rob1 import DomainJudgement, Rob1Assessment
from sysreview.errors import SysreviewError
from sysreview.protocol import ROB1_DOMAINS, Protocol
from sysreview.report import (
    Direction,
    NarrativeRow,
    ReportFigure,
    ReportInputError,
    ReportInputs,
    RobSummary,
    SmallStudyTest,
    StudyRob,
    SubgroupTest,
    narrative_from_json,
    records_from_json,
)

from .conftest import RECORDS


def _record(**changes: Any) -> dict[str, Any]:
    return {**RECORDS[0], **changes}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"outcome": "hope"}, "a results record has no 'analysis' id"),
        (_record(kind="pooled"), "kind = 'pooled' is not one of main, sensitivity"),
        (_record(timepoint=None), "'hope.post_intervention.main': 'timepoint' is missing"),
        (_record(estimate="0.2"), "estimate = '0.2' is not a number"),
        (_record(k=2.5), "k = 2.5 is not a count"),
        (_record(p=None), "a pooled analysis needs p (or a 'reason'"),
        (_record(studies="Smith 2019"), "studies = 'Smith 2019' is not a list of texts"),
        (_record(favours=["a"]), "favours = ['a'] is not a list of texts (2)"),
        (_record(participants=-1), "participants = -1 is not a count"),
        (_record(subgroups=[{"k": 2}]), "subgroup None: subgroup = None is missing"),
        (_record(subgroup_test=[1]), "subgroup_test = [1] is not an object"),
        (_record(small_study_tests=[{"p": "x", "test": "Egger"}]), "p = 'x' is not a number"),
    ],
)
def test_bad_records_are_named(record: dict[str, Any], message: str) -> None:
    with pytest.raises(ReportInputError, match=re.escape(message)):
        records_from_json([record])


def test_record_fields() -> None:
    rec = records_from_json([RECORDS[0]])[0]
    out = rec.to_dict()
    for key in ("analysis", "k", "participants", "estimate", "p", "i2", "label", "reason"):
        assert out[key] == RECORDS[0][key], key
    assert rec.favours == ("Favours control", "Favours intervention")
    assert rec.studies[-1] == RECORDS[0]["studies"][-1]
    sub = records_from_json(RECORDS)[5]
    assert [s.subgroup for s in sub.subgroups] == ["severe", "other"]
    assert sub.subgroup_test == SubgroupTest(1.04, 1, 0.31, "no")
    tests = records_from_json(RECORDS)[6].small_study_tests
    assert tests[0] == SmallStudyTest("Egger", 1.1, 0.29, 12)
    assert issubclass(ReportInputError, SysreviewError)


def test_narrative_rows_from_records() -> None:
    rows = narrative_from_json(RECORDS)["connectedness.post_intervention.narrative"]
    assert rows == (
        NarrativeRow("Smith 2019", Direction.INTERVENTION, "MD −3.10 (95% CI −5.00 to −1.20)",
                     "reported p = 0.002", "UCLA Loneliness Scale", "MD", -3.1, -5.0, -1.2),
        NarrativeRow("Jones 2020", Direction.CONTROL, "MD 0.40", "p not reported",
                     "UCLA Loneliness Scale", "MD", 0.4),
    )  # fmt: skip
    odd = {**RECORDS[-1], "narrative": [
        {"study": "X", "estimate": None, "direction": "not estimable: no SD", "reported_p": 0.2},
    ]}  # fmt: skip
    (row,) = narrative_from_json([odd])[RECORDS[-1]["analysis"]]
    assert (row.direction, row.effect, row.significance) == (
        Direction.UNKNOWN, "not estimable: no SD", "reported p = 0.20",
    )  # fmt: skip


def test_inputs_cross_checks(inputs: ReportInputs, tmp_path: Path) -> None:
    recs = inputs.results
    with pytest.raises(ReportInputError, match="listed twice"):
        dataclasses.replace(inputs, results=(*recs, recs[0]))
    with pytest.raises(ReportInputError, match="outcome 'mood' is not an outcome domain"):
        dataclasses.replace(inputs, results=records_from_json([_record(outcome="mood")]))
    with pytest.raises(ReportInputError, match="timepoint 'week_6'"):
        dataclasses.replace(inputs, results=records_from_json([_record(timepoint="week_6")]))
    with pytest.raises(ReportInputError, match="no results record of kind 'narrative'"):
        dataclasses.replace(inputs, narrative={"hope.post_intervention.main": ()})
    with pytest.raises(ReportInputError, match="must be ResultRecord"):
        dataclasses.replace(inputs, results=tuple(RECORDS))  # type: ignore[arg-type]


def test_figure_checks(inputs: ReportInputs, tmp_path: Path) -> None:
    svg = tmp_path / "x.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>")
    with pytest.raises(ReportInputError, match="figure 'forest:nope'"):
        dataclasses.replace(inputs, figures={"forest:nope": ReportFigure("x", (svg,))})
    with pytest.raises(ReportInputError, match="does not exist"):
        dataclasses.replace(inputs, figures={"prisma": ReportFigure("x", (tmp_path / "n.svg",))})
    with pytest.raises(ReportInputError, match=re.escape("must end in .svg, .png, .pdf")):
        dataclasses.replace(inputs, figures={"prisma": ReportFigure("x", (tmp_path,))})
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(ReportInputError, match="needs an SVG or PNG"):
        dataclasses.replace(inputs, figures={"prisma": ReportFigure("x", (pdf,))})


def test_rob_checks(inputs: ReportInputs) -> None:
    bad = RobSummary((StudyRob("Smith 2019", {"blinding": "low"}, "low"),))
    with pytest.raises(ReportInputError, match="'Smith 2019': 'blinding' is not a RoB1 domain"):
        dataclasses.replace(inputs, rob=bad)
    bad = RobSummary((StudyRob("Smith 2019", {}, "some_concerns"),))
    with pytest.raises(ReportInputError, match="overall = 'some_concerns'; must be one of"):
        dataclasses.replace(inputs, rob=bad)


def test_intervention_text(inputs: ReportInputs) -> None:
    assert inputs.intervention_text == "group peer support"
    assert dataclasses.replace(inputs, intervention="GPS").intervention_text == "GPS"


def test_rob_summary_from_assessments(protocol: Protocol) -> None:
    low = tuple(DomainJudgement(d, "low") for d in ROB1_DOMAINS)
    high = tuple(
        DomainJudgement(d, "high" if d == "allocation_concealment" else "low") for d in ROB1_DOMAINS
    )
    summary = RobSummary.from_assessments([Rob1Assessment("A", low), Rob1Assessment("B", high)])
    assert [(s.study, s.overall) for s in summary.studies] == [("A", "low"), ("B", "high")]
    assert summary.studies[1].judgements["allocation_concealment"] == "high"
    assert summary.counts() == {"low": 1, "high": 1}
