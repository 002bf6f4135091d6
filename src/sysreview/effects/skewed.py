"""Means and SDs estimated from medians, quartiles and ranges.

Trials of skewed outcomes often report the median with the interquartile range
and/or the range instead of the mean and SD. :func:`mean_sd_from_median` estimates
the sample mean and SD from those summaries for three scenarios (Luo et al. 2018's
labels; Wan et al. 2014 call them C1, C3 and C2):

* ``S1`` -- minimum, median, maximum;
* ``S2`` -- first quartile, median, third quartile;
* ``S3`` -- all five numbers.

All estimators assume approximately normal data. Reporting a median is itself a hint
of skew, and then these estimates can be badly biased (see the Cochrane Handbook's
advice on medians, interquartile ranges and ranges): use them with a sensitivity
analysis, or not at all.

References
----------
Luo D, Wan X, Liu J, Tong T. Optimally estimating the sample mean from the sample
size, median, mid-range, and/or mid-quartile range. *Stat Methods Med Res*
2018;27(6):1785-1805.

Wan X, Wang W, Liu J, Tong T. Estimating the sample mean and standard deviation from
the sample size, median, range and/or interquartile range. *BMC Med Res Methodol*
2014;14:135.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from sysreview.effects.arrays import (
    FloatArray,
    FloatOrArray,
    as_array,
    as_result,
    freeze_fields,
    reject,
)
from sysreview.errors import InputError
from sysreview.stats import normal_quantile

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MeanSD", "mean_sd_from_median", "wan_eta", "wan_xi"]


@dataclass(frozen=True, eq=False)
class MeanSD:
    """Estimated sample mean and SD, with the method and scenario that produced them.

    ``mean`` and ``sd`` are floats for scalar input, arrays for array input.
    """

    mean: FloatOrArray
    sd: FloatOrArray
    method: str
    scenario: str

    def __post_init__(self) -> None:
        freeze_fields(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate: ``mean``, ``sd``, ``method``, ``scenario``."""
        import pandas as pd

        mean, sd = np.ravel(self.mean), np.ravel(self.sd)
        return pd.DataFrame(
            {"mean": mean, "sd": sd, "method": self.method, "scenario": self.scenario}
        )

    def summary(self) -> str:
        """The estimates as text, one line per estimate."""
        rows = self.to_frame().itertuples(index=False)
        return "\n".join(
            f"mean = {r.mean:.4g}, SD = {r.sd:.4g} ({r.method}, {r.scenario})" for r in rows
        )


def wan_xi(n: ArrayLike) -> FloatOrArray:
    """Wan et al.'s divisor of the range: ``xi(n) = 2 Phi^-1((n - 0.375)/(n + 0.25))``.

    Parameters
    ----------
    n
        Sample size(s), >= 2.

    Returns
    -------
    float or numpy.ndarray
        Approximately the expected range of ``n`` standard normal observations.

    Raises
    ------
    InputError
        If ``n < 2``.

    Notes
    -----
    Wan et al. (2014), formula (7): ``SD ~ (b - a) / xi(n)``, with Blom's (1958)
    approximation to the expected largest of ``n`` standard normal order statistics.
    Wan et al.'s Table 1 lists the exact expected range for ``n <= 50`` (which R
    ``meta`` uses there); the formula differs from it by 4.5% at n = 2, 1.4% at
    n = 5 and under 0.5% for 10 <= n <= 50.

    Examples
    --------
    >>> round(wan_xi(30), 4)
    4.0806
    """
    m = as_array(n, "n")
    reject(m < 2, "n must be at least 2", n=m)
    return as_result(2 * normal_quantile((m - 0.375) / (m + 0.25)))


def wan_eta(n: ArrayLike) -> FloatOrArray:
    """Wan et al.'s divisor of the IQR: ``eta(n) = 2 Phi^-1((0.75 n - 0.125)/(n + 0.25))``.

    Parameters
    ----------
    n
        Sample size(s), >= 2.

    Returns
    -------
    float or numpy.ndarray
        Approximately the expected interquartile range of ``n`` standard normal
        observations; tends to ``2 * 0.6745 = 1.349`` as ``n`` grows.

    Raises
    ------
    InputError
        If ``n < 2``.

    Notes
    -----
    Wan et al. (2014), formula (16): ``SD ~ (q3 - q1) / eta(n)`` (Blom's
    approximation of the expected order statistics at the quartiles; their Table 2
    gives exact values for small ``n``, which R ``meta`` uses for ``n <= 201``).

    Examples
    --------
    >>> round(wan_eta(100), 4)
    1.3294
    """
    m = as_array(n, "n")
    reject(m < 2, "n must be at least 2", n=m)
    return as_result(2 * normal_quantile((0.75 * m - 0.125) / (m + 0.25)))


@dataclass(frozen=True)
class _Summary:
    """Reported summaries, broadcast together; NaN where a scenario lacks one."""

    n: FloatArray
    a: FloatArray  # minimum
    q1: FloatArray
    m: FloatArray  # median
    q3: FloatArray
    b: FloatArray  # maximum


_MeanFn = Callable[[_Summary], FloatArray]


def _luo_s1(s: _Summary) -> FloatArray:
    w = 4 / (4 + s.n**0.75)
    return w * (s.a + s.b) / 2 + (1 - w) * s.m


def _luo_s2(s: _Summary) -> FloatArray:
    w = 0.7 + 0.39 / s.n
    return w * (s.q1 + s.q3) / 2 + (1 - w) * s.m


def _luo_s3(s: _Summary) -> FloatArray:
    w1 = 2.2 / (2.2 + s.n**0.75)
    w2 = 0.7 - 0.72 / s.n**0.55
    return w1 * (s.a + s.b) / 2 + w2 * (s.q1 + s.q3) / 2 + (1 - w1 - w2) * s.m


def _wan_s1(s: _Summary) -> FloatArray:
    return (s.a + 2 * s.m + s.b) / 4


def _wan_s2(s: _Summary) -> FloatArray:
    return (s.q1 + s.m + s.q3) / 3


def _wan_s3(s: _Summary) -> FloatArray:
    return (s.a + 2 * s.q1 + 2 * s.m + 2 * s.q3 + s.b) / 8


def _sd_s1(s: _Summary) -> FloatArray:
    return (s.b - s.a) / as_array(wan_xi(s.n), "n")


def _sd_s2(s: _Summary) -> FloatArray:
    return (s.q3 - s.q1) / as_array(wan_eta(s.n), "n")


def _sd_s3(s: _Summary) -> FloatArray:
    return (_sd_s1(s) + _sd_s2(s)) / 2


#: Mean estimators by method and scenario; both methods use Wan et al.'s SDs.
MEAN_METHODS: dict[str, dict[str, _MeanFn]] = {
    "luo_wan": {"S1": _luo_s1, "S2": _luo_s2, "S3": _luo_s3},
    "wan": {"S1": _wan_s1, "S2": _wan_s2, "S3": _wan_s3},
}
_SD_WAN: dict[str, _MeanFn] = {"S1": _sd_s1, "S2": _sd_s2, "S3": _sd_s3}


def _scenario(q1: object, q3: object, minimum: object, maximum: object) -> str:
    """``S1``/``S2``/``S3`` from which summaries were given, or raise."""
    if (q1 is None) != (q3 is None):
        raise InputError("give both q1 and q3, or neither")
    if (minimum is None) != (maximum is None):
        raise InputError("give both minimum and maximum, or neither")
    if q1 is None and minimum is None:
        raise InputError("give minimum and maximum, q1 and q3, or all four with the median")
    return "S3" if q1 is not None and minimum is not None else ("S2" if q1 is not None else "S1")


def _check_order(s: _Summary, scenario: str) -> None:
    """Reject summaries that cannot come from one sample (NaN-safe)."""
    reject(s.n < 2, "n must be at least 2", n=s.n)
    if scenario != "S1":
        reject(s.q1 >= s.q3, "q1 must be less than q3", q1=s.q1, q3=s.q3)
        reject((s.m < s.q1) | (s.m > s.q3), "median must lie in [q1, q3]", q1=s.q1, median=s.m)
    if scenario != "S2":
        reject(s.a >= s.b, "minimum must be less than maximum", minimum=s.a, maximum=s.b)
        reject((s.m < s.a) | (s.m > s.b), "median must lie in [minimum, maximum]", median=s.m)
    if scenario == "S3":
        reject(s.q1 < s.a, "q1 must not be below the minimum", minimum=s.a, q1=s.q1)
        reject(s.q3 > s.b, "q3 must not be above the maximum", q3=s.q3, maximum=s.b)


def mean_sd_from_median(
    median: ArrayLike,
    n: ArrayLike,
    q1: ArrayLike | None = None,
    q3: ArrayLike | None = None,
    minimum: ArrayLike | None = None,
    maximum: ArrayLike | None = None,
    method: str = "luo_wan",
) -> MeanSD:
    """Estimate the sample mean and SD from the median, quartiles and/or range.

    Parameters
    ----------
    median
        Sample median(s).
    n
        Sample size(s), >= 2.
    q1, q3
        First and third quartiles (give both or neither).
    minimum, maximum
        Smallest and largest values (give both or neither).
    method
        ``"luo_wan"`` (default): Luo et al. (2018) means, Wan et al. (2014) SDs;
        ``"wan"``: Wan et al. (2014) means and SDs.

    Returns
    -------
    MeanSD
        ``mean``, ``sd``, the ``method`` and the ``scenario`` (``S1`` range,
        ``S2`` IQR, ``S3`` both).

    Raises
    ------
    InputError
        For an unknown method, an incomplete pair (q1 without q3, ...), ``n < 2``, or
        summaries out of order (``q1 > median``, ``minimum >= maximum``, ...).

    Notes
    -----
    **Assumes approximately normal data**; for skewed data (the usual reason for
    reporting medians) the estimates may be biased. With ``a`` the minimum, ``b``
    the maximum, ``m`` the median:

    Means, Luo et al. (2018), weights that are approximately optimal for normal data
    (also implemented by the authors' group in R ``metaBLUE::Luo.mean``):

    * S1: ``w (a + b)/2 + (1 - w) m`` with ``w = 4 / (4 + n^0.75)``;
    * S2: ``w (q1 + q3)/2 + (1 - w) m`` with ``w = 0.7 + 0.39/n``;
    * S3: ``w1 (a + b)/2 + w2 (q1 + q3)/2 + (1 - w1 - w2) m`` with
      ``w1 = 2.2 / (2.2 + n^0.75)`` and ``w2 = 0.7 - 0.72 / n^0.55``.

    Means, Wan et al. (2014): S1 ``(a + 2m + b)/4`` (the leading term of Hozo et
    al. 2005's estimator; R ``meta`` also adds Hozo's ``(a - 2m + b)/(4n)``), S2
    ``(q1 + m + q3)/3`` (formula 14), S3 ``(a + 2 q1 + 2m + 2 q3 + b)/8``
    (formula 10).

    SDs, Wan et al. (2014), for both methods: S1 ``(b - a) / xi(n)`` (formula 7),
    S2 ``(q3 - q1) / eta(n)`` (formula 16), S3 the average of the two (formula
    12), with ``xi`` = :func:`wan_xi` and ``eta`` = :func:`wan_eta` in closed form
    for every ``n`` (Wan's tables of exact small-sample values are not used).

    Examples
    --------
    >>> r = mean_sd_from_median(4.0, 30, minimum=1.0, maximum=10.0)
    >>> r.scenario, round(r.mean, 6), round(r.sd, 4)
    ('S1', 4.356748, 2.2056)
    >>> r = mean_sd_from_median(5.0, 100, q1=3.0, q3=8.0, method="wan")
    >>> r.scenario, round(r.mean, 4), round(r.sd, 4)
    ('S2', 5.3333, 3.761)
    """
    key = str(method).strip().lower()
    if key not in MEAN_METHODS:
        allowed = ", ".join(MEAN_METHODS)
        raise InputError(f"Invalid method {method!r}; must be one of {allowed}", column="method")
    scenario = _scenario(q1, q3, minimum, maximum)
    nan = np.nan
    given = {
        "n": n,
        "minimum": nan if minimum is None else minimum,
        "q1": nan if q1 is None else q1,
        "median": median,
        "q3": nan if q3 is None else q3,
        "maximum": nan if maximum is None else maximum,
    }
    arrays = np.broadcast_arrays(*(as_array(v, k) for k, v in given.items()))
    s = _Summary(*arrays)
    _check_order(s, scenario)
    mean = MEAN_METHODS[key][scenario](s)
    sd = _SD_WAN[scenario](s)
    return MeanSD(mean=as_result(mean), sd=as_result(sd), method=key, scenario=scenario)
