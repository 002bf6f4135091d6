"""Vectorised inputs and results of the effect-size functions.

Every function of :mod:`sysreview.effects` accepts floats or array-likes, broadcast
together, and returns a float when every input is a scalar, otherwise a float array of
the broadcast shape; NaN marks a missing value and propagates, and an impossible value
raises :class:`~sysreview.errors.InputError` naming the input and the first offending
element. These helpers do that once for all of them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sysreview.errors import InputError
from sysreview.stats import normal_quantile, t_quantile

FloatArray = NDArray[np.float64]
FloatOrArray = float | FloatArray

__all__ = [
    "FloatArray",
    "FloatOrArray",
    "as_array",
    "as_result",
    "check_n",
    "critical_value",
    "freeze_fields",
    "reject",
]


def as_array(value: ArrayLike, name: str) -> FloatArray:
    """Return ``value`` as a float array, or raise :class:`InputError` naming it."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric ({exc})", column=name) from exc


def reject(bad: NDArray[np.bool_], message: str, **shown: FloatArray) -> None:
    """Raise :class:`InputError` if any element of ``bad`` is true.

    The message names the first offending element and the values in ``shown`` there,
    e.g. ``se must be greater than 0; got se=-1 at index 2``. NaN never counts as
    bad: ``bad`` is built from comparisons, which are false for NaN.
    """
    bad = np.asarray(bad)
    if not bad.any():
        return
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    values = ", ".join(f"{k}={np.broadcast_to(v, bad.shape)[idx]:g}" for k, v in shown.items())
    where = "" if not idx else f" at index {idx[0] if len(idx) == 1 else idx}"
    column = next(iter(shown)) if len(shown) == 1 else None
    raise InputError(f"{message}; got {values}{where}", column=column)


def as_result(value: FloatArray) -> FloatOrArray:
    """A Python float for a 0-d result (all inputs scalar), else the array."""
    return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=np.float64)


def freeze_fields(obj: object) -> None:
    """Make the array fields of a result object read-only (results are immutable)."""
    for value in vars(obj).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)


def critical_value(level: ArrayLike, df: FloatArray | None = None) -> FloatArray:
    """Two-sided critical value for a ``level`` interval: t with ``df``, or normal."""
    lv = as_array(level, "level")
    reject((lv <= 0) | (lv >= 1), "level must be strictly between 0 and 1", level=lv)
    if df is None:
        return np.asarray(normal_quantile((1 + lv) / 2), dtype=np.float64)
    return np.asarray(t_quantile((1 + lv) / 2, df), dtype=np.float64)


def check_n(n: FloatArray, name: str = "n") -> None:
    """Raise :class:`InputError` unless every group size ``n`` is at least 2 (NaN passes)."""
    reject(n < 2, f"{name} must be at least 2", **{name: n})
