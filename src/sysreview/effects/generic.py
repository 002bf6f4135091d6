"""Generic inverse variance data: an estimate and its standard error per study."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from sysreview.effects.base import EffectSizes, as_float_array, finalize, study_labels
from sysreview.vocab import Convention, Measure


def generic_effects(
    estimate: ArrayLike,
    se: ArrayLike,
    *,
    log_scale: bool | None = None,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.REVMAN,
    measure: Measure | str = Measure.GIV,
) -> EffectSizes:
    """Effect sizes given directly as estimate and standard error.

    Parameters
    ----------
    estimate, se
        Per-study estimate and its standard error. With ``log_scale=True`` the
        estimate is a log ratio (e.g. log hazard ratio) and pooled results are
        back-transformed by exponentiation, like RevMan's ``LOG_DATA="YES"``.
    log_scale
        Default: false for ``GIV``; for another measure, whether it is a ratio.
    measure
        What the estimates are (default ``GIV``, generic): e.g. ``SMD`` or ``RR`` for
        values computed elsewhere, as metafor's ``escalc(measure, yi=, vi=)``. They are
        read back with that measure's transformation (log RR as RR, ...); a
        dichotomous measure given this way has no 2x2 tables, so it is pooled by
        inverse variance.

    Notes
    -----
    ``yi = estimate``, ``vi = se^2`` (Deeks & Higgins 2010, "Generic inverse variance").
    A study with a missing estimate or SE, or ``se <= 0``, is not estimable.

    Examples
    --------
    >>> es = generic_effects([0.1, 0.3], [0.2, 0.0])
    >>> es.reasons
    (None, 'SE must be greater than 0')
    """
    yi = as_float_array(estimate, "estimate")
    sei = as_float_array(se, "se")
    reasons: list[str | None] = []
    for y, s in zip(yi, sei, strict=True):
        if np.isnan(y) or np.isnan(s):
            reasons.append("missing estimate or SE")
        elif s <= 0:
            reasons.append("SE must be greater than 0")
        else:
            reasons.append(None)
    m = Measure.parse(measure)
    if log_scale is None:
        log_scale = m.is_ratio
    elif m is not Measure.GIV and log_scale != m.is_ratio:
        scale = "log ratios" if m.is_ratio else "not log ratios"
        raise ValueError(f"{m.value} estimates are {scale}: log_scale={log_scale} contradicts it")
    return finalize(
        m,
        Convention.parse(convention),
        study_labels(studies, yi.size),
        yi,
        sei**2,
        reasons,
        log_scale=log_scale,
    )
