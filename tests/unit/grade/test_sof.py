"""Summary of findings numbers: corresponding risks, assumed risks, continuous effects, the
size of an effect for the wording, and the informative statements."""

from __future__ import annotations

import pytest

from sysreview.grade import (
    Level,
    assess,
    corresponding_risk,
    effect_size,
    sof_row,
    statement,
)
from sysreview.protocol import Magnitude, parse_protocol, template_text
from sysreview.protocol.certainty import Grade, NamedRisk, OutcomeThresholds
from tests.unit.grade.helpers import evidence, study

GRADE = Grade()
UNSURE = "The evidence is very uncertain about the effect of"
BANDS = Magnitude()


def test_corresponding_risk_of_an_odds_ratio_goes_through_the_odds() -> None:
    for assumed in (0.01, 0.2, 0.5, 0.9):
        for odds_ratio in (0.3, 1.0, 2.5):
            odds = odds_ratio * assumed / (1 - assumed)
            want = odds / (1 + odds)
            got = corresponding_risk(assumed, "OR", odds_ratio)
            assert got == pytest.approx(want, rel=1e-12)
            assert corresponding_risk(assumed, "PETO_OR", odds_ratio) == got


def test_corresponding_risk_of_rr_and_rd() -> None:
    assert corresponding_risk(0.2, "RR", 0.75) == pytest.approx(0.15, rel=1e-12)
    assert corresponding_risk(0.2, "RD", -0.05) == pytest.approx(0.15, rel=1e-12)
    assert corresponding_risk(0.02, "RD", -0.05) == 0.0  # clipped at 0
    with pytest.raises(ValueError, match="no corresponding risk for SMD"):
        corresponding_risk(0.2, "SMD", 0.3)


def _dichotomous(**kw: object) -> object:
    arms = (study("A", 60, control_events=10.0, control_n=100.0),
            study("B", 40, control_events=30.0, control_n=50.0),
            study("C", 0, control_events=25.0, control_n=100.0))  # fmt: skip
    return evidence("RR", arms, estimate=0.8, ci_low=0.6, ci_high=1.1, **kw)


def test_assumed_risk_median_or_pooled_and_the_row() -> None:
    ev = _dichotomous()
    assert ev.assumed_risk("median") == 0.25  # of 0.1, 0.6, 0.25
    assert ev.assumed_risk("pooled") == pytest.approx(65 / 250, rel=1e-12)
    row = sof_row(assess(ev, GRADE, 50.0), GRADE, BANDS)
    (line,) = row.risks
    assert line.label == "Study population (median control group risk)"
    assert (line.assumed, line.corresponding, line.low, line.high) == pytest.approx(
        (0.25, 0.2, 0.15, 0.275), rel=1e-12
    )
    pooled = Grade(assumed_risk="pooled")
    assert sof_row(assess(ev, pooled, 50.0), pooled, BANDS).risks[0].assumed == pytest.approx(
        0.26, rel=1e-12
    )


def test_named_assumed_risks_replace_the_studies() -> None:
    risks = (NamedRisk(label="Low risk", risk=0.01), NamedRisk(label="High risk", risk=0.03))
    named = Grade(outcome=(OutcomeThresholds(domain="hope", assumed_risks=risks),))
    row = sof_row(assess(_dichotomous(), named, 50.0), named, BANDS)
    assert [(r.label, r.assumed, r.corresponding) for r in row.risks] == [
        ("Low risk", 0.01, pytest.approx(0.008)), ("High risk", 0.03, pytest.approx(0.024)),
    ]  # fmt: skip


def test_a_mean_difference_is_shown_in_the_instruments_own_direction() -> None:
    # depression scores: lower is better, so the synthesis flipped the signs (benefit > 0)
    arms = tuple(study(n, 50, flipped=True, control_mean=-m, instrument="BDI-II")
                 for n, m in (("A", 20.0), ("B", 24.0)))  # fmt: skip
    ev = evidence("MD", arms, estimate=3.0, ci_low=1.0, ci_high=5.0)
    row = sof_row(assess(ev, GRADE, 50.0), GRADE, BANDS)
    c = row.continuous
    assert c is not None and c.instrument == "BDI-II"
    assert (c.difference, c.low, c.high, c.control_means) == (-3.0, -5.0, -1.0, (20.0, 24.0))
    assert row.benefit is True


def test_an_smd_is_re_expressed_on_a_familiar_instrument() -> None:
    own = Grade(outcome=(OutcomeThresholds(domain="hope", sd=6.0, instrument="Herth Hope Index"),))
    ev = evidence("SMD", estimate=0.3, ci_low=0.1, ci_high=0.5)
    c = sof_row(assess(ev, own, 50.0), own, BANDS).continuous
    assert c is not None and c.reexpressed is not None
    assert c.reexpressed[:2] == ("Herth Hope Index", 6.0)
    assert c.reexpressed[2:] == pytest.approx((1.8, 0.6, 3.0), rel=1e-12)


@pytest.mark.parametrize(
    ("measure", "estimate", "own", "size"),
    [
        ("SMD", 0.19, None, "trivial"), ("SMD", -0.2, None, "important"),
        ("SMD", 0.79, None, "important"), ("SMD", 0.8, None, "large"),
        ("RR", 0.76, None, "trivial"), ("RR", 0.74, None, "important"),
        ("RR", 0.5, None, "large"), ("RR", 1.24, None, "trivial"), ("RR", 2.0, None, "large"),
        ("MD", 2.9, 3.0, "trivial"), ("MD", 3.0, 3.0, "important"),
        ("MD", 1.1, None, "trivial"), ("MD", 1.3, None, "important"),  # MD / SD 6 vs 0.2
    ],
)  # fmt: skip
def test_the_size_of_an_effect(measure: str, estimate: float, own: float | None, size: str) -> None:
    grade = Grade(outcome=(OutcomeThresholds(domain="hope", mid=own),)) if own else GRADE
    arms = (study("A", control_n=101.0, control_sd=6.0),)
    ev = evidence(measure, arms, estimate=estimate)
    got, basis = effect_size(assess(ev, grade, 50.0), grade, BANDS)
    assert got == size, basis


def test_the_size_of_an_effect_uses_the_protocols_bands() -> None:
    bands = Magnitude(thresholds=(0.1, 0.3), labels=("negligible", "moderate", "big"))
    ev = evidence("SMD", estimate=0.35)
    assert effect_size(assess(ev, GRADE, 50.0), GRADE, bands)[0] == "large"


@pytest.mark.parametrize(
    ("level", "size", "benefit", "text"),
    [
        (Level.HIGH, "large", True, "X results in a large improvement in hope"),
        (Level.HIGH, "important", True, "X improves hope"),
        (Level.HIGH, "trivial", True, "X results in little to no difference in hope"),
        (Level.MODERATE, "large", False, "X probably results in a large worsening in hope"),
        (Level.MODERATE, "important", True, "X probably improves hope"),
        (Level.MODERATE, "trivial", None, "X probably results in little to no difference in hope"),
        (Level.LOW, "important", False, "X may worsen hope"),
        (Level.LOW, "large", True, "X may result in a large improvement in hope"),
        (Level.LOW, "trivial", True, "X may result in little to no difference in hope"),
        (Level.VERY_LOW, "large", True, f"{UNSURE} X on hope"),
        (Level.VERY_LOW, None, None, f"{UNSURE} X on hope"),
    ],
)  # fmt: skip
def test_informative_statements(
    level: Level, size: str | None, benefit: bool | None, text: str
) -> None:
    assert statement(level, size, benefit, "X", "hope") == text


def test_statements_without_a_known_direction_say_increase_or_reduce() -> None:
    said = [statement(Level.MODERATE, "important", None, "X", "admissions", increase=False),
            statement(Level.LOW, "important", None, "X", "admissions", increase=True),
            statement(Level.HIGH, "large", None, "X", "admissions", increase=False)]  # fmt: skip
    assert said == ["X probably reduces admissions", "X may increase admissions",
                    "X results in a large reduction in admissions"]  # fmt: skip
    with pytest.raises(ValueError, match="needs the size"):
        statement(Level.LOW, None, True, "X", "admissions")


def test_the_seed_template_keeps_its_p_value_wording() -> None:
    seed = parse_protocol(template_text("group-peer-support")).grade
    blank = parse_protocol(template_text("blank")).grade
    assert [w.value for w in seed.wording] == ["p_value"]
    assert [w.value for w in blank.wording] == ["grade"]
