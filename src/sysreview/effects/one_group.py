"""Effect sizes of one group: proportions (PR, PLO, PFT) and correlations (ZCOR).

None of these has a RevMan form; they are computed as metafor's ``escalc`` does, under
either convention (which then only governs pooling).

Zero cells: a proportion of 0 or 1 has no logit and a variance of 0 on the raw scale,
so for PR and PLO 1/2 is added to the events and the non-events of such a study
(metafor's ``add=1/2, to="only0"``); the Freeman-Tukey transformation needs no
correction (``add=0``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from sysreview.effects.base import EffectSizes, FloatArray, as_float_array, finalize, study_labels
from sysreview.effects.dichotomous import ZERO_CELL_RULES
from sysreview.effects.transforms import freeman_tukey
from sysreview.errors import InputError
from sysreview.vocab import Convention, Measure


def read_counts(
    xi: ArrayLike, ni: ArrayLike, labels: tuple[str, ...] | None
) -> tuple[FloatArray, FloatArray, tuple[str, ...]]:
    """Events and sample sizes of one group, checked.

    Raises
    ------
    InputError
        For negative counts or more events than participants (naming the study).
    """
    x, n = as_float_array(xi, "events"), as_float_array(ni, "n")
    studies = study_labels(labels, x.size)
    if n.size != x.size:
        raise InputError(f"{x.size} event counts but {n.size} sample sizes", column="n")
    with np.errstate(invalid="ignore"):
        bad = (x < 0) | (n < 0) | (x > n)
    for i in np.flatnonzero(bad):
        if x[i] < 0 or n[i] < 0:
            raise InputError(f"study {studies[i]!r}: counts must not be negative", column="events")
        raise InputError(
            f"study {studies[i]!r}: {x[i]:g} events but only {n[i]:g} participants",
            column="events",
        )
    return x, n, studies


def _reasons(x: FloatArray, n: FloatArray) -> list[str | None]:
    reasons: list[str | None] = [None] * x.size
    for i in np.flatnonzero(np.isnan(x) | np.isnan(n) | (n == 0)):
        reasons[i] = (
            "missing events or participants" if np.isnan(x[i] + n[i]) else "no participants"
        )
    return reasons


def _corrected(x: FloatArray, n: FloatArray, add: float, to: str) -> tuple[FloatArray, FloatArray]:
    """Events and sample size with ``add`` added to events and non-events.

    As metafor's ``to``: ``only0`` studies with 0 events or 0 non-events, ``all``,
    ``if0all``, ``none``.
    """
    if to not in ZERO_CELL_RULES:
        raise ValueError(
            f"Invalid zero-cell rule {to!r}; must be one of {', '.join(ZERO_CELL_RULES)}"
        )
    zero = (x == 0) | (x == n)
    chosen = {
        "only0": zero,
        "all": np.ones_like(zero),
        "if0all": np.full_like(zero, bool(zero.any())),
        "none": np.zeros_like(zero),
    }[to]
    inc = np.where(chosen, add, 0.0)
    return x + inc, n + 2 * inc


def _finish(
    measure: Measure,
    convention: Convention | str,
    studies: tuple[str, ...],
    yi: FloatArray,
    vi: FloatArray,
    reasons: list[str | None],
    n: FloatArray,
) -> EffectSizes:
    return finalize(
        measure, Convention.parse(convention), studies, yi, vi, reasons, n1i=n, n2i=np.nan * n
    )


def proportion(
    xi: ArrayLike,
    ni: ArrayLike,
    *,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.METAFOR,
    add: float = 0.5,
    to: str = "only0",
) -> EffectSizes:
    """Raw proportion (PR): ``yi = x/n``, ``vi = p(1 - p)/n``.

    Notes
    -----
    The large-sample (binomial) variance, metafor ``escalc(measure="PR")`` with its
    default ``vtype="LS"``; a proportion of 0 or 1 gets ``add`` events and non-events
    (module notes). Read on its own scale.

    Examples
    --------
    >>> es = proportion([3, 0], [10, 8])
    >>> [round(float(v), 6) for v in es.yi], [round(float(v), 6) for v in es.vi]
    ([0.3, 0.055556], [0.021, 0.00583])
    """
    x, n, labels = read_counts(xi, ni, None if studies is None else tuple(studies))
    reasons = _reasons(x, n)
    xc, nc = _corrected(x, n, add, to)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = xc / nc
        vi = p * (1 - p) / nc
    return _finish(Measure.PR, convention, labels, p, vi, reasons, n)


def logit_proportion(
    xi: ArrayLike,
    ni: ArrayLike,
    *,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.METAFOR,
    add: float = 0.5,
    to: str = "only0",
) -> EffectSizes:
    """Logit of a proportion (PLO): ``yi = log(x/(n - x))``, ``vi = 1/x + 1/(n - x)``.

    Notes
    -----
    metafor ``escalc(measure="PLO")`` (Viechtbauer 2010; Sweeting et al. 2004 for the
    1/2 correction of a proportion of 0 or 1). Read as a proportion (inverse logit).

    Examples
    --------
    >>> es = logit_proportion([5], [20])
    >>> round(float(es.yi[0]), 10), round(float(es.vi[0]), 10)
    (-1.0986122887, 0.2666666667)
    """
    x, n, labels = read_counts(xi, ni, None if studies is None else tuple(studies))
    reasons = _reasons(x, n)
    xc, nc = _corrected(x, n, add, to)
    with np.errstate(divide="ignore", invalid="ignore"):
        yi = np.log(xc / (nc - xc))
        vi = 1 / xc + 1 / (nc - xc)
    for i in np.flatnonzero(~np.isfinite(vi)):
        if reasons[i] is None:
            reasons[i] = "a proportion of 0 or 1 has no logit (add = 0)"
    return _finish(Measure.PLO, convention, labels, yi, vi, reasons, n)


def freeman_tukey_proportion(
    xi: ArrayLike,
    ni: ArrayLike,
    *,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.METAFOR,
) -> EffectSizes:
    """Freeman-Tukey double arcsine of a proportion (PFT).

    Notes
    -----
    ``yi = (asin sqrt(x/(n+1)) + asin sqrt((x+1)/(n+1))) / 2``, ``vi = 1/(4n + 2)``
    (Freeman MF, Tukey JW 1950, Transformations related to the angular and the square
    root, Ann Math Stat 21:607-611; metafor ``escalc(measure="PFT")``, no zero-cell
    correction). Read as a proportion by Miller's (1978) inverse, for a pooled
    estimate with the harmonic mean of the sample sizes
    (:func:`~sysreview.effects.transforms.inverse_freeman_tukey`).

    Examples
    --------
    >>> es = freeman_tukey_proportion([0, 5], [20, 20])
    >>> [round(float(v), 10) for v in es.yi]
    [0.1099939887, 0.5368411601]
    """
    x, n, labels = read_counts(xi, ni, None if studies is None else tuple(studies))
    reasons = _reasons(x, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        yi = np.asarray(freeman_tukey(x / n, n), dtype=float)
        vi = 1 / (4 * n + 2)
    return _finish(Measure.PFT, convention, labels, yi, vi, reasons, n)


def fisher_z(
    ri: ArrayLike,
    ni: ArrayLike,
    *,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.METAFOR,
) -> EffectSizes:
    """Fisher's z-transformed correlation (ZCOR): ``yi = atanh(r)``, ``vi = 1/(n - 3)``.

    Notes
    -----
    Fisher RA 1921, On the "probable error" of a coefficient of correlation deduced
    from a small sample, Metron 1:3-32; metafor ``escalc(measure="ZCOR")``. A study
    of 3 or fewer participants has no variance, and a correlation of ±1 no z; both
    are not estimable. Read as a correlation (``tanh``).

    Raises
    ------
    InputError
        For a correlation outside [-1, 1] or a negative sample size.

    Examples
    --------
    >>> es = fisher_z([0.5, 0.1], [28, 3])
    >>> round(float(es.yi[0]), 10), float(es.vi[0]), es.reasons[1]
    (0.5493061443, 0.04, 'fewer than 4 participants')
    """
    r, n = as_float_array(ri, "r"), as_float_array(ni, "n")
    labels = study_labels(studies, r.size)
    with np.errstate(invalid="ignore"):
        for j in np.flatnonzero((np.abs(r) > 1) | (n < 0)):
            what = "a correlation must be between -1 and 1" if abs(r[j]) > 1 else "n < 0"
            raise InputError(f"study {labels[j]!r}: {what} ({r[j]:g}, n = {n[j]:g})", column="r")
    reasons: list[str | None] = [None] * r.size
    for i in range(r.size):
        if np.isnan(r[i]) or np.isnan(n[i]):
            reasons[i] = "missing correlation or sample size"
        elif n[i] <= 3:
            reasons[i] = "fewer than 4 participants"
        elif abs(r[i]) == 1:
            reasons[i] = "a correlation of ±1 has no Fisher z"
    with np.errstate(divide="ignore", invalid="ignore"):
        yi = np.arctanh(r)
        vi = 1 / (n - 3)
    return _finish(Measure.ZCOR, convention, labels, yi, vi, reasons, n)


__all__ = [
    "fisher_z",
    "freeman_tukey_proportion",
    "logit_proportion",
    "proportion",
    "read_counts",
]
