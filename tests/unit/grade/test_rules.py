"""The suggested ratings of risk of bias, inconsistency, indirectness and publication bias:
a case on each side of every threshold the protocol states (defaults: weight shares 0.5;
I² 50% and 75%; Q p 0.10; Egger p 0.10)."""

from __future__ import annotations

import pytest

from sysreview.grade import Rating, inconsistency, indirectness, publication_bias, risk_of_bias
from sysreview.protocol.certainty import InconsistencyRule, PublicationBiasRule, RiskOfBiasRule
from tests.unit.grade.helpers import evidence, study

ROB = RiskOfBiasRule()


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        # (high, unclear, low) weight in percent
        ((0, 50, 50), Rating.NO),  # exactly half at high/unclear: not more than half
        ((0, 50.01, 49.99), Rating.SERIOUS),  # just over half at high or unclear
        ((30, 30, 40), Rating.SERIOUS),  # high and unclear together count
        ((50, 10, 40), Rating.SERIOUS),  # half at high is not more than half
        ((50.01, 0, 49.99), Rating.VERY_SERIOUS),  # just over half at high
        ((100, 0, 0), Rating.VERY_SERIOUS),
        ((0, 0, 100), Rating.NO),
    ],
)
def test_risk_of_bias_by_the_share_of_weight(
    weights: tuple[float, float, float], expected: Rating
) -> None:
    high, unclear, low = weights
    ev = evidence(studies=(study("H", high, "high"), study("U", unclear, "unclear"),
                           study("L", low, "low")))  # fmt: skip
    got = risk_of_bias(ev, ROB)
    assert got.rating is expected, got.reason
    assert got.numbers["share_high"] == pytest.approx(high / 100, rel=1e-12)
    assert got.numbers["share_concerns"] == pytest.approx((high + unclear) / 100, rel=1e-12)


def test_risk_of_bias_reads_weights_not_study_counts() -> None:
    # two small studies at high risk, one large at low risk: most weight is at low risk
    ev = evidence(studies=(study("H1", 10, "high"), study("H2", 10, "high"),
                           study("L", 80, "low")))  # fmt: skip
    got = risk_of_bias(ev, ROB)
    assert got.rating is Rating.NO
    assert "studies at high overall risk of bias carry 20% of the weight (H1; H2)" in got.reason


def test_risk_of_bias_some_concerns_and_unassessed_studies_count_as_unclear() -> None:
    ev = evidence(studies=(study("S", 40, "some_concerns"), study("N", 20, None),
                           study("L", 40, "low")))  # fmt: skip
    got = risk_of_bias(ev, ROB)
    assert got.rating is Rating.SERIOUS
    assert got.numbers["not_assessed"] == 1 and "not assessed, counted as unclear: N" in got.reason


def test_risk_of_bias_of_a_narrative_summary_uses_participants() -> None:
    studies = (study("H", None, "high", participants=300.0), study("L", None, "low"))
    got = risk_of_bias(evidence(studies=studies, pooled=False), ROB)
    assert got.numbers["basis"] == "participants" and got.numbers["share_high"] == 0.75
    assert got.rating is Rating.VERY_SERIOUS


def test_risk_of_bias_thresholds_are_the_protocols() -> None:
    ev = evidence(studies=(study("H", 30, "high"), study("L", 70, "low")))
    strict = RiskOfBiasRule(serious_share=0.25, very_serious_share=0.75)
    assert risk_of_bias(ev, ROB).rating is Rating.NO
    assert risk_of_bias(ev, strict).rating is Rating.SERIOUS


INC = InconsistencyRule()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"i2": 50.0, "p_q": 0.01, "pi_low": -0.3}, Rating.NO),  # I² not above 50%
        ({"i2": 50.1, "p_q": 0.01, "pi_low": 0.01}, Rating.SERIOUS),  # with a small Q p
        ({"i2": 50.1, "p_q": 0.10, "pi_low": 0.01}, Rating.NO),  # Q p not below 0.10
        ({"i2": 50.1, "p_q": 0.0999, "pi_low": 0.01}, Rating.SERIOUS),
        ({"i2": 60.0, "p_q": 0.3, "pi_low": -0.01}, Rating.SERIOUS),  # PI spans the null
        ({"i2": 74.9, "p_q": 0.01, "pi_low": -0.2}, Rating.SERIOUS),  # below 75%
        ({"i2": 75.0, "p_q": 0.01, "pi_low": -0.2}, Rating.VERY_SERIOUS),
        ({"i2": 75.0, "p_q": 0.2, "pi_low": -0.2}, Rating.SERIOUS),  # needs the small Q p too
        ({"i2": 80.0, "p_q": 0.01, "pi_low": 0.02}, Rating.SERIOUS),  # and the PI across
    ],
)
def test_inconsistency_bands(values: dict[str, float], expected: Rating) -> None:
    got = inconsistency(evidence(**values), INC, 50.0)
    assert got.rating is expected, got.reason


def test_inconsistency_non_overlapping_intervals_count_with_substantial_i2() -> None:
    apart = (study("A", ci_low=0.6, ci_high=0.9), study("B", ci_low=-0.2, ci_high=0.3))
    got = inconsistency(evidence(studies=apart, i2=55.0, p_q=0.2, pi_low=0.01), INC, 50.0)
    assert got.rating is Rating.SERIOUS and "B and A" in got.reason
    low_i2 = inconsistency(evidence(studies=apart, i2=20.0, p_q=0.2, pi_low=0.01), INC, 50.0)
    assert low_i2.rating is Rating.NO


def test_inconsistency_uses_the_plans_substantial_i2() -> None:
    ev = evidence(i2=45.0, p_q=0.01)
    assert inconsistency(ev, INC, 50.0).rating is Rating.NO
    assert inconsistency(ev, INC, 40.0).rating is Rating.SERIOUS


def test_inconsistency_of_one_study_or_a_narrative_summary() -> None:
    one = inconsistency(evidence(studies=(study("A"),)), INC, 50.0)
    assert one.rating is Rating.NO and not one.assessed
    same = (study("A", ci_low=0.1, ci_high=0.5), study("B", ci_low=0.2, ci_high=0.6))
    assert inconsistency(evidence(studies=same, pooled=False, i2=None), INC, 50.0).rating is (
        Rating.NO
    )
    opposite = (study("A", ci_low=0.1, ci_high=0.5), study("B", ci_low=-0.6, ci_high=-0.05))
    got = inconsistency(evidence(studies=opposite, pooled=False, i2=None), INC, 50.0)
    assert got.rating is Rating.SERIOUS and "do not overlap" in got.reason


def test_indirectness_is_never_guessed() -> None:
    got = indirectness(evidence())
    assert got.rating is Rating.NO and not got.assessed
    assert "not assessed automatically" in got.reason


PUB = PublicationBiasRule()


@pytest.mark.parametrize(
    ("egger", "expected", "assessed"),
    [(0.0999, Rating.SERIOUS, True), (0.10, Rating.NO, True), (None, Rating.NO, False)],
)
def test_publication_bias_by_eggers_test(
    egger: float | None, expected: Rating, assessed: bool
) -> None:
    got = publication_bias(evidence(egger_p=egger, small_study_reason="too few"), PUB)
    assert (got.rating, got.assessed) == (expected, assessed)
    if egger is None:
        assert got.reason.startswith("not assessable: too few")
