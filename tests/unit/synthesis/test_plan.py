"""``run_plan``: what is pooled, what is narrative and why, checked against R metafor.

Reference values: tests/reference/metafor/synthesis.json (R 4.2.2, metafor 3.8-1; the
R script is stored in the file's provenance). Tolerances: 1e-9 relative for
closed-form DL fits and tests (values are pinned to 15 significant digits).
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from sysreview.synthesis import Synthesis, choose_measure, run_plan
from sysreview.vocab import Measure
from tests.unit.synthesis.data import (
    ADD_SCS,
    METAFOR,
    alignment_data,
    reference,
    review_data,
    seed_protocol,
    ten_studies,
    with_admissions,
)

FIT_KEYS = ("estimate", "se", "ci_low", "ci_high", "statistic", "p", "tau2", "i2", "q", "df")


def close_to(record: dict[str, Any], expected: dict[str, Any], keys: tuple[str, ...] = FIT_KEYS):
    for key in keys:
        want = expected["z" if key == "statistic" else key]  # metafor JSON: z
        assert record[key] == pytest.approx(want, rel=1e-9, abs=1e-12), key


@pytest.fixture(scope="module")
def seed() -> Synthesis:
    return run_plan(review_data(), seed_protocol())


def test_analysis_ids_are_stable_and_readable(seed: Synthesis) -> None:
    plan = [
        "main",
        "sensitivity.low_rob",
        "sensitivity.tau_only",
        "sensitivity.validated_measures",
        "subgroup.severity",
        "subgroup.structure",
    ]
    assert seed.ids() == [
        *(f"recovery.post_intervention.{p}" for p in plan),
        *(f"hope.post_intervention.{p}" for p in plan),
        "depression.post_intervention.narrative",
        "depression.short_term.narrative",
    ]
    hope = seed["hope.post_intervention.main"]
    assert hope.label == "Hope, post-intervention — main analysis"
    assert seed["hope.post_intervention.sensitivity.low_rob"].label == (
        "Hope, post-intervention — Low overall risk of bias only"
    )
    with pytest.raises(KeyError):
        seed["hope.long_term.main"]


def test_main_md_with_a_combined_three_arm_trial_matches_metafor(seed: Synthesis) -> None:
    res = seed["hope.post_intervention.main"]
    rec = res.record()
    case = reference("hope_combined_md")
    close_to(rec, case["expected"])  # RevMan's prediction interval (t, k - 2) is not metafor's
    assert (rec["measure"], rec["model"], rec["method"], rec["kind"]) == (
        "MD",
        "random",
        "IV",
        "main",
    )
    assert rec["studies"] == ["A", "B", "C"]
    assert rec["participants"] == 60 + 58 + 45 + 47 + 70 + 66 + 64  # each arm counted once
    assert (rec["evidence"], rec["magnitude"]) == ("no", None)  # no magnitude for an MD
    assert rec["substantial_heterogeneity"] is False
    assert rec["description"] == (
        "combine TAU and active arms into one control group (Cochrane Handbook formula)"
    )


@pytest.mark.parametrize(
    ("edits", "case"), [((), "alignment_smd_revman"), ((METAFOR,), "alignment_smd_metafor")]
)
def test_opposite_directions_are_aligned_and_pooled_as_smd(edits: tuple, case: str) -> None:
    result = run_plan(alignment_data(), seed_protocol(ADD_SCS, *edits))
    res = result["connectedness.post_intervention.main"]
    want = reference(case)
    assert res.meta is not None
    assert res.meta.effects.yi.tolist() == pytest.approx(want["yi"], rel=1e-9)
    assert res.meta.effects.vi.tolist() == pytest.approx(want["vi"], rel=1e-9)
    rec = res.record()
    close_to(rec, want["expected"])
    if case == "alignment_smd_metafor":  # RevMan's prediction interval uses t on k - 2 df
        close_to(rec, want["expected"], ("pi_low", "pi_high"))
    assert rec["measure"] == "SMD"
    assert rec["substantial_heterogeneity"] is True  # I² 67% > 50%
    assert (rec["evidence"], rec["magnitude"]) == ("no", "negligible")


def test_sensitivity_uses_its_own_arm_rule_and_measure(seed: Synthesis) -> None:
    """SEED §7 "TAU comparators only": E (active only) is dropped, C enters with its TAU arm,
    and B stays with its waiting-list arm (a waiting list is not an active comparator)."""
    assert seed["recovery.post_intervention.main"].record()["measure"] == "SMD"  # QPR and RAS
    res = seed["recovery.post_intervention.sensitivity.tau_only"]
    rec = res.record()
    want = reference("recovery_tau_only_smd_revman")
    assert res.meta is not None
    assert res.meta.effects.yi.tolist() == pytest.approx(want["yi"], rel=1e-9)
    assert res.meta.effects.vi.tolist() == pytest.approx(want["vi"], rel=1e-9)
    close_to(rec, want["expected"])
    assert rec["measure"] == "SMD"  # QPR and B's RAS
    assert rec["studies"] == ["A", "B", "C", "D"]
    assert [c.control_arms for c in res.comparisons] == [("usual",), ("wait",), ("usual",),
                                                         ("usual",)]  # fmt: skip
    assert [c.comparator for c in res.comparisons] == ["TAU", "WL", "TAU", "TAU"]
    assert [(e.study_id, e.reason) for e in res.excluded] == [
        ("E", "no TAU or WL arm (control arms: active)")
    ]
    assert rec["evidence"] == "weak"
    hope = seed["hope.post_intervention.sensitivity.tau_only"].record()
    close_to(hope, reference("hope_tau_only_md")["expected"])
    assert (hope["measure"], hope["studies"]) == ("MD", ["A", "B", "C"])


def test_impossible_planned_analyses_say_why(seed: Synthesis) -> None:
    low = seed["recovery.post_intervention.sensitivity.low_rob"].record()
    assert low["reason"] == "only two studies had low overall risk of bias (at least three needed)"
    assert (low["kind"], low["k"], low["estimate"], low["studies"]) == (
        "sensitivity",
        2,
        None,
        ["A", "C"],
    )
    result = run_plan(alignment_data(), seed_protocol(ADD_SCS))
    valid = result["connectedness.post_intervention.sensitivity.validated_measures"]
    assert valid.reason == "only two studies used a fully validated measure (at least three needed)"


def test_too_few_studies_give_a_narrative_summary(seed: Synthesis) -> None:
    res = seed["depression.post_intervention.narrative"]
    assert res.reason == "only two studies had usable data (at least three needed)"
    assert res.meta is None and res.kind == "narrative"
    a, b = res.narrative
    # CES-D and BDI-II: different instruments, so each study's SMD; lower scores favour
    assert (a.study, a.measure, a.effect_measure, a.direction) == (
        "A",
        "CES-D",
        "SMD",
        "favours intervention",
    )
    assert (b.study, b.direction) == ("B", "favours control")
    (one,) = seed["depression.short_term.narrative"].narrative
    # short-term: the 40-week follow-up (the latest within a year), as an MD, aligned
    se = math.sqrt(9.3**2 / 50 + 9.9**2 / 49)
    assert (one.effect_measure, one.estimate) == ("MD", pytest.approx(2.0, rel=1e-12))
    assert one.ci_low == pytest.approx(2.0 - 1.959963984540054 * se, rel=1e-12)
    rec = seed["depression.short_term.narrative"].record()
    assert rec["narrative"][0]["direction"] == "favours intervention"
    assert rec["estimate"] is None and rec["measure"] == "MD"


def test_min_studies_comes_from_the_protocol() -> None:
    two = run_plan(review_data(), seed_protocol(("min_studies = 3", "min_studies = 2")))
    assert "depression.post_intervention.main" in two.ids()
    assert two["depression.post_intervention.main"].record()["measure"] == "SMD"


def test_subgroup_test_matches_separate_metafor_fits(seed: Synthesis) -> None:
    res = seed["hope.post_intervention.subgroup.severity"]
    rec = res.record()
    want = reference("hope_subgroup_severity")
    assert res.subgroup_levels == ("severe", "severe", "other")
    severe, other = rec["subgroups"]
    close_to(severe, want["subgroups"]["severe"])
    # one study: tau² = 0 and I² = 0, Q = 0 on 0 df (p = 1), as metafor reports
    close_to(other, want["subgroups"]["other"])
    assert (other["k"], other["p_q"]) == (1, 1.0)
    test = rec["subgroup_test"]
    assert test["df"] == want["expected"]["df"]
    assert test["q"] == pytest.approx(want["expected"]["q"], rel=1e-9)
    assert test["p"] == pytest.approx(want["expected"]["p"], rel=1e-9)
    assert test["evidence"] == "no"
    assert (
        res.description
        == "severe (population in ['severe']) vs other (population not_in ['severe'])"
    )


def test_subgroups_need_studies_in_two_levels() -> None:
    data = review_data()
    same = tuple(
        type(s)(s.study_id, {**s.attributes, "population": "severe"}) for s in data.studies
    )
    result = run_plan(type(data)(same, data.arms, data.outcomes), seed_protocol())
    res = result["hope.post_intervention.subgroup.severity"]
    assert res.meta is None
    assert (
        res.reason == "needs studies in at least two levels; three studies severe, no study other"
    )


def test_funnel_plot_tests_only_from_ten_studies() -> None:
    ten = run_plan(ten_studies(10), seed_protocol())["hope.post_intervention.main"]
    egger, begg = ten.small_study_tests
    want = reference("ten_studies_bias")["expected"]
    assert (egger.test, begg.test) == ("Egger", "Begg")
    assert egger.statistic == pytest.approx(want["egger_z"], rel=1e-9)
    assert egger.p == pytest.approx(want["egger_p"], rel=1e-9)
    assert begg.statistic == pytest.approx(want["begg_tau"], rel=1e-9)
    assert begg.p == pytest.approx(want["begg_p"], rel=1e-9)
    assert [t["test"] for t in ten.record()["small_study_tests"]] == ["Egger", "Begg"]
    nine = run_plan(ten_studies(9), seed_protocol())["hope.post_intervention.main"]
    assert nine.small_study_tests == ()
    assert nine.small_study_reason == (
        "funnel-plot asymmetry tests need at least ten studies; this analysis has nine"
    )


def test_effect_measure_choice() -> None:
    plan = seed_protocol().analysis
    ready = run_plan(review_data(), seed_protocol())
    hope = ready["hope.post_intervention.main"].comparisons
    recovery = ready["recovery.post_intervention.main"].comparisons
    assert choose_measure(hope, plan) is Measure.MD
    assert choose_measure(recovery, plan) is Measure.SMD
    counts = run_plan(with_admissions(review_data()), seed_protocol())
    rec = counts["admissions.post_intervention.main"].record()
    # the plan's method (IV) applies to RR; the direction of an undeclared count is unknown
    assert (rec["measure"], rec["method"]) == ("RR", "IV")
    assert rec["favours"] == ["Fewer events with intervention", "More events with intervention"]
    assert rec["participants"] == 60 + 58 + 45 + 47 + 70 + 130 + 30 + 31


def test_records_have_the_results_json_fields(seed: Synthesis) -> None:
    required = {
        "analysis", "outcome", "timepoint", "kind", "k", "participants", "measure", "model",
        "estimate", "ci_low", "ci_high", "p", "statistic", "i2", "q", "df", "tau2", "pi_low",
        "pi_high", "evidence", "magnitude", "studies", "reason",
    }  # fmt: skip
    records = seed.records()
    assert all(required <= set(r) for r in records)
    assert {r["kind"] for r in records} == {"main", "sensitivity", "subgroup", "narrative"}
    frame = seed.to_frame()
    assert list(frame["analysis"]) == seed.ids()
    assert frame.loc[0, "studies"] == "A; B; C; D; E"
    text = seed.summary()
    assert "only two studies had low overall risk of bias" in text
    assert "No study reported: connectedness" in text


def test_a_study_without_an_estimate_is_not_counted_as_usable() -> None:
    from sysreview.extraction.dataset import OutcomeEntry, ReviewData

    data = review_data()
    counts = [
        ("A", "peer", 0, 60),
        ("A", "usual", 0, 58),
        ("B", "peer", 3, 45),
        ("B", "wait", 6, 47),
    ]
    extra = tuple(
        OutcomeEntry(s, a, "admissions", "admitted", 0, events=e, n=n) for s, a, e, n in counts
    )
    result = run_plan(ReviewData(data.studies, data.arms, data.outcomes + extra), seed_protocol())
    res = result["admissions.post_intervention.narrative"]
    assert res.reason == "only one study had usable data (at least three needed)"
    assert res.k == 1 and res.participants == 92
    zero, b = res.narrative
    assert zero.direction.startswith("not estimable: ") and zero.estimate is None
    assert b.effect_measure == "RR" and b.direction == "fewer events with intervention"
    assert b.estimate == pytest.approx((3 / 45) / (6 / 47), rel=1e-12)


def test_a_domain_own_analysis_replaces_the_plan_for_it() -> None:
    """``analysis = {model = "fixed"}`` on hope fits hope with fixed effects and leaves
    recovery random (the fits themselves are checked against metafor elsewhere)."""
    edit = ('label = "Hope"\n', 'label = "Hope"\nanalysis = { model = "fixed" }\n')
    synthesis = run_plan(review_data(), seed_protocol(edit))
    hope = synthesis["hope.post_intervention.main"].record()
    assert hope["model"] == "fixed"
    assert synthesis["recovery.post_intervention.main"].record()["model"] == "random"
    random = run_plan(review_data(), seed_protocol())["hope.post_intervention.main"].record()
    # same rows, one weight each: a common-effect fit has no tau2 and a narrower interval
    assert hope["ci_high"] - hope["ci_low"] <= random["ci_high"] - random["ci_low"]
    assert hope["tau2"] in (None, 0.0)
