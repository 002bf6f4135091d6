"""Validating extraction rows, and SE, CI and medians converted on the way (issue 6).

Conversions are checked against published worked examples (the same ones pinned in
tests/published/test_conversion_examples.py), each tolerance half a unit in the last
printed digit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from sysreview.extraction.forms import ExtractionForm, extraction_form
from sysreview.extraction.mean_sd import FLAG_NO_SPREAD, convert_outcome, flag_median, not_usable
from sysreview.extraction.validate import (
    ExtractionInputError,
    Known,
    ValidatedRows,
    validate_rows,
)
from sysreview.protocol import parse_protocol, template_text

STUDY = {"study_id": "Smith 2019", "n_randomised": 81, "country": "UK"}
ARMS = [
    {"study_id": "Smith 2019", "arm": "peer", "arm_type": "intervention", "n_randomised": 40},
    {"study_id": "Smith 2019", "arm": "usual", "arm_type": "TAU", "n_randomised": 41},
]
HOPE = {
    "study_id": "Smith 2019",
    "arm": "peer",
    "domain": "hope",
    "measure": "Herth Hope Index",
    "weeks_after_end": 0,
}
FREE = {**HOPE, "domain": "recovery", "measure": "Study-specific recovery items"}


@pytest.fixture(scope="module")
def form() -> ExtractionForm:
    return extraction_form(parse_protocol(template_text("group-peer-support")))


def run(
    form: ExtractionForm,
    outcomes: list[Mapping[str, Any]] = (),  # type: ignore[assignment]
    studies: list[Mapping[str, Any]] | None = None,
    arms: list[Mapping[str, Any]] | None = None,
) -> ValidatedRows:
    rows = {
        "studies": list(enumerate([STUDY] if studies is None else studies, start=2)),
        "arms": list(enumerate(ARMS if arms is None else arms, start=2)),
        "outcomes": list(enumerate(outcomes, start=2)),
    }
    return validate_rows(form, rows, source="x.xlsx")


def problem(form: ExtractionForm, **kwargs: Any) -> str:
    with pytest.raises(ExtractionInputError) as info:
        run(form, **kwargs)
    assert len(info.value.problems) == 1, info.value.problems
    return str(info.value)


# --- every message names file, sheet, row and column ------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({**HOPE, "n": 38, "mean": 30, "sd": "abc"}, "column 'sd': 'abc' is not a number"),
        ({**HOPE, "n": 38, "mean": 30, "sd": 0}, "column 'sd': must be greater than 0, not 0"),
        ({**HOPE, "n": 38, "mean": 30, "sd": -2}, "column 'sd': must be greater than 0, not -2"),
        ({**HOPE, "n": 38, "mean": 30, "se": 0}, "column 'se': must be greater than 0"),
        (
            {**HOPE, "n": 41, "mean": 30, "sd": 5},
            "column 'n': 41 is more than the 40 randomised to arm 'peer'",
        ),
        (
            {**HOPE, "n": 38, "mean": 50, "sd": 5},
            "column 'mean': 50 is outside the measure's scale [12, 48]",
        ),
        (
            {**HOPE, "n": 38, "median": 50, "q1": 40, "q3": 45},
            "column 'median': 50 is outside the measure's scale [12, 48]",
        ),
        (
            {**HOPE, "n": 38, "mean_change": -40, "sd_change": 5},
            "column 'mean_change': -40 is larger than the measure's scale allows (36)",
        ),
        ({**HOPE, "n": 30, "events": 31}, "column 'events': 31 events is more than n (30)"),
        ({**HOPE, "n": 38.5, "mean": 30, "sd": 5}, "column 'n': 38.5 is not a whole number"),
        (
            {**HOPE, "n": 38, "mean": 30, "ci_low": 28},
            "column 'ci_high': a confidence interval needs both ci_low and ci_high",
        ),
        ({**HOPE, "n": 38, "sd": 5}, "column 'mean': mean is missing"),
        ({**HOPE, "n": 38, "median": 30, "q1": 25}, "column 'q3': give both q1 and q3"),
        ({**HOPE, "n": 38, "median": 30}, "column 'q1': a median needs q1/q3"),
        ({**HOPE, "n": 38, "mean_change": 3}, "column 'sd_change': give both mean_change"),
        (
            {**HOPE, "n": 38, "mean": 30, "sd": 5, "events": 3},
            "column 'mean': give events or continuous numbers, not both",
        ),
        ({**HOPE, "mean": 30, "sd": 5}, "column 'n': is required with numbers"),
        ({**HOPE, "n": 38}, "row 2: no numbers: give mean and sd"),
        (
            {**HOPE, "n": 38, "mean": 30, "ci_low": 28, "ci_high": 32, "ci_level": 150},
            "column 'ci_level': 150 is not a confidence level",
        ),
        (
            {**HOPE, "n": 38, "mean": 30, "sd": 5, "ci_low": 32, "ci_high": 28},
            "column 'ci_high': 28 must be greater than ci_low (32)",
        ),
        (
            {**HOPE, "n": 38, "median": 20, "q1": 25, "q3": 30},
            "column 'median': median must lie in [q1, q3]; got q1=25, median=20",
        ),
        (
            {**HOPE, "n": 1, "mean": 30, "se": 2},
            "column 'n': n must be at least 2; got n=1",
        ),
        (
            {**HOPE, "n": 38, "mean": 30, "sd": 5, "reported_p": 2},
            "column 'reported_p': 2 must be at most 1",
        ),
        (
            {**HOPE, "weeks_after_end": -4, "n": 38, "mean": 30, "sd": 5},
            "column 'weeks_after_end': -4 must be at least 0",
        ),
        (
            {**HOPE, "weeks_after_end": None, "n": 38, "mean": 30, "sd": 5},
            "column 'weeks_after_end': is required",
        ),
        (
            {**HOPE, "domain": "mood", "n": 38, "mean": 30, "sd": 5},
            "column 'domain': 'mood' must be one of recovery, connectedness",
        ),
        (
            {**HOPE, "measure": "CES-D", "n": 38, "mean": 30, "sd": 5},
            "column 'measure': 'CES-D' is not a measure of domain 'hope' (the protocol lists: "
            "Herth Hope Index)",
        ),
        (
            {**HOPE, "measure": "PHQ-9", "n": 38, "mean": 30, "sd": 5},
            "column 'measure': 'PHQ-9' must be one of",
        ),
        (
            {**HOPE, "arm": "control", "n": 38, "mean": 30, "sd": 5},
            "column 'arm': unknown arm 'control' of study 'Smith 2019': add it to the arms sheet",
        ),
        (
            {**HOPE, "report": 0, "n": 38, "mean": 30, "sd": 5},
            "column 'report': 0 must be at least 1",
        ),
    ],
)
def test_outcome_problems(form: ExtractionForm, row: dict[str, Any], expected: str) -> None:
    message = problem(form, outcomes=[row])
    assert message.startswith("x.xlsx, sheet outcomes, row 2")
    assert expected in message


@pytest.mark.parametrize(
    ("arm", "expected"),
    [
        (
            {**ARMS[1], "arm_type": "usual care"},
            "column 'arm_type': 'usual care' must be one of intervention, TAU, WL, active",
        ),
        ({**ARMS[1], "arm_type": None}, "column 'arm_type': is required"),
        (
            {**ARMS[1], "structured": "sometimes"},
            "column 'structured': 'sometimes' must be yes or no",
        ),
        (
            {**ARMS[1], "study_id": "Jones 2020"},
            "column 'study_id': unknown study 'Jones 2020': add it to the studies sheet",
        ),
        (
            {**ARMS[1], "n_randomised": 42},
            "column 'n_randomised': the arms of 'Smith 2019' randomise 82 in total, more than "
            "the study's n_randomised (81)",
        ),
    ],
)
def test_arm_problems(form: ExtractionForm, arm: dict[str, Any], expected: str) -> None:
    message = problem(form, arms=[ARMS[0], arm])
    assert message.startswith("x.xlsx, sheet arms, row 3")
    assert expected in message


def test_study_problems(form: ExtractionForm) -> None:
    message = problem(form, studies=[{**STUDY, "attrition": 1.5}], arms=[])
    assert message == "x.xlsx, sheet studies, row 2, column 'attrition': 1.5 must be at most 1"
    message = problem(form, studies=[{**STUDY, "year": "2019a"}], arms=[])
    assert "column 'year': '2019a' is not a number" in message
    message = problem(form, studies=[{"country": "UK"}], arms=[])
    assert "column 'study_id': is required" in message


@pytest.mark.parametrize(
    ("part", "rows", "expected"),
    [
        (
            "studies",
            [STUDY, STUDY],
            "sheet studies, row 3: duplicate row: Smith 2019 is also in row 2",
        ),
        (
            "arms",
            [*ARMS, ARMS[0]],
            "sheet arms, row 4: duplicate row: Smith 2019 / peer is also in row 2",
        ),
        (
            "outcomes",
            [{**HOPE, "n": 38, "mean": 30, "sd": 5}, {**HOPE, "n": 38, "mean": 31, "sd": 5}],
            "sheet outcomes, row 3: duplicate row: Smith 2019 / peer / hope / "
            "Herth Hope Index / 0.0 is also in row 2",
        ),
    ],
)
def test_duplicate_rows(
    form: ExtractionForm, part: str, rows: list[dict[str, Any]], expected: str
) -> None:
    assert expected in problem(form, **{part: rows})


def test_all_problems_are_reported_at_once(form: ExtractionForm) -> None:
    bad = [{**HOPE, "n": 38, "mean": 30, "sd": 0}, {**HOPE, "arm": "usual", "n": 50, "events": 60}]
    with pytest.raises(ExtractionInputError) as info:
        run(form, outcomes=bad)
    found = [(p.sheet, p.row, p.column) for p in info.value.problems]
    assert found == [("outcomes", 2, "sd"), ("outcomes", 3, "n"), ("outcomes", 3, "events")]
    assert len(str(info.value).splitlines()) == 3


def test_known_studies_and_arms_can_be_referred_to(form: ExtractionForm) -> None:
    known = Known({"Smith 2019": None}, {("Smith 2019", "peer"): 40})
    rows = {"outcomes": [(5, {**HOPE, "n": 38, "mean": 30, "sd": 5})]}
    out = validate_rows(form, rows, known)
    assert out.counts() == {"studies": 0, "arms": 0, "outcomes": 1}
    with pytest.raises(ExtractionInputError, match="row 5, column 'n': 41 is more than the 40"):
        validate_rows(form, {"outcomes": [(5, {**HOPE, "n": 41, "mean": 30, "sd": 5})]}, known)


def test_cells_read_as_text_and_not_reported_markers(form: ExtractionForm) -> None:
    row = {
        **HOPE,
        "n": "38",
        "mean": " 30.5 ",
        "sd": "5",
        "se": "NR",
        "note": "n/a",
        "weeks_after_end": "26",
        "timepoint_label": "6 months",
    }
    studies = [{**STUDY, "published": "Yes", "year": "2019"}]
    arms = [{**ARMS[0], "structured": "no"}, ARMS[1]]
    out = run(form, outcomes=[row], studies=studies, arms=arms)
    (o,) = out.outcomes
    assert (o.n, o.mean, o.sd, o.weeks_after_end, o.note) == (38, 30.5, 5.0, 26.0, None)
    assert o.entered == {"n": 38, "mean": 30.5, "sd": 5.0}
    assert out.studies[0].values["published"] is True
    assert out.studies[0].values["year"] == 2019
    assert out.arms[0].values["structured"] is False


def test_provenance_is_kept(form: ExtractionForm) -> None:
    row = {**HOPE, "n": 38, "mean": 30, "sd": 5, "report": 12, "location": "Table 2, p. 5"}
    (o,) = run(form, outcomes=[row]).outcomes
    assert (o.report, o.location, o.row) == (12, "Table 2, p. 5", 2)


# --- conversions ------------------------------------------------------------------


def test_ci_level_is_given_in_percent(form: ExtractionForm) -> None:
    row = {**FREE, "n": 25, "mean": 5.0, "ci_low": 3.0, "ci_high": 7.0, "ci_level": 90}
    (o,) = run(form, outcomes=[row]).outcomes
    assert o.entered["ci_level"] == 0.9
    assert o.flags == ("sd from 90% CI (Cochrane Handbook 6.5.2.2; t with n - 1 df)",)
    _, expected, _ = convert_outcome(
        {"mean": 5.0, "ci_low": 3.0, "ci_high": 7.0, "ci_level": 0.9}, 25
    )
    assert o.sd == expected


def test_median_iqr_wan_sd_cross_validated_example(form: ExtractionForm) -> None:
    """Wan et al. (2014) scenario C3, worked in R on Cross Validated: q1 = 0.02,
    q3 = 0.04, n = 100 gives SD 0.0150441."""
    row = {**FREE, "n": 100, "median": 0.03, "q1": 0.02, "q3": 0.04}
    arms = [{k: v for k, v in a.items() if k != "n_randomised"} for a in ARMS]
    (o,) = run(form, outcomes=[row], arms=arms).outcomes
    assert o.sd == pytest.approx(0.0150441, abs=5e-8)
    assert o.flags == (flag_median("S2"),)
    assert o.flags[0].startswith("mean/sd from median/IQR (Luo 2018 mean, Wan 2014 SD), flagged")


def test_events_rows_and_narrative_rows(form: ExtractionForm) -> None:
    rows = [{**HOPE, "n": 38, "events": 5}, {**HOPE, "arm": "usual", "reported_p": 0.03}]
    events, narrative = run(form, outcomes=rows).outcomes
    assert (events.events, events.n, events.mean, events.flags) == (5, 38, None, ())
    assert (narrative.mean, narrative.n, narrative.entered) == (None, None, {"reported_p": 0.03})


def test_a_mean_without_spread_is_kept_as_reported_not_usable(form: ExtractionForm) -> None:
    """A mean with no SD, SE or confidence interval is stored for the narrative, flagged,
    instead of being refused; its N is optional (a report may give neither)."""
    rows = [{**HOPE, "n": 38, "mean": 30}, {**HOPE, "arm": "usual", "mean": 28.5}]
    with_n, without_n = run(form, outcomes=rows).outcomes
    assert (with_n.mean, with_n.sd, with_n.n) == (30, None, 38)
    assert with_n.flags == (FLAG_NO_SPREAD,) and not_usable(with_n.flags)
    assert (without_n.mean, without_n.sd, without_n.n, without_n.flags) == (
        28.5, None, None, (FLAG_NO_SPREAD,),
    )  # fmt: skip
    assert convert_outcome({"mean": 30.0}, 38) == (30.0, None, (FLAG_NO_SPREAD,))
    # half an interval is still a mistake, and a mean must still lie on the scale
    assert "column 'ci_low': a confidence interval needs both" in problem(
        form, outcomes=[{**HOPE, "n": 38, "mean": 30, "ci_high": 32}]
    )
    assert "outside the measure's scale" in problem(form, outcomes=[{**HOPE, "mean": 60}])
