"""Funnel plots: refusal below ``min_studies``, points, pseudo limits, trim-and-fill, saving.

The pseudo 95% limits are ``estimate ± 1.959964 SE`` (Sterne & Egger, J Clin Epidemiol
2001;54:1046-55); the plot reads them off the analysis and never re-pools.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D

from sysreview.effects import dichotomous_effects, generic_effects
from sysreview.errors import InputError, TooFewStudiesError
from sysreview.meta import MetaAnalysis, meta_analysis, trim_and_fill
from sysreview.plots import funnel_plot, save

# Asymmetric: small studies (large SE) have large effects.
YI = [0.05, 0.10, 0.02, 0.20, 0.35, 0.50, 0.45, 0.70, 0.80, 0.95, 0.08, 0.60]
SE = [0.05, 0.08, 0.06, 0.12, 0.18, 0.25, 0.22, 0.30, 0.35, 0.40, 0.07, 0.28]


def _analysis(k: int = 12) -> MetaAnalysis:
    es = generic_effects(YI[:k], SE[:k], studies=[f"Study {i}" for i in range(k)])
    return meta_analysis(es, model="fixed")


def test_refuses_fewer_than_min_studies() -> None:
    with pytest.raises(TooFewStudiesError, match=r"at least 10 studies .*this analysis has 9"):
        funnel_plot(_analysis(9))
    with pytest.raises(TooFewStudiesError, match="at least 3 studies"):
        funnel_plot(_analysis(2), min_studies=1)
    assert funnel_plot(_analysis(5), min_studies=5).axes


def test_points_and_pseudo_limits() -> None:
    res = _analysis()
    ax = funnel_plot(res, title="Pain").axes[0]
    (points,) = [c for c in ax.collections if c.get_gid() == "studies"]
    assert isinstance(points, PathCollection)
    np.testing.assert_allclose(points.get_offsets(), np.column_stack([YI, SE]))
    assert ax.yaxis_inverted()
    lines = {ln.get_gid(): ln for ln in ax.lines}
    assert float(lines["estimate"].get_xdata()[0]) == res.estimate
    limits = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    se_max = 1.05 * max(SE)
    ends = sorted(float(ln.get_xdata()[-1]) for ln in limits)
    assert ends == pytest.approx(
        [res.estimate - 1.959963984540054 * se_max, res.estimate + 1.959963984540054 * se_max]
    )
    assert ax.get_ylabel() == "SE(GIV)"
    assert ax.get_title(loc="left") == "Pain"


def test_trim_and_fill_points() -> None:
    res = _analysis()
    tf = trim_and_fill(res)
    assert tf.k0 > 0
    ax = funnel_plot(res, tf).axes[0]
    (filled,) = [c for c in ax.collections if c.get_gid() == "filled"]
    np.testing.assert_allclose(
        filled.get_offsets(), np.column_stack([tf.filled_yi, np.sqrt(tf.filled_vi)])
    )
    adjusted = next(ln for ln in ax.lines if ln.get_gid() == "adjusted")
    assert float(adjusted.get_xdata()[0]) == tf.result.estimate
    legend = ax.get_legend()
    assert legend is not None
    assert "Imputed (trim and fill)" in [t.get_text() for t in legend.get_texts()]
    with pytest.raises(InputError, match="another analysis"):
        funnel_plot(_analysis(), tf)


def test_ratio_measures_on_a_log_axis() -> None:
    rng = np.random.default_rng(1)
    n = np.full(10, 60)
    es = dichotomous_effects(rng.integers(5, 20, 10), n, rng.integers(5, 20, 10), n, "OR")
    res = meta_analysis(es)
    ax = funnel_plot(res).axes[0]
    assert ax.get_xscale() == "log"
    assert ax.get_ylabel() == "SE(log[OR])"
    est = next(ln for ln in ax.lines if ln.get_gid() == "estimate")
    assert isinstance(est, Line2D)
    assert float(est.get_xdata()[0]) == pytest.approx(np.exp(res.estimate), rel=1e-12)


def test_invalid_level() -> None:
    with pytest.raises(InputError, match="Invalid level 100"):
        funnel_plot(_analysis(), level=100)


def test_saved_reproducibly(tmp_path: Path) -> None:
    a = save(funnel_plot(_analysis()), tmp_path / "a.svg").read_bytes()
    b = save(funnel_plot(_analysis()), tmp_path / "b.svg").read_bytes()
    assert a
    assert a == b
