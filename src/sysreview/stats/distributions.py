"""Distribution functions used by the pooling code, without importing SciPy.

``scipy.special`` costs about 0.16 s to import — more than pooling 2,000 analyses —
so the functions on the command line's path are computed here from closed forms
that are exact for the integer degrees of freedom meta-analysis uses (``k - 1``,
``k - 2``), refined by Newton's method where a quantile is needed. Non-integer
degrees of freedom, quantiles of probabilities within 1e-4 of 0 or 1, and t-test
p-values fall back to :mod:`scipy.special`, imported on first use.
``tests/unit/stats`` checks every function against SciPy.

Sources: Abramowitz & Stegun (1964), *Handbook of Mathematical Functions*:
26.2.23 (normal quantile start), 26.4.4-26.4.5 (chi-square upper tail for odd and
even df), 26.7.3-26.7.4 (Student's t for odd and even df).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

_erfc = np.frompyfunc(math.erfc, 1, 1)
_SQRT2 = math.sqrt(2.0)


def _out(value: Any) -> Any:
    """Return a Python float for 0-d results, the array otherwise."""
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


def _erfc_array(x: FloatArray) -> FloatArray:
    return np.asarray(_erfc(x), dtype=float)


def _central(p: FloatArray) -> bool:
    """Whether every probability is one the closed forms invert to full precision.

    Quantiles further out than ``1e-4`` from 0 or 1 lose relative precision when
    the upper tail is subtracted from 1, so they are left to SciPy.
    """
    finite = p[np.isfinite(p)]
    return bool(np.all((finite >= 1e-4) & (finite <= 1 - 1e-4)))


def _is_integer(df: FloatArray) -> bool:
    finite = df[np.isfinite(df)]
    return bool(np.all(finite == np.round(finite)) and np.all(finite >= 1))


def normal_cdf(x: ArrayLike) -> Any:
    """Standard normal distribution function, ``erfc(-x/sqrt 2)/2``.

    Examples
    --------
    >>> normal_cdf(0.0)
    0.5
    """
    return _out(0.5 * _erfc_array(-np.asarray(x, dtype=float) / _SQRT2))


def normal_quantile(p: ArrayLike) -> Any:
    """Quantile of the standard normal distribution.

    Notes
    -----
    Abramowitz & Stegun 26.2.23 (error < 4.5e-4) refined by three Halley steps on
    ``Phi(x) - p``, computed in the lower tail for accuracy: converged to machine
    precision.

    Examples
    --------
    >>> round(normal_quantile(0.975), 12)
    1.95996398454
    """
    p = np.asarray(p, dtype=float)
    q = np.minimum(p, 1 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.sqrt(-2 * np.log(q))
        x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t**2)
              / (1 + 1.432788 * t + 0.189269 * t**2 + 0.001308 * t**3))  # fmt: skip
        for _ in range(3):
            density = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
            u = (0.5 * _erfc_array(-x / _SQRT2) - q) / density
            x = np.where(np.isfinite(x) & (density > 0), x - u / (1 + x * u / 2), x)
    x = np.where(q == 0.5, 0.0, x)
    x = np.where(p > 0.5, -x, x)
    x = np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, x)
    return _out(x)


@lru_cache(maxsize=64)
def z_critical(level: float) -> float:
    """Two-sided critical value of the normal distribution for a level in percent.

    Examples
    --------
    >>> round(z_critical(95.0), 12)
    1.95996398454
    """
    return float(normal_quantile(0.5 + level / 200.0))


def normal_two_sided_p(z: ArrayLike) -> Any:
    """Two-sided p-value of a standard normal statistic, ``erfc(|z|/sqrt 2)``.

    Keeps full relative precision for tiny p-values.

    Examples
    --------
    >>> round(normal_two_sided_p(1.959963984540054), 12)
    0.05
    """
    return _out(_erfc_array(np.abs(np.asarray(z, dtype=float)) / _SQRT2))


def _chi2_sf_int(x: FloatArray, nu: int) -> FloatArray:
    """Upper tail of chi-square with integer ``nu`` (Abramowitz & Stegun 26.4.4-5).

    A finite sum of positive terms, each computed in log space so that nothing
    underflows before the result does.
    """
    h = np.maximum(x, 0.0) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        log_h = np.log(h)
        if nu % 2 == 0:
            total = np.exp(-h)
            for j in range(1, nu // 2):
                total = total + np.exp(-h + j * log_h - math.lgamma(j + 1))
        else:
            total = _erfc_array(np.sqrt(h))
            for j in range(1, (nu - 1) // 2 + 1):
                total = total + np.exp(-h + (j - 0.5) * log_h - math.lgamma(j + 0.5))
    return np.asarray(np.where(h == 0, 1.0, np.minimum(total, 1.0)))


def chi2_sf(x: ArrayLike, df: ArrayLike) -> Any:
    """Upper tail probability of the chi-square distribution, ``P(X > x)``.

    Examples
    --------
    >>> round(chi2_sf(3.841458820694124, 1), 12)
    0.05
    """
    xa, dfa = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(df, dtype=float))
    if not _is_integer(dfa):
        from scipy import special

        return _out(special.chdtrc(dfa, xa))
    out = np.full(xa.shape, np.nan)
    ok = np.isfinite(dfa) & ~np.isnan(xa)
    for nu in sorted(set(dfa[ok].tolist())):  # (np.unique would import numpy.ma: ~7 ms)
        sel = ok & (dfa == nu)
        out[sel] = _chi2_sf_int(xa[sel], int(nu))
    return _out(out)


def _elementwise(f: Any, pa: FloatArray, dfa: FloatArray) -> FloatArray:
    """``f(p, int(df))`` for every element, computed once per distinct pair."""
    out = np.full(pa.shape, np.nan)
    cache: dict[tuple[float, float], float] = {}
    for idx in np.ndindex(pa.shape):
        key = (float(pa[idx]), float(dfa[idx]))
        if math.isfinite(key[0]) and math.isfinite(key[1]):
            if key not in cache:
                cache[key] = f(key[0], int(key[1]))
            out[idx] = cache[key]
    return out


def _chi2_density(x: float, nu: int) -> float:
    if x <= 0:
        return 0.0
    return math.exp(
        (nu / 2 - 1) * math.log(x) - x / 2 - (nu / 2) * math.log(2) - math.lgamma(nu / 2)
    )


def _newton_increasing(
    g: Any, slope: Any, start: float, lo: float, hi: float, tol: float = 1e-15
) -> float:
    """Root of an increasing scalar function on ``[lo, hi]``: Newton, bisection as guard."""
    x = min(max(start, lo), hi)
    for _ in range(200):
        value = g(x)
        if value > 0:
            hi = x
        else:
            lo = x
        d = slope(x)
        new = x - value / d if d > 0 else math.nan
        if not lo < new < hi:
            new = 0.5 * (lo + hi)
        if abs(new - x) <= tol * abs(new) or hi - lo <= tol * abs(new):
            return new
        x = new
    return x


def _chi2_quantile_int(p: float, nu: int) -> float:
    if p <= 0:
        return 0.0
    if p >= 1:
        return math.inf
    z = float(normal_quantile(p))
    start = nu * max(1 - 2 / (9 * nu) + z * math.sqrt(2 / (9 * nu)), 0.01) ** 3  # Wilson-Hilferty
    hi = max(2 * start, 1.0)
    while float(_chi2_sf_int(np.array([hi]), nu)[0]) > 1 - p:
        hi *= 2
    return _newton_increasing(
        lambda x: (1 - p) - float(_chi2_sf_int(np.array([x]), nu)[0]),
        lambda x: _chi2_density(x, nu),
        start,
        0.0,
        hi,
    )


def chi2_quantile(p: ArrayLike, df: ArrayLike) -> Any:
    """Lower-tail quantile of the chi-square distribution: ``x`` with ``P(X <= x) = p``.

    Examples
    --------
    >>> round(chi2_quantile(0.95, 1), 10)
    3.8414588207
    """
    pa, dfa = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(df, dtype=float))
    if not _is_integer(dfa) or not _central(pa):
        from scipy import special

        return _out(special.chdtri(dfa, 1.0 - pa))
    return _out(_elementwise(_chi2_quantile_int, pa, dfa))


def _t_central(t: float, nu: int) -> float:
    """``P(|T| <= t)`` for integer ``nu`` (Abramowitz & Stegun 26.7.3-4)."""
    theta = math.atan(abs(t) / math.sqrt(nu))
    c2 = math.cos(theta) ** 2
    if nu % 2 == 1:
        if nu == 1:
            return 2 * theta / math.pi
        term = total = math.cos(theta)
        for m in range(1, (nu - 3) // 2 + 1):
            term *= c2 * (2 * m) / (2 * m + 1)
            total += term
        return 2 / math.pi * (theta + math.sin(theta) * total)
    term = total = 1.0
    for m in range(0, (nu - 2) // 2):
        term *= c2 * (2 * m + 1) / (2 * m + 2)
        total += term
    return math.sin(theta) * total


def _t_density(t: float, nu: int) -> float:
    log_c = math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
    return math.exp(log_c - (nu + 1) / 2 * math.log1p(t * t / nu))


def _t_quantile_int(p: float, nu: int) -> float:
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -_t_quantile_int(1 - p, nu)
    if p >= 1:
        return math.inf
    target = 2 * p - 1
    z = float(normal_quantile(p))
    start = z + (z**3 + z) / (4 * nu)  # Cornish-Fisher
    hi = max(2 * start, 1.0)
    while _t_central(hi, nu) < target:
        hi *= 2
    return _newton_increasing(
        lambda t: _t_central(t, nu) - target, lambda t: 2 * _t_density(t, nu), start, 0.0, hi
    )


def t_quantile(p: ArrayLike, df: ArrayLike) -> Any:
    """Quantile of Student's t distribution with ``df`` degrees of freedom.

    Examples
    --------
    >>> round(t_quantile(0.975, 10), 10)
    2.228138852
    """
    pa, dfa = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(df, dtype=float))
    if not _is_integer(dfa) or not _central(pa):
        from scipy import special

        return _out(special.stdtrit(dfa, pa))
    return _out(_elementwise(_t_quantile_int, pa, dfa))


def t_two_sided_p(t: ArrayLike, df: ArrayLike) -> Any:
    """Two-sided p-value of a t statistic with ``df`` degrees of freedom (SciPy)."""
    from scipy import special

    t_abs = np.abs(np.asarray(t, dtype=float))
    return _out(2.0 * special.stdtr(np.asarray(df, dtype=float), -t_abs))
