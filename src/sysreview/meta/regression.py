"""Regression on arrays: weighted least squares and the residual tau² estimators.

The numerical core of meta-regression. ``regression_fit(y, v, X, tau2_method=...)``
fits ``y = X b + u + e`` with ``u ~ N(0, tau2)`` and ``e ~ N(0, v)``, estimating the
residual tau² with the chosen estimator (metafor's ``rma(yi, vi, mods=...)``); the
regression tests for small-study effects (:mod:`sysreview.meta.bias`) use it. The
first-class analysis, with moderators, tests and a result object, is
:func:`sysreview.meta.meta_regression`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from sysreview.effects.base import FloatArray
from sysreview.meta.batch import IntArray, solve_decreasing
from sysreview.stats import normal_two_sided_p, t_two_sided_p
from sysreview.vocab import Tau2Method


@dataclass(frozen=True, eq=False)
class RegressionFit:
    """Coefficients of a (meta-)regression with standard errors; ``df`` None for z tests."""

    coef: FloatArray
    se: FloatArray
    df: int | None
    k: int
    tau2: float | None = None

    @property
    def statistic(self) -> FloatArray:
        """Wald statistics ``coef / se``."""
        return np.asarray(self.coef / self.se)

    @property
    def p(self) -> FloatArray:
        """Two-sided p-values (normal, or t on ``df``)."""
        if self.df is None:
            return np.asarray(normal_two_sided_p(self.statistic))
        return np.asarray(t_two_sided_p(self.statistic, self.df))


def _check_rank(x: FloatArray) -> None:
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise ValueError("cannot fit the regression: is the predictor the same in every study?")


def weighted_least_squares(
    y: FloatArray, x: FloatArray, w: FloatArray, *, scaled: bool
) -> RegressionFit:
    """Weighted least squares of ``y`` on the columns of ``x`` with weights ``w``.

    Notes
    -----
    ``b = (X'WX)^-1 X'Wy``, solved by a QR decomposition of ``W^(1/2) X``;
    ``Var(b) = (X'WX)^-1`` (known variances: z tests) or, when ``scaled``,
    ``phi (X'WX)^-1`` with ``phi = sum w (y - Xb)^2 / (k - p)`` and t tests on
    ``k - p`` df (R ``lm(y ~ X, weights = w)``; metafor's ``test="knha"``).
    """
    _check_rank(x)
    k, p = x.shape
    root = np.sqrt(w)
    q, r = np.linalg.qr(x * root[:, None])
    coef = np.linalg.solve(r, q.T @ (y * root))
    r_inv = np.linalg.inv(r)
    cov = r_inv @ r_inv.T
    if scaled:
        cov = cov * float((w * (y - x @ coef) ** 2).sum()) / (k - p)
    return RegressionFit(coef, np.sqrt(np.diag(cov)), k - p if scaled else None, k)


def _residual_matrix(x: FloatArray, w: FloatArray) -> FloatArray:
    """``P = W - W X (X'WX)^-1 X'W``: ``y'Py`` is the weighted residual sum of squares."""
    wx = x * w[:, None]
    return np.asarray(np.diag(w) - wx @ np.linalg.solve(x.T @ wx, wx.T))


def _dl(y: FloatArray, v: FloatArray, x: FloatArray) -> float:
    p_mat = _residual_matrix(x, 1 / v)
    return max(0.0, float((y @ p_mat @ y - (x.shape[0] - x.shape[1])) / np.trace(p_mat)))


def _he(y: FloatArray, v: FloatArray, x: FloatArray) -> float:
    p_mat = _residual_matrix(x, np.ones_like(v))
    return max(0.0, float((y @ p_mat @ y - (np.diag(p_mat) * v).sum()) / (x.shape[0] - x.shape[1])))


def _sj(y: FloatArray, v: FloatArray, x: FloatArray) -> float:
    tau0 = float(((y - y.mean()) ** 2).mean())
    p_mat = _residual_matrix(x, 1 / (v + tau0))
    return float(tau0 * float(y @ p_mat @ y) / (x.shape[0] - x.shape[1]))


def _root(kind: str) -> Callable[[FloatArray, FloatArray, FloatArray], float]:
    """Paule-Mandel (and EB): the root of ``y'Py = k - p``, decreasing in tau²."""

    def estimate(y: FloatArray, v: FloatArray, x: FloatArray) -> float:
        def f(t: FloatArray, _rows: IntArray) -> tuple[FloatArray, FloatArray]:
            w = 1 / (v + t[0])
            p_mat = _residual_matrix(x, w)
            py = p_mat @ y
            value, slope = y @ py - (x.shape[0] - x.shape[1]), -(py @ py)
            return np.array([value]), np.array([slope])

        root, _, _ = solve_decreasing(f, np.array([_dl(y, v, x)]), np.array([True]))
        return float(root[0])

    return estimate


def _likelihood(restricted: bool) -> Callable[[FloatArray, FloatArray, FloatArray], float]:
    """ML or REML: the tau² of highest (restricted) likelihood.

    With moderators the likelihood in tau² can have a local maximum at the boundary 0
    and another inside (the score is negative at 0, turns positive, then negative
    again), so a root of the score found from 0 is not enough. The score is scanned
    on 0 and 80 log-spaced points up to ``10 range(y)^2 + max(v)`` (beyond which it is
    negative), every change of sign from + to - is refined by Brent's method
    (:func:`scipy.optimize.brentq`), and the candidate of highest likelihood, 0
    included, is returned.
    """

    def terms(y: FloatArray, v: FloatArray, x: FloatArray, t: float) -> tuple[float, float]:
        w = 1 / (v + t)
        p_mat = _residual_matrix(x, w)
        py = p_mat @ y
        score = float(py @ py - (np.trace(p_mat) if restricted else w.sum()))
        loglik = -0.5 * float(np.log(v + t).sum()) - 0.5 * float(y @ py)
        if restricted:
            loglik -= 0.5 * float(np.linalg.slogdet((x.T * w) @ x)[1])
        return score, loglik

    def estimate(y: FloatArray, v: FloatArray, x: FloatArray) -> float:
        from scipy.optimize import brentq

        def score(t: float) -> float:
            return terms(y, v, x, t)[0]

        upper = 10 * float(np.ptp(y)) ** 2 + float(v.max())
        while score(upper) > 0:
            upper *= 10
        grid = np.concatenate([[0.0], upper * np.geomspace(1e-10, 1, 80)])
        values = [score(float(t)) for t in grid]
        candidates = [0.0]
        for a, b, fa, fb in zip(grid[:-1], grid[1:], values[:-1], values[1:], strict=True):
            if fa > 0 >= fb:
                root = brentq(score, float(a), float(b), xtol=1e-15, maxiter=500)
                candidates.append(float(root))
        return max(candidates, key=lambda t: terms(y, v, x, t)[1])

    return estimate


REGRESSION_TAU2: dict[Tau2Method, Callable[[FloatArray, FloatArray, FloatArray], float]] = {
    Tau2Method.DL: _dl,
    Tau2Method.HE: _he,
    Tau2Method.SJ: _sj,
    Tau2Method.PM: _root("PM"),
    Tau2Method.EB: _root("PM"),
    Tau2Method.ML: _likelihood(restricted=False),
    Tau2Method.REML: _likelihood(restricted=True),
}
"""Residual tau² estimators of a meta-regression (metafor ``rma.uni`` with ``mods``).

DL: ``(y'Py - (k-p)) / tr(P)`` at ``w = 1/v``; HE: ``(y'P_0y - tr(P_0 V))/(k-p)``
with OLS ``P_0``; SJ: ``tau0 y'Py/(k-p)`` at ``w = 1/(v + tau0)``, ``tau0`` the
variance of ``y`` about its mean; PM (and EB, the same fixed point):
``y'Py = k - p``; ML: ``y'PPy = tr(W)``; REML: ``y'PPy = tr(P)`` at the highest
(restricted) likelihood (Viechtbauer et al. 2015, Res Synth Methods 6:63; Raudenbush
2009). DL and HE are truncated at 0, PM is 0 when its equation is negative at 0, and
ML/REML are 0 when the boundary has the highest likelihood.
"""


def regression_fit(
    y: FloatArray,
    v: FloatArray,
    x: FloatArray,
    *,
    tau2_method: Tau2Method | None,
    hksj: bool = False,
    tau2: float | None = None,
) -> RegressionFit:
    """Fixed-effect (``tau2_method=None``) or random-effects meta-regression.

    ``tau2`` fixes the residual tau² instead of estimating it (metafor's ``tau2=``).

    Notes
    -----
    ``b = (X'WX)^-1 X'Wy`` with ``w = 1/(v + tau2)``, ``Var(b) = (X'WX)^-1`` and z
    tests; with ``hksj`` the variance is scaled by ``y'Py/(k - p)`` (not truncated)
    and t tests use ``k - p`` df, as metafor's ``test="knha"``.
    """
    _check_rank(x)
    if tau2 is None:
        tau2 = 0.0 if tau2_method is None else REGRESSION_TAU2[tau2_method](y, v, x)
    return replace(weighted_least_squares(y, x, 1 / (v + tau2), scaled=hksj), tau2=tau2)
