"""An arm's mean and SD from what a report gave: SE, confidence interval, median, changes.

:func:`sd_from_test` gives both arms of a two-group comparison one SD from the t statistic
or the two-sided P value of their difference in means (:data:`FLAG_T`, :data:`FLAG_P`).

:func:`convert_outcome` turns SE, confidence intervals and medians with IQR and/or range
into a mean and SD, or takes the mean and SD of changes from baseline, and says how in
``flags`` (:data:`FLAG_SE`, :func:`flag_ci`, :func:`flag_median`, :data:`FLAG_CHANGE`).
A mean given without any SD, SE or confidence interval is kept as *reported, not usable*
(:data:`FLAG_NO_SPREAD`): the synthesis narrates it and says why it was not pooled.
Used by :func:`~sysreview.extraction.validate.validate_rows` and the project's store loader.

Pure: numbers in, numbers out.

Examples
--------
>>> mean, sd, flags = convert_outcome({"mean": 5.0, "ci_low": 3.0, "ci_high": 7.0}, n=25)
>>> round(sd, 4), flags
(4.8452, ('sd from 95% CI (Cochrane Handbook 6.5.2.2; t with n - 1 df)',))
>>> convert_outcome({"mean": 12.0, "sd": 3.5}, n=40)
(12.0, 3.5, ())
>>> convert_outcome({"mean": 12.0}, n=40)[:2]
(12.0, None)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sysreview.effects.conversions import sd_from_ci, sd_from_p, sd_from_se, sd_from_t
from sysreview.effects.skewed import mean_sd_from_median
from sysreview.errors import InputError

__all__ = [
    "FLAG_CHANGE",
    "FLAG_NO_SPREAD",
    "FLAG_P",
    "FLAG_SE",
    "FLAG_T",
    "convert_outcome",
    "flag_ci",
    "flag_median",
    "not_usable",
    "sd_from_test",
    "sds_from_test",
]

FLAG_SE = "sd from SE (Cochrane Handbook 6.5.2.2: SD = SE * sqrt(n))"
FLAG_T = (
    "sd from t statistic of the difference in means (Cochrane Handbook 6.5.2.3: "
    "SE = MD / t, SD = SE / sqrt(1/n1 + 1/n2), the same SD in both groups)"
)
FLAG_P = (
    "sd from P value of the difference in means (Cochrane Handbook 6.5.2.3: t from the "
    "two-sided P with n1 + n2 - 2 df, SE = MD / t, SD = SE / sqrt(1/n1 + 1/n2), the same "
    "SD in both groups)"
)
FLAG_CHANGE = "change from baseline (mean and SD of changes)"
FLAG_NO_SPREAD = (
    "mean reported without a measure of spread (no SD, SE or CI): reported, not usable for pooling"
)
"""The flag of a mean given alone: stored and narrated, never pooled (Cochrane Handbook
v6.4 section 6.5.2: an SD is needed; sections 12.2-12.3 on summarising results that
cannot be pooled)."""


def not_usable(flags: tuple[str, ...] | list[str]) -> bool:
    """Whether ``flags`` mark a mean reported without any measure of spread."""
    return FLAG_NO_SPREAD in flags


_MEDIAN_FROM = {"S1": "median/range", "S2": "median/IQR", "S3": "median/IQR/range"}


def flag_ci(level: float) -> str:
    """The flag of an SD converted from a ``level`` (e.g. 0.95) confidence interval."""
    return f"sd from {level * 100:g}% CI (Cochrane Handbook 6.5.2.2; t with n - 1 df)"


def flag_median(scenario: str) -> str:
    """The flag of a mean/SD estimated from a median (scenario ``S1``, ``S2``, ``S3``)."""
    return (
        f"mean/sd from {_MEDIAN_FROM[scenario]} (Luo 2018 mean, Wan 2014 SD), flagged: "
        "assumes roughly normal data"
    )


def convert_outcome(
    numbers: Mapping[str, float], n: int | None
) -> tuple[float | None, float | None, tuple[str, ...]]:
    """The mean and SD of an arm from what the report gave, and how they were obtained.

    Parameters
    ----------
    numbers
        Any of ``mean, sd, se, ci_low, ci_high, ci_level`` (level as a fraction, default
        0.95), ``median, q1, q3, minimum, maximum``, ``mean_change, sd_change``.
    n
        Participants analysed (needed for every conversion).

    Returns
    -------
    tuple
        ``(mean, sd, flags)``; ``(None, None, ())`` when nothing continuous was given;
        ``(mean, None, (FLAG_NO_SPREAD,))`` for a mean reported without any measure of
        spread, which is kept for the narrative but cannot be pooled.

    Raises
    ------
    InputError
        Naming the column: an incomplete group (half a confidence interval; q1 without
        q3 ...), or a conversion that needs ``n``.

    Notes
    -----
    Preference: mean/SD as given; else SD from SE (``SD = SE sqrt(n)``) or from a
    confidence interval (``SD = sqrt(n) (upper - lower) / (2 t)``, t with ``n - 1`` df),
    both Cochrane Handbook v6.4 section 6.5.2.2, via
    :mod:`sysreview.effects.conversions`; else mean and SD from the median with IQR
    and/or range (Luo et al. 2018 means, Wan et al. 2014 SDs, via
    :func:`sysreview.effects.skewed.mean_sd_from_median`), flagged because they assume
    roughly normal data; else the mean and SD of changes from baseline.
    """
    get = numbers.get
    mean = get("mean")
    if mean is not None or any(get(k) is not None for k in ("sd", "se", "ci_low", "ci_high")):
        if mean is None:
            raise InputError("mean is missing (sd, se and ci_low/ci_high describe a mean)",
                             column="mean")  # fmt: skip
        if get("sd") is not None:
            return mean, get("sd"), ()
        se = get("se")
        if se is not None:
            return mean, float(sd_from_se(se, _need_n(n, "se"))), (FLAG_SE,)
        low, high = get("ci_low"), get("ci_high")
        if low is not None and high is not None:
            level = get("ci_level") or 0.95
            sd = float(sd_from_ci(low, high, _need_n(n, "ci_low"), level=level))
            return mean, sd, (flag_ci(level),)
        if low is None and high is None:  # a mean alone: reported, not usable
            return mean, None, (FLAG_NO_SPREAD,)
        missing = "ci_high" if low is not None else "ci_low"
        raise InputError("a confidence interval needs both ci_low and ci_high", column=missing)
    median = get("median")
    for a, b in (("q1", "q3"), ("minimum", "maximum")):
        if (get(a) is None) != (get(b) is None):
            raise InputError(f"give both {a} and {b}, or neither", column=b if get(a) else a)
    if median is not None and get("q1") is None and get("minimum") is None:
        raise InputError("a median needs q1/q3 and/or minimum/maximum", column="q1")
    if median is not None:
        result = mean_sd_from_median(
            median, _need_n(n, "median"), q1=get("q1"), q3=get("q3"),
            minimum=get("minimum"), maximum=get("maximum"),
        )  # fmt: skip
        return float(result.mean), float(result.sd), (flag_median(result.scenario),)
    if get("mean_change") is not None or get("sd_change") is not None:
        if get("mean_change") is None or get("sd_change") is None:
            column = "sd_change" if get("sd_change") is None else "mean_change"
            raise InputError("give both mean_change and sd_change", column=column)
        return get("mean_change"), get("sd_change"), (FLAG_CHANGE,)
    return None, None, ()


def sd_from_test(
    first: Mapping[str, float],
    n1: int | None,
    second: Mapping[str, float],
    n2: int | None,
    *,
    t: float | None = None,
    p: float | None = None,
) -> tuple[float, str]:
    """One SD for both arms of a comparison from the t statistic or P value of its MD.

    Parameters
    ----------
    first, second
        The two arms' numbers; each needs ``mean``.
    n1, n2
        Participants analysed in each arm (each >= 2).
    t
        The t statistic of the two-sample t test of the difference in means (non-zero;
        its sign is ignored, reports often give ``|t|``).
    p
        Its exact two-sided P value, strictly between 0 and 1. Give ``t`` or ``p``.

    Returns
    -------
    tuple
        ``(sd, flag)``: the SD to use in both arms, and :data:`FLAG_T` or :data:`FLAG_P`.

    Raises
    ------
    InputError
        Naming the column: neither or both of ``t`` and ``p``; ``t`` of 0; ``p`` of 0 or
        at least 1; an arm without its mean (``mean``) or its N (``n``, or below 2); the
        two means equal (the MD is 0, so no SE can be derived from it).

    Notes
    -----
    Cochrane Handbook v6.4 section 6.5.2.3 (v5.1 section 7.7.3.3): ``t`` from the P value
    is the value of the t distribution with ``n1 + n2 - 2`` df whose two-sided tail area
    is ``p``; ``SE(MD) = MD / t``; the within-group SD, assumed the same in both groups,
    is ``SE / sqrt(1/n1 + 1/n2)``. The computation is
    :func:`sysreview.effects.conversions.sd_from_t` and
    :func:`~sysreview.effects.conversions.sd_from_p`; this function checks that the
    numbers it needs were given and says which column is missing. A P value reported
    only as a bound (P < 0.05) is not exact; using the bound gives a conservative
    (larger) SD, and the review should say so.

    Examples
    --------
    >>> sd, flag = sd_from_test({"mean": 13.8}, 25, {"mean": 10.0}, 22, p=0.008)
    >>> round(sd, 3), flag.split(" (")[0]
    (4.683, 'sd from P value of the difference in means')
    """
    if (t is None) == (p is None):
        message = "give the t statistic or the P value of the difference, not both"
        raise InputError(message if t is not None else "give t or p", column="t")
    column = "t" if t is not None else "p"
    for numbers, n, which in ((first, n1, "first"), (second, n2, "second")):
        if numbers.get("mean") is None:
            raise InputError(f"{column} needs the mean of both groups; the {which} has none",
                             column="mean")  # fmt: skip
        if n is None:
            raise InputError(f"{column} needs the N of both groups; the {which} has none",
                             column="n")  # fmt: skip
    md = first["mean"] - second["mean"]
    if md == 0:
        raise InputError(f"{column} cannot give an SD when the two means are equal (MD = 0)",
                         column="mean")  # fmt: skip
    assert n1 is not None and n2 is not None
    if t is not None:
        if t == 0:
            raise InputError("t must be non-zero", column="t")
        return float(sd_from_t(t, n1, n2, md)), FLAG_T
    assert p is not None
    if not 0 < p < 1:
        raise InputError(f"p must be strictly between 0 and 1, not {p:g}", column="p")
    return float(sd_from_p(p, n1, n2, md)), FLAG_P


def sds_from_test(
    arms: Sequence[Mapping[str, float]],
    ns: Sequence[int | None],
    flags: Sequence[tuple[str, ...]],
) -> dict[int, tuple[float, str]]:
    """SDs for the arms of one study, measure and timepoint from a t or P given on a row.

    The t statistic (``t``) or two-sided P value (``p``) of the difference in means is
    entered on the outcome row of either arm (or on both, with the same value). An arm
    whose mean was given without any spread (:data:`FLAG_NO_SPREAD` in its flags) gets the SD of
    :func:`sd_from_test`; an arm with its own SD, SE or CI keeps it.

    Parameters
    ----------
    arms
        Each arm's numbers as entered (``mean``, ``t``, ``p`` ...), in row order.
    ns
        Each arm's N.
    flags
        Each arm's flags from :func:`convert_outcome`.

    Returns
    -------
    dict
        ``{index: (sd, flag)}`` for the arms that get an SD; empty when no row gives
        ``t`` or ``p``.

    Raises
    ------
    InputError
        With ``line`` the index of the arm at fault and ``column`` the column: more than
        two arms, rows giving different t or P values, and every error of
        :func:`sd_from_test`.
    """
    given = [i for i, a in enumerate(arms) if a.get("t") is not None or a.get("p") is not None]
    if not given:
        return {}
    first = given[0]
    column = "t" if arms[first].get("t") is not None else "p"
    if len(arms) != 2:
        raise InputError(f"{column} compares two groups; this outcome and timepoint has "
                         f"{len(arms)} arm(s) (give each comparison's SD directly)",
                         line=first, column=column)  # fmt: skip
    for name in ("t", "p"):
        values = {arms[i][name] for i in given if arms[i].get(name) is not None}
        if len(values) > 1:
            raise InputError(f"the two arms give different {name} values",
                             line=given[-1], column=name)  # fmt: skip
    t = next((arms[i]["t"] for i in given if arms[i].get("t") is not None), None)
    p = next((arms[i]["p"] for i in given if arms[i].get("p") is not None), None)
    needing = [i for i in (0, 1) if FLAG_NO_SPREAD in flags[i]]
    if not needing:
        return {}
    try:
        sd, flag = sd_from_test(arms[0], ns[0], arms[1], ns[1], t=t, p=p)
    except InputError as exc:
        at = first
        if exc.column in ("mean", "n"):
            at = next((i for i in (0, 1) if (arms[i].get("mean") if exc.column == "mean"
                       else ns[i]) is None), first)  # fmt: skip
        raise InputError(exc.message, line=at, column=exc.column) from None
    return {i: (sd, flag) for i in needing}


def _need_n(n: int | None, column: str) -> int:
    if n is None:
        raise InputError(f"n is needed to convert {column}", column="n")
    return n
