"""Published worked examples for the conversions in sysreview.effects.

Each test cites where its numbers were printed. Published numbers are rounded, so
each tolerance is half a unit in the last printed digit unless a comment says why it
differs. Where no published example was found (Luo et al.'s S2/S3 weights, Wan et
al.'s S3 SD), the unit tests check the code against the formula written out by hand
instead: see tests/unit/effects/test_conversions.py.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from sysreview.effects.combine import combine_groups
from sysreview.effects.conversions import (
    imputed_correlation,
    sd_from_ci,
    sd_from_p,
    se_from_ci,
)
from sysreview.effects.skewed import mean_sd_from_median, wan_eta, wan_xi


def test_handbook_ci_divisor_for_25_participants() -> None:
    """Cochrane Handbook v6.4 section 6.5.2.2 (v5.1 section 7.7.3.2).

    "the t statistic for a 95% confidence interval from a sample size of 25 can be
    obtained by typing =tinv(1-0.95,25-1) ... (the result is 2.0639). The divisor,
    3.92, in the formula above would be replaced by 2 x 2.0639 = 4.128."
    """
    n, lower, upper = 25, 3.0, 7.0
    divisor = math.sqrt(n) * (upper - lower) / sd_from_ci(lower, upper, n)
    assert divisor == pytest.approx(4.128, abs=5e-4)
    assert divisor / 2 == pytest.approx(2.0639, abs=5e-5)


@pytest.mark.parametrize(("level", "divisor"), [(0.95, 3.92), (0.90, 3.29), (0.99, 5.15)])
def test_handbook_large_sample_ci_divisors(level: float, divisor: float) -> None:
    """Handbook section 6.5.2.2: for large samples a 95% CI is 3.92 SEs wide; "for 90%
    confidence intervals 3.92 should be replaced by 3.29, and for 99% confidence
    intervals it should be replaced by 5.15"."""
    n, lower, upper = 400, 10.0, 12.0
    sd = sd_from_ci(lower, upper, n, level=level, small_sample=False)
    assert math.sqrt(n) * (upper - lower) / sd == pytest.approx(divisor, abs=5e-3)


def test_handbook_sd_from_p_value_example() -> None:
    """Handbook section 6.5.2.3 (v5.1 section 7.7.3.3).

    Groups of 25 and 22, mean difference 3.8, P = 0.008: the t value with 45 df is
    2.78 (=tinv(0.008, 45)) and "the standard error of the difference in means is
    obtained by dividing 3.8 by 2.78, which gives 1.37"; then
    SD = SE / sqrt(1/25 + 1/22).
    """
    n1, n2, md, p = 25, 22, 3.8, 0.008
    sd = sd_from_p(p, n1, n2, md)
    se = sd * math.sqrt(1 / n1 + 1 / n2)
    t = md / se
    assert t == pytest.approx(2.78, abs=5e-3)
    assert se == pytest.approx(1.37, abs=5e-3)
    # With the Handbook's rounded SE the SD is 1.37 / 0.2922 = 4.689; unrounded, 4.683.
    assert sd == pytest.approx(1.37 / math.sqrt(1 / n1 + 1 / n2), abs=5e-3 / 0.2922)


def test_se_of_log_risk_ratio_from_ci() -> None:
    """Heart (BMJ), Table 4, "Worked examples using the first study in table 3 (the
    Adventist study)": RR 2.15 (95% CI 1.33 to 3.47); the logs of the limits are
    0.285179 and 1.244155 and the SE of ln(RR) is 0.244637, computed with z = 1.96.

    We use the exact z = 1.959964, so rescale by z / 1.96 before comparing.
    """
    se = se_from_ci(1.33, 3.47, log=True)
    z = stats.norm.ppf(0.975)
    assert math.log(1.33) == pytest.approx(0.285179, abs=5e-7)
    assert math.log(3.47) == pytest.approx(1.244155, abs=5e-7)
    assert se * z / 1.96 == pytest.approx(0.244637, abs=5e-7)


def test_combine_three_groups_statstodo_example() -> None:
    """StatsToDo, "Combine Means and SDs Into One Group Program" (statstodo.com):
    groups (n, mean, SD) = (10, 11.8, 2.4), (20, 15.3, 3.2), (15, 8.4, 4.1) combine to
    n = 45, mean = 12.2222, SD = 4.5028, both by sums of squares and by applying
    Cochrane's two-group formula (Handbook Table 6.5.a) sequentially."""
    g = combine_groups([10, 20, 15], [11.8, 15.3, 8.4], [2.4, 3.2, 4.1])
    assert g.n == 45
    assert g.mean == pytest.approx(12.2222, abs=5e-5)
    assert g.sd == pytest.approx(4.5028, abs=5e-5)


def test_pre_post_correlation_from_three_sds() -> None:
    """Jane MB (2023), "Calculating Pre/Post Correlation from the Standard Deviation of
    Change Scores", Meta-Analysis Magic blog (matthewbjane.github.io, post 1):
    S_pre = 9, S_post = 11, S_change = 8 give r = 0.697."""
    assert imputed_correlation(9.0, 11.0, 8.0) == pytest.approx(0.697, abs=5e-4)


def test_luo_mean_s1_metablue_example() -> None:
    """R package metaBLUE 1.0.0 (Tong's group, co-authors of Luo et al. 2018),
    documentation of Luo.mean: X = c(1, 4, 10) (min, median, max), n = 30,
    type = "S1" prints $muhat 4.356748."""
    r = mean_sd_from_median(4.0, 30, minimum=1.0, maximum=10.0)
    assert r.mean == pytest.approx(4.356748, abs=5e-7)


def test_wan_sd_from_iqr_cross_validated_example() -> None:
    """Cross Validated answer to "How to calculate mean and standard deviation from
    median and quartiles", applying Wan et al. (2014) scenario C3 in R:
    q1 = 0.02, q3 = 0.04, n = 100 gives s = 0.0150441."""
    r = mean_sd_from_median(0.03, 100, q1=0.02, q3=0.04)
    assert r.sd == pytest.approx(0.0150441, abs=5e-8)
    assert wan_eta(100) == pytest.approx(0.02 / 0.0150441, rel=1e-6)


# Wan et al. (2014), Table 1: exact xi(n) (expected range of n standard normals), n = 2..50.
_TABLE_1_VALUES = (
    "1.128 1.693 2.059 2.326 2.534 2.704 2.847 2.970 3.078 3.173 3.259 3.336 3.407 3.472 "
    "3.532 3.588 3.640 3.689 3.735 3.778 3.819 3.858 3.895 3.931 3.964 3.997 4.027 4.057 "
    "4.086 4.113 4.139 4.165 4.189 4.213 4.236 4.259 4.280 4.301 4.322 4.341 4.361 4.379 "
    "4.398 4.415 4.433 4.450 4.466 4.482 4.498"
)
WAN_TABLE_1 = {n: float(v) for n, v in enumerate(_TABLE_1_VALUES.split(), start=2)}


@pytest.mark.parametrize(("n", "exact"), sorted(WAN_TABLE_1.items()))
def test_closed_form_xi_is_close_to_wan_table_1(n: int, exact: float) -> None:
    """Wan et al., BMC Med Res Methodol 2014;14:135, Table 1 ("Values of xi(n) in the
    formula (7) and the formula (12) for n <= 50"). We use the closed form
    2 Phi^-1((n - 0.375)/(n + 0.25)) for every n; it is Blom's approximation, so the
    tolerance is the approximation error: 5% for n < 5, 1.5% for n < 10, 0.5% from 10."""
    tol = 0.05 if n < 5 else (0.015 if n < 10 else 0.005)
    assert wan_xi(n) == pytest.approx(exact, rel=tol)


def test_wan_table_1_transcription_is_complete() -> None:
    assert sorted(WAN_TABLE_1) == list(range(2, 51))
