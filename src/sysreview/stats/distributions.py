"""The distribution functions of the statistics core, named for what meta-analysis asks.

Every function is one call of :mod:`scipy.special` (Cephes): ``ndtr``/``ndtri`` (normal),
``stdtr``/``stdtrit`` (Student's t), ``chdtrc``/``chdtri`` (chi-square) and ``fdtrc``
(F). They take scalars or arrays (broadcast together) and return a Python ``float`` for
scalar input, an array otherwise. Tail probabilities are computed in the tail, so tiny
p-values keep their relative precision.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special


def _out(value: Any) -> Any:
    """A Python float for 0-d results, the array otherwise."""
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


def normal_cdf(x: ArrayLike) -> Any:
    """Standard normal distribution function, ``Phi(x)``.

    >>> normal_cdf(0.0)
    0.5
    """
    return _out(special.ndtr(x))


def normal_quantile(p: ArrayLike) -> Any:
    """Quantile of the standard normal distribution, ``Phi^-1(p)``.

    >>> round(normal_quantile(0.975), 12)
    1.95996398454
    """
    return _out(special.ndtri(p))


def z_critical(level: float) -> float:
    """Two-sided critical value of the normal distribution for a level in percent.

    ``Phi^-1(1/2 + level/200)``.

    >>> round(z_critical(95.0), 12)
    1.95996398454
    """
    return float(special.ndtri(0.5 + level / 200.0))


def normal_two_sided_p(z: ArrayLike) -> Any:
    """Two-sided p-value of a standard normal statistic, ``2 Phi(-|z|)``.

    >>> round(normal_two_sided_p(1.959963984540054), 12)
    0.05
    """
    return _out(2.0 * special.ndtr(-np.abs(np.asarray(z, dtype=float))))


def chi2_sf(x: ArrayLike, df: ArrayLike) -> Any:
    """Upper tail probability of the chi-square distribution, ``P(X > x)``.

    >>> round(chi2_sf(3.841458820694124, 1), 12)
    0.05
    """
    return _out(special.chdtrc(df, x))


def chi2_quantile(p: ArrayLike, df: ArrayLike) -> Any:
    """Lower-tail quantile of the chi-square distribution: ``x`` with ``P(X <= x) = p``.

    >>> round(chi2_quantile(0.95, 1), 10)
    3.8414588207
    """
    return _out(special.chdtri(df, 1.0 - np.asarray(p, dtype=float)))


def t_quantile(p: ArrayLike, df: ArrayLike) -> Any:
    """Quantile of Student's t distribution with ``df`` degrees of freedom.

    >>> round(t_quantile(0.975, 10), 10)
    2.228138852
    """
    return _out(special.stdtrit(df, p))


def t_two_sided_p(t: ArrayLike, df: ArrayLike) -> Any:
    """Two-sided p-value of a t statistic with ``df`` degrees of freedom, ``2 F_t(-|t|)``.

    >>> round(t_two_sided_p(2.228138851986274, 10), 12)
    0.05
    """
    return _out(2.0 * special.stdtr(df, -np.abs(np.asarray(t, dtype=float))))


def f_sf(x: ArrayLike, df1: ArrayLike, df2: ArrayLike) -> Any:
    """Upper tail probability of the F distribution, ``P(F > x)``.

    >>> round(f_sf(4.964602743730711, 1, 10), 12)
    0.05
    """
    return _out(special.fdtrc(df1, df2, x))
