"""Unit tests for sysreview.meta.bias (small-study tests) and sysreview.meta.trimfill.

The reference comparisons with metafor live in tests/reference/test_metafor_bias.py;
here the tests are checked against hand computations, against R's ``lm`` for
Harbord's and Peters' tests (metafor has neither, and R package meta is not
installed), against each other, and for invariants.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sysreview.effects import EffectSizes, dichotomous_effects, generic_effects
from sysreview.errors import ConvergenceError, NotEstimableError, TooFewStudiesError
from sysreview.meta import meta_analysis
from sysreview.meta.batch import Batch
from sysreview.meta.bias import (
    REGRESSION_TAU2,
    SmallStudyTest,
    begg_test,
    egger_test,
    harbord_test,
    peters_test,
    regression_fit,
    regression_test,
)
from sysreview.meta.tau2 import estimate_tau2
from sysreview.meta.trimfill import trim_and_fill
from sysreview.vocab import Tau2Method

# dat.bcg (metadat): BCG vaccine trials, tpos/(tpos+tneg) vs cpos/(cpos+cneg).
BCG_AI = [4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27]
BCG_N1 = [123, 306, 231, 13598, 5069, 1541, 2545, 88391, 7499, 1716, 50634, 2498, 16913]
BCG_CI = [11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29]
BCG_N2 = [139, 303, 220, 12867, 5808, 1451, 629, 88391, 7277, 1665, 27338, 2341, 17854]


def bcg(measure: str = "OR") -> EffectSizes:
    return dichotomous_effects(BCG_AI, BCG_N1, BCG_CI, BCG_N2, measure, convention="metafor")


def funnel(k: int = 12, seed: int = 1) -> EffectSizes:
    """An asymmetric funnel: small studies have larger effects."""
    rng = np.random.default_rng(seed)
    se = np.linspace(0.05, 0.6, k)
    return generic_effects(0.2 + 1.5 * se + rng.normal(0, 0.05, k), se, convention="metafor")


yi_values = st.floats(-2, 2, allow_nan=False)
vi_values = st.floats(0.01, 1, allow_nan=False)


@st.composite
def study_sets(
    draw: st.DrawFn, min_k: int = 10, max_k: int = 25
) -> tuple[list[float], list[float]]:
    k = draw(st.integers(min_k, max_k))
    yi = draw(st.lists(yi_values, min_size=k, max_size=k, unique=True))
    vi = draw(st.lists(vi_values, min_size=k, max_size=k, unique=True))
    return yi, vi


# --------------------------------------------------------------------------- refusals

TESTS: dict[str, Callable[..., Any]] = {
    "egger": lambda res, **kw: egger_test(res, **kw),
    "egger_lm": lambda res, **kw: egger_test(res, model="lm", **kw),
    "begg": lambda res, **kw: begg_test(res, **kw),
    "peters": lambda res, **kw: peters_test(res, **kw),
    "harbord": lambda res, **kw: harbord_test(res, **kw),
    "trim_and_fill": lambda res, **kw: trim_and_fill(res, **kw),
}


@pytest.mark.parametrize("name", TESTS)
def test_refuses_fewer_than_ten_studies(name: str) -> None:
    res = meta_analysis(bcg().subset(np.arange(9)), method="IV")
    with pytest.raises(TooFewStudiesError, match=r"at least 10 studies.*k = 9"):
        TESTS[name](res)


@pytest.mark.parametrize("name", TESTS)
def test_min_studies_can_be_lowered(name: str) -> None:
    res = meta_analysis(bcg().subset(np.arange(6)), method="IV")
    out = TESTS[name](res, min_studies=6)
    assert (out.original.k if name == "trim_and_fill" else out.k) == 6


def test_never_fewer_than_three_studies() -> None:
    res = meta_analysis(bcg().subset(np.arange(2)), method="IV")
    with pytest.raises(TooFewStudiesError, match=r"at least 3 studies.*k = 2"):
        egger_test(res, min_studies=1)


def test_not_estimable_studies_are_not_counted() -> None:
    es = generic_effects([0.1] * 9 + [0.2], [0.1 + 0.01 * i for i in range(9)] + [None])
    with pytest.raises(TooFewStudiesError, match="k = 9"):
        egger_test(meta_analysis(es))


# ----------------------------------------------------------------- invalid arguments


def test_invalid_arguments_are_named() -> None:
    res = meta_analysis(bcg(), method="IV")
    with pytest.raises(ValueError, match="Invalid regression model 'glm'"):
        regression_test(res, model="glm")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Invalid predictor 'se'; must be one of sei, vi"):
        regression_test(res, predictor="se")
    with pytest.raises(ValueError, match="Invalid weights 'n'"):
        peters_test(res, weights="n")  # type: ignore[arg-type]


def test_sample_size_predictors_need_group_sizes() -> None:
    res = meta_analysis(funnel())
    with pytest.raises(ValueError, match="sample size"):
        regression_test(res, predictor="ninv")
    with pytest.raises(ValueError, match="sample size"):
        peters_test(res)


def test_binary_tests_need_tables() -> None:
    es = generic_effects(bcg().yi, bcg().sei, log_scale=True)
    with pytest.raises(ValueError, match="2x2 tables"):
        harbord_test(es)
    es_n = EffectSizes(
        es.measure,
        es.convention,
        es.studies,
        es.yi,
        es.vi,
        es.reasons,
        n1i=bcg().n1i,
        n2i=bcg().n2i,
    )
    with pytest.raises(ValueError, match="Peters' weights need 2x2 tables"):
        peters_test(es_n)
    assert peters_test(es_n, weights="inverse-variance").k == 13


def test_degenerate_precision_is_refused() -> None:
    es = generic_effects(np.linspace(0, 1, 10), [0.2] * 10)
    with pytest.raises(ValueError, match="same in every study"):
        egger_test(meta_analysis(es))
    with pytest.raises(ValueError, match="all vi are equal"):
        begg_test(meta_analysis(es))


# ------------------------------------------------------------ hand computations


def test_egger_lm_is_the_classical_egger_regression() -> None:
    """Egger et al. (1997): OLS of yi/sei on 1/sei; the intercept measures asymmetry."""
    es = funnel()
    test = egger_test(meta_analysis(es, model="fixed"), model="lm")
    classic = stats.linregress(1 / es.sei, es.yi / es.sei)
    assert test.slope == pytest.approx(classic.intercept, rel=1e-12)
    assert test.slope_se == pytest.approx(classic.intercept_stderr, rel=1e-12)
    assert test.intercept == pytest.approx(classic.slope, rel=1e-12)
    t = classic.intercept / classic.intercept_stderr
    assert test.statistic == pytest.approx(t, rel=1e-12)
    assert test.p == pytest.approx(2 * stats.t.sf(abs(t), es.k - 2), rel=1e-10)
    assert (test.df, test.tested, test.statistic_name) == (es.k - 2, "slope", "t")


def test_egger_rma_fixed_is_weighted_least_squares_with_known_variances() -> None:
    es = funnel()
    test = egger_test(meta_analysis(es, model="fixed"))
    x = np.column_stack([np.ones(es.k), es.sei])
    w = 1 / es.vi
    cov = np.linalg.inv(x.T @ (w[:, None] * x))
    coef = cov @ x.T @ (w * es.yi)
    assert [test.intercept, test.slope] == pytest.approx(coef.tolist(), rel=1e-12)
    assert [test.intercept_se, test.slope_se] == pytest.approx(
        np.sqrt(np.diag(cov)).tolist(), rel=1e-12
    )
    assert test.p == pytest.approx(2 * stats.norm.sf(abs(coef[1] / np.sqrt(cov[1, 1]))), rel=1e-10)
    assert test.df is None and test.tau2 == 0.0
    low = (test.limit_ci or (np.nan, np.nan))[0]
    assert low == pytest.approx(coef[0] - 1.959963984540054 * np.sqrt(cov[0, 0]), rel=1e-12)


def test_harbord_matches_r_lm() -> None:
    """Harbord et al. (2006) on dat.bcg, validated with base R 4.2.2:

    a, b, c, d <- as.numeric(tpos, tneg, cpos, cneg); n1 <- a+b; n2 <- c+d; N <- n1+n2
    Z <- a - n1*(a+c)/N; V <- n1*n2*(a+c)*(b+d)/(N^2*(N-1))
    summary(lm(I(Z/sqrt(V)) ~ sqrt(V)))$coefficients   # intercept row tested
    """
    test = harbord_test(bcg())
    expected = {
        "intercept": -2.092991540794237,
        "intercept_se": 1.6657654417806171,
        "slope": -0.23084262324944066,
        "slope_se": 0.24419854927003673,
        "statistic": -1.2564743440450639,
        "p": 0.23497195212206576,
    }
    for name, value in expected.items():
        assert getattr(test, name) == pytest.approx(value, rel=1e-12), name
    assert (test.df, test.tested, test.k) == (11, "intercept", 13)


def test_harbord_by_hand_and_from_an_analysis() -> None:
    a, n1, c, n2 = (np.array(v, dtype=float) for v in (BCG_AI, BCG_N1, BCG_CI, BCG_N2))
    n = n1 + n2
    z = a - n1 * (a + c) / n
    v = n1 * n2 * (a + c) * (n - a - c) / (n**2 * (n - 1))
    fit = stats.linregress(np.sqrt(v), z / np.sqrt(v))
    test = harbord_test(meta_analysis(bcg()))
    assert test.intercept == pytest.approx(fit.intercept, rel=1e-12)
    assert test.intercept_se == pytest.approx(fit.intercept_stderr, rel=1e-12)


def test_harbord_leaves_out_studies_without_information() -> None:
    ai, ci = [*BCG_AI, 0], [*BCG_CI, 0]
    es = dichotomous_effects(ai, [*BCG_N1, 50], ci, [*BCG_N2, 50], "OR", convention="metafor")
    assert harbord_test(es).statistic == pytest.approx(harbord_test(bcg()).statistic, rel=1e-12)


def test_peters_matches_r_lm() -> None:
    """Peters et al. (2006) on dat.bcg log OR, validated with R 4.2.2:

    N <- n1 + n2; w <- 1/(1/(a+c) + 1/(b+d))
    summary(lm(yi ~ I(1/N), weights = w))$coefficients   # 1/N row tested
    (yi from metafor's escalc(measure='OR'); the same as meta::metabias 'peters').
    """
    test = peters_test(meta_analysis(bcg()))
    expected = {
        "intercept": -0.4293084258019742,
        "intercept_se": 0.17162283028052111,
        "slope": -563.6882039133435,
        "slope_se": 413.72334002077565,
        "statistic": -1.3624761993970105,
        "p": 0.20029179228413549,
    }
    for name, value in expected.items():
        assert getattr(test, name) == pytest.approx(value, rel=1e-12), name
    assert (test.df, test.tested, test.predictor) == (11, "slope", "ninv")


def test_peters_inverse_variance_is_regtest_lm_ninv() -> None:
    res = meta_analysis(bcg(), method="IV")
    a = peters_test(res, weights="inverse-variance")
    b = regression_test(res, model="lm", predictor="ninv")
    assert (a.statistic, a.p, a.intercept) == pytest.approx(
        (b.statistic, b.p, b.intercept), rel=1e-14
    )


def test_begg_with_ties_matches_metafor_normal_approximation() -> None:
    """R 4.2.2, metafor 3.8-1: ranktest(yi, vi) with tied vi (cor.test warns and
    falls back to the tie-corrected normal approximation):

    yi <- c(0.10, 0.30, -0.20, 0.50, 0.25, 0.05, 0.40, -0.10, 0.35, 0.15, 0.60, 0.20)
    vi <- c(0.04, 0.04, 0.09, 0.01, 0.04, 0.09, 0.02, 0.16, 0.02, 0.09, 0.01, 0.04)
    """
    yi = [0.10, 0.30, -0.20, 0.50, 0.25, 0.05, 0.40, -0.10, 0.35, 0.15, 0.60, 0.20]
    vi = np.array([0.04, 0.04, 0.09, 0.01, 0.04, 0.09, 0.02, 0.16, 0.02, 0.09, 0.01, 0.04])
    test = begg_test(generic_effects(yi, np.sqrt(vi)))
    assert test.statistic == pytest.approx(-0.74689439659795387, rel=1e-12)
    assert test.p == pytest.approx(0.0013967480890075086, rel=1e-10)
    assert test.exact is False and test.statistic_name == "tau"


def test_begg_without_ties_is_exact_kendall() -> None:
    es = funnel()
    w = 1 / es.vi
    theta = (w * es.yi).sum() / w.sum()
    expected = stats.kendalltau(
        (es.yi - theta) / np.sqrt(es.vi - 1 / w.sum()), es.vi, method="exact"
    )
    test = begg_test(meta_analysis(es, tau2_method="REML"))
    assert (test.statistic, test.p) == pytest.approx(
        (expected.statistic, expected.pvalue), rel=1e-14
    )
    assert test.exact is True


# ---------------------------------------------------------------------- invariants


@settings(max_examples=40, deadline=None)
@given(study_sets(min_k=3, max_k=15), st.sampled_from(list(Tau2Method)))
def test_intercept_only_regression_tau2_equals_pooling_tau2(
    data: tuple[list[float], list[float]], method: Tau2Method
) -> None:
    y, v = np.array(data[0]), np.array(data[1])
    ours = REGRESSION_TAU2[method](y, v, np.ones((y.size, 1)))
    pooled = float(estimate_tau2(Batch.from_lists([y], [v]), method).tau2[0])
    assert ours == pytest.approx(pooled, rel=1e-8, abs=1e-12)


def test_meta_regression_with_a_fixed_tau2() -> None:
    es = funnel()
    x = np.column_stack([np.ones(es.k), es.sei])
    fit = regression_fit(es.yi, es.vi, x, tau2_method=Tau2Method.REML, tau2=0.0)
    assert fit.tau2 == 0.0
    assert fit.coef.tolist() == pytest.approx(
        regression_fit(es.yi, es.vi, x, tau2_method=None).coef.tolist()
    )


@settings(max_examples=40, deadline=None)
@given(study_sets(), st.sampled_from(["DL", "REML"]), st.randoms(use_true_random=False))
def test_tests_do_not_depend_on_study_order(
    data: tuple[list[float], list[float]], method: str, rnd: Any
) -> None:
    yi, vi = data
    perm = list(range(len(yi)))
    rnd.shuffle(perm)
    a = meta_analysis(generic_effects(yi, np.sqrt(vi)), tau2_method=method)
    b = meta_analysis(
        generic_effects([yi[i] for i in perm], np.sqrt([vi[i] for i in perm])), tau2_method=method
    )
    y, v = np.array(yi), np.array(vi)
    theta = (y / v).sum() / (1 / v).sum()
    gaps = np.diff(np.sort((y - theta) / np.sqrt(v - 1 / (1 / v).sum())))
    # A rank test is not continuous in the data: near-ties (closer than rounding
    # error) may be ties in one order and not in another, so Begg's test is only
    # compared where the standardised effects are well separated.
    tests = (egger_test, begg_test) if gaps.min() > 1e-9 else (egger_test,)
    for fn in tests:
        ta, tb = fn(a), fn(b)
        assert tb.statistic == pytest.approx(ta.statistic, rel=1e-7, abs=1e-9)
        assert tb.p == pytest.approx(ta.p, rel=1e-7, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(study_sets(), st.sampled_from(["fixed", "random"]))
def test_flipping_the_sign_of_every_effect_flips_egger(
    data: tuple[list[float], list[float]], model: str
) -> None:
    yi, vi = data
    a = egger_test(meta_analysis(generic_effects(yi, np.sqrt(vi)), model=model))
    b = egger_test(meta_analysis(generic_effects([-y for y in yi], np.sqrt(vi)), model=model))
    assert b.slope == pytest.approx(-(a.slope or 0), rel=1e-9, abs=1e-12)
    assert b.intercept == pytest.approx(-(a.intercept or 0), rel=1e-9, abs=1e-12)
    assert b.p == pytest.approx(a.p, rel=1e-9)


# ------------------------------------------------------------------- presentation


def test_small_study_test_frame_and_summary() -> None:
    test = egger_test(meta_analysis(bcg("RR"), method="IV", tau2_method="DL"))
    frame = test.to_frame()
    assert len(frame) == 1
    assert {"test", "statistic", "p", "slope", "limit_ci_low", "statistic_name"} <= set(
        frame.columns
    )
    text = test.summary()
    assert "Egger's test" in text and "residual tau²" in text and "limit estimate" in text
    assert "Kendall's tau" in begg_test(bcg()).summary()
    assert isinstance(test, SmallStudyTest)


# --------------------------------------------------------------------- trim and fill


def test_trim_and_fill_needs_inverse_variance() -> None:
    with pytest.raises(NotEstimableError, match="inverse-variance analysis, not MH"):
        trim_and_fill(meta_analysis(bcg(), method="MH", tau2_method="DL"))


def test_trim_and_fill_rejects_bad_options() -> None:
    res = meta_analysis(bcg(), method="IV")
    with pytest.raises(ValueError, match="Invalid estimator 'L1'; must be one of L0, R0, Q0"):
        trim_and_fill(res, estimator="L1")
    with pytest.raises(ValueError, match="Invalid side 'up'"):
        trim_and_fill(res, side="up")  # type: ignore[arg-type]
    with pytest.raises(ConvergenceError, match="did not converge"):
        trim_and_fill(res, max_iter=0)


def test_trim_and_fill_mirrors_the_trimmed_studies() -> None:
    es = funnel(15)
    res = meta_analysis(es, model="fixed")
    tf = trim_and_fill(res)
    assert tf.side == "left" and tf.k0 > 0
    assert tf.result.k == es.k + tf.k0
    assert tf.result.effects.studies[-tf.k0 :] == tuple(f"Filled {i + 1}" for i in range(tf.k0))
    mirrored = [es.studies.index(s) for s in tf.filled_from]
    assert np.allclose(tf.filled_vi, es.vi[mirrored])
    # the mirror is the trimmed estimate: pooling the k - k0 smallest studies
    keep = np.argsort(es.yi)[: es.k - tf.k0]
    mu = meta_analysis(es.subset(keep), model="fixed").estimate
    assert np.allclose(tf.filled_yi, 2 * mu - es.yi[mirrored], rtol=1e-12)
    assert tf.result.estimate < res.estimate
    frame = tf.to_frame()
    assert len(frame) == es.k + tf.k0 + 2
    assert frame["row"].tolist()[-2:] == ["observed", "adjusted"]
    assert f"k0 = {tf.k0}" in tf.summary()


def test_trim_and_fill_without_missing_studies_returns_the_analysis() -> None:
    y = np.array([-0.5, -0.3, -0.1, 0.0, 0.05, 0.1, 0.3, 0.5, -0.05, 0.02])
    res = meta_analysis(generic_effects(y, np.full(10, 0.2) + np.arange(10) * 0.001), model="fixed")
    tf = trim_and_fill(res, estimator="R0")
    assert tf.k0 == 0 and tf.result is res and tf.p_k0 == 0.5
    assert tf.filled_yi.size == 0


@settings(max_examples=30, deadline=None)
@given(study_sets(), st.sampled_from(["L0", "R0"]), st.sampled_from(["fixed", "random"]))
def test_trim_and_fill_is_symmetric_under_sign_flip(
    data: tuple[list[float], list[float]], estimator: str, model: str
) -> None:
    yi, vi = data
    a = trim_and_fill(
        meta_analysis(generic_effects(yi, np.sqrt(vi)), model=model), estimator=estimator
    )
    b = trim_and_fill(
        meta_analysis(generic_effects([-y for y in yi], np.sqrt(vi)), model=model),
        estimator=estimator,
    )
    assert a.side != b.side
    assert a.k0 == b.k0
    assert b.result.estimate == pytest.approx(-a.result.estimate, rel=1e-9, abs=1e-12)


def test_trim_and_fill_that_cannot_estimate_says_why() -> None:
    """Where metafor's trimfill stops with "missing value where TRUE/FALSE needed"."""
    yi = [0.9, 0.7, 0.5, 0.6, 0.4, 0.3, 0.35, 0.2, 0.25, 0.2]
    same_se = meta_analysis(generic_effects(yi, [0.2] * 10), model="fixed")
    with pytest.raises(NotEstimableError, match="every study has the same standard error"):
        trim_and_fill(same_se)
    assert trim_and_fill(same_se, side="left").side == "left"  # the side given: it runs
    vi = [0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1]
    res = meta_analysis(generic_effects(yi, vi), model="fixed")
    with pytest.raises(NotEstimableError, match=r"Q0 estimator is undefined .*k = 10"):
        trim_and_fill(res, estimator="Q0")
    assert trim_and_fill(res, estimator="L0").k0 == 5
