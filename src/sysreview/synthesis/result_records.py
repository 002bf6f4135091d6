"""An analysis's results as the plain values of ``results.json`` and ``results.csv``.

Numbers that are not finite (a test not defined on one study) are written as missing
(JSON ``null``); ratio measures are shown on the ratio scale (``MetaAnalysis.display``).
"""

from __future__ import annotations

import math
from typing import Any

from sysreview.meta.bias import SmallStudyTest
from sysreview.meta.export import heterogeneity_ci
from sysreview.meta.result import MetaAnalysis
from sysreview.meta.trimfill import TrimAndFill


def finite(value: float | None) -> float | None:
    """``value`` as a float, or ``None`` when missing or not finite.

    Examples
    --------
    >>> finite(2), finite(float("nan")), finite(None)
    (2.0, None, None)
    """
    return None if value is None or not math.isfinite(value) else float(value)


def pooled_record(m: MetaAnalysis | None) -> dict[str, Any]:
    """A pooled result's estimate, interval, test and heterogeneity (all ``None`` without one)."""
    if m is None:
        keys = ("estimate", "se", "ci_low", "ci_high", "statistic", "statistic_name", "p")
        more = ("tau2", "tau2_ci_low", "tau2_ci_high", "i2", "i2_ci_low", "i2_ci_high", "h2",
                "h2_ci_low", "h2_ci_high", "heterogeneity_ci", "q", "df")  # fmt: skip
        return {k: None for k in (*keys, *more, "p_q", "pi_low", "pi_high")}
    return {
        "estimate": finite(m.display(m.estimate)),
        "se": finite(m.se),
        "ci_low": finite(m.display(m.ci_low)),
        "ci_high": finite(m.display(m.ci_high)),
        "statistic": finite(m.statistic),
        "statistic_name": m.statistic_name,
        "p": finite(m.p),
        "tau2": finite(m.tau2),
        "tau2_ci_low": finite(m.tau2_ci[0]),
        "tau2_ci_high": finite(m.tau2_ci[1]),
        "i2": finite(m.i2),
        "i2_ci_low": finite(m.i2_ci[0]),
        "i2_ci_high": finite(m.i2_ci[1]),
        "h2": finite(m.h2),
        "h2_ci_low": finite(m.h2_ci[0]),
        "h2_ci_high": finite(m.h2_ci[1]),
        "heterogeneity_ci": heterogeneity_ci(m),
        "q": finite(m.q),
        "df": m.df,
        "p_q": finite(m.p_q),
        "pi_low": finite(m.display(m.pi_low)),
        "pi_high": finite(m.display(m.pi_high)),
    }


def subgroup_record(sub: MetaAnalysis) -> dict[str, Any]:
    """One subgroup's pooled result (no prediction interval), with its label and k."""
    pooled = pooled_record(sub)
    del pooled["pi_low"], pooled["pi_high"]
    return {"subgroup": sub.label, "k": sub.k, **pooled}


def regression_text(reg: dict[str, Any]) -> str:
    """A meta-regression record in one cell of ``results.csv``."""
    qm, p, r2 = reg["qm"], reg["qm_p"], reg["r2"]
    text = f"{reg['qm_name']} = " + ("NA" if qm is None else f"{qm:.4g}")
    text += ", p = " + ("NA" if p is None else f"{p:.3g}")
    return text + ("" if r2 is None else f"; R² = {r2:.1f}%")


def bias_record(t: SmallStudyTest) -> dict[str, Any]:
    """A test for small-study effects."""
    return {"test": t.test, "statistic": finite(t.statistic), "p": finite(t.p), "k": t.k,
            "model": t.model, "predictor": t.predictor}  # fmt: skip


def trimfill_record(tf: TrimAndFill) -> dict[str, Any]:
    """Trim and fill in ``results.json``: the missing studies and the filled estimate."""
    r = tf.result
    return {
        "estimator": tf.estimator,
        "side": tf.side,
        "k0": tf.k0,
        "se_k0": finite(tf.se_k0),
        "k": r.k,
        "estimate": finite(r.display(r.estimate)),
        "ci_low": finite(r.display(r.ci_low)),
        "ci_high": finite(r.display(r.ci_high)),
        "p": finite(r.p),
    }


__all__ = [
    "bias_record",
    "finite",
    "pooled_record",
    "regression_text",
    "subgroup_record",
    "trimfill_record",
]
