"""Inverse-variance pooling, fixed and random effects, batched over analyses.

One call pools ``m`` analyses: tau² (:mod:`sysreview.meta.tau2`), the weighted mean,
its Wald-z or Hartung-Knapp-Sidik-Jonkman inference, heterogeneity (Q, I², H²),
prediction intervals and Q-profile confidence intervals for tau², I² and H².
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sysreview.meta.batch import Batch, BoolArray, FloatArray, IntArray, solve_decreasing
from sysreview.meta.tau2 import closed_form_fit, dersimonian_laird_from_q, estimate_tau2
from sysreview.stats import (
    chi2_quantile,
    chi2_sf,
    normal_two_sided_p,
    t_quantile,
    t_two_sided_p,
    z_critical,
)
from sysreview.vocab import CIMethod, Convention, Model, Tau2Method


@dataclass(frozen=True, eq=False)
class PooledBatch:
    """Pooled results of ``m`` analyses (each field an array of length ``m``).

    ``weights`` has shape ``(m, K)``: each study's weight in percent of its analysis.
    ``df_inference`` is NaN for Wald-z inference and ``k - 1`` for HKSJ; ``df`` is
    the degrees of freedom of ``q``.
    """

    k: FloatArray
    estimate: FloatArray
    se: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    statistic: FloatArray
    p: FloatArray
    df_inference: FloatArray
    tau2: FloatArray
    q: FloatArray
    df: FloatArray
    p_q: FloatArray
    i2: FloatArray
    h2: FloatArray
    pi_low: FloatArray
    pi_high: FloatArray
    tau2_ci: tuple[FloatArray, FloatArray]
    i2_ci: tuple[FloatArray, FloatArray]
    h2_ci: tuple[FloatArray, FloatArray]
    converged: BoolArray
    iterations: NDArray[np.int64]
    weights: FloatArray


def typical_variance(b: Batch) -> FloatArray:
    """Higgins & Thompson's (2002) typical within-study variance ``s^2``.

    Notes
    -----
    ``s^2 = (k-1) sum w / ((sum w)^2 - sum w^2)`` with ``w = 1/v`` (metafor's basis
    for I² and H² from tau²).
    """
    w = b.mask / b.v
    sw = w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray((b.k - 1) * sw / (sw**2 - (w**2).sum(axis=1)))


def q_profile_tau2_ci(b: Batch, level: float) -> tuple[FloatArray, FloatArray]:
    """Q-profile confidence limits for tau² (Viechtbauer 2007, Stat Med 26:37-52).

    Notes
    -----
    The limits solve ``Q(tau2) = chi2_{k-1}(1 - alpha/2)`` (lower) and
    ``Q(tau2) = chi2_{k-1}(alpha/2)`` (upper), where ``Q(tau2)`` is the generalised Q
    statistic; a limit is 0 when Q at 0 is already below its quantile.
    """
    alpha = 1 - level / 100
    df = b.k - 1
    limits = []
    for prob in (1 - alpha / 2, alpha / 2):
        crit = np.where(df > 0, chi2_quantile(prob, np.maximum(df, 1)), np.nan)

        def f(
            t: FloatArray, rows: IntArray, crit: FloatArray = crit
        ) -> tuple[FloatArray, FloatArray]:
            sub = b.take(rows)
            w = sub.weights(t)
            mu = sub.weighted_mean(w)
            r2 = sub.mask * (sub.y - mu[:, None]) ** 2
            return (w * r2).sum(axis=1) - crit[rows], -(w**2 * r2).sum(axis=1)

        start = np.ones(b.y.shape[0])
        root, _, _ = solve_decreasing(f, start, df > 0)
        limits.append(np.where(df > 0, root, np.nan))
    return limits[0], limits[1]


def pool_batch(
    b: Batch,
    *,
    model: Model | str = Model.RANDOM,
    tau2_method: Tau2Method | str = Tau2Method.DL,
    ci_method: CIMethod | str = CIMethod.Z,
    level: float = 95.0,
    convention: Convention | str = Convention.REVMAN,
    fixed_q: FloatArray | None = None,
    fixed_estimate: tuple[FloatArray, FloatArray, FloatArray] | None = None,
    q_df: FloatArray | None = None,
    tau2_ci: bool = True,
) -> PooledBatch:
    """Pool every analysis of a batch by inverse variance.

    Parameters
    ----------
    b
        Estimates and variances of ``m`` analyses.
    model, tau2_method, ci_method, level, convention
        As in :func:`sysreview.meta.meta_analysis`.
    fixed_q
        Cochran's Q taken about another fixed-effect estimate (Mantel-Haenszel or
        Peto); with ``model="random"`` tau² is then DerSimonian-Laird from this Q,
        as RevMan does.
    fixed_estimate
        ``(estimate, se, weights)`` of that fixed-effect method, used for the
        fixed-effect model instead of inverse variance.
    q_df
        Degrees of freedom of ``fixed_q`` (default ``k - 1``), used for its p-value
        and for I² and H² from Q. metafor's ``rma.mh``/``rma.peto`` leave
        double-zero studies out of Q (``k.yi - 1`` df) but keep them in the estimate.
    tau2_ci
        Whether to compute Q-profile confidence intervals for tau², I² and H² of a
        random-effects model (NaN otherwise, and always for a fixed-effect model; they
        cost two root searches per analysis).

    Notes
    -----
    Fixed effect: ``mu = sum w y / sum w``, ``se = 1/sqrt(sum w)``, ``w = 1/v``.
    Random effects: ``w* = 1/(v + tau2)``. HKSJ (Hartung & Knapp 2001; Sidik &
    Jonkman 2002): ``se^2 = sum w* (y - mu)^2 / ((k-1) sum w*)`` with t on ``k-1``
    df (not truncated, as metafor's ``test="knha"``). Prediction interval: RevMan
    convention ``mu ± t_{k-2} sqrt(tau2 + se^2)`` (Higgins et al. 2009, J R Stat
    Soc A 172:137); metafor convention uses the z (or, with HKSJ, ``t_{k-1}``)
    quantile as ``predict.rma``. I²: RevMan ``(Q - df)/Q``; metafor (random
    model) ``tau2/(tau2 + s^2)`` (Higgins & Thompson 2002).
    """
    mdl, ci, conv = Model.parse(model), CIMethod.parse(ci_method), Convention.parse(convention)
    m = b.y.shape[0]
    k = b.k
    df = k - 1
    w_fixed = b.mask / b.v
    q = b.generalised_q(np.zeros(m)) if fixed_q is None else fixed_q
    df_q = df if q_df is None else q_df
    if mdl is Model.FIXED:
        fit = closed_form_fit(np.zeros(m))
    elif fixed_q is not None:
        fit = closed_form_fit(dersimonian_laird_from_q(b, q))
    else:
        fit = estimate_tau2(b, tau2_method)
    tau2 = fit.tau2
    if mdl is Model.FIXED and fixed_estimate is not None:
        estimate, se, w = fixed_estimate
    else:
        w = b.weights(tau2) if mdl is Model.RANDOM else w_fixed
        sw = w.sum(axis=1)
        estimate = (w * b.y).sum(axis=1) / sw
        se = 1 / np.sqrt(sw)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = 100 * w / w.sum(axis=1, keepdims=True)
        crit = np.full(m, z_critical(level))
        df_inf = np.full(m, np.nan)
        if ci is CIMethod.HKSJ:
            # Knapp-Hartung needs k >= 2; a single study keeps Wald z (metafor, k = 1)
            hk = df >= 1
            w_inf = b.weights(tau2) if mdl is Model.RANDOM else w_fixed
            resid = (w_inf * (b.y - estimate[:, None]) ** 2).sum(axis=1)
            se = np.where(hk, np.sqrt(resid / (df * w_inf.sum(axis=1))), se)
            crit = np.where(hk, t_quantile(0.5 + level / 200, np.maximum(df, 1)), crit)
            df_inf = np.where(hk, df.astype(float), np.nan)
        statistic = estimate / se
        p = normal_two_sided_p(statistic)
        if ci is CIMethod.HKSJ:
            p = np.where(hk, t_two_sided_p(statistic, np.maximum(df, 1)), p)
        ci_low, ci_high = estimate - crit * se, estimate + crit * se
        s2 = typical_variance(b)
        if conv is Convention.METAFOR and mdl is Model.RANDOM:
            i2 = 100 * tau2 / (tau2 + s2)
            h2 = (tau2 + s2) / s2
        else:
            i2 = np.where(q > 0, 100 * np.maximum(q - df_q, 0) / q, 0.0)
            h2 = q / df_q
        # one study: Q = 0 on 0 df, p = 1, I² = 0, H² = 1 (RevMan 5 and metafor, k = 1)
        single = (df_q == 0) & (k > 0)
        p_q = np.where(df_q > 0, chi2_sf(q, np.maximum(df_q, 1)), np.where(single, 1.0, np.nan))
        i2 = np.where(df_q > 0, i2, np.where(single, 0.0, np.nan))
        h2 = np.where(df_q > 0, h2, np.where(single, 1.0, np.nan))
        pi_low, pi_high = _prediction_interval(estimate, se, tau2, k, level, mdl, ci, conv)
    nan = np.full(m, np.nan)
    # a fixed-effect model has no tau² to bound (metafor's confint() refuses FE models)
    limits = q_profile_tau2_ci(b, level) if tau2_ci and mdl is Model.RANDOM else (nan, nan)
    with np.errstate(all="ignore"):
        i2_ci = (100 * limits[0] / (limits[0] + s2), 100 * limits[1] / (limits[1] + s2))
        h2_ci = ((limits[0] + s2) / s2, (limits[1] + s2) / s2)
    return PooledBatch(
        k=k,
        estimate=estimate,
        se=se,
        ci_low=ci_low,
        ci_high=ci_high,
        statistic=statistic,
        p=p,
        df_inference=df_inf,
        tau2=np.where(k > 0, tau2, np.nan),
        q=q,
        df=df_q,
        p_q=p_q,
        i2=i2,
        h2=h2,
        pi_low=pi_low,
        pi_high=pi_high,
        tau2_ci=limits,
        i2_ci=i2_ci,
        h2_ci=h2_ci,
        converged=fit.converged,
        iterations=fit.iterations,
        weights=weights,
    )


def _prediction_interval(
    estimate: FloatArray,
    se: FloatArray,
    tau2: FloatArray,
    k: FloatArray,
    level: float,
    model: Model,
    ci: CIMethod,
    convention: Convention,
) -> tuple[FloatArray, FloatArray]:
    """Prediction interval for the effect in a new study (random-effects model only)."""
    if model is Model.FIXED:
        nan = np.full(estimate.shape, np.nan)
        return nan, nan
    if convention is Convention.REVMAN:
        crit = np.where(k > 2, t_quantile(0.5 + level / 200, np.maximum(k - 2, 1)), np.nan)
    elif ci is CIMethod.HKSJ:  # t on k - 1 df; z for one study, where HKSJ falls back to z
        z = z_critical(level)
        crit = np.where(k >= 2, t_quantile(0.5 + level / 200, np.maximum(k - 1, 1)), z)
    else:
        crit = np.full(estimate.shape, z_critical(level))
    half = crit * np.sqrt(tau2 + se**2)
    return estimate - half, estimate + half
