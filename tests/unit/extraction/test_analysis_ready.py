"""Analysis-ready comparisons: measure and timepoint choice, arms, direction, bad data.

Combined arms are checked against the Cochrane Handbook formula (Table 6.5.a) applied
two groups at a time in R (tests/reference/metafor/synthesis.json, case
``hope_combined_md``), an implementation independent of sysreview's one-step form.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from sysreview.extraction.analysis_ready import analysis_ready
from sysreview.extraction.dataset import (
    ArmEntry,
    DatasetError,
    OutcomeEntry,
    ReviewData,
    StudyEntry,
)
from sysreview.protocol import MultiArm, Protocol, parse_protocol, template_text
from tests.unit.synthesis.data import review_data

REFERENCE = json.loads(
    (Path(__file__).parents[2] / "reference" / "metafor" / "synthesis.json").read_text()
)["cases"]


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return parse_protocol(template_text("group-peer-support"))


def two_arm(*outcomes: OutcomeEntry, study: StudyEntry | None = None) -> ReviewData:
    arms = (ArmEntry("S", "peer", "intervention"), ArmEntry("S", "usual", "TAU"))
    return ReviewData((study or StudyEntry("S"),), arms, outcomes)


def entry(arm: str, domain: str, measure: str, weeks: float, **numbers: float) -> OutcomeEntry:
    return OutcomeEntry("S", arm, domain, measure, weeks, **numbers)  # type: ignore[arg-type]


def test_three_arm_trial_controls_are_combined_once(protocol: Protocol) -> None:
    ready = analysis_ready(review_data(), protocol)
    c = next(c for c in ready.select("hope", "post_intervention") if c.study_id == "C")
    want = REFERENCE["hope_combined_md"]["combined"]
    assert c.control_arms == ("usual", "education") and c.comparator == "TAU+active"
    assert c.n_c == want["n"]
    assert c.mean_c == pytest.approx(want["mean"], rel=1e-12)
    assert c.sd_c == pytest.approx(want["sd"], rel=1e-12)
    assert (c.mean_e, c.sd_e, c.n_e) == (36.0, 5.0, 70.0)
    # one comparison per study, domain and timepoint: the shared control is used once
    keys = [(c.study_id, c.domain, c.timepoint) for c in ready.comparisons]
    assert len(keys) == len(set(keys))
    # the comparator code follows the protocol's order of types, whatever the arms' order
    swapped = replace(review_data(), arms=tuple(reversed(review_data().arms)))
    again = analysis_ready(swapped, protocol).select("hope", "post_intervention")
    assert next(c for c in again if c.study_id == "C").comparator == "TAU+active"


def test_use_one_arm_takes_the_tau_arm_and_drops_studies_without_one(protocol: Protocol) -> None:
    rule = MultiArm(strategy="use_one_arm", arm="TAU")
    ready = analysis_ready(review_data(), protocol, rule)
    recovery = {c.study_id: c for c in ready.select("recovery", "post_intervention")}
    assert sorted(recovery) == ["A", "C", "D"]
    assert (recovery["C"].control_arms, recovery["C"].comparator) == (("usual",), "TAU")
    assert (recovery["C"].mean_c, recovery["C"].sd_c, recovery["C"].n_c) == (38.0, 9.0, 66.0)
    reasons = {(e.study_id, e.domain): e.reason for e in ready.exclusions}
    assert reasons[("B", "recovery")] == "no TAU arm (control arms: WL)"
    assert reasons[("E", "recovery")] == "no TAU arm (control arms: active)"
    assert str(ready.excluded("recovery", "post_intervention")[0]) == (
        "B excluded from recovery: no TAU arm (control arms: WL)"
    )


def test_several_intervention_arms_are_combined(protocol: Protocol) -> None:
    arms = (
        ArmEntry("S", "group a", "intervention"),
        ArmEntry("S", "group b", "intervention"),
        ArmEntry("S", "usual", "TAU"),
    )
    rows = (
        entry("group a", "hope", "Herth Hope Index", 0, mean=35.1, sd=5.3, n=66),
        entry("group b", "hope", "Herth Hope Index", 0, mean=35.8, sd=5.4, n=64),
        entry("usual", "hope", "Herth Hope Index", 0, mean=34.0, sd=5.0, n=60),
    )
    (c,) = analysis_ready(ReviewData((StudyEntry("S"),), arms, rows), protocol).comparisons
    want = REFERENCE["hope_combined_md"]["combined"]
    assert c.intervention_arms == ("group a", "group b")
    assert (c.n_e, c.mean_e, c.sd_e) == pytest.approx((want["n"], want["mean"], want["sd"]))
    assert c.attributes["n_arms"] == 3


def test_combine_names_the_arms_it_merges(protocol: Protocol) -> None:
    arms = (
        ArmEntry("S", "peer", "intervention"),
        ArmEntry("S", "wait", "WL"),
        ArmEntry("S", "usual", "TAU"),
    )
    rows = tuple(
        entry(a, "hope", "Herth Hope Index", 0, mean=35.0, sd=5.0, n=40)
        for a in ("peer", "wait", "usual")
    )
    data = ReviewData((StudyEntry("S"),), arms, rows)
    (c,) = analysis_ready(data, protocol).comparisons  # combine = ["TAU", "active"]
    assert c.control_arms == ("usual",) and c.comparator == "TAU"
    only_wl = replace(data, arms=(arms[0], arms[1], ArmEntry("S", "usual", "WL")))
    ready = analysis_ready(only_wl, protocol)
    assert ready.comparisons == ()
    assert ready.exclusions[0].reason == (
        "several control arms (WL, WL) and none of TAU, active to combine"
    )


def test_direction_is_aligned_so_benefit_is_positive(protocol: Protocol) -> None:
    data = two_arm(
        entry("peer", "depression", "CES-D", 0, mean=18.0, sd=9.0, n=60),
        entry("usual", "depression", "CES-D", 0, mean=21.0, sd=10.0, n=58),
        entry("peer", "hope", "Herth Hope Index", 0, mean=35.0, sd=5.0, n=60),
        entry("usual", "hope", "Herth Hope Index", 0, mean=34.0, sd=5.0, n=58),
    )
    dep, hope = analysis_ready(data, protocol).comparisons
    assert (dep.mean_e, dep.mean_c, dep.sd_e, dep.flipped) == (-18.0, -21.0, 9.0, True)
    assert dep.mean_e - dep.mean_c == 3.0  # lower CES-D in the intervention arm: benefit > 0
    assert (hope.mean_e, hope.flipped, hope.higher_is_better) == (35.0, False, True)
    negative = protocol.model_copy(
        update={"analysis": protocol.analysis.model_copy(update={"benefit_sign": "negative"})}
    )
    dep, hope = analysis_ready(data, negative).comparisons
    assert (dep.mean_e, dep.flipped, hope.mean_e, hope.flipped) == (18.0, False, -35.0, True)


def test_dichotomous_counts_are_kept_as_counted(protocol: Protocol) -> None:
    data = two_arm(
        entry("peer", "admissions", "admitted", 0, events=5, n=50),
        entry("usual", "admissions", "admitted", 0, events=9, n=52),
    )
    (c,) = analysis_ready(data, protocol).comparisons
    assert (c.events_e, c.n_e, c.events_c, c.n_c) == (5.0, 50.0, 9.0, 52.0)
    assert c.is_dichotomous and not c.flipped and c.higher_is_better is None
    assert "measure_validated" not in c.attributes  # an undeclared instrument


def test_timepoints_follow_the_protocol_rules(protocol: Protocol) -> None:
    weeks = (0, 12, 40, 52, 60, 104)
    rows = tuple(
        entry(arm, "hope", "Herth Hope Index", w, mean=30.0 + w / 10, sd=5.0, n=40)
        for w in weeks
        for arm in ("peer", "usual")
    )
    ready = analysis_ready(two_arm(*rows), protocol)
    chosen = {c.timepoint: c.weeks_after_end for c in ready.comparisons}
    # short-term: the latest up to one year (52 weeks); long-term: the longest after it
    assert chosen == {"post_intervention": 0.0, "short_term": 52.0, "long_term": 104.0}
    assert all(c.attributes["timepoint"] == c.timepoint for c in ready.comparisons)


def test_the_first_protocol_measure_is_used_at_every_timepoint(protocol: Protocol) -> None:
    rows = (
        entry("peer", "depression", "BDI-II", 0, mean=15.0, sd=8.0, n=40),
        entry("usual", "depression", "BDI-II", 0, mean=16.0, sd=8.0, n=40),
        entry("peer", "depression", "CES-D", 0, mean=20.0, sd=8.0, n=40),
        entry("usual", "depression", "CES-D", 0, mean=22.0, sd=8.0, n=40),
        entry("peer", "depression", "BDI-II", 26, mean=14.0, sd=8.0, n=38),
        entry("usual", "depression", "BDI-II", 26, mean=16.0, sd=8.0, n=39),
    )
    ready = analysis_ready(two_arm(*rows), protocol)
    # CES-D is listed before BDI-II in the protocol; the study has no CES-D at 26 weeks
    assert [(c.measure, c.timepoint) for c in ready.comparisons] == [("CES-D", "post_intervention")]
    assert ready.comparisons[0].attributes["measure_validated"] is True


def test_missing_numbers_leave_the_study_out_with_a_reason(protocol: Protocol) -> None:
    data = two_arm(
        entry("peer", "hope", "Herth Hope Index", 0, mean=35.0, n=60),
        entry("usual", "hope", "Herth Hope Index", 0, mean=34.0, sd=5.0, n=58),
        entry("peer", "recovery", "QPR", 0, mean=40.0, sd=9.0, n=60),
    )
    ready = analysis_ready(data, protocol)
    assert ready.comparisons == ()
    assert [str(e) for e in ready.exclusions] == [
        "S excluded from hope (post intervention): mean reported without a measure of spread "
        "(no SD, SE or CI) for arm 'peer': reported, not usable for pooling",
        "S excluded from recovery (post intervention): no QPR data for arm 'usual' at 0 weeks",
    ]
    assert "2 exclusions" in ready.summary()


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ({"mean": 1.0, "sd": 0.0, "n": 40}, "study 'S', arm 'peer', hope/Herth Hope Index: SD = 0"),
        ({"mean": 1.0, "sd": -2.0, "n": 40}, "SD = -2; it must be greater than 0"),
        ({"mean": 1.0, "sd": 2.0, "n": 1}, "N = 1; a mean and SD need N of at least 2"),
        ({"events": 12, "n": 10}, "12 events of 10 is impossible"),
    ],
)
def test_impossible_numbers_are_errors(
    protocol: Protocol, numbers: dict[str, float], message: str
) -> None:
    data = two_arm(
        entry("peer", "hope", "Herth Hope Index", 0, **numbers),
        entry("usual", "hope", "Herth Hope Index", 0, mean=1.0, sd=1.0, n=40),
    )
    with pytest.raises(DatasetError, match=message.replace("(", r"\(")):
        analysis_ready(data, protocol)


def test_structural_problems_are_errors(protocol: Protocol) -> None:
    one_arm = ReviewData((StudyEntry("S"),), (ArmEntry("S", "peer", "intervention"),), ())
    with pytest.raises(DatasetError, match="study 'S' has 1 arm"):
        analysis_ready(one_arm, protocol)
    bad_code = ReviewData(
        (StudyEntry("S"),),
        (ArmEntry("S", "peer", "intervention"), ArmEntry("S", "x", "placebo")),
        (),
    )
    with pytest.raises(DatasetError, match="arm_type 'placebo'; must be 'intervention' or"):
        analysis_ready(bad_code, protocol)
    no_control = ReviewData(
        (StudyEntry("S"),),
        (ArmEntry("S", "a", "intervention"), ArmEntry("S", "b", "intervention")),
        (),
    )
    with pytest.raises(DatasetError, match="has no a control arm"):
        analysis_ready(no_control, protocol)
    with pytest.raises(DatasetError, match="domain 'wellbeing' is not in the protocol"):
        analysis_ready(two_arm(entry("peer", "wellbeing", "X", 0, mean=1, sd=1, n=9)), protocol)
    with pytest.raises(DatasetError, match="measure 'Hope scale' of domain 'hope' is not decl"):
        analysis_ready(two_arm(entry("peer", "hope", "Hope scale", 0, mean=1, sd=1, n=9)), protocol)
    mixed = two_arm(
        entry("peer", "hope", "Herth Hope Index", 0, events=3, n=9),
        entry("usual", "hope", "Herth Hope Index", 0, mean=1.0, sd=1.0, n=9),
    )
    with pytest.raises(DatasetError, match="mixes events and means"):
        analysis_ready(mixed, protocol)


def test_filter_attributes(protocol: Protocol) -> None:
    ready = analysis_ready(review_data(), protocol)
    a = next(c for c in ready.comparisons if c.study_id == "A" and c.domain == "recovery")
    assert dict(a.attributes) == {
        "overall_rob": "low",
        "population": "severe",
        "intervention_structured": True,
        "study_id": "A",
        "measure": "QPR",
        "timepoint": "post_intervention",
        "n_arms": 2,
        "measure_validated": True,
        "comparator": "TAU",
    }
    frame = ready.to_frame()
    assert len(frame) == len(ready.comparisons) and frame.loc[0, "study"] == "A"


def test_arm_structure_fills_a_missing_study_attribute(protocol: Protocol) -> None:
    arms = (ArmEntry("S", "peer", "intervention", structured=False), ArmEntry("S", "u", "TAU"))
    rows = (
        entry("peer", "hope", "Herth Hope Index", 0, mean=1.0, sd=1.0, n=9),
        entry("u", "hope", "Herth Hope Index", 0, mean=1.0, sd=1.0, n=9),
    )
    (c,) = analysis_ready(ReviewData((StudyEntry("S"),), arms, rows), protocol).comparisons
    assert c.attributes["intervention_structured"] is False


def test_reported_p_and_flags_travel_with_the_comparison(protocol: Protocol) -> None:
    data = two_arm(
        OutcomeEntry("S", "peer", "hope", "Herth Hope Index", 0, mean=35.0, sd=5.0, n=40,
                     reported_p=0.03, flags=("sd from 95% CI",)),
        OutcomeEntry("S", "usual", "hope", "Herth Hope Index", 0, mean=34.0, sd=5.0, n=40),
    )  # fmt: skip
    (c,) = analysis_ready(data, protocol).comparisons
    assert (c.reported_p, c.flags) == (0.03, ("sd from 95% CI",))
