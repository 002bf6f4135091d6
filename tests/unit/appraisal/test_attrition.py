"""The seed review's attrition rule (SEED §5) as a pure suggestion for RoB 1 domain 5."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.appraisal.attrition import ArmCounts, suggest_attrition
from sysreview.errors import InputError


def arms(*pairs: tuple[int, int]) -> list[ArmCounts]:
    return [ArmCounts(f"arm {i + 1}", r, a) for i, (r, a) in enumerate(pairs)]


@pytest.mark.parametrize(
    ("counts", "described", "expected"),
    [
        (((100, 80), (100, 80)), False, "low"),  # exactly 20%: not above the threshold
        (((100, 75), (100, 75)), False, "unclear"),  # 25% overall, balanced, not described
        (((100, 75), (100, 75)), True, None),  # described: the rule leaves it to the reasons
        (((100, 75), (100, 75)), None, None),  # dropouts_described not extracted
        (((100, 85), (100, 60)), True, "high"),  # 25 points apart: imbalance wins
        (((100, 95), (100, 80)), False, "high"),  # 12.5% overall, 15 points apart: high
        (((100, 90), (100, 80)), False, "low"),  # exactly 10 points apart is not > 10
        (((50, 40), (100, 78), (100, 76)), False, "unclear"),  # 3 arms: 20/22/24% spread 4
    ],
)
def test_rule(
    counts: tuple[tuple[int, int], ...], described: bool | None, expected: str | None
) -> None:
    """SEED §5: imbalance between arms -> high; > 20% with drop-outs not described -> unclear."""
    s = suggest_attrition(arms(*counts), dropouts_described=described)
    assert s.judgement == expected
    assert s.domain == "incomplete_outcome_data"
    assert s.reason  # always says why, also when it does not suggest


def test_reason_names_the_numbers() -> None:
    s = suggest_attrition(
        [ArmCounts("peer group", 100, 85), ArmCounts("usual care", 120, 72)],
        dropouts_described=False,
        where=" at post-intervention",
    )
    assert s.judgement == "high"
    assert s.overall == pytest.approx(63 / 220)
    assert s.difference == pytest.approx(0.40 - 0.15)
    for text in ("28.6%", "peer group 15 of 100 not analysed, 15.0%", "usual care 48 of 120, 40.0%",
                 "at post-intervention", "25.0 percentage points", "more than 10"):  # fmt: skip
        assert text in s.reason


def test_extracted_overall_attrition_is_used_and_said() -> None:
    s = suggest_attrition(arms((100, 90), (100, 88)), overall=0.3, dropouts_described=False)
    assert (s.judgement, s.overall) == ("unclear", 0.3)
    assert "overall attrition 30.0% (extracted) is above 20%" in s.reason


def test_without_arm_numbers() -> None:
    only_overall = suggest_attrition([], overall=0.25, dropouts_described=False)
    assert only_overall.judgement == "unclear"
    assert "balance between arms is not known" in only_overall.reason
    low_overall = suggest_attrition([], overall=0.05, dropouts_described=False)
    assert low_overall.judgement is None  # low needs balanced arms
    nothing = suggest_attrition([], dropouts_described=False)
    assert nothing.judgement is None
    assert "no attrition extracted" in nothing.reason


def test_thresholds_are_the_protocol_s() -> None:
    assert suggest_attrition(arms((100, 85), (100, 85)), threshold=0.1,
                             dropouts_described=False).judgement == "unclear"  # fmt: skip
    assert suggest_attrition(arms((100, 75), (100, 70)), imbalance=0.02).judgement == "high"
    s = suggest_attrition(arms((100, 75), (100, 70)), threshold=0.3, imbalance=0.2)
    assert (s.threshold, s.imbalance, s.judgement) == (0.3, 0.2, "low")
    assert "at most 30%" in s.reason and "at most 20" in s.reason


@pytest.mark.parametrize(("randomised", "analysed"), [(100, 101), (0, 0), (10, -1)])
def test_impossible_counts_are_refused(randomised: int, analysed: int) -> None:
    with pytest.raises(InputError, match="arm 'a'"):
        ArmCounts("a", randomised, analysed)


@pytest.mark.parametrize(
    "bad", [{"threshold": 1.5}, {"imbalance": -0.1}, {"overall": float("nan")}]
)
def test_fractions_are_checked(bad: dict[str, float]) -> None:
    with pytest.raises(InputError, match="fraction"):
        suggest_attrition([], **bad)


@given(
    st.lists(st.tuples(st.integers(1, 500), st.floats(0, 1)), min_size=2, max_size=4),
    st.sampled_from([True, False, None]),
)
def test_order_of_arms_does_not_matter(
    raw: list[tuple[int, float]], described: bool | None
) -> None:
    counts = [ArmCounts(f"a{i}", r, round(r * f)) for i, (r, f) in enumerate(raw)]
    one = suggest_attrition(counts, dropouts_described=described)
    other = suggest_attrition(counts[::-1], dropouts_described=described)
    assert one.judgement == other.judgement
    assert one.to_dict()["overall"] == pytest.approx(other.to_dict()["overall"])
