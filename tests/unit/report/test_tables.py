"""Report tables: labelled columns, values formatted from the inputs, NR for missing."""

from __future__ import annotations

import dataclasses

from sysreview.extraction.dataset import ArmEntry, ReviewData, StudyEntry
from sysreview.report import ReportInputs
from sysreview.report import tables as tb

from .conftest import EVIL


def test_characteristics_table(inputs: ReportInputs) -> None:
    frame = tb.characteristics_table(inputs)
    assert list(frame.columns) == [
        "Study", "Country", "Setting", "Population", "N randomised", "Intervention",
        "Comparator", "Duration", "Outcomes", "Mean age", "Women",
    ]  # fmt: skip
    first = frame.iloc[0].to_dict()
    assert first == {
        "Study": "Smith 2019", "Country": "USA", "Setting": "community",
        "Population": "severe", "N randomised": "298",
        "Intervention": "Peer-led recovery group, n = 150",
        "Comparator": "usual care (Treatment as usual), n = 148", "Duration": "12 weeks",
        "Outcomes": "Connectedness, Hope", "Mean age": "41.5", "Women": "55%",
    }  # fmt: skip
    assert frame["Study"].tolist()[-1] == EVIL


def test_characteristics_missing_values_are_nr(inputs: ReportInputs) -> None:
    data = ReviewData(
        (StudyEntry("Bare 2001", {"n_randomised": 40}),),
        (ArmEntry("Bare 2001", "a", "intervention"), ArmEntry("Bare 2001", "b", "WL")),
        (),
    )
    row = tb.characteristics_table(dataclasses.replace(inputs, data=data)).iloc[0]
    assert row["N randomised"] == "40"
    assert row["Country"] == row["Duration"] == row["Outcomes"] == tb.NR
    assert row["Comparator"] == "b (Waiting list)"


def test_main_results_table(inputs: ReportInputs) -> None:
    frame = tb.main_results_table(inputs)
    assert frame["Outcome"].tolist() == ["Hope", "Recovery", "Depression", "Quality of life"]
    hope = frame.iloc[0].to_dict()
    assert hope == {
        "Outcome": "Hope", "Timepoint": "post-intervention", "Trials": "5",
        "Participants": "612", "Measure": "SMD", "Effect (95% CI)":
        "0.22 (0.07 to 0.37)", "p": "0.004", "I²": "12%", "Evidence": "strong",
        "Magnitude": "small",
    }  # fmt: skip
    assert frame.iloc[1]["Magnitude"] == tb.NA
    assert frame.iloc[2]["Effect (95% CI)"] == "−0.45 (−0.80 to −0.10)"


def test_other_analyses_table(inputs: ReportInputs) -> None:
    frame = tb.other_analyses_table(inputs)
    assert frame["Analysis"].tolist() == [
        "Sensitivity: Low overall risk of bias only",
        "Sensitivity: TAU comparators only (drop active-comparator trials; TAU arm of "
        "three-arm trials)",
        "Subgroup: Severe mental health conditions vs others — severe",
        "Subgroup: Severe mental health conditions vs others — other",
    ]
    impossible = frame.iloc[0]
    assert impossible["Note"] == (
        "only two studies had low overall risk of bias (at least three needed)"
    )
    assert impossible["Trials"] == impossible["p"] == tb.NONE
    assert frame.iloc[1]["p"] == "< 0.001"
    severe, other = frame.iloc[2], frame.iloc[3]
    assert severe[["Trials", "Effect (95% CI)", "p", "I²"]].tolist() == [
        "3", "0.30 (0.05 to 0.55)", "0.02", "10%",
    ]  # fmt: skip
    assert severe["Note"] == "Test for subgroup differences: Chi² = 1.04, df = 1, p = 0.31"
    assert other["Note"] == ""
    assert tb.other_analyses_table(inputs, "subgroup")["Analysis"].str.startswith("Subgroup").all()


def test_narrative_and_rob_tables(inputs: ReportInputs) -> None:
    rows = inputs.narrative["connectedness.post_intervention.narrative"]
    frame = tb.narrative_table(rows)
    assert frame.iloc[0].tolist() == [
        "Smith 2019", "UCLA Loneliness Scale", "Favours intervention",
        "MD −3.10 (95% CI −5.00 to −1.20)", "reported p = 0.002",
    ]  # fmt: skip
    assert frame.iloc[1]["Direction"] == "Favours control"
    assert inputs.rob is not None
    rob = tb.rob_table(inputs.rob, inputs.protocol.risk_of_bias.tool.domains)
    assert list(rob.columns)[:3] == [
        "Study",
        "Random sequence generation",
        "Allocation concealment",
    ]
    assert rob.iloc[1][["Allocation concealment", "Overall"]].tolist() == ["Unclear", "Unclear"]
    assert rob.iloc[3]["Incomplete outcome data"] == "High"
