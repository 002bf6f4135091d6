"""Unit tests for sysreview.effects.conversions and sysreview.effects.skewed.

Closed forms are checked against the formula written out independently in the test,
to 1e-12 relative (a few ulps of float64 arithmetic, far below any reported digit).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sysreview.effects.combine import CombinedGroup, combine_events, combine_groups
from sysreview.effects.conversions import (
    change_sd,
    imputed_correlation,
    sd_from_ci,
    sd_from_p,
    sd_from_se,
    sd_from_t,
    se_from_ci,
    se_from_sd,
)
from sysreview.effects.skewed import MEAN_METHODS, mean_sd_from_median, wan_eta, wan_xi
from sysreview.errors import InputError

RTOL = 1e-12

sizes = st.integers(min_value=2, max_value=10_000)
positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)


# --- SD <-> SE -----------------------------------------------------------------------


def test_sd_from_se_scalar_returns_float() -> None:
    out = sd_from_se(0.5, 25)
    assert isinstance(out, float)
    assert out == 2.5


def test_sd_from_se_vectorised_and_broadcast() -> None:
    out = sd_from_se(np.array([[0.5, 1.0], [2.0, 4.0]]), np.array([4, 9]))
    assert isinstance(out, np.ndarray)
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out, [[1.0, 3.0], [4.0, 12.0]], rtol=RTOL)


def test_nan_propagates_as_missing() -> None:
    out = sd_from_se([0.5, np.nan], [25, 25])
    assert isinstance(out, np.ndarray)
    assert out[0] == 2.5
    assert np.isnan(out[1])


@pytest.mark.parametrize(
    ("se", "n", "match"),
    [
        (0.0, 10, "se must be greater than 0; got se=0"),
        (-1.0, 10, "se must be greater than 0"),
        (1.0, 1, "n must be at least 2; got n=1"),
        ([1.0, 1.0, 1.0], [5, 0, 5], "n must be at least 2; got n=0 at index 1"),
    ],
)
def test_sd_from_se_rejects_impossible_input(se: Any, n: Any, match: str) -> None:
    with pytest.raises(InputError, match=match):
        sd_from_se(se, n)


def test_non_numeric_input_is_an_input_error() -> None:
    with pytest.raises(InputError, match="se must be numeric"):
        sd_from_se("abc", 10)


@given(sd=positive, n=sizes)
def test_se_sd_round_trip(sd: float, n: int) -> None:
    assert math.isclose(sd_from_se(se_from_sd(sd, n), n), sd, rel_tol=RTOL)


# --- SD / SE from confidence intervals -----------------------------------------------


def test_sd_from_ci_uses_t_with_n_minus_1_df() -> None:
    n, lo, hi = 25, 3.0, 7.0
    expected = math.sqrt(n) * (hi - lo) / (2 * stats.t.ppf(0.975, n - 1))
    assert math.isclose(sd_from_ci(lo, hi, n), expected, rel_tol=RTOL)


def test_sd_from_ci_normal_and_other_levels() -> None:
    n, lo, hi = 400, 3.0, 7.0
    for level in (0.90, 0.95, 0.99):
        expected = math.sqrt(n) * (hi - lo) / (2 * stats.norm.ppf((1 + level) / 2))
        got = sd_from_ci(lo, hi, n, level=level, small_sample=False)
        assert math.isclose(got, expected, rel_tol=RTOL)


def test_sd_from_ci_t_approaches_normal_for_large_n() -> None:
    t_based = sd_from_ci(0.0, 1.0, 10**7)
    z_based = sd_from_ci(0.0, 1.0, 10**7, small_sample=False)
    assert math.isclose(t_based, z_based, rel_tol=1e-6)


def test_sd_from_ci_vectorised() -> None:
    out = sd_from_ci([1.0, 2.0], [3.0, 6.0], [10, 20])
    assert isinstance(out, np.ndarray)
    assert out.shape == (2,)
    assert math.isclose(out[1], sd_from_ci(2.0, 6.0, 20), rel_tol=RTOL)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lower": 7.0, "upper": 3.0, "n": 25}, "upper must be greater than lower; got lower=7"),
        ({"lower": 3.0, "upper": 3.0, "n": 25}, "upper must be greater than lower"),
        ({"lower": 3.0, "upper": 7.0, "n": 1}, "n must be at least 2"),
        ({"lower": 3.0, "upper": 7.0, "n": 25, "level": 95}, "level must be strictly between"),
    ],
)
def test_sd_from_ci_rejects_impossible_input(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InputError, match=match):
        sd_from_ci(**kwargs)


def test_se_from_ci_difference_and_ratio_scale() -> None:
    z = stats.norm.ppf(0.975)
    assert math.isclose(se_from_ci(-1.0, 3.0), 4.0 / (2 * z), rel_tol=RTOL)
    expected = (math.log(2.0) - math.log(0.5)) / (2 * z)
    assert math.isclose(se_from_ci(0.5, 2.0, log=True), expected, rel_tol=RTOL)


def test_se_from_ci_log_is_invariant_to_inverting_the_ratio() -> None:
    a = se_from_ci(0.6, 0.94, log=True)
    b = se_from_ci(1 / 0.94, 1 / 0.6, log=True)
    assert math.isclose(a, b, rel_tol=RTOL)


def test_se_from_ci_rejects_non_positive_ratio_limits() -> None:
    with pytest.raises(InputError, match="ratio limits must be greater than 0"):
        se_from_ci(0.0, 2.0, log=True)
    with pytest.raises(InputError, match="upper must be greater than lower"):
        se_from_ci(2.0, 1.0)


# --- SD from t and P -----------------------------------------------------------------


def test_sd_from_t_formula_and_sign_invariance() -> None:
    expected = (3.8 / 2.5) / math.sqrt(1 / 25 + 1 / 22)
    for t, md in ((2.5, 3.8), (-2.5, -3.8), (2.5, -3.8)):
        assert math.isclose(sd_from_t(t, 25, 22, md), expected, rel_tol=RTOL)


def test_sd_from_p_matches_t_quantile_with_pooled_df() -> None:
    p, n1, n2, md = 0.03, 12, 15, 2.0
    t = stats.t.isf(p / 2, n1 + n2 - 2)
    expected = (md / t) / math.sqrt(1 / n1 + 1 / n2)
    assert math.isclose(sd_from_p(p, n1, n2, md), expected, rel_tol=RTOL)


def test_sd_from_p_one_sided_equals_two_sided_with_double_p() -> None:
    one = sd_from_p(0.01, 30, 30, 1.5, two_sided=False)
    two = sd_from_p(0.02, 30, 30, 1.5)
    assert math.isclose(one, two, rel_tol=RTOL)


def test_sd_from_p_vectorised() -> None:
    out = sd_from_p([0.01, 0.05], [20, 40], [20, 40], [1.0, 2.0])
    assert isinstance(out, np.ndarray)
    assert math.isclose(out[1], sd_from_p(0.05, 40, 40, 2.0), rel_tol=RTOL)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0.0, 10, 10, 1.0), "p must be strictly between 0 and 1; got p=0"),
        ((1.0, 10, 10, 1.0), "p must be strictly between 0 and 1"),
        ((0.5, 1, 10, 1.0), "n1 must be at least 2"),
        ((0.5, 10, 10, 0.0), "mean_difference must be non-zero"),
    ],
)
def test_sd_from_p_rejects_impossible_input(args: tuple[Any, ...], match: str) -> None:
    with pytest.raises(InputError, match=match):
        sd_from_p(*args)


def test_sd_from_t_rejects_zero_t() -> None:
    with pytest.raises(InputError, match="t must be non-zero"):
        sd_from_t(0.0, 10, 10, 1.0)


# --- changes from baseline -----------------------------------------------------------


@pytest.mark.parametrize(
    ("r", "expected"), [(0.0, math.hypot(3.0, 4.0)), (1.0, 1.0), (-1.0, 7.0), (0.5, math.sqrt(13))]
)
def test_change_sd_known_values(r: float, expected: float) -> None:
    assert math.isclose(change_sd(3.0, 4.0, r), expected, rel_tol=RTOL)


def test_change_sd_rejects_bad_correlation_and_negative_sd() -> None:
    with pytest.raises(
        InputError, match=r"correlation must be between -1 and 1; got correlation=1\.5"
    ):
        change_sd(3.0, 4.0, 1.5)
    with pytest.raises(InputError, match="sd_final must not be negative"):
        change_sd(3.0, -4.0, 0.5)


def test_imputed_correlation_rejects_inconsistent_sds() -> None:
    with pytest.raises(InputError, match="inconsistent SDs"):
        imputed_correlation(3.0, 4.0, 8.0)
    with pytest.raises(InputError, match="inconsistent SDs"):
        imputed_correlation(3.0, 4.0, 0.5)


@given(sb=st.floats(0.1, 100), sf=st.floats(0.1, 100), r=st.floats(-0.99, 0.99))
def test_change_sd_and_imputed_correlation_are_inverse(sb: float, sf: float, r: float) -> None:
    sc = change_sd(sb, sf, r)
    assert math.isclose(imputed_correlation(sb, sf, sc), r, abs_tol=1e-9)


# --- combining groups ----------------------------------------------------------------


def _pairwise(n: list[float], m: list[float], s: list[float]) -> tuple[float, float, float]:
    """Handbook Table 6.5.a applied iteratively: an independent implementation."""
    n1, m1, s1 = n[0], m[0], s[0]
    for n2, m2, s2 in zip(n[1:], m[1:], s[1:], strict=True):
        tot = n1 + n2
        var = ((n1 - 1) * s1**2 + (n2 - 1) * s2**2 + n1 * n2 / tot * (m1 - m2) ** 2) / (tot - 1)
        n1, m1, s1 = tot, (n1 * m1 + n2 * m2) / tot, math.sqrt(var)
    return n1, m1, s1


def _summaries(samples: list[np.ndarray]) -> tuple[list[float], list[float], list[float]]:
    return (
        [float(x.size) for x in samples],
        [float(x.mean()) for x in samples],
        [float(x.std(ddof=1)) for x in samples],
    )


@pytest.mark.parametrize("k", [2, 3, 5])
def test_combine_groups_equals_pooling_the_raw_data(k: int) -> None:
    rng = np.random.default_rng(20240601 + k)
    samples = [rng.normal(10 + 3 * i, 1 + i, size=20 + 7 * i) for i in range(k)]
    g = combine_groups(*_summaries(samples))
    pooled = np.concatenate(samples)
    assert g.n == pooled.size
    assert math.isclose(g.mean, pooled.mean(), rel_tol=RTOL)
    assert math.isclose(g.sd, pooled.std(ddof=1), rel_tol=RTOL)


def test_combine_groups_equals_iterated_table_6_5_a_in_every_order() -> None:
    n, m, s = [10.0, 20.0, 15.0, 7.0], [11.8, 15.3, 8.4, 12.0], [2.4, 3.2, 4.1, 1.0]
    g = combine_groups(n, m, s)
    for perm in itertools.permutations(range(4)):
        ref = _pairwise([n[i] for i in perm], [m[i] for i in perm], [s[i] for i in perm])
        assert ref[0] == g.n
        assert math.isclose(ref[1], g.mean, rel_tol=RTOL)
        assert math.isclose(ref[2], g.sd, rel_tol=RTOL)


arm = st.tuples(st.integers(2, 500), moderate, st.floats(0.0, 1e3))


@settings(max_examples=200)
@given(arms=st.lists(arm, min_size=2, max_size=6), data=st.data())
def test_combine_groups_is_order_invariant(
    arms: list[tuple[int, float, float]], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(arms))))
    g1 = combine_groups(*zip(*arms, strict=True))
    g2 = combine_groups(*zip(*(arms[i] for i in order), strict=True))
    assert g1.n == g2.n
    assert math.isclose(g1.mean, g2.mean, rel_tol=RTOL, abs_tol=1e-9)
    assert math.isclose(g1.sd, g2.sd, rel_tol=1e-9, abs_tol=1e-9)


def test_combine_groups_single_arm_is_identity_and_scalars_are_floats() -> None:
    g = combine_groups([12], [3.5], [1.25])
    assert (g.n, g.mean, g.sd) == (12.0, 3.5, 1.25)
    assert all(isinstance(v, float) for v in (g.n, g.mean, g.sd))


def test_combine_groups_vectorised_over_studies() -> None:
    n = [np.array([10, 30]), np.array([20, 5])]
    m = [np.array([1.0, 2.0]), np.array([3.0, 0.5])]
    s = [np.array([1.0, 0.5]), np.array([2.0, 1.5])]
    g = combine_groups(n, m, s)
    assert isinstance(g.sd, np.ndarray)
    assert g.sd.shape == (2,)
    ref = _pairwise([30.0, 5.0], [2.0, 0.5], [0.5, 1.5])
    assert math.isclose(g.sd[1], ref[2], rel_tol=RTOL)
    with pytest.raises(ValueError, match="read-only"):
        g.sd[0] = 0.0
    frame = g.to_frame()
    assert list(frame.columns) == ["n", "mean", "sd"]
    assert len(frame) == 2
    assert g.summary().count("\n") == 1


def test_combined_group_is_frozen() -> None:
    g = combine_groups([10, 10], [1.0, 2.0], [1.0, 1.0])
    assert isinstance(g, CombinedGroup)
    with pytest.raises(AttributeError):
        g.n = 3.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([10, 1], [1.0, 2.0], [1.0, 1.0]), "n must be at least 2; got n=1 at index 1"),
        (([10, 10], [1.0, 2.0], [1.0, -1.0]), "sd must not be negative"),
        (([10], [1.0, 2.0], [1.0, 1.0]), "one entry per arm; got 1, 2 and 2"),
        (([], [], []), "one value per arm"),
        ((10, 1.0, 1.0), "one value per arm"),
    ],
)
def test_combine_groups_rejects_bad_arms(args: tuple[Any, ...], match: str) -> None:
    with pytest.raises(InputError, match=match):
        combine_groups(*args)


def test_combine_events_sums_and_validates() -> None:
    c = combine_events([12, 8, 0], [50, 48, 10])
    assert (c.events, c.n) == (20.0, 108.0)
    assert c.summary() == "20/108 events"
    with pytest.raises(InputError, match="events must be between 0 and n; got events=60, n=50"):
        combine_events([60], [50])
    with pytest.raises(InputError, match="one entry per arm"):
        combine_events([1, 2], [10])


# --- mean and SD from median, quartiles, range -----------------------------------------


def _xi(n: float) -> float:
    return float(2 * stats.norm.ppf((n - 0.375) / (n + 0.25)))


def _eta(n: float) -> float:
    return float(2 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25)))


A, Q1, M, Q3, B, N = 2.0, 5.0, 7.0, 10.0, 20.0, 40


def test_luo_wan_scenarios_against_formulas_written_out() -> None:
    w = 4 / (4 + N**0.75)
    s1 = mean_sd_from_median(M, N, minimum=A, maximum=B)
    assert s1.scenario == "S1"
    assert math.isclose(s1.mean, w * (A + B) / 2 + (1 - w) * M, rel_tol=RTOL)
    assert math.isclose(s1.sd, (B - A) / _xi(N), rel_tol=RTOL)

    w = 0.7 + 0.39 / N
    s2 = mean_sd_from_median(M, N, q1=Q1, q3=Q3)
    assert s2.scenario == "S2"
    assert math.isclose(s2.mean, w * (Q1 + Q3) / 2 + (1 - w) * M, rel_tol=RTOL)
    assert math.isclose(s2.sd, (Q3 - Q1) / _eta(N), rel_tol=RTOL)

    w1, w2 = 2.2 / (2.2 + N**0.75), 0.7 - 0.72 / N**0.55
    s3 = mean_sd_from_median(M, N, q1=Q1, q3=Q3, minimum=A, maximum=B)
    assert s3.scenario == "S3"
    mean3 = w1 * (A + B) / 2 + w2 * (Q1 + Q3) / 2 + (1 - w1 - w2) * M
    sd3 = ((B - A) / _xi(N) + (Q3 - Q1) / _eta(N)) / 2
    assert math.isclose(s3.mean, mean3, rel_tol=RTOL)
    assert math.isclose(s3.sd, sd3, rel_tol=RTOL)


def test_wan_means_against_formulas_written_out() -> None:
    r1 = mean_sd_from_median(M, N, minimum=A, maximum=B, method="wan")
    r2 = mean_sd_from_median(M, N, q1=Q1, q3=Q3, method="WAN")
    r3 = mean_sd_from_median(M, N, q1=Q1, q3=Q3, minimum=A, maximum=B, method="wan")
    assert math.isclose(r1.mean, (A + 2 * M + B) / 4, rel_tol=RTOL)
    assert math.isclose(r2.mean, (Q1 + M + Q3) / 3, rel_tol=RTOL)
    expected = (A + 2 * Q1 + 2 * M + 2 * Q3 + B) / 8
    assert math.isclose(r3.mean, expected, rel_tol=RTOL)
    assert r3.method == "wan"
    # SDs are Wan et al.'s whatever the mean method.
    assert r3.sd == mean_sd_from_median(M, N, q1=Q1, q3=Q3, minimum=A, maximum=B).sd


@pytest.mark.parametrize("method", sorted(MEAN_METHODS))
@given(n=st.integers(2, 5000), centre=moderate, h1=positive, h2=positive)
def test_symmetric_summaries_give_mean_equal_to_median(
    method: str, n: int, centre: float, h1: float, h2: float
) -> None:
    lo, hi = sorted((h1, h2))
    r = mean_sd_from_median(
        centre,
        n,
        q1=centre - lo,
        q3=centre + lo,
        minimum=centre - hi - 1,
        maximum=centre + hi + 1,
        method=method,
    )
    assert math.isclose(r.mean, centre, rel_tol=1e-9, abs_tol=1e-6 * (hi + 1))


def test_iqr_divisor_tends_to_normal_iqr() -> None:
    assert math.isclose(wan_eta(10**8), 2 * stats.norm.ppf(0.75), rel_tol=1e-7)
    xi = wan_xi([10, 100])
    assert isinstance(xi, np.ndarray)
    assert xi[0] < xi[1]


def test_mean_sd_from_median_vectorised_and_frame() -> None:
    r = mean_sd_from_median([7.0, 8.0], [40, 80], q1=[5.0, 6.0], q3=[10.0, 9.0])
    assert isinstance(r.mean, np.ndarray)
    assert r.mean.shape == (2,)
    single = mean_sd_from_median(8.0, 80, q1=6.0, q3=9.0)
    assert isinstance(r.sd, np.ndarray)
    assert math.isclose(r.sd[1], single.sd, rel_tol=RTOL)
    assert isinstance(single.mean, float)
    frame = r.to_frame()
    assert list(frame.columns) == ["mean", "sd", "method", "scenario"]
    assert set(frame["scenario"]) == {"S2"}
    assert "luo_wan, S2" in r.summary()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"q1": 8.0, "q3": 10.0}, r"median must lie in \[q1, q3\]; got q1=8, median=7"),
        ({"q1": 10.0, "q3": 5.0}, "q1 must be less than q3"),
        ({"minimum": 9.0, "maximum": 20.0}, r"median must lie in \[minimum, maximum\]"),
        ({"minimum": 5.0, "maximum": 5.0}, "minimum must be less than maximum"),
        ({"q1": 5.0, "q3": 10.0, "minimum": 6.0, "maximum": 20.0}, "q1 must not be below"),
        ({"q1": 5.0, "q3": 10.0, "minimum": 2.0, "maximum": 9.0}, "q3 must not be above the max"),
        ({"q1": 5.0}, "give both q1 and q3"),
        ({"maximum": 5.0}, "give both minimum and maximum"),
        ({}, "give minimum and maximum, q1 and q3"),
        (
            {"q1": 5.0, "q3": 10.0, "method": "hozo"},
            "Invalid method 'hozo'; must be one of luo_wan, wan",
        ),
    ],
)
def test_mean_sd_from_median_rejects_impossible_summaries(
    kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(InputError, match=match):
        mean_sd_from_median(7.0, 40, **kwargs)


def test_mean_sd_from_median_rejects_tiny_n() -> None:
    with pytest.raises(InputError, match="n must be at least 2"):
        mean_sd_from_median(7.0, 1, q1=5.0, q3=10.0)
