"""Meta-regression: weighted least squares and random-effects meta-regression.

Used by the regression tests for small-study effects (:mod:`sysreview.meta.bias`) and
available on its own: ``meta_regression(y, v, X, tau2_method=...)`` fits
``y = X b + u + e`` with ``u ~ N(0, tau2)`` and ``e ~ N(0, v)``, estimating the
residual tau² with the chosen estimator (metafor's ``rma(yi, vi, mods=...)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from sysreview.effects.base import FloatArray
from sysreview.meta.batch import solve_decreasing
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
    """An iterative estimator: the root of a decreasing estimating equation in tau²."""

    def estimate(y: FloatArray, v: FloatArray, x: FloatArray) -> float:
        def f(t: FloatArray) -> tuple[FloatArray, FloatArray]:
            w = 1 / (v + t[0])
            p_mat = _residual_matrix(x, w)
            py = p_mat @ y
            if kind == "PM":
                value, slope = y @ py - (x.shape[0] - x.shape[1]), -(py @ py)
            elif kind == "ML":
                value, slope = py @ py - w.sum(), -(w**2).sum()
            else:
                value, slope = py @ py - np.trace(p_mat), -(p_mat * p_mat).sum()
            return np.array([value]), np.array([slope])

        root, _, _ = solve_decreasing(f, np.array([_dl(y, v, x)]), np.array([True]))
        return float(root[0])

    return estimate


REGRESSION_TAU2: dict[Tau2Method, Callable[[FloatArray, FloatArray, FloatArray], float]] = {
    Tau2Method.DL: _dl,
    Tau2Method.HE: _he,
    Tau2Method.SJ: _sj,
    Tau2Method.PM: _root("PM"),
    Tau2Method.EB: _root("PM"),
    Tau2Method.ML: _root("ML"),
    Tau2Method.REML: _root("REML"),
}
"""Residual tau² estimators of a meta-regression (metafor ``rma.uni`` with ``mods``).

DL: ``(y'Py - (k-p)) / tr(P)`` at ``w = 1/v``; HE: ``(y'P_0y - tr(P_0 V))/(k-p)``
with OLS ``P_0``; SJ: ``tau0 y'Py/(k-p)`` at ``w = 1/(v + tau0)``, ``tau0`` the
variance of ``y`` about its mean; PM (and EB, the same fixed point):
``y'Py = k - p``; ML: ``y'PPy = tr(W)``; REML: ``y'PPy = tr(P)`` (Viechtbauer
et al. 2015, Res Synth Methods 6:63; Raudenbush 2009). DL and HE are truncated at 0,
and the iterative ones are 0 when their equation is negative at 0.
"""


def meta_regression(
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
