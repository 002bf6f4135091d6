"""The distribution functions against R, and the conventions their names promise.

The functions are calls of :mod:`scipy.special`; what is checked here is that each one
is the right call: lower- or upper-tail, one- or two-sided, level in percent, computed
in the tail so that tiny p-values keep their precision. Reference values are R 4.2.2's
(``Rscript --vanilla``, printed with ``sprintf("%.17g", ...)``; the call is beside each
value). Tolerance 1e-13 relative: R (its own nmath) and Cephes are independent
implementations that agree to a few ulp here; 1e-11 for the tails beyond 1e-15 and for
quantiles found by iteration.
"""

from __future__ import annotations

import numpy as np
import pytest

from sysreview import stats

CASES = [
    # (function, arguments, R's value, R's call)
    (stats.normal_quantile, (0.975,), 1.9599639845400536, "qnorm(0.975)"),
    (stats.z_critical, (90.0,), 1.6448536269514715, "qnorm(0.95)"),
    (stats.normal_two_sided_p, (1.96,), 0.049995790296440856, "2*pnorm(-1.96)"),
    (stats.normal_two_sided_p, (-8.0,), 1.244192114854357e-15, "2*pnorm(-8)"),
    (stats.normal_two_sided_p, (37.0,), 1.1451142445049154e-299, "2*pnorm(-37)"),
    (stats.chi2_sf, (3.2, 2), 0.20189651799465538, "pchisq(3.2, 2, lower.tail=FALSE)"),
    (stats.chi2_sf, (50.0, 3), 7.9891792449514704e-11, "pchisq(50, 3, lower.tail=FALSE)"),
    (stats.chi2_sf, (1400.0, 1000), 7.0321456418285883e-16, "pchisq(1400, 1000, l.t.=FALSE)"),
    (stats.chi2_quantile, (0.975, 7), 16.012764274629323, "qchisq(0.975, 7)"),
    (stats.chi2_quantile, (0.025, 7), 1.6898691806773545, "qchisq(0.025, 7)"),
    (stats.chi2_quantile, (0.95, 1), 3.841458820694124, "qchisq(0.95, 1)"),
    (stats.t_quantile, (0.975, 10), 2.2281388519862739, "qt(0.975, 10)"),
    (stats.t_quantile, (0.95, 3.5), 2.2224334936496009, "qt(0.95, 3.5)"),
    (stats.t_two_sided_p, (2.5, 7), 0.040992218585752874, "2*pt(-2.5, 7)"),
    (stats.t_two_sided_p, (-12.0, 4), 0.00027642854850297303, "2*pt(-12, 4)"),
    (stats.f_sf, (3.1, 2, 17), 0.071148862335527502, "pf(3.1, 2, 17, lower.tail=FALSE)"),
    (stats.f_sf, (40.0, 3, 30), 1.322735745057204e-10, "pf(40, 3, 30, lower.tail=FALSE)"),
]


@pytest.mark.parametrize(("f", "args", "expected", "call"), CASES, ids=[c[3] for c in CASES])
def test_against_r(f: object, args: tuple[float, ...], expected: float, call: str) -> None:
    got = f(*args)  # type: ignore[operator]
    assert isinstance(got, float)
    rtol = 1e-13 if expected > 1e-15 and "q" not in call[:2] else 1e-11
    assert got == pytest.approx(expected, rel=rtol, abs=0), call


def test_arrays_broadcast_and_keep_their_shape() -> None:
    df = np.array([[1.0, 2.0], [5.0, 30.0]])
    q = stats.chi2_quantile(0.95, df)
    assert q.shape == (2, 2)
    assert np.allclose(stats.chi2_sf(q, df), 0.05, rtol=1e-12)
    t = stats.t_quantile(np.array([0.025, 0.975]), 10)
    assert t[0] == pytest.approx(-t[1], rel=1e-14)
    assert np.allclose(stats.t_two_sided_p(t, 10), 0.05, rtol=1e-12)
    assert np.isnan(stats.normal_quantile(1.5)) and stats.normal_cdf(0.0) == 0.5


def test_two_sided_p_values_are_symmetric_and_one_at_zero() -> None:
    z = np.linspace(-40, 40, 81)
    assert np.array_equal(stats.normal_two_sided_p(z), stats.normal_two_sided_p(-z))
    assert stats.normal_two_sided_p(0.0) == 1.0 and stats.t_two_sided_p(0.0, 3) == 1.0
