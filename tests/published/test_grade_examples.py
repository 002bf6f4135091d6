"""GRADE and Summary of findings against published worked examples.

1. Optimal information size, GRADE guidelines 6 (Guyatt GH, Oxman AD, Kunz R, et al.
   Rating the quality of evidence: imprecision. J Clin Epidemiol 2011;64:1283-1293, the
   section on the OIS and its figure of OIS by control event rate for RRR 20%, 25% and
   30%, alpha 0.05, beta 0.2): "if the best estimate of control event rate was 0.2 and one
   specifies an RRR of 25%, the OIS is approximately 2,000 patients" (the sentence as the
   KCE Process Book, section 5.5.4, reproduces it). The paper reads the number off its
   figure and prints no exact value, so the check is of that reading: within 10%. The
   exact values are checked against R in ``tests/reference/test_grade_ois.py``.
2. The Summary of findings example of the Cochrane Handbook (version 5.1.0, Figure
   11.5.a: compression stockings compared with no compression stockings for people taking
   long flights): symptomless deep vein thrombosis, RR 0.10 (0.04 to 0.26), assumed risks
   10 per 1000 (low-risk population) and 30 per 1000 (high-risk population), corresponding
   risks 1 per 1000 (0 to 3) and 3 per 1000 (1 to 8); superficial vein thrombosis, 13 per
   1000, RR 0.45 (0.18 to 1.13), 6 per 1000 (2 to 15); oedema, a mean difference printed as
   "4.7 lower (95% CI -4.9 to -4.5)" with control means from 6 to 9. Reproduced through
   the Summary of findings row (:func:`sysreview.grade.sof_row`) and the report's
   formatting of it (:mod:`sysreview.report.certainty`).
"""

from __future__ import annotations

import pytest

from sysreview.extraction.dataset import ReviewData
from sysreview.grade import SummaryOfFindings, assess, ois_dichotomous, sof_row
from sysreview.protocol import Magnitude, parse_protocol, template_text
from sysreview.protocol.certainty import Grade, NamedRisk, OutcomeThresholds
from sysreview.report import ReportInputs, records_from_json
from sysreview.report.certainty import per_1000, sof_table
from tests.unit.grade.helpers import evidence, study


def test_gradesix_ois_for_a_control_risk_of_20_percent_and_rrr_25_percent() -> None:
    ois = ois_dichotomous(0.2, 0.25, alpha=0.05, beta=0.20)
    assert ois.total == 1812  # 905.37 per group, as R's power.prop.test
    assert abs(ois.total - 2000) / 2000 < 0.10  # "approximately 2,000 patients"
    # the other curves of the figure fall and rise as printed: more RRR, fewer patients
    assert ois_dichotomous(0.2, 0.30).total < ois.total < ois_dichotomous(0.2, 0.20).total


RISKS = (NamedRisk(label="Low risk population", risk=0.010),
         NamedRisk(label="High risk population", risk=0.030))  # fmt: skip
HANDBOOK = Grade(outcome=(OutcomeThresholds(domain="hope", assumed_risks=RISKS),))


def _row(assumed: tuple[NamedRisk, ...], rr: tuple[float, float, float]):  # type: ignore[no-untyped-def]
    grade = Grade(outcome=(OutcomeThresholds(domain="hope", assumed_risks=assumed),))
    ev = evidence("RR", (study("A", 100.0),), estimate=rr[0], ci_low=rr[1], ci_high=rr[2])
    return sof_row(assess(ev, grade, 50.0), grade, Magnitude())


def _per_1000(line: object) -> tuple[str, str, str, str]:
    return tuple(per_1000(getattr(line, k)) for k in ("assumed", "corresponding", "low", "high"))  # type: ignore[return-value]


def test_handbook_symptomless_dvt_row() -> None:
    row = _row(RISKS, (0.10, 0.04, 0.26))
    got = [(r.label, _per_1000(r)) for r in row.risks]
    assert got == [
        ("Low risk population", ("10", "1", "0", "3")),  # 10 per 1000 -> 1 per 1000 (0 to 3)
        ("High risk population", ("30", "3", "1", "8")),  # 30 per 1000 -> 3 per 1000 (1 to 8)
    ]


def test_handbook_superficial_vein_thrombosis_row() -> None:
    row = _row((NamedRisk(label="Study population", risk=0.013),), (0.45, 0.18, 1.13))
    assert [_per_1000(r) for r in row.risks] == [("13", "6", "2", "15")]


def test_handbook_rows_in_the_reports_table() -> None:
    protocol = parse_protocol(template_text("group-peer-support"))
    rr = sof_row(assess(evidence("RR", (study("A", 100.0),), estimate=0.10, ci_low=0.04,
                                 ci_high=0.26), HANDBOOK, 50.0), HANDBOOK, Magnitude())  # fmt: skip
    arms = tuple(study(n, 50, control_mean=m, instrument="oedema score") for n, m in
                 (("B", 6.0), ("C", 9.0)))  # fmt: skip
    md = sof_row(assess(evidence("MD", arms, analysis="hope.short_term.main",
                                 timepoint="short_term", estimate=-4.7, ci_low=-4.9,
                                 ci_high=-4.5), HANDBOOK, 50.0), HANDBOOK, Magnitude())  # fmt: skip
    pooled = {
        "outcome": "hope",
        "kind": "main",
        "k": 9,
        "estimate": 0.1,
        "ci_low": 0.04,
        "ci_high": 0.26,
        "p": 0.001,
        "measure": "RR",
        "evidence": "very strong",
    }
    records = records_from_json([
        {**pooled, "analysis": "hope.post_intervention.main", "timepoint": "post_intervention"},
        {**pooled, "analysis": "hope.short_term.main", "timepoint": "short_term",
         "measure": "MD", "estimate": -4.7, "ci_low": -4.9, "ci_high": -4.5},
    ])  # fmt: skip
    sof = SummaryOfFindings((rr, md), protocol.grade.start, ("p_value",))
    inputs = ReportInputs(protocol, ReviewData((), (), ()), records, certainty=sof,
                          intervention="compression stockings")  # fmt: skip
    table = sof_table(inputs, sof, "Table 1")
    dvt, oedema = table.cells
    assert dvt[1] == ("Low risk population: 10 per 1000", "High risk population: 30 per 1000")
    assert dvt[2] == ("Low risk population: 1 per 1000 (0 to 3)",
                      "High risk population: 3 per 1000 (1 to 8)")  # fmt: skip
    assert dvt[3] == ("RR 0.10 (0.04 to 0.26)",)
    assert oedema[1] == ("The mean hope ranged across control groups from 6.00 to 9.00",)
    assert oedema[2] == ("The mean hope (oedema score) in the intervention groups was on "
                         "average 4.70 lower (95% CI −4.90 to −4.50)",)  # fmt: skip
    assert table.frame.columns[2] == "Risk with compression stockings"


@pytest.mark.parametrize(("risk", "text"), [(0.0004, "0"), (0.0005, "1"), (0.0026, "3")])
def test_risks_per_1000_round_half_up(risk: float, text: str) -> None:
    assert per_1000(risk) == text
