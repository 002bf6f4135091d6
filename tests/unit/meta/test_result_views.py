"""What a notebook shows of a meta-analysis: a one-line repr, the summary table as HTML,
tidy frames in the public vocabulary, and the back-transformed reading scale."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import sysreview as sr
from sysreview.effects import compute_effects


def bcg_result():
    dat = sr.datasets.bcg()
    es = sr.escalc("RR", data=dat, ai="tpos", bi="tneg", ci="cpos", di="cneg", slab="author")
    return sr.meta_analysis(es, subgroups=dat["alloc"].tolist(), label="BCG")


def test_repr_and_html() -> None:
    res = bcg_result()
    assert repr(res) == "<MetaAnalysis 'BCG' k=13 IV random REML RR=0.49 [0.34, 0.70] 3 subgroups>"
    html = res._repr_html_()
    assert html.count("<tr>") == 1 + 13 + 3 * 2 + 1  # header, studies, subgroup rows, total
    assert "Aronson" in html and "Q-profile" in html and "Test for subgroup differences" in html
    empty = sr.meta_analysis(sr.escalc("RR", ai=[0], n1i=[0], ci=[1], n2i=[5]))
    assert repr(empty) == "<MetaAnalysis k=0 RR not estimable: no estimable studies>"


def test_frames_use_the_public_vocabulary() -> None:
    frame = bcg_result().to_frame()
    total = frame[frame["row"] == "total"].iloc[0]
    assert total["statistic_name"] == "z" and np.isfinite(total["statistic"])
    assert total["tau2_ci_low"] < total["tau2"] < total["tau2_ci_high"]
    assert {"yi", "vi", "estimate", "ci_low", "ci_high", "weight", "h2", "pi_low"} <= set(frame)
    study = frame[frame["row"] == "study"].iloc[0]
    assert study["estimate"] == np.exp(study["yi"])  # RR read as a ratio


def test_summary_names_the_statistic_and_limits() -> None:
    text = bcg_result().summary()
    assert "95% CI: Tau² [" in text and "(Q-profile)" in text
    knha = sr.meta_analysis(sr.escalc("ZCOR", ri=[0.1, 0.3, 0.2, 0.5], ni=[40, 50, 60, 30]),
                            ci_method="hksj")  # fmt: skip
    assert knha.statistic_name == "t" and "Test for overall effect: t = " in knha.summary()


PAIRS = st.tuples(st.floats(1, 50), st.floats(0.5, 10), st.integers(5, 200))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(PAIRS, PAIRS), min_size=1, max_size=6))
def test_swapping_groups_flips_the_sign(arms) -> None:
    """Two-group measures: experimental and control swapped, yi changes sign, vi stays."""
    e = [a for a, _ in arms]
    c = [b for _, b in arms]
    for measure in ("MD", "SMD", "SMDH", "ROM"):
        args = [[x[0] for x in e], [x[1] for x in e], [x[2] for x in e]]
        other = [[x[0] for x in c], [x[1] for x in c], [x[2] for x in c]]
        one = compute_effects(measure, *args, *other, convention="metafor")
        two = compute_effects(measure, *other, *args, convention="metafor")
        np.testing.assert_allclose(one.yi, -two.yi, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(one.vi, two.vi, rtol=1e-12)
    x1, t1 = [x[2] for x in e], [x[0] for x in e]
    x2, t2 = [x[2] for x in c], [x[0] for x in c]
    one = compute_effects("IRR", x1, t1, x2, t2, convention="metafor")
    two = compute_effects("IRR", x2, t2, x1, t1, convention="metafor")
    np.testing.assert_allclose(one.yi, -two.yi, rtol=1e-12, atol=1e-15)
