"""Estimators of the between-study variance tau², batched over analyses.

A registry maps metafor's codes (``DL REML ML PM EB SJ HE``) to small functions of a
:class:`~sysreview.meta.batch.Batch`. Iterative estimators are solved by a bracketed,
safeguarded Newton method, so they converge where plain Fisher scoring gets stuck.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from sysreview.meta.batch import Batch, BoolArray, FloatArray, IntArray, solve_decreasing
from sysreview.vocab import Tau2Method


@dataclass(frozen=True, eq=False)
class Tau2Fit:
    """Estimated tau² per analysis, with convergence information."""

    tau2: FloatArray
    converged: BoolArray
    iterations: NDArray[np.int64]


def closed_form_fit(tau2: FloatArray) -> Tau2Fit:
    """A fit needing no iterations: converged everywhere, zero iterations."""
    m = tau2.shape[0]
    return Tau2Fit(tau2, np.ones(m, dtype=bool), np.zeros(m, dtype=np.int64))


def _unweighted_rss(b: Batch) -> FloatArray:
    mean = (b.mask * b.y).sum(axis=1) / b.k
    return np.asarray((b.mask * (b.y - mean[:, None]) ** 2).sum(axis=1))


def dersimonian_laird(b: Batch) -> Tau2Fit:
    """DerSimonian & Laird (1986) moment estimator.

    Notes
    -----
    ``tau2 = max(0, (Q - (k-1)) / (sum w - sum w^2 / sum w))`` with ``w = 1/v``
    and ``Q`` about the fixed-effect mean (Deeks & Higgins 2010; metafor ``"DL"``).
    """
    return closed_form_fit(dersimonian_laird_from_q(b, b.generalised_q(np.zeros(b.y.shape[0]))))


def dersimonian_laird_from_q(b: Batch, q: FloatArray) -> FloatArray:
    """DL tau² for a given Q (RevMan's MH random effects take Q about the MH estimate)."""
    w = b.mask / b.v
    sw = w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau2 = (q - (b.k - 1)) / (sw - (w**2).sum(axis=1) / sw)
    return np.asarray(np.where(b.k > 1, np.maximum(tau2, 0.0), 0.0))


def hedges(b: Batch) -> Tau2Fit:
    """Hedges (1983) / Hedges & Olkin (1985) variance-component estimator.

    Notes
    -----
    ``tau2 = max(0, RSS/(k-1) - sum(v)/k)`` with RSS about the unweighted mean
    (metafor ``"HE"``).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        tau2 = _unweighted_rss(b) / (b.k - 1) - (b.mask * b.v).sum(axis=1) / b.k
    return closed_form_fit(np.where(b.k > 1, np.maximum(tau2, 0.0), 0.0))


def sidik_jonkman(b: Batch) -> Tau2Fit:
    """Sidik & Jonkman (2005) estimator.

    Notes
    -----
    With ``tau0^2 = RSS/k`` about the unweighted mean and ``w = 1/(v + tau0^2)``,
    ``tau2 = tau0^2 / (k-1) * sum w (y - mu_w)^2`` (Sidik & Jonkman 2005,
    J Biopharm Stat 15:823-838; metafor ``"SJ"``).
    """
    tau0 = _unweighted_rss(b) / b.k
    with np.errstate(divide="ignore", invalid="ignore"):
        tau2 = tau0 * b.generalised_q(tau0) / (b.k - 1)
    return closed_form_fit(np.where(b.k > 1, tau2, 0.0))


Score = Callable[[Batch, FloatArray], tuple[FloatArray, FloatArray]]
"""A score function: its value and derivative in tau² for every analysis of a batch."""
Value = Callable[[Batch, FloatArray], FloatArray]
"""A score function's value alone."""


def _solve(b: Batch, score: Score) -> Tau2Fit:
    """The root of ``score`` for every analysis with two or more studies, from DL's tau²."""
    start = dersimonian_laird(b).tau2

    def f(t: FloatArray, rows: IntArray) -> tuple[FloatArray, FloatArray]:
        return score(b.take(rows), t)

    tau2, converged, iterations = solve_decreasing(f, start, b.k > 1)
    return Tau2Fit(tau2, converged, iterations)


GRID = np.geomspace(1e-8, 1.0, 40)
"""Where the score of a boundary solution is looked at, as fractions of an upper bound."""


def _loglik(b: Batch, t: FloatArray, restricted: bool) -> FloatArray:
    """The (restricted) log-likelihood in tau², up to a constant."""
    m = _moments(b, t)
    ll = -0.5 * (b.mask * np.log(b.v + t[:, None])).sum(axis=1) - 0.5 * (m.w * m.r2).sum(axis=1)
    return np.asarray(ll - 0.5 * np.log(m.sw) if restricted else ll)


def _interior_maximum(
    b: Batch, tau2: FloatArray, score: Score, value: Value, restricted: bool
) -> FloatArray:
    """Replace boundary solutions (tau² = 0) by an interior maximum of higher likelihood.

    The likelihood in tau² need not be unimodal: its score can be negative at 0, turn
    positive and fall again, so that a local maximum inside beats the boundary (metafor's
    Fisher scoring, started inside, finds it). For the rows at 0 the score (``value``:
    ``score`` without its derivative) is scanned on :data:`GRID` times
    ``10 range(y)^2 + max(v)``; from the first change of sign from + to - the root is
    solved, and kept where its likelihood is higher than at 0.
    """
    rows = np.flatnonzero((tau2 == 0) & (b.k > 2))
    if rows.size == 0:
        return tau2
    sub = Batch(b.y[rows], b.v[rows], b.mask[rows])
    big = np.where(sub.mask > 0, sub.y, np.nan)
    upper = 10 * (np.nanmax(big, axis=1) - np.nanmin(big, axis=1)) ** 2
    upper = upper + np.nanmax(np.where(sub.mask > 0, sub.v, np.nan), axis=1)
    lo = np.full(rows.size, np.nan)
    hi = np.full(rows.size, np.nan)
    previous = value(sub, np.zeros(rows.size))
    last = np.zeros(rows.size)
    looking = np.arange(rows.size)  # the rows whose score has not yet turned from + to -
    for fraction in GRID:
        t = upper[looking] * fraction
        now = value(sub.take(looking), t)
        found = (previous > 0) & (now <= 0)
        lo[looking[found]], hi[looking[found]] = last[found], t[found]
        looking, previous, last = looking[~found], now[~found], t[~found]
    inside = np.flatnonzero(np.isfinite(lo))
    if inside.size == 0:
        return tau2
    part = Batch(sub.y[inside], sub.v[inside], sub.mask[inside])
    base = lo[inside]

    def shifted(s: FloatArray, rows: IntArray) -> tuple[FloatArray, FloatArray]:
        return score(part.take(rows), base[rows] + s)

    width = hi[inside] - base
    step, _, _ = solve_decreasing(shifted, width / 2, np.ones(inside.size, bool))
    root = base + step
    better = _loglik(part, root, restricted) > _loglik(part, np.zeros(inside.size), restricted)
    out = tau2.copy()
    out[rows[inside]] = np.where(better, root, 0.0)
    return out


class Moments(NamedTuple):
    """Moments at a tau² per analysis.

    Weights ``w = 1/(v + tau2)``, their powers, the weighted mean ``mu``, squared
    residuals ``r2 = (y - mu)^2`` (0 for padding), ``sum w``.
    """

    w: FloatArray
    w2: FloatArray
    mu: FloatArray
    r2: FloatArray
    sw: FloatArray


def _moments(b: Batch, tau2: FloatArray) -> Moments:
    w = b.weights(tau2)
    mu = b.weighted_mean(w)
    r2 = b.mask * (b.y - mu[:, None]) ** 2
    return Moments(w, w**2, mu, r2, np.asarray(w.sum(axis=1)))


def _score_slope(b: Batch, m: Moments, w3: FloatArray) -> FloatArray:
    """Derivative of ``sum w^2 (y - mu_w)^2`` with respect to tau² (``w3 = w^3``)."""
    r = b.mask * (b.y - m.mu[:, None])
    return np.asarray(-2 * (w3 * m.r2).sum(axis=1) + 2 * (m.w2 * r).sum(axis=1) ** 2 / m.sw)


def paule_mandel(b: Batch) -> Tau2Fit:
    """Paule & Mandel (1982) estimator: the tau² at which generalised Q equals k - 1.

    Notes
    -----
    Solves ``sum w (y - mu_w)^2 = k - 1`` with ``w = 1/(v + tau2)``; 0 when
    ``Q < k - 1`` (metafor ``"PM"``). Its derivative is ``-sum w^2 (y - mu_w)^2``.
    """

    def f(sub: Batch, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        m = _moments(sub, t)
        return (m.w * m.r2).sum(axis=1) - (sub.k - 1), -(m.w2 * m.r2).sum(axis=1)

    return _solve(b, f)


def empirical_bayes(b: Batch) -> Tau2Fit:
    """Morris (1983) empirical Bayes estimator.

    Notes
    -----
    The fixed point of ``tau2 = sum w (k/(k-1) (y - mu_w)^2 - v) / sum w``, which
    rearranges to ``sum w (y - mu_w)^2 = k - 1``: for models without moderators it
    coincides with Paule-Mandel (Viechtbauer et al. 2015, Res Synth Methods 6:63).
    """
    return paule_mandel(b)


def _ml_value(b: Batch, t: FloatArray) -> FloatArray:
    """Twice the ML score in tau² (see :func:`maximum_likelihood`)."""
    m = _moments(b, t)
    return np.asarray((m.w2 * m.r2).sum(axis=1) - m.sw)


def _ml_score(b: Batch, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Twice the ML score in tau² and its derivative (see :func:`maximum_likelihood`)."""
    m = _moments(b, t)
    slope = _score_slope(b, m, m.w**3) + m.w2.sum(axis=1)
    return (m.w2 * m.r2).sum(axis=1) - m.sw, slope


def _reml_value(b: Batch, t: FloatArray) -> FloatArray:
    """Twice the REML score (see :func:`restricted_maximum_likelihood`)."""
    m = _moments(b, t)
    return np.asarray((m.w2 * m.r2).sum(axis=1) - (m.sw - m.w2.sum(axis=1) / m.sw))


def _reml_score(b: Batch, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Twice the REML score and its derivative (see :func:`restricted_maximum_likelihood`)."""
    m = _moments(b, t)
    w3 = m.w**3
    sw, sw2, sw3 = m.sw, m.w2.sum(axis=1), w3.sum(axis=1)
    score = (m.w2 * m.r2).sum(axis=1) - (sw - sw2 / sw)
    trace_pp = sw2 - 2 * sw3 / sw + sw2**2 / sw**2
    return score, _score_slope(b, m, w3) + trace_pp


def maximum_likelihood(b: Batch) -> Tau2Fit:
    """Maximum likelihood estimator (Hardy & Thompson 1996; metafor ``"ML"``).

    Notes
    -----
    Root of the score ``sum w^2 (y - mu_w)^2 - sum w`` (twice the ML score); 0 when
    the score at 0 is <= 0, unless an interior maximum has a higher likelihood
    (:func:`_interior_maximum`). Newton steps use its exact derivative
    ``-2 sum w^3 r^2 + 2 (sum w^2 r)^2 / sum w + sum w^2`` (``r = y - mu_w``).
    """
    fit = _solve(b, _ml_score)
    return replace(fit, tau2=_interior_maximum(b, fit.tau2, _ml_score, _ml_value, restricted=False))


def restricted_maximum_likelihood(b: Batch) -> Tau2Fit:
    """Restricted maximum likelihood estimator (Viechtbauer 2005; metafor ``"REML"``).

    Notes
    -----
    Root of twice the REML score ``y'PPy - tr(P)`` with
    ``P = W - W 1 1' W / sum w``: ``y'PPy = sum w^2 (y - mu_w)^2`` and
    ``tr(P) = sum w - sum w^2 / sum w``. Newton steps use the exact derivative
    ``-2 sum w^3 r^2 + 2 (sum w^2 r)^2 / sum w + tr(PP)`` with
    ``tr(PP) = sum w^2 - 2 sum w^3 / sum w + (sum w^2)^2 / (sum w)^2``; where the
    likelihood is not concave the bracket takes over (where metafor's Fisher scoring
    can fail to converge without step halving). A boundary solution gives way to an
    interior maximum of higher likelihood (:func:`_interior_maximum`).
    """
    fit = _solve(b, _reml_score)
    return replace(
        fit, tau2=_interior_maximum(b, fit.tau2, _reml_score, _reml_value, restricted=True)
    )


ESTIMATORS: dict[Tau2Method, Callable[[Batch], Tau2Fit]] = {
    Tau2Method.DL: dersimonian_laird,
    Tau2Method.REML: restricted_maximum_likelihood,
    Tau2Method.ML: maximum_likelihood,
    Tau2Method.PM: paule_mandel,
    Tau2Method.EB: empirical_bayes,
    Tau2Method.SJ: sidik_jonkman,
    Tau2Method.HE: hedges,
}


def estimate_tau2(b: Batch, method: Tau2Method | str = Tau2Method.DL) -> Tau2Fit:
    """Estimate tau² for every analysis of a batch with the named estimator.

    Examples
    --------
    >>> b = Batch.from_lists([np.array([0.1, 0.5, 0.9])], [np.array([0.04, 0.04, 0.04])])
    >>> round(float(estimate_tau2(b, "DL").tau2[0]), 12)
    0.12
    """
    return ESTIMATORS[Tau2Method.parse(method)](b)
