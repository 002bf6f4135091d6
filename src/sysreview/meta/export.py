"""Plain records of results, for JSON output (the ``sysreview pool`` contract).

The public vocabulary: per study ``yi, vi`` (analysis scale) and ``estimate, ci_low,
ci_high`` (reading scale) with its ``weight``; pooled ``estimate, ci_low, ci_high``,
``pi_low, pi_high`` (reading scale: ratios, proportions, correlations), ``se`` (analysis
scale), ``statistic`` named by ``statistic_name`` (``z`` or ``t``), ``p``; heterogeneity
``tau2, i2, h2`` with their Q-profile limits (``tau2_ci_low`` ..., named by
``heterogeneity_ci``; null when not computed), ``q, df, p_q``. Non-finite numbers
become ``None`` (JSON ``null``), so ``json.dumps(record, allow_nan=False)`` writes them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from sysreview.meta.result import MetaAnalysis

STUDY_FIELDS = (
    "study", "subgroup", "estimable", "reason", "yi", "vi", "estimate", "ci_low", "ci_high",
    "weight",
)  # fmt: skip
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


def _study_rows(res: MetaAnalysis) -> Iterator[tuple[Any, ...]]:
    """Per study, the values of :data:`STUDY_FIELDS`."""
    es = res.effects
    est, low, high = es.reading(res.level)
    groups: Sequence[str | None] = res.subgroup_labels or (None,) * es.k
    estimable = (r is None for r in es.reasons)
    numbers = map(_nums, (es.yi, es.vi, est, low, high, res.weights))
    return zip(es.studies, groups, estimable, es.reasons, *numbers, strict=True)


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
