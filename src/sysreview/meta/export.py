"""Plain records of results, for JSON output (the ``sysreview pool`` contract).

Ratio measures report estimate, CI and prediction interval on the ratio scale and
``se`` on the log scale. Non-finite numbers become ``None`` (JSON ``null``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sysreview.meta.result import MetaAnalysis


def _num(value: Any) -> float | None:
    x = float(value)
    return x if math.isfinite(x) else None


def _pooled(res: MetaAnalysis) -> dict[str, Any]:
    return {
        "k": res.k,
        "estimate": _num(res.display(res.estimate)),
        "se": _num(res.se),
        "ci_low": _num(res.display(res.ci_low)),
        "ci_high": _num(res.display(res.ci_high)),
        "z": _num(res.statistic),
        "p": _num(res.p),
        "tau2": _num(res.tau2),
        "i2": _num(res.i2),
        "q": _num(res.q),
        "df": res.df,
        "p_q": _num(res.p_q),
    }


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
    record: dict[str, Any] = {} if analysis is None else {"analysis": analysis}
    record.update(
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
    record.update(_pooled(res))
    record["pi_low"] = _num(res.display(res.pi_low))
    record["pi_high"] = _num(res.display(res.pi_high))
    low, high = res.effects.ci(res.level)
    groups = res.subgroup_labels or (None,) * res.effects.k
    record["studies"] = [
        {
            "study": study,
            "subgroup": groups[i],
            "estimable": res.effects.reasons[i] is None,
            "reason": res.effects.reasons[i],
            "estimate": _num(res.display(res.effects.yi[i])),
            "se": _num(np.sqrt(res.effects.vi[i])),
            "ci_low": _num(res.display(low[i])),
            "ci_high": _num(res.display(high[i])),
            "weight": _num(res.weights[i]),
        }
        for i, study in enumerate(res.effects.studies)
    ]
    record["subgroups"] = [{"subgroup": sub.label, **_pooled(sub)} for sub in res.subgroups]
    test = res.subgroup_test
    record["subgroup_test"] = (
        None
        if test is None
        else {"q": _num(test.q), "df": test.df, "p": _num(test.p), "i2": _num(test.i2)}
    )
    return record
