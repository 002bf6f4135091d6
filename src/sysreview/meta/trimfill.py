"""Duval & Tweedie's trim and fill: impute the studies a funnel plot seems to lack.

The algorithm follows metafor's ``trimfill``: the side of the missing studies is
taken from the sign of the slope of Egger's meta-regression (on ``sqrt(vi)``), the
most extreme studies on the other side are trimmed until the estimated number of
missing studies ``k0`` is stable, and their mirror images about the trimmed
estimate are added before the analysis is pooled again with the same settings.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from sysreview.effects.base import FloatArray
from sysreview.errors import ConvergenceError, NotEstimableError
from sysreview.meta.analysis import meta_analysis
from sysreview.meta.bias import MIN_STUDIES, regression_fit, require_studies
from sysreview.meta.result import MetaAnalysis
from sysreview.vocab import Method, Model

if TYPE_CHECKING:
    import pandas as pd

Side = Literal["left", "right"]


def _rank_sum_variance(k: int, k0: float) -> float:
    """Variance of the rank sum ``S`` given ``k0`` missing studies (Duval & Tweedie 2000)."""
    return (
        k * (k + 1) * (2 * k + 1)
        + 10 * k0**3
        + 27 * k0**2
        + 17 * k0
        - 18 * k * k0**2
        - 18 * k * k0
        + 6 * k**2 * k0
    ) / 24


def _sqrt(x: float) -> float:
    """Square root, NaN (not a warning) for the negative variances small ``k`` can give."""
    return math.sqrt(x) if x >= 0 else math.nan


def _l0(signed: FloatArray, k: int) -> tuple[float, float]:
    """L0 from the Wilcoxon sum of positive ranks ``S``: ``(4S - k(k+1)) / (2k - 1)``."""
    s = float(signed[signed > 0].sum())
    k0 = (4 * s - k * (k + 1)) / (2 * k - 1)
    var_s = _rank_sum_variance(k, k0)
    return k0, 4 * _sqrt(var_s) / (2 * k - 1)


def _r0(signed: FloatArray, k: int) -> tuple[float, float]:
    """R0 = ``gamma - 1``, ``gamma`` the length of the rightmost run of positive ranks."""
    negative = -signed[signed < 0]
    k0 = k - (float(negative.max()) if negative.size else 0.0) - 1
    return k0, float(np.sqrt(2 * max(0.0, k0) + 2))


def _q0(signed: FloatArray, k: int) -> tuple[float, float]:
    """Q0 = ``k - 1/2 - sqrt(2k^2 - 4S + 1/4)``."""
    s = float(signed[signed > 0].sum())
    k0 = k - 0.5 - _sqrt(2 * k**2 - 4 * s + 0.25)
    var_s = _rank_sum_variance(k, k0)
    return k0, 2 * _sqrt(var_s) / _sqrt((k - 0.5) ** 2 - k0 * (2 * k - k0 - 1))


K0_ESTIMATORS: dict[str, Callable[[FloatArray, int], tuple[float, float]]] = {
    "L0": _l0,
    "R0": _r0,
    "Q0": _q0,
}
"""Estimators of the number of missing studies (Duval & Tweedie 2000; metafor's codes)."""


@dataclass(frozen=True, eq=False)
class TrimAndFill:
    """Trim-and-fill result: the imputed studies and the re-pooled analysis.

    Attributes
    ----------
    estimator, side
        ``L0``/``R0``/``Q0``; the side (``left``/``right``) where studies are missing.
    k0, se_k0, p_k0
        Estimated number of missing studies, its standard error, and for R0 the
        p-value of ``H0: k0 = 0`` (``2^-(k0+1)``), else ``None``.
    filled_yi, filled_vi, filled_from
        The imputed estimates and variances and the studies they mirror.
    original, result
        The analysis as given, and the analysis of observed plus imputed studies
        (``original`` itself when ``k0 = 0``).
    iterations
        Number of trimming iterations.
    """

    estimator: str
    side: Side
    k0: int
    se_k0: float
    p_k0: float | None
    filled_yi: FloatArray
    filled_vi: FloatArray
    filled_from: tuple[str, ...]
    original: MetaAnalysis
    result: MetaAnalysis
    iterations: int

    def to_frame(self) -> pd.DataFrame:
        """Tidy, unrounded rows: studies (observed, then filled), then two pooled rows.

        Columns: ``row`` (study / filled / observed / adjusted), ``study``,
        ``mirror_of``, ``yi``, ``vi`` (analysis scale; for pooled rows the estimate
        and ``se^2``), ``estimate``, ``ci_low``, ``ci_high`` (reporting scale) and for
        pooled rows ``k, se, p, tau2, i2, q``.
        """
        import pandas as pd

        res = self.result
        rows: list[dict[str, Any]] = []
        es = res.effects
        n_obs = es.k - self.k0
        for i in range(es.k):
            filled = i >= n_obs
            rows.append(
                {
                    "row": "filled" if filled else "study",
                    "study": es.studies[i],
                    "mirror_of": self.filled_from[i - n_obs] if filled else None,
                    "yi": es.yi[i],
                    "vi": es.vi[i],
                    "estimate": res.display(es.yi[i]),
                }
            )
        for kind, fit in (("observed", self.original), ("adjusted", res)):
            rows.append(
                {
                    "row": kind,
                    "study": None,
                    "mirror_of": None,
                    "yi": fit.estimate,
                    "vi": fit.se**2,
                    "estimate": fit.display(fit.estimate),
                    "ci_low": fit.display(fit.ci_low),
                    "ci_high": fit.display(fit.ci_high),
                    "k": fit.k,
                    "se": fit.se,
                    "p": fit.p,
                    "tau2": fit.tau2,
                    "i2": fit.i2,
                    "q": fit.q,
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """The estimated number of missing studies and both pooled estimates."""

        def line(name: str, fit: MetaAnalysis) -> str:
            est, lo, hi = (fit.display(x) for x in (fit.estimate, fit.ci_low, fit.ci_high))
            return f"  {name:<9} {est:.4f} [{lo:.4f}, {hi:.4f}], p = {fit.p:.4g} (k = {fit.k})"

        p = "" if self.p_k0 is None else f", p = {self.p_k0:.4g}"
        measure = self.original.measure.value
        return "\n".join(
            [
                f"Trim and fill (Duval & Tweedie 2000), estimator {self.estimator}",
                f"  Estimated missing studies on the {self.side} side: "
                f"k0 = {self.k0} (SE {self.se_k0:.4f}{p})",
                f"  {measure} [{self.original.level:g}% CI]:",
                line("observed", self.original),
                line("adjusted", self.result),
            ]
        )


def _settings(res: MetaAnalysis) -> dict[str, Any]:
    return {
        "method": Method.IV,
        "model": res.model,
        "tau2_method": res.tau2_method or "DL",
        "ci_method": res.ci_method,
        "level": res.level,
    }


def estimate_side(res: MetaAnalysis) -> Side:
    """Side of the funnel plot with missing studies, as metafor's ``trimfill``.

    Notes
    -----
    ``"right"`` when the slope of the meta-regression of ``yi`` on ``sqrt(vi)``
    (with the analysis's model and tau² estimator) is negative, ``"left"``
    otherwise: small studies with large effects suggest small studies with small
    effects are missing.
    """
    es = res.effects.subset(res.effects.estimable)
    if es.k and np.ptp(es.vi) == 0:
        raise NotEstimableError(
            "trim and fill cannot tell on which side studies are missing: every study has "
            "the same standard error, so the regression of the effects on it has no slope "
            "(metafor's trimfill fails here too); give side='left' or side='right'"
        )
    x = np.column_stack([np.ones(es.k), np.sqrt(es.vi)])
    method = res.tau2_method if res.model is Model.RANDOM else None
    slope = regression_fit(es.yi, es.vi, x, tau2_method=method).coef[1]
    return "right" if slope < 0 else "left"


def _signed_ranks(centred: FloatArray) -> FloatArray:
    """Signed ranks of ``|centred|``, ties ranked in order of appearance (R's "first")."""
    ranks = np.empty(centred.size)
    ranks[np.argsort(np.abs(centred), kind="stable")] = np.arange(1, centred.size + 1)
    return np.asarray(np.sign(centred) * ranks)


def trim_and_fill(
    res: MetaAnalysis,
    *,
    estimator: str = "L0",
    side: Side | None = None,
    max_iter: int = 100,
    min_studies: int = MIN_STUDIES,
) -> TrimAndFill:
    """Duval & Tweedie's (2000) trim and fill for an inverse-variance analysis.

    Parameters
    ----------
    res
        An inverse-variance analysis (fixed or random effects).
    estimator
        ``L0`` (default), ``R0`` or ``Q0``.
    side
        ``left`` or ``right``; by default estimated by :func:`estimate_side`.
    max_iter
        Maximum number of trimming iterations.
    min_studies
        Refuse analyses with fewer estimable studies (default 10).

    Notes
    -----
    With the studies sorted so that the suspected missing ones lie on the left,
    repeat: pool the ``k - k0`` smallest, rank ``|y_i - mu|`` for all ``k``
    studies, and re-estimate ``k0`` from the signed ranks (``L0 = (4 S - k(k+1))
    / (2k - 1)``, ``R0 = gamma - 1``), rounded, until ``k0`` is unchanged. Then
    the ``k0`` most extreme studies are mirrored, ``2 mu - y_i`` with the same
    ``vi``, and all studies are pooled again with the original model, tau²
    estimator, CI method and level (Duval & Tweedie 2000, Biometrics 56:455-63 and
    JASA 95:89-98; metafor ``trimfill``, whose final refit always uses a z test
    and 95% CI).

    Raises
    ------
    TooFewStudiesError
        Fewer than ``min_studies`` estimable studies.
    ConvergenceError
        ``k0`` still changing after ``max_iter`` iterations, or as large as ``k``.
    NotEstimableError
        The analysis is not inverse variance (MH, Peto); the side must be estimated but
        every study has the same standard error; or the Q0 estimator is undefined
        (a negative square root). The message says which.

    Examples
    --------
    >>> from sysreview.effects import generic_effects
    >>> es = generic_effects([0.9, 0.7, 0.5, 0.6, 0.4, 0.3, 0.35, 0.2, 0.25, 0.2],
    ...                      [0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1])
    >>> tf = trim_and_fill(meta_analysis(es, model="fixed"))
    >>> tf.side, tf.k0, round(tf.original.estimate, 4), round(tf.result.estimate, 4)
    ('left', 5, 0.2741, 0.2346)
    """
    if res.method is not Method.IV:
        raise NotEstimableError(
            f"trim and fill needs an inverse-variance analysis, not {res.method.value}; "
            "pool the effects with method='IV' first"
        )
    if estimator not in K0_ESTIMATORS:
        raise ValueError(
            f"Invalid estimator {estimator!r}; must be one of {', '.join(K0_ESTIMATORS)}"
        )
    if side not in (None, "left", "right"):
        raise ValueError(f"Invalid side {side!r}; must be one of left, right")
    es = res.effects.subset(res.effects.estimable)
    k = es.k
    require_studies(k, min_studies, "trim and fill")
    chosen: Side = estimate_side(res) if side is None else side
    sign = -1.0 if chosen == "right" else 1.0
    order = np.argsort(sign * es.yi, kind="stable")
    settings = _settings(res)
    k0, previous, iterations = 0, -1, 0
    while k0 != previous:
        previous, iterations = k0, iterations + 1
        if iterations > max_iter or k0 >= k:
            raise ConvergenceError(f"trim and fill did not converge (k0 = {k0} of k = {k} studies)")
        mu = meta_analysis(es.subset(order[: k - k0]), **settings).estimate
        signed = _signed_ranks(sign * (es.yi[order] - mu))
        raw, se_k0 = K0_ESTIMATORS[estimator](signed, k)
        if not math.isfinite(raw):
            s_plus = float(signed[signed > 0].sum())
            raise NotEstimableError(
                f"trim and fill: the {estimator} estimator is undefined for these studies "
                f"(2k² - 4S + 1/4 < 0 with k = {k}, rank sum S = {s_plus:g}; metafor's "
                "trimfill fails here too); use estimator L0 or R0"
            )
        k0 = max(0, round(raw))
    mirrored = order[k - k0 :]
    filled_yi = 2 * mu - es.yi[mirrored]
    filled_vi = es.vi[mirrored].copy()
    result = res
    if k0 > 0:
        augmented = replace(
            es,
            studies=es.studies + tuple(f"Filled {i + 1}" for i in range(k0)),
            yi=np.concatenate([es.yi, filled_yi]),
            vi=np.concatenate([es.vi, filled_vi]),
            reasons=(None,) * (k + k0),
            tables=None,
            n1i=np.concatenate([es.n1i, es.n1i[mirrored]]),
            n2i=np.concatenate([es.n2i, es.n2i[mirrored]]),
        )
        result = meta_analysis(augmented, **settings, label=res.label)
    return TrimAndFill(
        estimator=estimator,
        side=chosen,
        k0=k0,
        se_k0=max(0.0, se_k0) if np.isfinite(se_k0) else float("nan"),
        p_k0=2.0 ** -(k0 + 1) if estimator == "R0" else None,
        filled_yi=filled_yi,
        filled_vi=filled_vi,
        filled_from=tuple(es.studies[i] for i in mirrored),
        original=res,
        result=result,
        iterations=iterations,
    )


__all__ = ["K0_ESTIMATORS", "TrimAndFill", "estimate_side", "trim_and_fill"]
