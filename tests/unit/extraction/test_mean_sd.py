"""An arm's mean and SD from SE, confidence intervals, medians and change scores.

Conversions are checked against published worked examples (the same ones pinned in
tests/published/test_conversion_examples.py), each tolerance half a unit in the last
printed digit.
"""

from __future__ import annotations

import math
import re

import pytest

from sysreview.errors import InputError
from sysreview.extraction.mean_sd import (
    FLAG_CHANGE,
    FLAG_NO_SPREAD,
    FLAG_P,
    FLAG_SE,
    FLAG_T,
    convert_outcome,
    flag_ci,
    flag_median,
    sd_from_test,
    sds_from_test,
)


def test_mean_and_sd_as_given_are_not_flagged() -> None:
    assert convert_outcome({"mean": 12.0, "sd": 3.5, "se": 9.0}, 40) == (12.0, 3.5, ())


def test_sd_from_se_is_se_times_root_n() -> None:
    """Cochrane Handbook v6.4 section 6.5.2.2: SD = SE * sqrt(N)."""
    mean, sd, flags = convert_outcome({"mean": 4.0, "se": 0.5}, 25)
    assert (mean, flags) == (4.0, (FLAG_SE,))
    assert sd == pytest.approx(2.5, rel=1e-12)


def test_sd_from_ci_handbook_divisor_for_25_participants() -> None:
    """Handbook section 6.5.2.2: a 95% CI from 25 participants uses t = 2.0639, so the
    divisor 3.92 "would be replaced by 2 x 2.0639 = 4.128"."""
    mean, sd, flags = convert_outcome({"mean": 5.0, "ci_low": 3.0, "ci_high": 7.0}, 25)
    assert sd is not None and mean == 5.0
    assert math.sqrt(25) * (7.0 - 3.0) / sd == pytest.approx(4.128, abs=5e-4)
    assert flags == (flag_ci(0.95),)
    assert flags[0] == "sd from 95% CI (Cochrane Handbook 6.5.2.2; t with n - 1 df)"


def test_median_range_luo_mean_metablue_example() -> None:
    """metaBLUE 1.0.0, Luo.mean: X = c(1, 4, 10), n = 30, type "S1" gives 4.356748."""
    mean, _, flags = convert_outcome({"median": 4.0, "minimum": 1.0, "maximum": 10.0}, 30)
    assert mean == pytest.approx(4.356748, abs=5e-7)
    assert flags == (flag_median("S1"),)
    assert "median/range" in flags[0] and "flagged" in flags[0]


def test_change_scores_are_used_as_mean_and_sd() -> None:
    assert convert_outcome({"mean_change": -2.5, "sd_change": 4.0}, 30) == (
        -2.5,
        4.0,
        (FLAG_CHANGE,),
    )


def test_conversion_needs_n() -> None:
    with pytest.raises(InputError, match="n is needed to convert se"):
        convert_outcome({"mean": 1.0, "se": 0.2}, None)


def test_sd_from_p_value_handbook_6_5_2_3_example() -> None:
    """Cochrane Handbook v6.4 section 6.5.2.3 (v5.1 section 7.7.3.3), worked example.

    Groups of 25 and 22, MD 3.8, P = 0.008: "=tinv(0.008, 45)" gives t = 2.78 and "the
    standard error of the difference in means is obtained by dividing 3.8 by 2.78, which
    gives 1.37"; then SD = SE / sqrt(1/25 + 1/22). The Handbook prints two decimals, so
    the printed numbers are checked to half a unit in their last digit, and the exact
    value to 1e-9 against an independent computation with scipy.stats.t.
    """
    from scipy import stats

    sd, flag = sd_from_test({"mean": 13.8}, 25, {"mean": 10.0}, 22, p=0.008)
    assert flag == FLAG_P and "6.5.2.3" in flag
    root = math.sqrt(1 / 25 + 1 / 22)
    t = float(stats.t.isf(0.008 / 2, 45))
    assert t == pytest.approx(2.78, abs=5e-3)
    assert 3.8 / t == pytest.approx(1.37, abs=5e-3)
    assert sd * root == pytest.approx(1.37, abs=5e-3)
    assert sd == pytest.approx(3.8 / t / root, rel=1e-9)
    assert sd == pytest.approx(4.683, abs=5e-4)


def test_sd_from_t_statistic_handbook_6_5_2_3() -> None:
    """Handbook section 6.5.2.3: SE = MD / t, SD = SE / sqrt(1/n1 + 1/n2); the sign of t
    and of the MD does not matter. With the example's t = 2.78: SD = 3.8 / 2.78 / 0.29217.
    """
    sd, flag = sd_from_test({"mean": 10.0}, 25, {"mean": 13.8}, 22, t=2.78)
    assert flag == FLAG_T and "6.5.2.3" in flag
    assert sd == pytest.approx(3.8 / 2.78 / math.sqrt(1 / 25 + 1 / 22), rel=1e-9)
    negative, _ = sd_from_test({"mean": 10.0}, 25, {"mean": 13.8}, 22, t=-2.78)
    assert negative == pytest.approx(sd, rel=1e-12)


def test_sd_from_t_and_p_agree() -> None:
    """The P value of a t test and its t statistic give the same SD (scipy.stats.t)."""
    from scipy import stats

    p = float(2 * stats.t.sf(2.51, 30 + 28 - 2))
    by_p, _ = sd_from_test({"mean": 3.8}, 30, {"mean": 0.0}, 28, p=p)
    by_t, _ = sd_from_test({"mean": 3.8}, 30, {"mean": 0.0}, 28, t=2.51)
    assert by_p == pytest.approx(by_t, rel=1e-9)


@pytest.mark.parametrize(
    ("first", "n1", "second", "n2", "given", "column", "words"),
    [
        ({}, 25, {"mean": 1.0}, 22, {"t": 2.0}, "mean", "t needs the mean of both groups"),
        ({"mean": 2.0}, 25, {}, 22, {"p": 0.01}, "mean", "p needs the mean of both groups"),
        ({"mean": 2.0}, None, {"mean": 1.0}, 22, {"t": 2.0}, "n", "N of both groups"),
        ({"mean": 2.0}, 25, {"mean": 1.0}, None, {"p": 0.01}, "n", "N of both groups"),
        ({"mean": 2.0}, 25, {"mean": 1.0}, 22, {"t": 0.0}, "t", "t must be non-zero"),
        ({"mean": 2.0}, 25, {"mean": 1.0}, 22, {"p": 0.0}, "p", "strictly between 0 and 1"),
        ({"mean": 2.0}, 25, {"mean": 1.0}, 22, {"p": 1.0}, "p", "strictly between 0 and 1"),
        ({"mean": 2.0}, 25, {"mean": 1.0}, 22, {"p": 1.5}, "p", "strictly between 0 and 1"),
        ({"mean": 2.0}, 25, {"mean": 1.0}, 22, {}, "t", "give t or p"),
        ({"mean": 2.0}, 25, {"mean": 1.0}, 22, {"t": 2.0, "p": 0.05}, "t", "not both"),
        ({"mean": 1.0}, 25, {"mean": 1.0}, 22, {"t": 2.0}, "mean", "MD = 0"),
        ({"mean": 2.0}, 1, {"mean": 1.0}, 22, {"t": 2.0}, "n1", "at least 2"),
    ],
)
def test_sd_from_test_refuses_incomplete_or_impossible_input(
    first: dict[str, float], n1: int | None, second: dict[str, float], n2: int | None,
    given: dict[str, float], column: str, words: str,
) -> None:  # fmt: skip
    with pytest.raises(InputError, match=re.escape(words)) as info:
        sd_from_test(first, n1, second, n2, **given)
    assert info.value.column == column


def test_sds_from_test_pairs_two_arms_and_keeps_a_given_sd() -> None:
    bare, given = (FLAG_NO_SPREAD,), ()
    arms = [{"mean": 13.8}, {"mean": 10.0, "t": 2.0}]
    expected = (3.8 / 2.0) / math.sqrt(1 / 25 + 1 / 22)  # Handbook 6.5.2.3 by hand
    found = sds_from_test(arms, [25, 22], [bare, bare])
    assert found.keys() == {0, 1}
    assert math.isclose(found[0][0], expected, rel_tol=1e-12) and found[1][1] == FLAG_T
    assert sds_from_test([{"mean": 13.8, "sd": 4.0}, arms[1]], [25, 22], [given, bare]) == {
        1: found[1]
    }
    assert sds_from_test([{"mean": 1.0}, {"mean": 2.0}], [5, 5], [bare, bare]) == {}


@pytest.mark.parametrize(
    ("arms", "ns", "line", "column", "message"),
    [
        ([{"mean": 1.0, "t": 2.0}, {"mean": 2.0}, {"mean": 3.0}], [5, 5, 5], 0, "t",
         "3 arm(s)"),
        ([{"mean": 1.0, "p": 0.1}, {"mean": 2.0, "p": 0.2}], [5, 5], 1, "p", "different p"),
        ([{"mean": 1.0, "t": 2.0}, {"mean": 2.0}], [5, None], 1, "n", "N of both groups"),
        ([{"mean": 1.0, "t": 2.0}, {"mean": 1.0}], [5, 5], 0, "mean", "MD = 0"),
    ],
)  # fmt: skip
def test_sds_from_test_names_the_arm_and_column(
    arms: list[dict[str, float]], ns: list[int | None], line: int, column: str, message: str
) -> None:
    flags = [(FLAG_NO_SPREAD,)] * len(arms)
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        sds_from_test(arms, ns, flags)
    assert (caught.value.line, caught.value.column) == (line, column)
