"""The fast JSON writer produces exactly ``json.dumps`` of the record."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.effects import dichotomous_effects, generic_effects, mean_difference
from sysreview.meta import meta_analysis
from sysreview.meta.export import analysis_json, analysis_record, records_json

names = st.text(min_size=1, max_size=12).filter(lambda s: s.strip() != "")
groups = st.sampled_from(["a", "b", 'ü/"x"'])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            names, st.floats(-3, 3), st.floats(0.01, 2), st.sampled_from(["a", "b", 'ü/"x"'])
        ),
        min_size=2,
        max_size=12,
    ),
    st.booleans(),
    st.sampled_from(["fixed", "random"]),
)
def test_analysis_json_equals_json_dumps(rows, log_scale, model) -> None:  # type: ignore[no-untyped-def]
    study, y, se, group = (list(c) for c in zip(*rows, strict=True))
    se[0] = 0.0  # one study not estimable: its numbers are null
    es = generic_effects(y, se, studies=study, log_scale=log_scale)
    res = meta_analysis(es, model=model, subgroups=group)
    text = analysis_json(res, "outcome ü")
    assert text == json.dumps(analysis_record(res, "outcome ü"), allow_nan=False)
    assert json.loads(text)["studies"][0]["estimate"] is None


def test_dichotomous_and_continuous_records() -> None:
    rr = meta_analysis(dichotomous_effects([0, 3, 5], [20, 30, 40], [0, 6, 9], [20, 30, 40], "RR"))
    md = meta_analysis(mean_difference([1, 2], [1, 1], [10, 10], [0, 0], [1, 1], [10, 10]))
    for res in (rr, md):
        assert analysis_json(res) == json.dumps(analysis_record(res), allow_nan=False)
    both = json.loads(records_json([rr, md], by=True))
    assert [r["measure"] for r in both] == ["RR", "MD"]
    assert both[0]["studies"][0] == {
        "study": "Study 1", "subgroup": None, "estimable": False,
        "reason": "no events (or only events) in both groups", "yi": None, "vi": None,
        "estimate": None, "ci_low": None, "ci_high": None, "weight": None,
    }  # fmt: skip
    assert np.isclose(both[1]["estimate"], 1.5)
