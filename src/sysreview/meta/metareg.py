"""Meta-regression: fixed-effect and mixed-effects models with moderators.

``meta_regression(effects, "~ ablat + factor(alloc)", data=df)`` fits
``yi = x_i' b + u_i + e_i`` with ``u_i ~ N(0, tau2)`` (residual heterogeneity) and
``e_i ~ N(0, vi)``, as metafor's ``rma(yi, vi, mods = ~ ..., method = ...)``: the
residual tau² by any estimator of :mod:`sysreview.meta.regression` (REML by default),
weighted least squares for ``b``, Wald z or Knapp-Hartung t tests, the omnibus test of
the moderators (QM), the test for residual heterogeneity (QE), residual I² and H², and
the proportion of heterogeneity the moderators account for (pseudo-R²). The result
(:class:`~sysreview.meta.metareg_result.MetaRegression`) predicts effects for new
moderator values, which is what a bubble plot draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sysreview.effects.base import EffectSizes, FloatArray
from sysreview.errors import InputError, TooFewStudiesError
from sysreview.meta.design import Design, design_matrix
from sysreview.meta.metareg_result import MetaRegression
from sysreview.meta.regression import REGRESSION_TAU2
from sysreview.vocab import CIMethod, Model, Tau2Method


@dataclass(frozen=True, eq=False)
class ModelFit:
    """One weighted least-squares fit of ``y`` on ``x`` with residual ``tau2``.

    ``vb`` is the covariance of ``coef`` (scaled by ``s2w`` under Knapp-Hartung);
    ``vb_unscaled`` is ``(X'WX)^-1``; ``qe`` the residual heterogeneity statistic at
    ``w = 1/v`` and ``tr_p`` the trace of its projection (for I²).
    """

    coef: FloatArray
    vb: FloatArray
    vb_unscaled: FloatArray
    tau2: float
    s2w: float
    w: FloatArray
    qe: float
    tr_p: float


def _wls(y: FloatArray, x: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``b = (X'WX)^-1 X'Wy`` and ``(X'WX)^-1``, by a QR decomposition of ``W^(1/2) X``."""
    root = np.sqrt(w)
    q, r = np.linalg.qr(x * root[:, None])
    coef = np.linalg.solve(r, q.T @ (y * root))
    r_inv = np.linalg.inv(r)
    return coef, r_inv @ r_inv.T


def fit_model(
    y: FloatArray,
    v: FloatArray,
    x: FloatArray,
    *,
    tau2_method: Tau2Method | None,
    hksj: bool = False,
) -> ModelFit:
    """Fit the (mixed-effects) meta-regression of ``y`` on ``x``.

    ``tau2_method=None`` is the fixed-effect (``FE``) model.

    Notes
    -----
    ``b = (X'WX)^-1 X'Wy`` with ``w = 1/(v + tau2)``, ``Var(b) = (X'WX)^-1``; with
    Knapp-Hartung, ``Var(b)`` is scaled by ``s2w = sum w (y - Xb)^2 / (k - p)`` (not
    truncated; 0 when the residuals vanish), as metafor's ``test="knha"`` (Knapp &
    Hartung 2003, Stat Med 22:2693). ``QE = sum w0 (y - X b0)^2`` at ``w0 = 1/v`` and
    ``tr(P)`` of its projection ``P = W0 - W0 X (X'W0X)^-1 X'W0`` (Viechtbauer 2010,
    J Stat Softw 36(3), section 3.5; Raudenbush 2009).
    """
    k, p = x.shape
    if np.linalg.matrix_rank(x) < p:
        raise InputError(
            "the moderators are collinear (a column is constant or a combination of others)"
        )
    tau2 = 0.0 if tau2_method is None else float(REGRESSION_TAU2[tau2_method](y, v, x))
    w = 1 / (v + tau2)
    coef, vb0 = _wls(y, x, w)
    s2w = 1.0
    if hksj:
        rss = float((w * (y - x @ coef) ** 2).sum())
        s2w = rss / (k - p) if rss > np.finfo(float).eps else 0.0
    w0 = 1 / v
    coef0, vb_fixed = _wls(y, x, w0)
    qe = max(0.0, float((w0 * (y - x @ coef0) ** 2).sum()))
    tr_p = float(w0.sum() - np.trace(vb_fixed @ (x.T * w0**2) @ x))
    return ModelFit(coef, s2w * vb0, vb0, tau2, s2w, w, qe, tr_p)


def _btt(design: Design, btt: str | Sequence[str | int] | None) -> tuple[int, ...]:
    """The coefficients the omnibus test QM is about (metafor's ``btt``)."""
    p = len(design.names)
    if btt is None:
        return tuple(range(1, p)) if design.intercept and p > 1 else tuple(range(p))
    items = [btt] if isinstance(btt, str | int) else list(btt)
    out: list[int] = []
    for item in items:
        term = next((t for t in design.terms if t.name == item), None)
        if term is not None:
            out += term.columns
        elif isinstance(item, str) and item in design.names:
            out.append(design.names.index(item))
        elif isinstance(item, int) and 0 <= item < p:
            out.append(item)
        else:
            raise InputError(
                f"btt: {item!r} is not a moderator or a coefficient; coefficients are "
                f"{', '.join(design.names)}"
            )
    return tuple(sorted(set(out)))


def _r2(
    y: FloatArray,
    v: FloatArray,
    x: FloatArray,
    design: Design,
    fit: ModelFit,
    tau2_method: Tau2Method | None,
) -> float | None:
    """The pseudo-R² of metafor 3.8 (``r2def = "1"``), in percent.

    ``None`` without an intercept or without moderators.

    Notes
    -----
    Mixed-effects models: ``max(0, 100 (tau2_RE - tau2) / tau2_RE)`` with ``tau2_RE``
    the estimate of the same estimator without moderators, and 0 when ``tau2_RE = 0``
    (Raudenbush 2009; López-López et al. 2014, Br J Math Stat Psychol 67:30). Fixed-
    effect models: the adjusted R² of the weighted regression, ``max(0, 100 (1 - (1 -
    R²)(k - 1)/(k - p)))`` with weights ``1/v``, as metafor's (``lm(yi ~ X, weights)``).
    """
    k, p = x.shape
    if not design.intercept or p < 2:
        return None
    if tau2_method is None:
        w = 1 / v
        mean = (w * y).sum() / w.sum()
        tss = float((w * (y - mean) ** 2).sum())
        if tss == 0:
            return 0.0
        coef, _ = _wls(y, x, w)
        rss = float((w * (y - x @ coef) ** 2).sum())
        adjusted = 1 - (rss / tss) * (k - 1) / (k - p)
        return float(max(0.0, 100 * adjusted))
    tau2_re = float(REGRESSION_TAU2[tau2_method](y, v, np.ones((k, 1))))
    if tau2_re == 0:
        return 0.0
    return max(0.0, 100 * (tau2_re - fit.tau2) / tau2_re)


def _loglik(
    y: FloatArray, v: FloatArray, x: FloatArray, fit: ModelFit, tau2_method: Tau2Method | None
) -> float:
    """The (restricted) log-likelihood, as metafor's ``logLik``.

    REML fits: restricted, including metafor's ``log det(X'X)/2`` term; otherwise ML.
    """
    k, p = x.shape
    rss = float((fit.w * (y - x @ fit.coef) ** 2).sum())
    logdet_v = float(np.log(v + fit.tau2).sum())
    if tau2_method is Tau2Method.REML:
        _, logdet_xx = np.linalg.slogdet(x.T @ x)
        _, logdet_xwx = np.linalg.slogdet((x.T * fit.w) @ x)
        return float(
            -(k - p) / 2 * np.log(2 * np.pi) + logdet_xx / 2 - logdet_v / 2 - logdet_xwx / 2
            - rss / 2
        )  # fmt: skip
    return float(-k / 2 * np.log(2 * np.pi) - logdet_v / 2 - rss / 2)


def meta_regression(
    effects: EffectSizes,
    mods: Any,
    data: Any = None,
    *,
    model: Model | str = Model.RANDOM,
    tau2_method: Tau2Method | str | None = None,
    ci_method: CIMethod | str = CIMethod.Z,
    level: float = 95.0,
    btt: str | Sequence[str | int] | None = None,
    label: str | None = None,
) -> MetaRegression:
    """Fit a meta-regression of the effect sizes on moderators.

    Parameters
    ----------
    effects
        Per-study effect sizes (e.g. from :func:`sysreview.escalc`).
    mods
        A formula over the columns of ``data`` (``"~ ablat + factor(alloc)"``; the
        subset of :mod:`sysreview.meta.design`), a list of column names, or a mapping of
        moderator name to values (one per study, in the order of ``effects``).
    data
        The table the formula refers to, one row per study in the order of
        ``effects`` (a pandas DataFrame or a mapping of columns).
    model
        ``random`` (mixed-effects, default) or ``fixed`` (metafor's ``FE``).
    tau2_method
        The residual tau² estimator: ``REML`` (default, as metafor), ``ML``, ``DL``,
        ``PM``, ``EB``, ``SJ`` or ``HE``.
    ci_method
        ``z`` (Wald, default) or ``hksj`` (Knapp-Hartung t and F tests; ``knha``).
    level
        Confidence level in percent.
    btt
        The coefficients QM tests: moderator (term) names, coefficient names or
        0-based indices; default every coefficient but the intercept.
    label
        A name for the analysis.

    Raises
    ------
    TooFewStudiesError
        With no more studies than coefficients.
    InputError
        Bad moderators (see :func:`~sysreview.meta.design.design_matrix`).

    Examples
    --------
    Absolute latitude and the BCG vaccine (Viechtbauer 2010; metafor
    ``rma(yi, vi, mods = ~ ablat, data = dat)``):

    >>> from sysreview.datasets import bcg
    >>> from sysreview.effects import escalc
    >>> dat = bcg()
    >>> es = escalc("RR", data=dat, ai="tpos", bi="tneg", ci="cpos", di="cneg")
    >>> reg = meta_regression(es, "~ ablat", data=dat)
    >>> reg
    <MetaRegression k=13 REML ~ ablat: QM(df = 1) = 16.36, p < .0001; R² = 75.63%>
    >>> [round(float(b), 4) for b in reg.coef], round(reg.tau2, 4)
    ([0.2515, -0.0291], 0.0763)
    """
    mdl = Model.parse(model)
    method = None if mdl is Model.FIXED else Tau2Method.parse(tau2_method or Tau2Method.REML)
    ci = CIMethod.parse(ci_method)
    if not 0 < level < 100:
        raise ValueError(f"Invalid level {level!r}; must be between 0 and 100 (e.g. 95)")
    design = design_matrix(mods, data, effects.k)
    used = effects.estimable & design.complete
    reasons = tuple(
        effects.reasons[i] or design.missing[i] if not used[i] else None for i in range(effects.k)
    )
    y, v, x = effects.yi[used], effects.vi[used], design.x[used]
    k, p = x.shape
    if k <= p:
        raise TooFewStudiesError(
            f"a meta-regression with {p} coefficients ({', '.join(design.names)}) needs more "
            f"than {p} studies with an effect and every moderator; k = {k}"
        )
    fit = fit_model(y, v, x, tau2_method=method, hksj=ci is CIMethod.HKSJ)
    return MetaRegression.from_fit(
        effects=effects,
        design=design,
        used=used,
        reasons=reasons,
        fit=fit,
        model=mdl,
        tau2_method=method,
        ci_method=ci,
        level=float(level),
        btt=_btt(design, btt),
        r2=_r2(y, v, x, design, fit, method),
        loglik=_loglik(y, v, x, fit, method),
        label=label,
    )


__all__ = ["ModelFit", "fit_model", "meta_regression"]
