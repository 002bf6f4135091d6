"""Mantel-Haenszel and Peto models against metafor (``metafor/rma_mh_peto.json``).

Cases are ``rma.mh(..., measure=OR|RR|RD)`` and ``rma.peto(...)`` on dat.bcg and on
dat.nielweise2007, which has single-zero studies and one double-zero study. Every
case uses metafor's defaults: add=1/2, to="only0", drop00=c(TRUE, FALSE),
correct=TRUE. So the double-zero study stays in the pooled estimate (k = 18)
but not in Q (k.yi = 17). We fit the same tables with ``convention="metafor"`` and
``model="fixed"``.

sysreview does not compute the Cochran-Mantel-Haenszel, Cochran, Breslow-Day or
Tarone statistics, nor ``k.pos``, so those expected values go unchecked.
"""

from __future__ import annotations

import numpy as np
import pytest

from sysreview.effects import EffectSizes, dichotomous_effects
from sysreview.meta import MetaAnalysis, meta_analysis
from tests.reference.metafor_cases import Case, as_array, assert_close, params

# MH and Peto are closed forms, computed by the same formulas in both programs,
# so they differ only by rounding (seen: <= 1e-13, in p-values near 1e-31).
REL = 1e-9
# For values metafor returns as exactly 0 (tau², a double-zero study's weight).
ABS = 1e-15


def fit(case: Case) -> tuple[EffectSizes, MetaAnalysis]:
    """sysreview's effect sizes and fixed-effect MH/Peto fit for a case."""
    i, a = case.input, case.args
    measure = "PETO_OR" if a["measure"] == "PETO" else a["measure"]
    es = dichotomous_effects(
        i["ai"], i["n1i"], i["ci"], i["n2i"], measure, studies=i["study"], convention="metafor"
    )
    res = meta_analysis(es, method=a["model"], model="fixed", level=a["level"])
    return es, res


@pytest.mark.parametrize("case", params("rma_mh_peto.json"))
def test_pooled(case: Case) -> None:
    """Estimate, SE, z, p, CI (and their exponentials), weights, k."""
    es, res = fit(case)
    exp = case.expected
    ours = {
        "estimate": res.estimate,
        "se": res.se,
        "zval": res.statistic,
        "pval": res.p,
        "ci_lb": res.ci_low,
        "ci_ub": res.ci_high,
        "weights": res.weights,
    }
    if es.log_scale:
        ours |= {
            "exp_estimate": res.display(res.estimate),
            "exp_ci_lb": res.display(res.ci_low),
            "exp_ci_ub": res.display(res.ci_high),
        }
    for key, value in ours.items():
        assert_close(case, key, value, exp[key], rel=REL, abs_tol=ABS)
    assert res.k == exp["k"], f"{case.name}: k\n{case.r_code}"


@pytest.mark.parametrize("case", params("rma_mh_peto.json"))
def test_heterogeneity(case: Case) -> None:
    """Q about the MH/Peto estimate on k.yi - 1 df, its p-value, I², H², tau² = 0."""
    _, res = fit(case)
    exp = case.expected
    ours = {"qe": res.q, "qep": res.p_q, "i2": res.i2, "h2": res.h2, "tau2": res.tau2}
    for key, value in ours.items():
        assert_close(case, key, value, exp[key], rel=REL, abs_tol=ABS)
    assert res.df == exp["k_yi"] - 1, f"{case.name}: df of Q\n{case.r_code}"


@pytest.mark.parametrize("case", params("rma_mh_peto.json"))
def test_study_values(case: Case) -> None:
    """Per-study yi/vi behind Q: escalc's, with only the double-zero studies dropped."""
    es, _ = fit(case)
    exp = case.expected
    dropped = np.isnan(as_array(exp["yi"]))
    tables = es.tables
    assert tables is not None
    double_zero = ((tables.ai == 0) & (tables.ci == 0)) | ((tables.bi == 0) & (tables.di == 0))
    assert (dropped == double_zero).all(), f"{case.name}: drop00 set\n{case.r_code}"
    assert_close(case, "yi", es.yi[~dropped], as_array(exp["yi"])[~dropped], rel=REL, abs_tol=ABS)
    assert_close(case, "vi", es.vi[~dropped], as_array(exp["vi"])[~dropped], rel=REL, abs_tol=ABS)
