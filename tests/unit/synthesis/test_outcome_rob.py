"""An outcome's own risk of bias (RoB 1 outcome-level domains) in the planned analyses:
the seed's "low overall risk of bias only" sensitivity analysis reads, for each outcome,
the study's ``overall_rob:<outcome>`` when it has one and its ``overall_rob`` otherwise
(:func:`sysreview.extraction.dataset.outcome_attributes`), through ``run_plan`` as the
project's ``sysreview analyse`` runs it.
"""

from __future__ import annotations

from dataclasses import replace

from sysreview.extraction.dataset import OUTCOME_ROB, ReviewData
from sysreview.synthesis import run_plan
from tests.unit.synthesis.data import review_data, seed_protocol


def test_low_rob_sensitivity_uses_each_outcomes_own_rating() -> None:
    data = review_data()
    # B is at high risk overall, but its recovery outcome was assessed blind: low for it
    studies = tuple(
        replace(s, attributes={**s.attributes, OUTCOME_ROB + "recovery": "low"})
        if s.study_id == "B" else s
        for s in data.studies
    )  # fmt: skip
    result = run_plan(ReviewData(studies, data.arms, data.outcomes), seed_protocol())
    before = run_plan(data, seed_protocol())
    recovery = "recovery.post_intervention.sensitivity.low_rob"
    hope = "hope.post_intervention.sensitivity.low_rob"
    assert before[recovery].record()["studies"] == ["A", "C"]
    assert result[recovery].record()["studies"] == ["A", "B", "C"]
    # hope keeps the study's rating: B (high) stays out, as before
    assert result[hope].record()["studies"] == before[hope].record()["studies"]
    assert "B" not in result[hope].record()["studies"]
    # the main analyses are untouched
    main = "recovery.post_intervention.main"
    assert result[main].record()["estimate"] == before[main].record()["estimate"]
