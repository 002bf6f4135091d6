"""Effect sizes from continuous outcomes: MD, SMD (Hedges' g), SMDH and the ratio of means.

Two conventions for the SMD (Hedges' adjusted g):

* ``revman`` — RevMan 5 (Deeks & Higgins, *Statistical algorithms in Review Manager 5*,
  2010, section "Standardised mean difference"): ``J = 1 - 3/(4N - 9)`` and
  ``SE = sqrt(N/(n1 n2) + g^2/(2(N - 3.94)))``.
* ``metafor`` — R metafor's ``escalc(measure="SMD")`` (Viechtbauer 2010): exact
  bias correction ``J = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))`` with ``m = N - 2``
  (Hedges 1981) and the large-sample variance ``1/n1 + 1/n2 + g^2/(2N)``.

SMDH (Bonett 2008) and ROM (Hedges, Gurevitch & Curtis 1999) have no RevMan form: they
are computed as metafor's ``escalc`` does under either convention.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from sysreview.effects.base import (
    EffectSizes,
    FloatArray,
    as_float_array,
    finalize,
    study_labels,
)
from sysreview.vocab import Convention, Measure


def _continuous_reasons(
    m1: FloatArray,
    sd1: FloatArray,
    n1: FloatArray,
    m2: FloatArray,
    sd2: FloatArray,
    n2: FloatArray,
    *,
    convention: Convention = Convention.REVMAN,
) -> list[str | None]:
    """Why each study is not estimable from means, SDs and Ns (``None`` if it is).

    RevMan needs both SDs greater than 0. metafor's ``escalc`` takes a zero SD as
    given: the study is estimable while its variance is positive (MD: one SD > 0; SMD:
    a pooled SD > 0), and a study whose SDs are both 0 has no finite SMD (``escalc``
    gives NA) and an MD of variance 0, which ``rma`` cannot weight ("Division by zero
    when computing the inverse variance weights"), so it is not estimable either way.
    """
    with np.errstate(invalid="ignore"):
        if convention is Convention.METAFOR:
            sd_ok = (sd1 >= 0) & (sd2 >= 0) & ((sd1 > 0) | (sd2 > 0))
        else:
            sd_ok = (sd1 > 0) & (sd2 > 0)
        fine = (n1 >= 2) & (n2 >= 2) & sd_ok & np.isfinite(m1) & np.isfinite(m2)
    reasons: list[str | None] = [None] * m1.size
    for i in np.flatnonzero(~fine):
        values = (m1[i], sd1[i], n1[i], m2[i], sd2[i], n2[i])
        if any(np.isnan(v) for v in values):
            names = ("mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c")
            missing = [n for n, v in zip(names, values, strict=True) if np.isnan(v)]
            reasons[i] = f"missing {', '.join(missing)}"
        elif n1[i] < 2 or n2[i] < 2:
            reasons[i] = "fewer than 2 participants in a group"
        elif convention is Convention.METAFOR and sd1[i] >= 0 and sd2[i] >= 0:
            reasons[i] = "both SDs are 0"
        elif sd1[i] <= 0 or sd2[i] <= 0:
            reasons[i] = "SD must be greater than 0"
        else:
            reasons[i] = "mean must be finite"
    return reasons


SMD_VTYPES = ("LS", "UB", "LS2", "AV")
"""metafor's sampling variances of the SMD (``escalc(vtype=...)``)."""


def _lgamma_positive(x: float) -> float:
    return math.lgamma(x) if x > 0 else math.nan


_LGAMMA = np.frompyfunc(_lgamma_positive, 1, 1)


def _lgamma(x: FloatArray) -> FloatArray:
    """``log Gamma(x)`` for ``x > 0``, NaN elsewhere (:func:`math.lgamma`, elementwise)."""
    return np.asarray(_LGAMMA(x), dtype=float)


def _read_arms(*values: ArrayLike) -> tuple[FloatArray, ...]:
    """Means, SDs and Ns of both arms as float arrays, named after the CSV columns."""
    names = ("mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c")
    return tuple(as_float_array(v, name) for v, name in zip(values, names, strict=True))


def hedges_correction(
    df: ArrayLike, convention: Convention | str = Convention.REVMAN
) -> FloatArray:
    """Small-sample correction factor J of Hedges' g for ``df = N - 2``.

    Parameters
    ----------
    df
        Degrees of freedom ``n1 + n2 - 2``.
    convention
        ``revman``: ``1 - 3/(4 N - 9)`` (equivalently ``1 - 3/(4 df - 1)``);
        ``metafor``: the exact ``Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))``.

    Notes
    -----
    Hedges LV (1981), J Educ Stat 6:107-128, eq. 6e (exact) and its approximation.

    Examples
    --------
    >>> float(hedges_correction(18, "revman"))
    0.9577464788732395
    >>> round(float(hedges_correction(18, "metafor")), 9)
    0.957646427
    """
    m = np.asarray(df, dtype=float)
    if Convention.parse(convention) is Convention.REVMAN:
        return np.asarray(1.0 - 3.0 / (4.0 * (m + 2.0) - 9.0))
    return np.asarray(np.exp(_lgamma(m / 2) - 0.5 * np.log(m / 2) - _lgamma((m - 1) / 2)))


def mean_difference(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    *,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.REVMAN,
) -> EffectSizes:
    """Mean difference ``m1 - m2`` with variance ``sd1^2/n1 + sd2^2/n2``.

    Notes
    -----
    Identical in RevMan 5 (Deeks & Higgins 2010) and metafor ``escalc(measure="MD")``,
    except for a zero SD: RevMan calls the study not estimable, metafor uses it while
    the other SD is positive (see ``_continuous_reasons``).

    Examples
    --------
    >>> es = mean_difference([10.0], [2.0], [20], [8.0], [2.0], [20])
    >>> float(es.yi[0]), float(es.vi[0])
    (2.0, 0.4)
    """
    conv = Convention.parse(convention)
    m1, sd1, n1, m2, sd2, n2 = arms = _read_arms(m1i, sd1i, n1i, m2i, sd2i, n2i)
    reasons = _continuous_reasons(*arms, convention=conv)
    with np.errstate(divide="ignore", invalid="ignore"):
        yi = m1 - m2
        vi = sd1**2 / n1 + sd2**2 / n2
    return finalize(
        Measure.MD,
        conv,
        study_labels(studies, m1.size),
        yi,
        vi,
        reasons,
        n1i=n1,
        n2i=n2,
    )


def standardized_mean_difference(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    *,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.REVMAN,
    vtype: str = "LS",
) -> EffectSizes:
    """Hedges' adjusted g, in RevMan's or metafor's form.

    Notes
    -----
    With ``N = n1 + n2`` and pooled SD
    ``s = sqrt(((n1-1) sd1^2 + (n2-1) sd2^2) / (N-2))``, ``g = J (m1 - m2) / s``.

    * RevMan 5 (Deeks & Higgins 2010): ``J = 1 - 3/(4N - 9)``,
      ``var = N/(n1 n2) + g^2 / (2 (N - 3.94))``.
    * metafor ``escalc(measure="SMD")``: exact ``J`` (Hedges 1981) and
      ``var = 1/n1 + 1/n2 + g^2 / (2N)`` (``vtype="LS"``). Its other variances:
      ``"UB"`` unbiased, ``1/n1 + 1/n2 + (1 - (m-2)/(m J^2)) g^2`` with ``m = N - 2``
      (Hedges 1983); ``"LS2"`` ``J^2 (1/n1 + 1/n2 + d^2/(2N))`` (Borenstein 2009);
      ``"AV"`` the LS form with the N-weighted mean of the g in place of each ``g``
      (Hedges & Olkin 1985).

    Examples
    --------
    >>> es = standardized_mean_difference([12.0], [4.0], [25], [10.0], [4.0], [25])
    >>> round(float(es.yi[0]), 12)
    0.492146596859
    """
    conv = Convention.parse(convention)
    if vtype not in SMD_VTYPES:
        raise ValueError(f"Invalid vtype {vtype!r}; must be one of {', '.join(SMD_VTYPES)}")
    if vtype != "LS" and conv is Convention.REVMAN:
        raise ValueError(f"vtype {vtype!r} is metafor's: use convention='metafor'")
    m1, sd1, n1, m2, sd2, n2 = arms = _read_arms(m1i, sd1i, n1i, m2i, sd2i, n2i)
    reasons = _continuous_reasons(*arms, convention=conv)
    n = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled_sd = np.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n - 2))
        j = hedges_correction(n - 2, conv)
        g = j * (m1 - m2) / pooled_sd
        if conv is Convention.REVMAN:
            vi = n / (n1 * n2) + g**2 / (2 * (n - 3.94))
        elif vtype == "UB":
            vi = 1 / n1 + 1 / n2 + (1 - (n - 4) / ((n - 2) * j**2)) * g**2
        elif vtype == "LS2":
            vi = j**2 * (1 / n1 + 1 / n2 + ((m1 - m2) / pooled_sd) ** 2 / (2 * n))
        elif vtype == "AV":
            ok = np.array([r is None for r in reasons]) & np.isfinite(g)
            mean_g = (n[ok] * g[ok]).sum() / n[ok].sum() if ok.any() else np.nan
            vi = 1 / n1 + 1 / n2 + mean_g**2 / (2 * n)
        else:
            vi = 1 / n1 + 1 / n2 + g**2 / (2 * n)
    return finalize(
        Measure.SMD, conv, study_labels(studies, m1.size), g, vi, reasons, n1i=n1, n2i=n2
    )


def smd_heteroscedastic(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    *,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.METAFOR,
) -> EffectSizes:
    """Standardised mean difference without assuming equal variances (SMDH).

    Notes
    -----
    The difference is standardised by the square root of the unweighted mean of the
    two variances, ``s = sqrt((sd1^2 + sd2^2)/2)``, and bias-corrected by the exact
    ``J`` of Hedges (1981) on ``N - 2`` df: ``yi = J (m1 - m2)/s``, with
    ``vi = J^2 [yi^2 (sd1^4/(n1-1) + sd2^4/(n2-1)) / (2 (sd1^2 + sd2^2)^2)
    + (sd1^2/(n1-1) + sd2^2/(n2-1)) / s^2]`` (Bonett DG 2008, Confidence intervals
    for standardized linear contrasts of means, Psychol Methods 13:99-109; Bonett
    2009, Psychol Methods 14:225-238; metafor ``escalc(measure="SMDH")``, which
    computes it the same way whatever the convention).

    Examples
    --------
    >>> es = smd_heteroscedastic([12.0], [4.0], [25], [10.0], [4.0], [25])
    >>> round(float(es.yi[0]), 10)
    0.4921397131
    """
    conv = Convention.parse(convention)
    m1, sd1, n1, m2, sd2, n2 = arms = _read_arms(m1i, sd1i, n1i, m2i, sd2i, n2i)
    reasons = _continuous_reasons(*arms, convention=Convention.METAFOR)
    n = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        j = hedges_correction(n - 2, Convention.METAFOR)
        s2 = (sd1**2 + sd2**2) / 2
        yi = j * (m1 - m2) / np.sqrt(s2)
        vi = yi**2 * (sd1**4 / (n1 - 1) + sd2**4 / (n2 - 1)) / (2 * (sd1**2 + sd2**2) ** 2)
        vi = j**2 * (vi + (sd1**2 / (n1 - 1) + sd2**2 / (n2 - 1)) / s2)
    return finalize(
        Measure.SMDH, conv, study_labels(studies, m1.size), yi, vi, reasons, n1i=n1, n2i=n2
    )


def ratio_of_means(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    *,
    studies: Sequence[str] | None = None,
    convention: Convention | str = Convention.METAFOR,
) -> EffectSizes:
    """Log ratio of means (ROM, the "response ratio"), read as a ratio.

    Notes
    -----
    ``yi = log(m1/m2)``, ``vi = sd1^2/(n1 m1^2) + sd2^2/(n2 m2^2)`` (Hedges LV,
    Gurevitch J, Curtis PS 1999, The meta-analysis of response ratios in experimental
    ecology, Ecology 80:1150-1156; Friedrich, Adhikari & Beyene 2011, J Clin Epidemiol
    64:556-564; metafor ``escalc(measure="ROM")`` with its default ``vtype="LS"``).
    Meaningful for outcomes on a ratio scale (every value positive); a study whose
    means do not have the same sign has no log ratio and is not estimable. Zero SDs are
    taken as given, as metafor does (the study counts while its variance is positive).

    Examples
    --------
    >>> es = ratio_of_means([12.0], [4.0], [25], [10.0], [4.0], [25])
    >>> round(float(es.yi[0]), 10), round(float(es.vi[0]), 10)
    (0.1823215568, 0.0108444444)
    """
    conv = Convention.parse(convention)
    m1, sd1, n1, m2, sd2, n2 = arms = _read_arms(m1i, sd1i, n1i, m2i, sd2i, n2i)
    reasons = _continuous_reasons(*arms, convention=Convention.METAFOR)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = m1 / m2
        yi = np.log(ratio)
        vi = sd1**2 / (n1 * m1**2) + sd2**2 / (n2 * m2**2)
    for i in np.flatnonzero(~(ratio > 0) | ~np.isfinite(vi)):
        if reasons[i] is None:
            reasons[i] = (
                "a mean of 0 has no ratio" if m1[i] == 0 or m2[i] == 0
                else "the means must have the same sign (ratio of means)"
            )  # fmt: skip
    return finalize(
        Measure.ROM,
        conv,
        study_labels(studies, m1.size),
        yi,
        vi,
        reasons,
        log_scale=True,
        n1i=n1,
        n2i=n2,
    )
