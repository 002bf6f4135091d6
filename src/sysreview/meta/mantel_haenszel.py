"""Mantel-Haenszel and Peto fixed-effect estimates from 2x2 tables.

Peto's pooled log odds ratio is inverse-variance pooling of the Peto log odds ratios
``(O - E)/V`` with variances ``1/V`` (Deeks & Higgins 2010). Under the RevMan
convention those come from the raw counts and need no code of their own here.
Under the metafor convention :func:`peto` pools the raw tables, as ``rma.peto``
does, while the per-study values shown alongside carry escalc's zero-cell correction.

Formulas follow Deeks & Higgins, *Statistical algorithms in Review Manager 5* (2010),
section "Mantel-Haenszel methods", which cites Greenland &
Robins (1985) and Robins, Breslow & Greenland (1986) for the variances. The risk
difference variance differs between conventions: RevMan uses Greenland & Robins
(1985), metafor's ``rma.mh`` the estimator of Sato, Greenland & Robins (1989).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sysreview.effects.base import FloatArray, TwoByTwo
from sysreview.effects.dichotomous import corrected_tables, peto_components
from sysreview.vocab import Convention, Measure


@dataclass(frozen=True, eq=False)
class FixedEstimate:
    """A fixed-effect estimate (log scale for ratios), its SE and study weights."""

    estimate: float
    se: float
    weights: FloatArray


def mantel_haenszel(
    t: TwoByTwo, measure: Measure, convention: Convention = Convention.REVMAN
) -> FixedEstimate:
    """Mantel-Haenszel pooled log RR, log OR or RD.

    Parameters
    ----------
    t
        The 2x2 tables of the contributing studies (raw counts).
    measure
        ``RR``, ``OR`` or ``RD``.
    convention
        ``revman`` adds 0.5 to every cell of a study with a zero cell before the
        sums (for RD: in the variance numerator only, the estimate and weights use
        the raw counts, as RevMan 5 does); ``metafor`` uses the raw counts throughout
        and Sato et al.'s RD variance.

    Notes
    -----
    With ``N = n1 + n2``:

    * OR: ``sum(a d/N) / sum(b c/N)``; variance of the log by Robins, Breslow &
      Greenland (1986): ``E/(2R^2) + F/(2RS) + G/(2S^2)``.
    * RR: ``sum(a n2/N) / sum(c n1/N)``; variance of the log
      ``sum((n1 n2 (a+c) - a c N)/N^2) / (R S)`` (Greenland & Robins 1985).
    * RD: ``sum((a n2 - c n1)/N) / sum(n1 n2/N)``; RevMan's variance
      ``sum((a b n2^3 + c d n1^3)/(n1 n2 N^2)) / (sum n1 n2/N)^2`` (Greenland & Robins
      1985); metafor's ``(RD P + Q) / (sum n1 n2/N)^2`` with
      ``P = sum((n1^2 c - n2^2 a + n1 n2 (n2 - n1)/2)/N^2)`` and
      ``Q = sum((a (n2 - c) + c (n1 - a))/(2N))`` (Sato et al. 1989, as in
      metafor 3.8 ``rma.mh``). For a single table this reduces to the binomial
      variance ``p1 (1 - p1)/n1 + p2 (1 - p2)/n2``, which the variant with the
      opposite sign on the first two terms of ``P`` does not.

    Weights are the MH weights ``b c/N`` (OR), ``c n1/N`` (RR), ``n1 n2/N`` (RD).
    """
    revman = convention is Convention.REVMAN
    if revman and measure is not Measure.RD:
        t = corrected_tables(t)
    a, b, c, d, n1, n2 = t.ai, t.bi, t.ci, t.di, t.n1i, t.n2i
    n = n1 + n2
    if measure is Measure.OR:
        r, s = a * d / n, b * c / n
        rs, ss = r.sum(), s.sum()
        e = ((a + d) * a * d / n**2).sum()
        f = ((a + d) * b * c / n**2 + (b + c) * a * d / n**2).sum()
        g = ((b + c) * b * c / n**2).sum()
        var = e / (2 * rs**2) + f / (2 * rs * ss) + g / (2 * ss**2)
        return FixedEstimate(float(np.log(rs / ss)), float(np.sqrt(var)), s)
    if measure is Measure.RR:
        r, s = a * n2 / n, c * n1 / n
        rs, ss = r.sum(), s.sum()
        p = ((n1 * n2 * (a + c) - a * c * n) / n**2).sum()
        return FixedEstimate(float(np.log(rs / ss)), float(np.sqrt(p / (rs * ss))), s)
    if measure is Measure.RD:
        w = n1 * n2 / n
        sw = w.sum()
        rd = ((a * n2 - c * n1) / n).sum() / sw
        if revman:
            tc = corrected_tables(t)
            nc = tc.n1i + tc.n2i
            terms = tc.ai * tc.bi * tc.n2i**3 + tc.ci * tc.di * tc.n1i**3
            var = (terms / (tc.n1i * tc.n2i * nc**2)).sum() / sw**2
        else:
            p = ((n1**2 * c - n2**2 * a + n1 * n2 * (n2 - n1) / 2) / n**2).sum()
            q = ((a * (n2 - c) + c * (n1 - a)) / (2 * n)).sum()
            var = (rd * p + q) / sw**2
        return FixedEstimate(float(rd), float(np.sqrt(var)), w)
    raise ValueError(
        f"Invalid measure {measure.value!r} for Mantel-Haenszel; must be one of RR, OR, RD"
    )


def peto(t: TwoByTwo) -> FixedEstimate:
    """Peto's pooled log odds ratio from the raw tables (metafor's ``rma.peto``).

    Notes
    -----
    ``log OR = sum(O - E) / sum(V)``, ``se = 1/sqrt(sum V)``, weights ``V``, with
    ``O - E`` and ``V`` from :func:`~sysreview.effects.dichotomous.peto_components`
    on the uncorrected counts (Yusuf et al. 1985). A table with no events (or only
    events) in both groups has ``V = 0`` and so weight 0.
    """
    o_minus_e, v = peto_components(t)
    sv = v.sum()
    return FixedEstimate(float(o_minus_e.sum() / sv), float(1 / np.sqrt(sv)), v)
