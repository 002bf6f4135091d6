"""Meta-regression against metafor's ``rma(yi, vi, mods = ~ ...)`` (``metafor/metareg.json``).

Cases: dat.bcg log RR on absolute latitude for every estimator (FE, DL, REML, ML, PM,
EB, SJ, HE) with Wald z and Knapp-Hartung tests; latitude and year (Viechtbauer 2010's
mixed-effects model); allocation as a factor, without the intercept and with another
reference level; latitude and allocation by ML; dat.molloy2014 Fisher's z on mean age
and a two-level factor (REML, both tests) and on design (DL). Every case checks the
coefficients, their covariance, tests and intervals, tau², I², H², R², QM, QE, fitted
values, hat values, weights and the log-likelihood, and predictions where the call has
``newmods``; each is reached through :func:`sysreview.meta_regression` with the formula
of the R call.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sysreview import meta_regression
from sysreview.effects import generic_effects
from sysreview.meta import MetaRegression
from tests.reference.metafor_cases import Case, as_array, assert_close, params

# Closed forms (FE, DL, HE, SJ) agree to rounding; the iterative estimators (REML, ML,
# PM, EB) are solved to 1e-13 here and to metafor's threshold 1e-12 in the R call.
REL = 1e-9
ABS = 1e-12
# I² is 100 tau2/(tau2 + s²) in percent: where the REML optimum is the boundary tau2 = 0,
# metafor's Fisher scoring stops at tau2 ~ 7e-14 (molloy), an I² of ~1e-9 percent.
I2_ABS = 1e-7


def formula(case: Case) -> str:
    """The R formula in the subset sysreview reads (``relevel(...)`` is part of it)."""
    return str(case.args["mods"]).replace("'", '"')


def fit(case: Case) -> MetaRegression:
    i, a = case.input, case.args
    es = generic_effects(i["yi"], np.sqrt(i["vi"]), studies=i["study"], convention="metafor")
    method = a["method"]
    return meta_regression(
        es,
        formula(case),
        data=i["mods"],
        model="fixed" if method == "FE" else "random",
        tau2_method=None if method == "FE" else method,
        ci_method="hksj" if a["test"] == "knha" else "z",
    )


def _newmods(case: Case) -> Any:
    text = case.args.get("newmods")
    if text is None:
        return None
    if text.startswith("rbind"):
        rows = text[len("rbind(") : -1].split("), c(")
        return [[float(v) for v in r.strip("c()").split(",")] for r in rows]
    return [[float(v)] for v in text.strip("c()").split(",")]


@pytest.mark.parametrize("case", params("metareg.json"))
def test_meta_regression(case: Case) -> None:
    res = fit(case)
    exp = case.expected
    rel = REL

    def close(name: str, ours: Any, key: str | None = None, abs_tol: float = ABS) -> None:
        want = exp[key or name]
        if want is None:  # metafor gives none (e.g. no prediction interval for FE)
            assert np.isnan(np.asarray(ours, dtype=float)).all(), f"{case.name}: {name}"
            return
        assert_close(case, name, ours, as_array(want), rel=rel, abs_tol=abs_tol)

    assert res.k == exp["k"] and len(res.names) == exp["p"]
    assert [i + 1 for i in res.btt] == list(np.atleast_1d(exp["btt"]))
    close("b", res.coef)
    close("se", res.se)
    close("statistic", res.statistic, "tval" if case.args["test"] == "knha" else "zval")
    close("pval", res.p)
    close("ci_lb", res.ci_low)
    close("ci_ub", res.ci_high)
    close("vb", res.vb.ravel())
    close("tau2", res.tau2)
    close("i2", res.i2, abs_tol=I2_ABS)
    close("h2", res.h2)
    close("r2", np.nan if res.r2 is None else res.r2)
    close("qm", res.qm)
    close("qmp", res.qm_p)
    close("qe", res.qe)
    close("qep", res.qe_p)
    close("s2w", res.s2w)
    close("fitted", res.fitted)
    close("hat", res.hat)
    close("weights", res.weights)
    close("ll", res.loglik)
    assert list(res.qm_df) == [None if v is None else int(v) for v in exp["qm_df"]]
    assert (res.df_inference or None) == (None if exp["ddf"] is None else int(exp["ddf"]))
    rows = _newmods(case)
    if rows is not None:
        pred = res.predict(rows)
        for key, ours in (("pred", pred.pred), ("pred_se", pred.se),
                          ("pred_ci_lb", pred.ci_low), ("pred_ci_ub", pred.ci_high),
                          ("pred_pi_lb", pred.pi_low), ("pred_pi_ub", pred.pi_high)):  # fmt: skip
            close(key, ours)


def test_coefficient_names_follow_metafor() -> None:
    """The same coefficients in the same order; factors named ``column[level]``."""
    from tests.reference.metafor_cases import load

    cases = {c.name: c for c in load("metareg.json")}
    res = fit(cases["bcg_alloc_ref_random_reml_z"])
    assert cases["bcg_alloc_ref_random_reml_z"].expected["coef_names"] == [
        "intrcpt",
        'relevel(factor(alloc), ref = "random")alternate',
        'relevel(factor(alloc), ref = "random")systematic',
    ]
    assert res.names == ("intrcpt", "alloc[alternate]", "alloc[systematic]")
