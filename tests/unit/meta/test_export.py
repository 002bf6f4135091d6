"""The JSON-ready records of results (the ``sysreview pool`` contract)."""

from __future__ import annotations

import json

import numpy as np

from sysreview.effects import dichotomous_effects, generic_effects, mean_difference
from sysreview.meta import meta_analysis
from sysreview.meta.export import STUDY_FIELDS, analysis_record


def test_non_finite_numbers_are_null_and_the_record_is_strict_json() -> None:
    es = generic_effects([0.1, 0.3, -0.2], [0.0, 0.1, 0.2], studies=["a", 'ü/"x"', "c"])
    res = meta_analysis(es, subgroups=["g", "g", "h"])
    record = analysis_record(res, "outcome ü")
    text = json.dumps(record, allow_nan=False)  # raises on NaN or infinity
    back = json.loads(text)
    assert back["analysis"] == "outcome ü" and next(iter(back)) == "analysis"
    assert [s["study"] for s in back["studies"]] == ["a", 'ü/"x"', "c"]
    assert back["studies"][0]["estimate"] is None and back["studies"][0]["estimable"] is False
    assert [s["subgroup"] for s in back["subgroups"]] == ["g", "h"]
    assert "analysis" not in analysis_record(res)


def test_dichotomous_and_continuous_records() -> None:
    rr = meta_analysis(dichotomous_effects([0, 3, 5], [20, 30, 40], [0, 6, 9], [20, 30, 40], "RR"))
    md = meta_analysis(mean_difference([1, 2], [1, 1], [10, 10], [0, 0], [1, 1], [10, 10]))
    both = [analysis_record(rr), analysis_record(md)]
    assert [r["measure"] for r in both] == ["RR", "MD"]
    assert tuple(both[0]["studies"][0]) == STUDY_FIELDS
    assert both[0]["studies"][0] == {
        "study": "Study 1", "subgroup": None, "estimable": False,
        "reason": "no events (or only events) in both groups", "yi": None, "vi": None,
        "estimate": None, "ci_low": None, "ci_high": None, "weight": None,
    }  # fmt: skip
    assert both[0]["estimate"] == float(np.exp(rr.estimate))  # the reading scale
    assert np.isclose(both[1]["estimate"], 1.5)
