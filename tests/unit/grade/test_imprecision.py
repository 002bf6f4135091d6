"""The imprecision rule: the CI against the null and the appreciable thresholds (RR 0.75
and 1.25, SMD ±0.5, MD ± the outcome's MID), and the participants against the OIS; a case
on each side of each threshold."""

from __future__ import annotations

import pytest

from sysreview.grade import Rating, appreciable, imprecision, information_size
from sysreview.protocol.certainty import ImprecisionRule, OutcomeThresholds
from tests.unit.grade.helpers import evidence, study

RULE = ImprecisionRule()
NONE = OutcomeThresholds(domain="hope")
BIG = (study("A", participants=600.0), study("B", participants=600.0))  # 1200 >= OIS 788


@pytest.mark.parametrize(
    ("ci", "expected"),
    [
        ((0.05, 0.35), Rating.NO),  # excludes no effect, N above the OIS
        ((-0.05, 0.45), Rating.NO),  # includes no effect but stays within ±0.5
        ((-0.05, 0.5), Rating.NO),  # the threshold itself is not beyond it
        ((-0.05, 0.51), Rating.SERIOUS),  # no effect and an appreciable benefit
        ((-0.51, 0.05), Rating.SERIOUS),  # no effect and an appreciable harm
        ((0.1, 0.9), Rating.NO),  # an appreciable effect but not no effect
        ((-0.49, 0.49), Rating.NO),
        ((-0.51, 0.51), Rating.VERY_SERIOUS),  # appreciable effects either way
    ],
)
def test_smd_interval_against_null_and_half_an_sd(
    ci: tuple[float, float], expected: Rating
) -> None:
    ev = evidence("SMD", BIG, ci_low=ci[0], ci_high=ci[1])
    got = imprecision(ev, RULE, NONE, None)
    assert got.rating is expected, got.reason
    assert got.numbers["ois"] == 788


@pytest.mark.parametrize(
    ("ci", "expected"),
    [
        ((0.80, 0.95), Rating.NO),
        ((0.76, 1.20), Rating.NO),  # within 0.75 and 1.25
        ((0.74, 1.05), Rating.SERIOUS),  # below 0.75 and across 1
        ((0.95, 1.26), Rating.SERIOUS),  # across 1 and above 1.25
        ((0.70, 1.30), Rating.VERY_SERIOUS),
        ((0.50, 0.74), Rating.NO),  # appreciable benefit only, the null excluded
    ],
)
def test_ratio_interval_against_gradesix_rough_guide(
    ci: tuple[float, float], expected: Rating
) -> None:
    many = (study("A", participants=5000.0, control_events=500.0, control_n=2500.0),)
    ev = evidence("RR", many, estimate=0.9, ci_low=ci[0], ci_high=ci[1])
    got = imprecision(ev, RULE, NONE, 0.2)
    assert got.rating is expected, got.reason
    assert got.numbers["threshold_low"] == 0.75 and got.numbers["threshold_high"] == 1.25


def test_ois_decides_when_the_interval_does_not() -> None:
    # control risk 20%, RRR 25%: OIS 1812 (GRADE 6's example; tests/published)
    ev = {"estimate": 0.7, "ci_low": 0.55, "ci_high": 0.9}
    small = evidence("RR", (study("A", participants=1811.0),), **ev)
    enough = evidence("RR", (study("A", participants=1812.0),), **ev)
    short = imprecision(small, RULE, NONE, 0.2)
    assert short.rating is Rating.SERIOUS and "below the OIS 1812" in short.reason
    assert imprecision(enough, RULE, NONE, 0.2).rating is Rating.NO


def test_a_mean_difference_uses_the_outcomes_mid_and_sd() -> None:
    own = OutcomeThresholds(domain="hope", mid=3.0, sd=6.0)
    ois, _ = information_size(evidence("MD"), RULE, own, None)
    assert ois is not None and ois.total == 2 * 64  # power.t.test(delta=3, sd=6): 63.77
    ev = evidence("MD", BIG, estimate=1.0, ci_low=-1.0, ci_high=2.9)
    assert imprecision(ev, RULE, own, None).rating is Rating.NO  # within ±3
    wide = evidence("MD", BIG, estimate=1.0, ci_low=-1.0, ci_high=3.1)
    assert imprecision(wide, RULE, own, None).rating is Rating.SERIOUS


def test_a_mean_difference_without_a_mid() -> None:
    # the control arms' SD is not used without a MID: the OIS falls back to 0.2 SD
    assert appreciable(evidence("MD"), RULE, NONE, None) is None
    across = evidence("MD", BIG, estimate=1.0, ci_low=-1.0, ci_high=3.0)
    got = imprecision(across, RULE, NONE, None)
    assert got.rating is Rating.SERIOUS and "no minimal important difference" in got.reason
    clear = evidence("MD", BIG, estimate=1.0, ci_low=0.2, ci_high=3.0)
    assert imprecision(clear, RULE, NONE, None).rating is Rating.NO


def test_mid_from_the_control_arms_sd_when_the_protocol_gives_none() -> None:
    arms = (study("A", control_n=51.0, control_sd=5.0), study("B", control_n=51.0, control_sd=7.0))
    own = OutcomeThresholds(domain="hope", mid=3.0)
    ev = evidence("MD", arms)
    assert ev.control_sd() == pytest.approx(((25 + 49) / 2) ** 0.5, rel=1e-12)
    ois, _ = information_size(ev, RULE, own, None)
    assert ois is not None and "SD 6.08" in ois.basis


def test_risk_difference_thresholds_scale_with_the_assumed_risk() -> None:
    thr = appreciable(evidence("RD"), RULE, NONE, 0.2)
    assert thr is not None and (thr.low, thr.high) == pytest.approx((-0.05, 0.05), rel=1e-12)
    assert appreciable(evidence("RD"), RULE, NONE, None) is None


def test_a_narrative_summary_is_judged_by_the_ois_only() -> None:
    few = evidence("SMD", (study("A", participants=100.0),), pooled=False, ci_low=None,
                   ci_high=None)  # fmt: skip
    got = imprecision(few, RULE, NONE, None)
    assert got.rating is Rating.SERIOUS and got.reason.startswith("not pooled")
    events = evidence("RR", (study("A", participants=100.0),), pooled=False)
    none = imprecision(events, RULE, NONE, None)  # no control events: no OIS
    assert none.rating is Rating.NO and not none.assessed
