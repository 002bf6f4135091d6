"""Unit tests for sysreview.meta.sensitivity: leave-one-out and cumulative analyses.

The comparisons with metafor's ``leave1out`` and ``cumul`` are in
tests/reference/test_metafor_sensitivity.py; here: refits equal direct analyses,
invariants (k rows, the last cumulative step is the full analysis) and refusals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.effects import dichotomous_effects, generic_effects
from sysreview.errors import TooFewStudiesError
from sysreview.meta import meta_analysis
from sysreview.meta.sensitivity import Cumulative, LeaveOneOut, cumulative, leave_one_out
from sysreview.vocab import CIMethod

SETTINGS = st.sampled_from(
    [
        {"model": "fixed"},
        {"model": "random", "tau2_method": "DL"},
        {"model": "random", "tau2_method": "REML"},
        {"model": "random", "tau2_method": "PM", "ci_method": "hksj"},
    ]
)


@st.composite
def effect_sets(draw: st.DrawFn) -> tuple[list[float], list[float]]:
    k = draw(st.integers(2, 12))
    yi = draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=k, max_size=k))
    se = draw(st.lists(st.floats(0.05, 1, allow_nan=False), min_size=k, max_size=k))
    return yi, se


def same(a: float, b: float) -> bool:
    return bool(np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-10, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(effect_sets(), SETTINGS)
def test_leave_one_out_has_one_row_per_study(
    data: tuple[list[float], list[float]], options: dict[str, Any]
) -> None:
    es = generic_effects(*data)
    res = meta_analysis(es, **options)
    out = leave_one_out(res)
    assert len(out.analyses) == es.k and out.studies == es.studies
    assert len(out.to_frame()) == es.k
    assert (out.k == es.k - 1).all()
    for i, fit in enumerate(out.analyses):
        direct = meta_analysis(es.subset(np.arange(es.k) != i), **options)
        assert same(fit.estimate, direct.estimate) and same(fit.se, direct.se)
        # Knapp-Hartung needs two studies: a one-study refit falls back to Wald z
        assert fit.model is res.model
        assert fit.ci_method is (res.ci_method if fit.k >= 2 else CIMethod.Z)


@settings(max_examples=40, deadline=None)
@given(effect_sets(), SETTINGS)
def test_last_cumulative_step_is_the_full_analysis(
    data: tuple[list[float], list[float]], options: dict[str, Any]
) -> None:
    es = generic_effects(*data)
    res = meta_analysis(es, **options)
    out = cumulative(res)
    assert out.k.tolist() == list(range(1, es.k + 1))
    last = out.analyses[-1]
    for name in ("estimate", "se", "ci_low", "ci_high", "p", "tau2", "q", "i2", "h2"):
        assert same(getattr(last, name), getattr(res, name)), name
    assert out.estimate[0] == pytest.approx(es.yi[0])


def test_cumulative_order_by_index_or_label() -> None:
    es = generic_effects([0.1, 0.5, 0.3, 0.7], [0.2, 0.3, 0.25, 0.4], studies=["A", "B", "C", "D"])
    res = meta_analysis(es)
    by_index = cumulative(res, order=[3, 1, 0, 2])
    by_label = cumulative(res, order=["D", "B", "A", "C"])
    assert by_index.studies == by_label.studies == ("D", "B", "A", "C")
    assert by_index.estimate.tolist() == by_label.estimate.tolist()
    assert by_index.estimate[0] == pytest.approx(0.7)
    assert by_index.estimate[-1] == pytest.approx(res.estimate, rel=1e-12)


@pytest.mark.parametrize("order", [[0, 1, 2], [0, 1, 2, 2], [0, 1, 2, 4], ["A", "B", "C", "E"]])
def test_cumulative_order_must_list_every_study_once(order: list[Any]) -> None:
    es = generic_effects([0.1, 0.5, 0.3, 0.7], [0.2, 0.3, 0.25, 0.4], studies=["A", "B", "C", "D"])
    with pytest.raises(ValueError):
        cumulative(meta_analysis(es), order=order)


def test_not_estimable_studies_get_no_row() -> None:
    es = generic_effects([0.1, 0.5, None, 0.7], [0.2, 0.3, 0.25, 0.4], studies=["A", "B", "C", "D"])
    res = meta_analysis(es)
    assert leave_one_out(res).studies == ("A", "B", "D")
    assert cumulative(res, order=["C", "D", "A", "B"]).studies == ("D", "A", "B")


def test_leave_one_out_needs_two_studies() -> None:
    res = meta_analysis(generic_effects([0.1, 0.2], [0.1, None]))
    with pytest.raises(TooFewStudiesError, match="at least 2 estimable studies; k = 1"):
        leave_one_out(res)


def test_refits_keep_mantel_haenszel() -> None:
    es = dichotomous_effects(
        [4, 6, 3, 62], [123, 306, 231, 13598], [11, 29, 11, 248], [139, 303, 220, 12867], "RR"
    )
    res = meta_analysis(es, model="fixed")
    out = leave_one_out(res)
    direct = meta_analysis(es.subset([0, 1, 3]), model="fixed")
    assert out.analyses[2].method.value == "MH"
    assert out.estimate[2] == pytest.approx(direct.estimate, rel=1e-14)


def test_frames_and_summaries() -> None:
    es = generic_effects([0.1, 0.5, 0.3], [0.2, 0.3, 0.25], log_scale=True, studies=["A", "B", "C"])
    res = meta_analysis(es)
    loo, cum = leave_one_out(res), cumulative(res)
    assert isinstance(loo, LeaveOneOut) and isinstance(cum, Cumulative)
    frame = loo.to_frame()
    assert frame.columns[0] == "omitted" and cum.to_frame().columns[0] == "added"
    assert {"estimate", "se", "ci_low", "ci_high", "p", "tau2", "i2", "q", "p_q"} <= set(
        frame.columns
    )
    assert frame["estimate_display"].tolist() == pytest.approx(np.exp(loo.estimate).tolist())
    assert loo.summary().startswith("Leave-one-out analysis")
    assert "Cumulative meta-analysis" in cum.summary() and "C" in cum.summary()
