"""Inverse-variance models against metafor's ``rma.uni`` (``metafor/rma_uni.json``).

48 cases: {dat.bcg log RR, dat.normand1999 SMD, dat.hackshaw1998 log OR} x
{FE, DL, REML, ML, PM, EB, SJ, HE} x {test="z", test="knha"}. Each case's ``call``
is the exact ``rma(...)`` call; ``predict(res)`` gives the prediction interval and
``confint(res, ...)`` (in the call) the Q-profile intervals. We fit the same
``yi``/``vi`` with ``convention="metafor"``. FE maps to ``model="fixed"``, every
other method to ``model="random"`` with that tau² estimator. knha maps to
``ci_method="hksj"``.

We do not compare metafor's ``iterations``. metafor counts Fisher-scoring steps to
its own stopping threshold, while sysreview solves by safeguarded Newton, so the
counts differ by design. We check only that both converged.
"""

from __future__ import annotations

import numpy as np
import pytest

from sysreview.effects import generic_effects
from sysreview.meta import MetaAnalysis, meta_analysis
from tests.reference.metafor_cases import Case, assert_close, params

# Closed forms (FE, DL, HE, SJ and everything downstream of their tau²): the same
# formulas in both programs, so they differ only by rounding (seen: <= 2e-14).
REL_CLOSED = 1e-9
# Iterative tau² (REML, ML, PM, EB) and the Q-profile limits are roots found to a
# tolerance. The pinned calls tighten metafor's stopping rules to 1e-12 (its defaults
# of threshold=1e-5 and uniroot tol=1.2e-4 leave hackshaw's PM tau² 1.7e-3 from its
# root). Both programs then agree to <= 5e-11 (EB). 1e-6 leaves room for a different
# root finder, not for a different root.
REL_ITERATIVE = 1e-6
# For values metafor returns as exactly 0 (tau² of FE and of truncated HE, lower
# Q-profile limits of 0) or exactly 1 (H² limit), where we may differ by rounding.
ABS = 1e-12

ITERATIVE = {"REML", "ML", "PM", "EB"}

CASES = params("rma_uni.json")
# metafor gives no Q-profile CI for FE models, and RevMan no prediction interval.
RANDOM_CASES = [p for p in CASES if p.values[0].args["method"] != "FE"]


def rel_for(case: Case) -> float:
    """The relative tolerance for the model's own estimates."""
    return REL_ITERATIVE if case.args["method"] in ITERATIVE else REL_CLOSED


def fit(case: Case, convention: str = "metafor") -> MetaAnalysis:
    """sysreview's fit of the case's ``rma()`` call."""
    i, a = case.input, case.args
    es = generic_effects(i["yi"], np.sqrt(i["vi"]), studies=i["study"], convention=convention)
    fixed = a["method"] == "FE"
    return meta_analysis(
        es,
        method="IV",
        model="fixed" if fixed else "random",
        tau2_method="DL" if fixed else a["method"],
        ci_method="hksj" if a["test"] == "knha" else "z",
        level=a["level"],
    )


@pytest.mark.parametrize("case", CASES)
def test_rma_model(case: Case) -> None:
    """Estimate, SE, z/t, p, CI, weights and prediction interval."""
    res, exp, rel = fit(case), case.expected, rel_for(case)
    stat = "tval" if case.args["test"] == "knha" else "zval"
    ours = {
        "estimate": res.estimate,
        "se": res.se,
        stat: res.statistic,
        "pval": res.p,
        "ci_lb": res.ci_low,
        "ci_ub": res.ci_high,
        "weights": res.weights,
        "pred": res.estimate,
        # metafor's predict(): z quantile, or t(k-1) under knha; none for FE (null).
        "pi_lb": res.pi_low,
        "pi_ub": res.pi_high,
    }
    for key, value in ours.items():
        assert_close(case, key, value, exp[key], rel=rel, abs_tol=ABS)
    assert res.k == exp["k"], f"{case.name}: k\n{case.r_code}"
    ddf = np.nan if res.df_inference is None else res.df_inference
    assert_close(case, "ddf", ddf, exp["ddf"], rel=0, abs_tol=0)
    assert res.converged is exp["converged"], f"{case.name}: converged\n{case.r_code}"


@pytest.mark.parametrize("case", CASES)
def test_rma_heterogeneity(case: Case) -> None:
    """tau², Q, its p-value and df, I² and H² (metafor: from tau² via s² when random)."""
    res, exp, rel = fit(case), case.expected, rel_for(case)
    ours = {"tau2": res.tau2, "qe": res.q, "qep": res.p_q, "i2": res.i2, "h2": res.h2}
    for key, value in ours.items():
        assert_close(case, key, value, exp[key], rel=rel, abs_tol=ABS)
    assert res.df == exp["df"], f"{case.name}: df\n{case.r_code}"


@pytest.mark.parametrize("case", RANDOM_CASES)
def test_rma_q_profile(case: Case) -> None:
    """Q-profile CIs of tau², I² and H² (Viechtbauer 2007) from ``confint()``."""
    res, exp = fit(case), case.expected
    pairs = {"tau2": res.tau2_ci, "i2": res.i2_ci, "h2": res.h2_ci}
    for name, (low, high) in pairs.items():
        assert_close(
            case, f"{name}_ci_lb", low, exp[f"{name}_ci_lb"], rel=REL_ITERATIVE, abs_tol=ABS
        )
        assert_close(
            case, f"{name}_ci_ub", high, exp[f"{name}_ci_ub"], rel=REL_ITERATIVE, abs_tol=ABS
        )


@pytest.mark.parametrize("case", RANDOM_CASES)
def test_higgins_prediction_interval_is_revmans(case: Case) -> None:
    """RevMan's PI, ``b ± t(k-2) sqrt(tau² + se²)`` (Higgins et al. 2009), as computed in R.

    The reference computes ``pi_lb_t_km2``/``pi_ub_t_km2`` in R from metafor's
    ``b``, ``tau2`` and ``se`` (knha's SE under test="knha"). sysreview gives this
    interval under ``convention="revman"`` for random-effects models (RevMan gives
    none for a fixed-effect model, so the FE cases are not parametrised here).
    """
    res, exp, rel = fit(case, convention="revman"), case.expected, rel_for(case)
    assert_close(case, "pi_lb_t_km2", res.pi_low, exp["pi_lb_t_km2"], rel=rel, abs_tol=ABS)
    assert_close(case, "pi_ub_t_km2", res.pi_high, exp["pi_ub_t_km2"], rel=rel, abs_tol=ABS)
