"""Conversions a reviewer needs before effect sizes can be computed.

Standard deviations from standard errors, confidence intervals, t statistics and P
values; standard errors from confidence intervals; and SDs of changes from baseline
(:mod:`sysreview.effects.change_scores`, exported here too; arms are combined in
:mod:`sysreview.effects.combine`). Every function is vectorised
(:mod:`sysreview.effects.arrays`): it accepts floats or array-likes (broadcast
together) and returns a float when every input is a scalar, otherwise a float array
of the broadcast shape. NaN marks a missing value and
propagates; an impossible value (``n < 2``, ``SE <= 0``, an upper confidence limit not
above the lower, ...) raises :class:`~sysreview.errors.InputError` naming it.

Sources: Higgins JPT, Li T, Deeks JJ (eds). Chapter 6 of the *Cochrane Handbook for
Systematic Reviews of Interventions* version 6.4 (2023), cited below as "Handbook";
the same methods are in version 5.1 (2011), sections 7.7.3, 7.7.7 and 16.1.3.
Estimates from medians and ranges are in :mod:`sysreview.effects.skewed`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sysreview.effects.arrays import (
    FloatOrArray,
    as_array,
    as_result,
    check_n,
    critical_value,
    reject,
)
from sysreview.effects.change_scores import change_sd, imputed_correlation
from sysreview.stats import t_quantile

__all__ = [
    "change_sd",
    "imputed_correlation",
    "sd_from_ci",
    "sd_from_p",
    "sd_from_se",
    "sd_from_t",
    "se_from_ci",
    "se_from_sd",
]


def se_from_sd(sd: ArrayLike, n: ArrayLike) -> FloatOrArray:
    """Standard error of a group mean from its standard deviation.

    Parameters
    ----------
    sd
        Standard deviation(s), > 0.
    n
        Group size(s), >= 2.

    Returns
    -------
    float or numpy.ndarray
        ``SE = SD / sqrt(n)``.

    Raises
    ------
    InputError
        If ``sd <= 0`` or ``n < 2``.

    Notes
    -----
    The inverse of :func:`sd_from_se`; Handbook section 6.5.2.2.

    Examples
    --------
    >>> se_from_sd(2.5, 25)
    0.5
    """
    s, m = as_array(sd, "sd"), as_array(n, "n")
    reject(s <= 0, "sd must be greater than 0", sd=s)
    check_n(m)
    return as_result(s / np.sqrt(m))


def sd_from_se(se: ArrayLike, n: ArrayLike) -> FloatOrArray:
    """Standard deviation of a group from the standard error of its mean.

    Parameters
    ----------
    se
        Standard error(s) of the group mean, > 0.
    n
        Group size(s), >= 2.

    Returns
    -------
    float or numpy.ndarray
        ``SD = SE * sqrt(n)``.

    Raises
    ------
    InputError
        If ``se <= 0`` or ``n < 2``.

    Notes
    -----
    ``SD = SE * sqrt(N)``: Handbook section 6.5.2.2, "Obtaining standard deviations
    from standard errors and confidence intervals for group means" (v5.1 section
    7.7.3.2). Applies to the SE of a single group's mean, not of a difference.

    Examples
    --------
    >>> sd_from_se(0.5, 25)
    2.5
    >>> sd_from_se([0.5, 1.0], [25, 100]).tolist()
    [2.5, 10.0]
    """
    s, m = as_array(se, "se"), as_array(n, "n")
    reject(s <= 0, "se must be greater than 0", se=s)
    check_n(m)
    return as_result(s * np.sqrt(m))


def sd_from_ci(
    lower: ArrayLike,
    upper: ArrayLike,
    n: ArrayLike,
    level: float = 0.95,
    small_sample: bool = True,
) -> FloatOrArray:
    """Standard deviation of a group from a confidence interval for its mean.

    Parameters
    ----------
    lower, upper
        Confidence limits for the group mean (``upper > lower``).
    n
        Group size(s), >= 2.
    level
        Confidence level of the interval, e.g. 0.95 or 0.90.
    small_sample
        ``True`` (default): the interval is taken to use the t distribution with
        ``n - 1`` degrees of freedom; ``False``: the standard normal distribution.

    Returns
    -------
    float or numpy.ndarray
        ``SD = sqrt(n) * (upper - lower) / (2 q)``.

    Raises
    ------
    InputError
        If ``upper <= lower``, ``n < 2`` or ``level`` is not in (0, 1).

    Notes
    -----
    Handbook section 6.5.2.2 (v5.1 section 7.7.3.2): a 95% interval for a mean is
    ``2 * 1.96 = 3.92`` standard errors wide for large samples, so
    ``SD = sqrt(N) * (upper - lower) / 3.92``; for 90% and 99% intervals 3.92 becomes
    3.29 and 5.15. Here ``q`` is the ``(1 + level)/2`` quantile of the t distribution
    with ``n - 1`` df (``small_sample=True``) or of the normal (``small_sample=False``).
    The Handbook says intervals from small samples (say under 60 per group) should
    have been computed with t -- for N = 25 the divisor is ``2 * 2.0639 = 4.128`` --
    those from large samples (over 100) with the normal, and either may have been
    used in between; check the study's methods. Assumes the interval is symmetric
    about the mean.

    Examples
    --------
    >>> round(sd_from_ci(3.0, 7.0, 25), 4)
    4.8452
    >>> round(sd_from_ci(3.0, 7.0, 25, small_sample=False), 4)
    5.1021
    """
    lo, hi, m = as_array(lower, "lower"), as_array(upper, "upper"), as_array(n, "n")
    reject(hi <= lo, "upper must be greater than lower", lower=lo, upper=hi)
    check_n(m)
    q = critical_value(level, m - 1 if small_sample else None)
    return as_result(np.sqrt(m) * (hi - lo) / (2 * q))


def se_from_ci(
    lower: ArrayLike, upper: ArrayLike, level: float = 0.95, log: bool = False
) -> FloatOrArray:
    """Standard error of an effect estimate from its confidence interval.

    Parameters
    ----------
    lower, upper
        Confidence limits (``upper > lower``). For a ratio measure (RR, OR, HR)
        give them on the ratio scale and set ``log=True``.
    level
        Confidence level of the interval.
    log
        Take natural logs of the limits first; the result is then the SE of the
        log ratio, the scale on which ratio measures are analysed.

    Returns
    -------
    float or numpy.ndarray
        ``SE = (upper - lower) / (2 z)``, with ``z`` the ``(1 + level)/2`` normal
        quantile (1.96 for 95%).

    Raises
    ------
    InputError
        If ``upper <= lower``, a limit is ``<= 0`` with ``log=True``, or ``level`` is
        not in (0, 1).

    Notes
    -----
    Handbook section 6.3.1 (difference measures): ``SE = (upper - lower) / 3.92`` for a
    95% interval; section 6.3.2 (ratio measures): the same after taking natural
    logs of the limits (v5.1 sections 7.7.7.2 and 7.7.7.3). Uses the normal
    distribution, i.e. assumes a large-sample interval; for a mean difference
    from a small trial use the t quantile (Handbook section 6.5.2.3).

    Examples
    --------
    >>> round(se_from_ci(-1.0, 2.92), 4)
    1.0
    >>> round(se_from_ci(1.33, 3.47, log=True), 6)
    0.244641
    """
    lo, hi = as_array(lower, "lower"), as_array(upper, "upper")
    reject(hi <= lo, "upper must be greater than lower", lower=lo, upper=hi)
    if log:
        reject(lo <= 0, "ratio limits must be greater than 0 with log=True", lower=lo)
        lo, hi = np.log(lo), np.log(hi)
    return as_result((hi - lo) / (2 * critical_value(level)))


def sd_from_t(
    t: ArrayLike, n1: ArrayLike, n2: ArrayLike, mean_difference: ArrayLike
) -> FloatOrArray:
    """Within-group standard deviation from a two-sample t statistic.

    Parameters
    ----------
    t
        The t statistic of the comparison of means (non-zero).
    n1, n2
        Group sizes, each >= 2.
    mean_difference
        The difference in means the t statistic tests (non-zero).

    Returns
    -------
    float or numpy.ndarray
        The pooled SD, assumed the same in both groups.

    Raises
    ------
    InputError
        If ``t`` or ``mean_difference`` is 0, or ``n1`` or ``n2`` < 2.

    Notes
    -----
    Handbook section 6.5.2.3 (v5.1 section 7.7.3.3): ``SE = MD / t`` and
    ``SD = SE / sqrt(1/n1 + 1/n2)``. Absolute values of ``t`` and ``MD`` are used,
    since reports often give ``|t|``. Valid for a t test assuming equal variances.

    Examples
    --------
    >>> round(sd_from_t(2.78, 25, 22, 3.8), 2)
    4.68
    """
    tt, md = as_array(t, "t"), as_array(mean_difference, "mean_difference")
    a, b = as_array(n1, "n1"), as_array(n2, "n2")
    reject(tt == 0, "t must be non-zero", t=tt)
    reject(md == 0, "mean_difference must be non-zero", mean_difference=md)
    check_n(a, "n1")
    check_n(b, "n2")
    se = np.abs(md) / np.abs(tt)
    return as_result(se / np.sqrt(1 / a + 1 / b))


def sd_from_p(
    p: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike,
    mean_difference: ArrayLike,
    two_sided: bool = True,
) -> FloatOrArray:
    """Within-group standard deviation from the P value of a two-sample t test.

    Parameters
    ----------
    p
        Exact P value, strictly between 0 and 1.
    n1, n2
        Group sizes, each >= 2.
    mean_difference
        The difference in means (non-zero).
    two_sided
        Whether ``p`` is two-sided (default) or one-sided.

    Returns
    -------
    float or numpy.ndarray
        The pooled SD, assumed the same in both groups.

    Raises
    ------
    InputError
        If ``p`` is not in (0, 1), ``mean_difference`` is 0 or a group size < 2.

    Notes
    -----
    Handbook section 6.5.2.3 (v5.1 section 7.7.3.3): ``t`` is the value of the t
    distribution with ``n1 + n2 - 2`` df whose two-sided tail area is ``p``
    (Excel ``TINV(p, df)``), i.e. ``t = F^-1(1 - p/2)`` (``1 - p`` if one-sided);
    then ``SE = MD / t`` and ``SD = SE / sqrt(1/n1 + 1/n2)`` as in :func:`sd_from_t`.
    The Handbook's example: n1 = 25, n2 = 22, MD = 3.8, P = 0.008 gives t = 2.78
    and SE = 1.37. A P value reported only as a bound (P < 0.05) gives a
    conservative SD if the bound is used.

    Examples
    --------
    >>> round(sd_from_p(0.008, 25, 22, 3.8), 3)
    4.683
    """
    pp = as_array(p, "p")
    reject((pp <= 0) | (pp >= 1), "p must be strictly between 0 and 1", p=pp)
    a, b = as_array(n1, "n1"), as_array(n2, "n2")
    check_n(a, "n1")
    check_n(b, "n2")
    tail = pp / 2 if two_sided else pp
    t = np.asarray(t_quantile(1 - tail, a + b - 2), dtype=np.float64)
    return sd_from_t(t, a, b, mean_difference)
