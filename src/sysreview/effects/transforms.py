"""Back-transformations: from the scale a measure is analysed on to the scale it is read on.

Ratios (RR, OR, Peto OR, ROM, IRR and log-scale generic estimates) are analysed as log
ratios and read as ratios (``exp``); logit proportions (PLO) are read as proportions
(``ilogit``); Fisher's z (ZCOR) as correlations (``tanh``); Freeman-Tukey double
arcsine proportions (PFT) as proportions by Miller's (1978) inverse. MD, SMD, SMDH, RD
and raw proportions (PR) are read on the scale they are analysed on.

The same choices as metafor's ``transf.exp.int``, ``transf.ilogit``, ``transf.ztor`` and
``transf.ipft``/``transf.ipft.hm`` (Viechtbauer 2010, J Stat Softw 36(3), section 3.5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from sysreview.vocab import Measure


class Transform(StrEnum):
    """How estimates of a measure are back-transformed for reading."""

    IDENTITY = "identity"
    EXP = "exp"
    ILOGIT = "ilogit"
    TANH = "tanh"
    IPFT = "ipft"

    @property
    def description(self) -> str:
        """The back-transformation in words."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Transform.IDENTITY: "none (read on the analysis scale)",
    Transform.EXP: "exp (log ratio to ratio)",
    Transform.ILOGIT: "inverse logit (logit to proportion)",
    Transform.TANH: "tanh (Fisher's z to correlation)",
    Transform.IPFT: "Miller's (1978) inverse of the Freeman-Tukey double arcsine",
}

TRANSFORM_OF: Mapping[Measure, Transform] = MappingProxyType(
    {
        Measure.MD: Transform.IDENTITY,
        Measure.SMD: Transform.IDENTITY,
        Measure.SMDH: Transform.IDENTITY,
        Measure.ROM: Transform.EXP,
        Measure.RR: Transform.EXP,
        Measure.OR: Transform.EXP,
        Measure.RD: Transform.IDENTITY,
        Measure.PETO_OR: Transform.EXP,
        Measure.IRR: Transform.EXP,
        Measure.PR: Transform.IDENTITY,
        Measure.PLO: Transform.ILOGIT,
        Measure.PFT: Transform.IPFT,
        Measure.ZCOR: Transform.TANH,
        Measure.GIV: Transform.IDENTITY,  # EXP when the estimates are log ratios
    }
)
"""Measure -> its back-transformation."""


def freeman_tukey(p: ArrayLike, n: ArrayLike) -> Any:
    """The Freeman-Tukey double arcsine of a proportion ``p`` of ``n``.

    ``(asin sqrt(np/(n+1)) + asin sqrt((np+1)/(n+1))) / 2`` (Freeman & Tukey 1950; metafor
    ``transf.pft``).
    """
    p, n = np.asarray(p, dtype=float), np.asarray(n, dtype=float)
    return 0.5 * (np.arcsin(np.sqrt(p * n / (n + 1))) + np.arcsin(np.sqrt((p * n + 1) / (n + 1))))


def inverse_freeman_tukey(t: ArrayLike, n: ArrayLike) -> Any:
    """Miller's inverse of the Freeman-Tukey double arcsine ``t`` for sample size ``n``.

    Notes
    -----
    ``p = (1 - sgn(cos 2t) sqrt(1 - (sin 2t + (sin 2t - 1/sin 2t)/n)^2)) / 2``, set to 0
    below ``t(0)`` and to 1 above ``t(1)`` (Miller JJ 1978, The inverse of the
    Freeman-Tukey double arcsine transformation, Am Stat 32:138; metafor
    ``transf.ipft``). For a pooled estimate ``n`` is the harmonic mean of the studies'
    sizes (metafor ``transf.ipft.hm``).

    Examples
    --------
    >>> t = freeman_tukey(0.3, 20)
    >>> round(float(inverse_freeman_tukey(t, 20)), 12)
    0.3
    """
    t, n = np.asarray(t, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.sin(2 * t)
        inner = 1 - (s + (s - 1 / s) / n) ** 2
        p = 0.5 * (1 - np.sign(np.cos(2 * t)) * np.sqrt(inner))
    p = np.where(t > freeman_tukey(1.0, n), 1.0, p)
    p = np.where(t < freeman_tukey(0.0, n), 0.0, p)
    return np.where(np.isnan(t), np.nan, p)


def _ilogit(x: ArrayLike) -> Any:
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))


_SIMPLE: dict[Transform, Callable[[Any], Any]] = {
    Transform.IDENTITY: lambda x: x,
    Transform.EXP: np.exp,
    Transform.ILOGIT: _ilogit,
    Transform.TANH: np.tanh,
}


def back_transform(transform: Transform, values: Any, n: Any = None) -> Any:
    """Apply ``transform`` to ``values`` (``n``: sample size(s), for ``ipft`` only).

    Examples
    --------
    >>> float(back_transform(Transform.ILOGIT, 0.0))
    0.5
    """
    if transform is Transform.IPFT:
        if n is None:
            raise ValueError("the Freeman-Tukey back-transformation needs the sample size")
        return inverse_freeman_tukey(values, n)
    return _SIMPLE[transform](values)


def harmonic_mean(n: ArrayLike) -> float:
    """``1 / mean(1/n)`` over the finite values (metafor ``transf.ipft.hm``)."""
    arr = np.asarray(n, dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(1 / np.mean(1 / arr)) if arr.size else float("nan")


__all__ = [
    "TRANSFORM_OF",
    "Transform",
    "back_transform",
    "freeman_tukey",
    "harmonic_mean",
    "inverse_freeman_tukey",
]
