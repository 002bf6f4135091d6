"""Report tables: labelled columns, values formatted from the inputs, NR for missing."""

from __future__ import annotations

from sysreview.report import ReportInputs
from sysreview.report import tables as tb


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
        "Smith 2019", "UCLA Loneliness Scale", "MD −3.10 (95% CI −5.00 to −1.20)",
        "MD −3.10 (95% CI −5.00 to −1.20)", "Intervention", "reported p = 0.002",
    ]  # fmt: skip
    assert frame.iloc[1]["Favours"] == "Control"
    # with the record's alignment: the UCLA scale (lower is better) was reversed, so the
    # authors' direction shows the opposite sign, and the citation follows the study
    aligned = {"Smith 2019": (True, False), "Jones 2020": (True, False)}
    frame = tb.narrative_table(rows, aligned, 95, lambda s: f"{s} [1]")
    smith = frame.iloc[0].to_dict()
    assert smith["Study"] == "Smith 2019 [1]"
    assert smith["Measure"] == "UCLA Loneliness Scale (lower is better)"
    assert smith["As reported"] == "MD 3.10 (95% CI 1.20 to 5.00)"
    assert smith["Aligned to the review"] == "MD −3.10 (95% CI −5.00 to −1.20)"
    assert frame.iloc[1]["As reported"] == "MD −0.40"
    assert inputs.rob is not None
    rob = tb.rob_table(inputs.rob, inputs.protocol.risk_of_bias.tool.domains)
    assert list(rob.columns)[:3] == [
        "Study",
        "Random sequence generation",
        "Allocation concealment",
    ]
    assert rob.iloc[1][["Allocation concealment", "Overall"]].tolist() == ["Unclear", "Unclear"]
    assert rob.iloc[3]["Incomplete outcome data"] == "High"
