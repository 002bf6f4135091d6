"""Distribution functions used by the pooling code.

Thin wrappers over :mod:`scipy.special` (much lighter to import than
:mod:`scipy.stats`, which keeps the command line fast). All accept scalars or arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

FloatArray = NDArray[np.float64]


def _out(value: Any) -> Any:
    """Return a Python float for 0-d results, the array otherwise."""
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


def normal_quantile(p: ArrayLike) -> Any:
    """Quantile of the standard normal distribution.

    Examples
    --------
    >>> round(normal_quantile(0.975), 12)
    1.95996398454
    """
    return _out(special.ndtri(np.asarray(p, dtype=float)))


def normal_two_sided_p(z: ArrayLike) -> Any:
    """Two-sided p-value of a standard normal statistic, ``2 * (1 - Phi(|z|))``.

    Computed as ``2 * Phi(-|z|)`` so that tiny p-values keep full precision.

    Examples
    --------
    >>> round(normal_two_sided_p(1.959963984540054), 12)
    0.05
    """
    return _out(2.0 * special.ndtr(-np.abs(np.asarray(z, dtype=float))))


def t_quantile(p: ArrayLike, df: ArrayLike) -> Any:
    """Quantile of Student's t distribution with ``df`` degrees of freedom.

    Examples
    --------
    >>> round(t_quantile(0.975, 10), 10)
    2.228138852
    """
    return _out(special.stdtrit(np.asarray(df, dtype=float), np.asarray(p, dtype=float)))


def t_two_sided_p(t: ArrayLike, df: ArrayLike) -> Any:
    """Two-sided p-value of a t statistic with ``df`` degrees of freedom."""
    t_abs = np.abs(np.asarray(t, dtype=float))
    return _out(2.0 * special.stdtr(np.asarray(df, dtype=float), -t_abs))


def chi2_sf(x: ArrayLike, df: ArrayLike) -> Any:
    """Upper tail probability of the chi-square distribution, ``P(X > x)``.

    Examples
    --------
    >>> round(chi2_sf(3.841458820694124, 1), 12)
    0.05
    """
    return _out(special.chdtrc(np.asarray(df, dtype=float), np.asarray(x, dtype=float)))


def chi2_quantile(p: ArrayLike, df: ArrayLike) -> Any:
    """Lower-tail quantile of the chi-square distribution: ``x`` with ``P(X <= x) = p``."""
    return _out(special.chdtri(np.asarray(df, dtype=float), 1.0 - np.asarray(p, dtype=float)))
