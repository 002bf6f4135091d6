"""Incidence rate ratios (IRR) from event counts and person-time in two groups.

No RevMan form: computed as metafor's ``escalc(measure="IRR")`` under either convention.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from sysreview.effects.base import EffectSizes, as_float_array, finalize, study_labels
from sysreview.effects.dichotomous import ZERO_CELL_RULES
from sysreview.errors import InputError
from sysreview.vocab import Convention, Measure


def incidence_rate_ratio(
    x1i: ArrayLike,
    t1i: ArrayLike,
    x2i: ArrayLike,
    t2i: ArrayLike,
    *,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.METAFOR,
    add: float = 0.5,
    to: str = "only0",
    drop00: bool = False,
) -> EffectSizes:
    """Log incidence rate ratio, read as a ratio.

    Parameters
    ----------
    x1i, t1i
        Events and person-time in the experimental group.
    x2i, t2i
        Events and person-time in the control group.
    add, to, drop00
        Zero counts, with metafor's ``escalc`` meanings: ``add`` is added to both
        counts of the studies chosen by ``to`` (``only0``: a study with a zero count;
        ``all``; ``if0all``; ``none``); with ``drop00`` a study with no events in
        either group is not estimable.

    Notes
    -----
    ``yi = log((x1/t1)/(x2/t2))``, ``vi = 1/x1 + 1/x2`` (Rothman, Greenland & Lash,
    *Modern Epidemiology*, 3rd ed., 2008, ch. 14; metafor ``escalc(measure="IRR")``
    with its defaults ``add=1/2, to="only0", drop00=FALSE``).

    Raises
    ------
    InputError
        For negative counts or a person-time that is not positive.

    Examples
    --------
    >>> es = incidence_rate_ratio([9], [413], [19], [398])
    >>> round(float(es.yi[0]), 10), round(float(es.vi[0]), 10)
    (-0.7842099895, 0.1637426901)
    """
    names = ("events_e", "time_e", "events_c", "time_c")
    x1, t1, x2, t2 = (
        as_float_array(v, n) for v, n in zip((x1i, t1i, x2i, t2i), names, strict=True)
    )
    labels = study_labels(studies, x1.size)
    if to not in ZERO_CELL_RULES:
        raise ValueError(
            f"Invalid zero-cell rule {to!r}; must be one of {', '.join(ZERO_CELL_RULES)}"
        )
    with np.errstate(invalid="ignore"):
        for column, values, bad in (
            ("events_e", x1, x1 < 0),
            ("events_c", x2, x2 < 0),
            ("time_e", t1, t1 <= 0),
            ("time_c", t2, t2 <= 0),
        ):
            for i in np.flatnonzero(bad):
                what = "a count must not be negative" if column.startswith("e") else (
                    "person-time must be positive")  # fmt: skip
                raise InputError(f"study {labels[i]!r}: {what} ({values[i]:g})", column=column)
    reasons: list[str | None] = [None] * x1.size
    missing = np.isnan(x1) | np.isnan(t1) | np.isnan(x2) | np.isnan(t2)
    double = (x1 == 0) & (x2 == 0) & drop00
    for i in np.flatnonzero(missing | double):
        reasons[i] = "missing events or person-time" if missing[i] else "no events in either group"
    zero = (x1 == 0) | (x2 == 0)
    chosen = {
        "only0": zero,
        "all": np.ones_like(zero),
        "if0all": np.full_like(zero, bool(zero.any())),
        "none": np.zeros_like(zero),
    }[to]
    inc = np.where(chosen, add, 0.0)
    a, c = x1 + inc, x2 + inc
    with np.errstate(divide="ignore", invalid="ignore"):
        yi = np.log(a / t1) - np.log(c / t2)
        vi = 1 / a + 1 / c
    for i in np.flatnonzero(~np.isfinite(vi) | ~np.isfinite(yi)):
        if reasons[i] is None:
            reasons[i] = "a zero count has no log rate (add = 0)"
    return finalize(
        Measure.IRR, Convention.parse(convention), labels, yi, vi, reasons, log_scale=True
    )


__all__ = ["incidence_rate_ratio"]
