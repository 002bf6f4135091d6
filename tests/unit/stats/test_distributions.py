"""The SciPy-free distribution functions agree with :mod:`scipy.special`.

SciPy (Cephes) is the independent reference. Tolerances: 1e-13 relative for the
normal quantile and for tail probabilities above 1e-20; 1e-12 in the far tails
(p down to 1e-290), where libm's ``erfc`` and Cephes' ``ndtr`` differ by ~2e-13 and
the chi-square sum's exponent rounding reaches ~7e-13 (p ~ 1e-197, df 1000);
1e-10 for quantiles found by Newton's method on the closed forms.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from sysreview.stats import distributions as d

PROBS = np.array(
    [
        1e-4,
        1e-3,
        0.005,
        0.01,
        0.025,
        0.05,
        0.1,
        0.3,
        0.5,
        0.7,
        0.9,
        0.95,
        0.975,
        0.99,
        0.999,
        1 - 1e-4,
    ]
)
DFS = [*range(1, 80), 99, 100, 250, 501, 1000]


def test_normal_quantile_across_the_range() -> None:
    p = np.concatenate(
        [np.logspace(-300, -1, 300), np.linspace(0.01, 0.99, 99), 1 - np.logspace(-15, -1, 50)]
    )
    ref = special.ndtri(p)
    assert np.allclose(d.normal_quantile(p), ref, rtol=1e-13, atol=0)
    assert d.normal_quantile(0.5) == 0.0
    assert np.isnan(d.normal_quantile(1.5))


def test_normal_p_values_keep_precision_in_the_tail() -> None:
    z = np.linspace(-37, 37, 2001)
    ref = 2 * special.ndtr(-np.abs(z))
    ours = d.normal_two_sided_p(z)
    assert np.allclose(ours[ref > 1e-20], ref[ref > 1e-20], rtol=1e-13, atol=0)
    assert np.allclose(ours, ref, rtol=1e-12, atol=0)
    cdf, ref_cdf = d.normal_cdf(z), special.ndtr(z)
    assert np.allclose(cdf[ref_cdf > 1e-20], ref_cdf[ref_cdf > 1e-20], rtol=1e-13, atol=0)
    assert np.allclose(cdf, ref_cdf, rtol=1e-12, atol=0)


@pytest.mark.parametrize("nu", DFS)
def test_chi2_upper_tail(nu: int) -> None:
    x = np.concatenate([np.linspace(0, 3 * nu + 50, 400), [0.0, 1e-8, 1400.0]])
    ref = special.chdtrc(nu, x)
    ours = d.chi2_sf(x, nu)
    # rounding grows with the number of terms (df/2) and the exponent's size (x/2)
    rtol = 1e-13 if nu <= 100 else 1e-12
    assert np.allclose(ours[ref > 1e-20], ref[ref > 1e-20], rtol=rtol, atol=0)
    keep = ref > 1e-290
    assert np.allclose(ours[keep], ref[keep], rtol=1e-12, atol=0)


@pytest.mark.parametrize("nu", DFS)
def test_chi2_quantile(nu: int) -> None:
    assert np.allclose(
        d.chi2_quantile(PROBS, nu), special.chdtri(nu, 1 - PROBS), rtol=1e-10, atol=0
    )


@pytest.mark.parametrize("nu", DFS)
def test_t_quantile(nu: int) -> None:
    ours = d.t_quantile(PROBS, nu)
    ref = special.stdtrit(nu, PROBS)
    assert np.allclose(ours, ref, rtol=1e-10, atol=1e-300)


def test_fallbacks_for_non_integer_df_and_extreme_probabilities() -> None:
    assert d.t_quantile(0.975, 7.5) == pytest.approx(special.stdtrit(7.5, 0.975), rel=1e-14)
    assert d.chi2_sf(3.2, 2.5) == pytest.approx(special.chdtrc(2.5, 3.2), rel=1e-14)
    assert d.chi2_quantile(1e-9, 4) == pytest.approx(special.chdtri(4, 1 - 1e-9), rel=1e-6)
    assert d.t_two_sided_p(2.0, 10) == pytest.approx(2 * special.stdtr(10, -2.0), rel=1e-14)


def test_vectorised_over_df() -> None:
    df = np.array([3.0, 7.0, 3.0, 12.0])
    assert np.allclose(
        d.chi2_sf(np.array([1.0, 2.0, 3.0, 4.0]), df), special.chdtrc(df, [1, 2, 3, 4]), rtol=1e-13
    )
    assert np.allclose(d.t_quantile(0.975, df), special.stdtrit(df, 0.975), rtol=1e-12)
