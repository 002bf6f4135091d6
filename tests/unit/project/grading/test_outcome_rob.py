"""An outcome's own risk of bias through the project, as ``sysreview grade`` and
``sysreview analyse`` read it: RoB 1 judgements given for the ``recovery`` outcome (the
protocol's outcome-level domains) drive recovery's GRADE risk-of-bias suggestion and its
low-risk-of-bias sensitivity analysis; the same judgements given for ``hope`` leave
recovery with the studies' (low) ratings.

GRADE rule (the seed protocol's ``[grade] risk_of_bias``): "very serious" when more than
half of the weight comes from studies at high risk, "no" when none is at high or unclear
risk (GRADE handbook 5.2.1, as :func:`sysreview.grade.rules.risk_of_bias` states).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sysreview.grade import GradeDomain, Rating
from sysreview.project.appraising.assessments import load_rob_sheet
from sysreview.project.grading.ratings import certainty
from sysreview.project.opening import init_project, opened
from sysreview.project.reporting.report import review_inputs
from sysreview.protocol.appraisal import ROB1_DOMAINS
from sysreview.synthesis import run_plan
from tests.unit.project.grading.test_ratings import POST, TRIALS, extract

LEVEL = 'outcome_level_domains = ["blinding_outcome_assessment", "incomplete_outcome_data"]\n'


def _project(tmp_path: Path, url: str, outcome: str) -> Path:
    folder = tmp_path / "p"
    init_project(folder, "group-peer-support", url)
    toml = folder / "review.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("attrition_imbalance = 0.10\n",
                                 "attrition_imbalance = 0.10\n" + LEVEL), "utf-8")  # fmt: skip
    extract(folder, url)
    rows = [[s, d, "", "low", "", ""] for s in TRIALS for d in ROB1_DOMAINS]
    for study in ("Smith 2019", "Jones 2020"):  # self-rated, open, many drop-outs: high
        rows += [[study, d, outcome, "high", "open trial", ""]
                 for d in ("blinding_outcome_assessment", "incomplete_outcome_data")]  # fmt: skip
    sheet = tmp_path / "rob.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["study", "domain", "outcome", "judgement", "support", "location"], *rows]
        )
    with opened(folder, url) as (proj, store):
        load_rob_sheet(store, proj.protocol, sheet, reviewer="R1")
    return folder


@pytest.mark.parametrize(
    ("outcome", "rating", "low_rob"),
    [("recovery", Rating.VERY_SERIOUS, ["Lee 2021"]),
     ("hope", Rating.NO, ["Jones 2020", "Lee 2021", "Smith 2019"])],
)  # fmt: skip
def test_recovery_reads_its_own_risk_of_bias(
    tmp_path: Path, store_url: str, outcome: str, rating: Rating, low_rob: list[str]
) -> None:
    project = _project(tmp_path, store_url, outcome)
    row = certainty(project, store_url).row("recovery", POST).certainty
    suggested = row.domain(GradeDomain.RISK_OF_BIAS)  # no reviewer rated: the rule's
    assert (suggested.source, suggested.rating) == ("suggested", rating), suggested.reason
    inputs = review_inputs(project, store_url)
    plan = run_plan(inputs.data, inputs.protocol)
    low = plan[f"recovery.{POST}.sensitivity.low_rob"].record()
    assert sorted(low["studies"]) == low_rob
    # every study is at low risk at the study level: the studies table says so
    assert {s.attributes["overall_rob"] for s in inputs.data.studies} == {"low"}
