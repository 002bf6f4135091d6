"""Plain records of results, for JSON output (the ``sysreview pool`` contract).

The public vocabulary: per study ``yi, vi`` (analysis scale) and ``estimate, ci_low,
ci_high`` (reading scale) with its ``weight``; pooled ``estimate, ci_low, ci_high``,
``pi_low, pi_high`` (reading scale: ratios, proportions, correlations), ``se`` (analysis
scale), ``statistic`` named by ``statistic_name`` (``z`` or ``t``), ``p``; heterogeneity
``tau2, i2, h2`` with their Q-profile limits (``tau2_ci_low`` ..., named by
``heterogeneity_ci``; null when not computed), ``q, df, p_q``. Non-finite numbers
become ``None`` (JSON ``null``).
:func:`analysis_json` writes the same text as ``json.dumps(analysis_record(...))``
without building a dict per study, which keeps ``sysreview pool --by`` fast.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring_ascii
from typing import Any

import numpy as np

from sysreview.meta.result import MetaAnalysis

STUDY_FIELDS = (
    "study", "subgroup", "estimable", "reason", "yi", "vi", "estimate", "ci_low", "ci_high",
    "weight",
)  # fmt: skip
_STUDY_NUMBERS = len(STUDY_FIELDS) - 4
_ESTIMATE = STUDY_FIELDS.index("estimate") - 4
"""Index of a study's reading-scale estimate among its numbers (``yi`` is 0)."""
HETEROGENEITY_CI = "Q-profile"
"""How the limits of tau², I² and H² are computed (Viechtbauer 2007)."""


def _num(value: Any) -> float | None:
    x = float(value)
    return x if math.isfinite(x) else None


def _nums(values: Any) -> list[float | None]:
    return [x if math.isfinite(x) else None for x in np.asarray(values, dtype=float).tolist()]


def heterogeneity_ci(res: MetaAnalysis) -> str | None:
    """``"Q-profile"`` when the result has limits for tau², else ``None``."""
    return HETEROGENEITY_CI if math.isfinite(res.tau2_ci[0]) else None


def _pooled(res: MetaAnalysis) -> dict[str, Any]:
    return {
        "k": res.k,
        "reason": res.reason,
        "estimate": _num(res.display(res.estimate)),
        "se": _num(res.se),
        "ci_low": _num(res.display(res.ci_low)),
        "ci_high": _num(res.display(res.ci_high)),
        "statistic": _num(res.statistic),
        "statistic_name": res.statistic_name,
        "p": _num(res.p),
        "tau2": _num(res.tau2),
        "tau2_ci_low": _num(res.tau2_ci[0]),
        "tau2_ci_high": _num(res.tau2_ci[1]),
        "i2": _num(res.i2),
        "i2_ci_low": _num(res.i2_ci[0]),
        "i2_ci_high": _num(res.i2_ci[1]),
        "h2": _num(res.h2),
        "h2_ci_low": _num(res.h2_ci[0]),
        "h2_ci_high": _num(res.h2_ci[1]),
        "heterogeneity_ci": heterogeneity_ci(res),
        "q": _num(res.q),
        "df": res.df,
        "p_q": _num(res.p_q),
    }


def _head(res: MetaAnalysis, analysis: str | None) -> dict[str, Any]:
    """Everything before the list of studies."""
    head: dict[str, Any] = {} if analysis is None else {"analysis": analysis}
    head.update(
        {
            "measure": res.measure.value,
            "method": res.method.value,
            "model": res.model.value,
            "tau2_method": None if res.tau2_method is None else res.tau2_method.value,
            "ci_method": res.ci_method.value,
            "convention": res.convention.value,
            "level": res.level,
        }
    )
    head.update(_pooled(res))
    head["pi_low"] = _num(res.display(res.pi_low))
    head["pi_high"] = _num(res.display(res.pi_high))
    return head


def _tail(res: MetaAnalysis) -> dict[str, Any]:
    """Everything after the list of studies: subgroups and their test."""
    test = res.subgroup_test
    return {
        "subgroups": [{"subgroup": sub.label, **_pooled(sub)} for sub in res.subgroups],
        "subgroup_test": None
        if test is None
        else {"q": _num(test.q), "df": test.df, "p": _num(test.p), "i2": _num(test.i2)},
    }


def _study_columns(
    res: MetaAnalysis,
) -> tuple[tuple[Sequence[str | None], ...], tuple[Any, ...]]:
    """The per-study columns of :data:`STUDY_FIELDS`: four label columns, six numbers."""
    es = res.effects
    est, low, high = es.reading(res.level)
    labels = (es.studies, res.subgroup_labels or (None,) * es.k, es.reasons)
    numbers = (es.yi, es.vi, est, low, high, res.weights)
    return labels, numbers


def _study_rows(res: MetaAnalysis) -> Iterator[tuple[Any, ...]]:
    """Per study, the values of :data:`STUDY_FIELDS`."""
    (studies, groups, reasons), numbers = _study_columns(res)
    estimable = (r is None for r in reasons)
    return zip(studies, groups, estimable, reasons, *map(_nums, numbers), strict=True)


def analysis_record(res: MetaAnalysis, analysis: str | None = None) -> dict[str, Any]:
    """The JSON-ready record of one analysis.

    Examples
    --------
    >>> from sysreview.effects import generic_effects
    >>> from sysreview.meta import meta_analysis
    >>> rec = analysis_record(meta_analysis(generic_effects([0.1, 0.3], [0.1, 0.1])))
    >>> rec["measure"], rec["k"], rec["subgroup_test"]
    ('GIV', 2, None)
    """
    record = _head(res, analysis)
    record["studies"] = [dict(zip(STUDY_FIELDS, row, strict=True)) for row in _study_rows(res)]
    record.update(_tail(res))
    return record


_STUDY_TEMPLATE = "{" + ", ".join(f'"{name}": %s' for name in STUDY_FIELDS) + "}"


def _number_texts(values: Any) -> list[str]:
    """Numbers as ``json.dumps`` writes them, non-finite ones as ``null``."""
    arr = np.asarray(values, dtype=float)
    if np.isfinite(arr).all():
        return list(map(repr, arr.tolist()))
    return [repr(x) if math.isfinite(x) else "null" for x in arr.tolist()]


def _string_texts(values: Sequence[str | None]) -> list[str]:
    return ["null" if v is None else encode_basestring_ascii(v) for v in values]


def analysis_json(res: MetaAnalysis, analysis: str | None = None) -> str:
    """``json.dumps(analysis_record(res, analysis), allow_nan=False)``, built faster.

    Examples
    --------
    >>> from sysreview.effects import generic_effects
    >>> from sysreview.meta import meta_analysis
    >>> res = meta_analysis(generic_effects([0.1, 0.3], [0.1, 0.1]))
    >>> analysis_json(res) == json.dumps(analysis_record(res), allow_nan=False)
    True
    """
    (studies, groups, reasons), numbers = _study_columns(res)
    estimable = ["true" if r is None else "false" for r in reasons]
    columns = zip(
        _string_texts(studies),
        _string_texts(groups),
        estimable,
        _string_texts(reasons),
        *map(_number_texts, numbers),
        strict=True,
    )
    studies = ", ".join(map(_STUDY_TEMPLATE.__mod__, columns))
    head = json.dumps(_head(res, analysis), allow_nan=False)
    tail = json.dumps(_tail(res), allow_nan=False)
    return f'{head[:-1]}, "studies": [{studies}], {tail[1:]}'


def records_json(results: Sequence[MetaAnalysis], *, by: bool) -> str:
    """The JSON text of ``sysreview pool``: one object, or an array with ``--by``.

    With ``--by``, the studies of all analyses are formatted together, column by
    column, which is the same text as :func:`analysis_json` per analysis, faster.

    Examples
    --------
    >>> from sysreview.effects import generic_effects
    >>> from sysreview.meta import meta_analyses
    >>> res = meta_analyses([generic_effects([0.1, 0.3], [0.1, 0.1]),
    ...                      generic_effects([0.2, float("nan")], [0.1, 0.2])],
    ...                     labels=["a", "b"])
    >>> records_json(res, by=True) == json.dumps(
    ...     [analysis_record(r, r.label) for r in res], allow_nan=False)
    True
    """
    if not by:
        return analysis_json(results[0])
    return "[" + analyses_json(results) + "]"


_STUDY_KEYS = [f'{", " if i else ""}"{name}": ' for i, name in enumerate(STUDY_FIELDS)]
_STUDY_SLOTS = 2 * len(STUDY_FIELDS) + 1
"""Per study: each field's key text and value text, then what follows the study."""


def analyses_json(results: Sequence[MetaAnalysis]) -> str:
    """``", ".join(analysis_json(r, r.label) for r in results)``, built in one join.

    The texts of every study of every analysis go, column by column, into the slots of
    one list: key, value, key, value, ..., and what follows the study (the next study,
    or the end of the analysis and the start of the next).
    """
    if not results:
        return ""
    columns = [_study_columns(res) for res in results]
    studies = [s for (texts, _, _), _ in columns for s in texts]
    groups = [g for (_, texts, _), _ in columns for g in texts]
    reasons = [r for (_, _, texts), _ in columns for r in texts]
    n = len(studies)
    # read on the analysis scale (MD, SMD ...): each study's estimate is its yi, formatted once
    same = all(res.effects.transform.value == "identity" for res in results)
    numbers: list[list[str]] = []
    for j in range(_STUDY_NUMBERS):
        if same and j == _ESTIMATE:
            numbers.append(numbers[0])
            continue
        column = np.concatenate([np.asarray(c[j], dtype=float).ravel() for _, c in columns])
        numbers.append(_number_texts(column))
    values = [
        _string_texts(studies),
        _string_texts(groups),
        ["true" if r is None else "false" for r in reasons],
        _string_texts(reasons),
        *numbers,
    ]
    if any(len(v) != n for v in values) or any(not len(c[0][0]) for c in columns):
        # not a shape pool produces; the per-analysis route says what is wrong
        return ", ".join(analysis_json(r, r.label) for r in results)
    slots: list[str] = ["}, {"] * (_STUDY_SLOTS * n)
    for j, (key, texts) in enumerate(zip(_STUDY_KEYS, values, strict=True)):
        slots[2 * j :: _STUDY_SLOTS] = [key] * n
        slots[2 * j + 1 :: _STUDY_SLOTS] = texts
    start = 0
    heads = _head_texts(results)
    for i, (res, head, ((names, _, _), _)) in enumerate(zip(results, heads, columns, strict=True)):
        slots[start * _STUDY_SLOTS] = f'{head}, "studies": [{{{_STUDY_KEYS[0]}'
        if i:
            slots[start * _STUDY_SLOTS] = ", " + slots[start * _STUDY_SLOTS]
        start += len(names)
        if res.subgroups or res.subgroup_test is not None:
            tail = json.dumps(_tail(res), allow_nan=False)[1:]
        else:
            tail = _NO_SUBGROUPS
        slots[start * _STUDY_SLOTS - 1] = f"}}], {tail}"
    return "".join(slots)


_NO_SUBGROUPS = json.dumps({"subgroups": [], "subgroup_test": None})[1:]
_HEAD_FIELDS = (
    "measure", "method", "model", "tau2_method", "ci_method", "convention", "level", "k",
    "reason", "estimate", "se", "ci_low", "ci_high", "statistic", "statistic_name", "p",
    "tau2", "tau2_ci_low", "tau2_ci_high", "i2", "i2_ci_low", "i2_ci_high", "h2", "h2_ci_low",
    "h2_ci_high", "heterogeneity_ci", "q", "df", "p_q", "pi_low", "pi_high",
)  # fmt: skip
_HEAD_NUMBERS = (
    "estimate", "se", "ci_low", "ci_high", "statistic", "p", "tau2", "tau2_ci_low",
    "tau2_ci_high", "i2", "i2_ci_low", "i2_ci_high", "h2", "h2_ci_low", "h2_ci_high", "q",
    "p_q", "pi_low", "pi_high",
)  # fmt: skip
"""The head's unrounded numbers, in :data:`_HEAD_FIELDS` order."""
_HEAD_TEMPLATE = ", ".join(f'"{name}": %s' for name in _HEAD_FIELDS)
"""The head of one analysis (:func:`_head` after ``"analysis"``), one ``%s`` per value."""


def _scalar_text(value: Any) -> str:
    """One value as ``json.dumps(value, allow_nan=False)`` writes it."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int.__repr__(value)
    if isinstance(value, float) and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, allow_nan=False)


def _head_numbers(res: MetaAnalysis) -> list[float]:
    """The :data:`_HEAD_NUMBERS` of a result on the reporting scale (no transformation)."""
    return [
        res.estimate, res.se, res.ci_low, res.ci_high, res.statistic, res.p, res.tau2,
        *res.tau2_ci, res.i2, *res.i2_ci, res.h2, *res.h2_ci, res.q, res.p_q, res.pi_low,
        res.pi_high,
    ]  # fmt: skip


def _head_texts(results: Sequence[MetaAnalysis]) -> list[str]:
    """``json.dumps(_head(res, res.label), allow_nan=False)[:-1]`` of every result.

    Analyses read on their own scale (no back-transformation) are formatted column by
    column; the others one by one.
    """
    plain = [res for res in results if res.effects.transform.value == "identity"]
    width = len(_HEAD_NUMBERS)
    numbers = _number_texts(np.array([_head_numbers(res) for res in plain], dtype=float).ravel())
    texts: list[str] = []
    n = 0
    for res in results:
        if res.effects.transform.value != "identity":
            texts.append(json.dumps(_head(res, res.label), allow_nan=False)[:-1])
            continue
        tau2_method = None if res.tau2_method is None else res.tau2_method.value
        strings = (
            res.measure.value,
            res.method.value,
            res.model.value,
            tau2_method,
            res.ci_method.value,
            res.convention.value,
            res.level,
        )
        row = numbers[n : n + width]
        n += width
        values = (
            *map(_scalar_text, strings),
            _scalar_text(res.k),
            _scalar_text(res.reason),
            *row[:5],
            _scalar_text(res.statistic_name),
            *row[5:15],
            _scalar_text(heterogeneity_ci(res)),
            row[15],
            _scalar_text(res.df),
            *row[16:],
        )
        head = _HEAD_TEMPLATE % values
        if res.label is None:
            texts.append("{" + head)
        else:
            texts.append(f'{{"analysis": {_scalar_text(res.label)}, {head}')
    return texts
