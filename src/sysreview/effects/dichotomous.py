"""Effect sizes from dichotomous outcomes (2x2 tables): RR, OR, RD and Peto's OR.

Zero cells are handled by the chosen convention:

* ``revman`` (Deeks & Higgins, *Statistical algorithms in Review Manager 5*, 2010):
  0.5 is added to every cell of a study with a zero cell; studies with no events in
  either group (or events in everyone in both groups) are not estimable for RR and OR
  but are kept for RD. Peto's method needs no correction.
* ``metafor`` (``escalc`` defaults ``add=1/2, to="only0", drop00=FALSE``): 0.5 is
  added to every cell of a study with a zero cell, for RR, OR, RD and Peto's OR
  alike, and double-zero studies are kept (estimable) for every measure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from sysreview.effects.base import (
    BoolArray,
    EffectSizes,
    FloatArray,
    TwoByTwo,
    as_float_array,
    finalize,
    study_labels,
)
from sysreview.errors import InputError
from sysreview.vocab import Convention, Measure

Cells = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def read_tables(
    ai: ArrayLike, n1i: ArrayLike, ci: ArrayLike, n2i: ArrayLike, studies: tuple[str, ...] | None
) -> TwoByTwo:
    """Validate event counts and group sizes into a :class:`TwoByTwo`.

    Raises
    ------
    InputError
        For negative counts or more events than participants (naming the study).
    """
    tables = TwoByTwo(
        as_float_array(ai, "events_e"),
        as_float_array(n1i, "n_e"),
        as_float_array(ci, "events_c"),
        as_float_array(n2i, "n_c"),
    )
    labels = study_labels(studies, tables.ai.size)
    checks = (
        ("events_e", tables.ai, tables.n1i),
        ("events_c", tables.ci, tables.n2i),
    )
    for column, events, total in checks:
        with np.errstate(invalid="ignore"):
            bad = (events < 0) | (total < 0) | (events > total)
        for i in np.flatnonzero(bad):
            if events[i] < 0 or total[i] < 0:
                raise InputError(f"study {labels[i]!r}: counts must not be negative", column=column)
            if events[i] > total[i]:
                raise InputError(
                    f"study {labels[i]!r}: {events[i]:g} events but only {total[i]:g} participants",
                    column=column,
                )
    return tables


def double_zero(t: TwoByTwo) -> BoolArray:
    """Studies with no events, or only events, in both groups."""
    return np.asarray(((t.ai == 0) & (t.ci == 0)) | ((t.bi == 0) & (t.di == 0)))


def _reasons(t: TwoByTwo, drop00: bool) -> list[str | None]:
    """Why each study is not estimable (``None`` where it is)."""
    double = double_zero(t) & drop00
    missing = np.isnan(t.ai) | np.isnan(t.n1i) | np.isnan(t.ci) | np.isnan(t.n2i)
    empty = (t.n1i == 0) | (t.n2i == 0)
    reasons: list[str | None] = [None] * t.ai.size
    for i in np.flatnonzero(missing | empty | double):
        if missing[i]:
            reasons[i] = "missing events or participants"
        elif empty[i]:
            reasons[i] = "no participants in a group"
        else:
            reasons[i] = "no events (or only events) in both groups"
    return reasons


ZERO_CELL_RULES = ("only0", "all", "if0all", "none")


def corrected_cells(t: TwoByTwo, add: float = 0.5, to: str = "only0") -> Cells:
    """Cells ``a, b, c, d`` with ``add`` added to every cell of the chosen studies.

    ``to`` names the studies, as metafor's ``escalc``: ``only0`` those with a zero
    cell, ``all`` every study, ``if0all`` every study when any has a zero cell,
    ``none`` no study.

    Examples
    --------
    >>> t = TwoByTwo(np.array([0.0, 2.0]), np.array([10.0, 10.0]),
    ...              np.array([1.0, 3.0]), np.array([10.0, 10.0]))
    >>> [float(x) for x in corrected_cells(t, to="if0all")[0]]
    [0.5, 2.5]
    """
    if to not in ZERO_CELL_RULES:
        raise ValueError(
            f"Invalid zero-cell rule {to!r}; must be one of {', '.join(ZERO_CELL_RULES)}"
        )
    a, b, c, d = t.ai, t.bi, t.ci, t.di
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    chosen = {
        "only0": zero,
        "all": np.ones_like(zero),
        "if0all": np.full_like(zero, bool(zero.any())),
        "none": np.zeros_like(zero),
    }[to]
    inc = np.where(chosen, add, 0.0)
    return a + inc, b + inc, c + inc, d + inc


def corrected_tables(t: TwoByTwo, add: float = 0.5) -> TwoByTwo:
    """Tables with ``add`` added to every cell of studies with a zero cell.

    RevMan applies this correction inside its Mantel-Haenszel sums too.
    """
    a, b, c, d = corrected_cells(t, add)
    return TwoByTwo(a, a + b, c, c + d)


def _log_rr(
    a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray
) -> tuple[FloatArray, FloatArray]:
    n1, n2 = a + b, c + d
    return np.log((a / n1) / (c / n2)), 1 / a + 1 / c - 1 / n1 - 1 / n2


def _log_or(
    a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray
) -> tuple[FloatArray, FloatArray]:
    return np.log((a * d) / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d


def _rd(
    a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray
) -> tuple[FloatArray, FloatArray]:
    n1, n2 = a + b, c + d
    return a / n1 - c / n2, a * b / n1**3 + c * d / n2**3


def peto_components(t: TwoByTwo) -> tuple[FloatArray, FloatArray]:
    """Peto's ``O - E`` and hypergeometric variance ``V`` per study.

    Notes
    -----
    ``E = n1 (a + c) / N`` and ``V = n1 n2 (a + c)(b + d) / (N^2 (N - 1))``
    (Yusuf et al. 1985; Deeks & Higgins 2010, "Peto odds ratio").
    """
    a, n1, c, n2 = t.ai, t.n1i, t.ci, t.n2i
    n = n1 + n2
    events, non_events = a + c, (n1 - a) + (n2 - c)
    expected = n1 * events / n
    variance = n1 * n2 * events * non_events / (n**2 * (n - 1))
    return a - expected, variance


def _peto(
    a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray
) -> tuple[FloatArray, FloatArray]:
    o_minus_e, v = peto_components(TwoByTwo(a, a + b, c, c + d))
    return o_minus_e / v, 1 / v


_FORMULAS: dict[Measure, Callable[..., tuple[FloatArray, FloatArray]]] = {
    Measure.RR: _log_rr,
    Measure.OR: _log_or,
    Measure.RD: _rd,
    Measure.PETO_OR: _peto,
}


def dichotomous_effects(
    ai: ArrayLike,
    n1i: ArrayLike,
    ci: ArrayLike,
    n2i: ArrayLike,
    measure: Measure | str,
    *,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.REVMAN,
    add: float = 0.5,
    to: str | None = None,
    drop00: bool | None = None,
) -> EffectSizes:
    """Per-study RR, OR, RD or Peto OR from events and group sizes.

    Parameters
    ----------
    ai, n1i
        Events and participants in the experimental group.
    ci, n2i
        Events and participants in the control group.
    measure
        ``RR``, ``OR``, ``RD`` or ``PETO_OR``.
    studies
        Study labels.
    convention
        ``revman`` (default) or ``metafor`` zero-cell rules (see the module notes).
    add, to, drop00
        Override the convention's zero-cell rule, with metafor's ``escalc`` meanings:
        the amount added, to which studies (``only0``, ``all``, ``if0all``,
        ``none``), and whether studies with no events (or only events) in both
        groups are not estimable. Defaults: ``add=0.5, to="only0"``; ``drop00`` is
        true for RevMan's RR, OR and Peto OR and false otherwise. RevMan's Peto OR
        uses no correction (``to="none"``).

    Returns
    -------
    EffectSizes
        Log RR / log OR / RD / Peto log OR with their variances.

    Notes
    -----
    ``log RR = log((a/n1)/(c/n2))``, ``var = 1/a + 1/c - 1/n1 - 1/n2``;
    ``log OR = log(ad/bc)``, ``var = 1/a + 1/b + 1/c + 1/d``;
    ``RD = a/n1 - c/n2``, ``var = ab/n1^3 + cd/n2^3``;
    Peto ``log OR = (O - E)/V``, ``var = 1/V``
    (Deeks & Higgins 2010; Cochrane Handbook v6.4 section 10.4.1).

    Examples
    --------
    >>> es = dichotomous_effects([4], [123], [11], [139], "RR")
    >>> round(float(es.yi[0]), 10), round(float(es.vi[0]), 10)
    (-0.8893113339, 0.325584765)
    """
    m = Measure.parse(measure)
    if m not in _FORMULAS:
        raise ValueError(
            f"Invalid dichotomous measure {m.value!r}; must be one of RR, OR, RD, PETO_OR"
        )
    conv = Convention.parse(convention)
    labels = study_labels(studies, np.atleast_1d(np.asarray(ai)).size)
    tables = read_tables(ai, n1i, ci, n2i, labels)
    revman = conv is Convention.REVMAN
    if drop00 is None:
        drop00 = revman and m is not Measure.RD
    if to is None:
        to = "none" if revman and m is Measure.PETO_OR else "only0"
    reasons = _reasons(tables, drop00)
    cells = corrected_cells(tables, add, to)
    with np.errstate(divide="ignore", invalid="ignore"):
        yi, vi = _FORMULAS[m](*cells)
        if m is Measure.RD and conv is Convention.REVMAN:
            yi = tables.ai / tables.n1i - tables.ci / tables.n2i
    return finalize(
        m,
        conv,
        labels,
        yi,
        vi,
        reasons,
        log_scale=m.is_ratio,
        tables=tables,
        n1i=tables.n1i,
        n2i=tables.n2i,
    )
