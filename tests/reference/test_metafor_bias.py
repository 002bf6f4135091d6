"""Small-study tests and trim and fill against metafor (tests/reference/metafor/bias.json).

The JSON was written by validation/metafor_reference.R with R 4.2.2 and metafor
3.8-1; every case holds its exact R ``setup`` and ``call``, which each assertion
message repeats. The calls are, per test below:

* regtest: ``res <- rma(yi, vi, data=dat, method=<FE|DL|REML>); rt <- regtest(res)``,
  and on the FE fit ``regtest(res, predictor=<vi|ni|ninv|sqrtni|sqrtninv>)`` and
  ``regtest(res, model='lm', predictor=...)``;
* ranktest: ``res <- rma(yi, vi, data=dat, method=...); rk <- ranktest(res)``;
* trimfill: ``res <- rma(yi, vi, data=dat, method=<FE|DL>); tf <- trimfill(res,
  estimator=<'L0'|'R0'>)``.

Tolerances: relative 1e-9 for the closed forms (FE, DL, rank correlation, trim and
fill on FE/DL fits): only floating-point rounding separates the two codes (measured:
below 2e-13). REML is discussed at :func:`test_regtest_reml`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sysreview.effects import EffectSizes, dichotomous_effects, generic_effects
from sysreview.meta import MetaAnalysis, meta_analysis
from sysreview.meta.bias import begg_test, peters_test, regression_test
from sysreview.meta.trimfill import trim_and_fill

REFERENCE = json.loads((Path(__file__).parent / "metafor" / "bias.json").read_text())
CASES: list[dict[str, Any]] = REFERENCE["cases"]
# Closed forms (FE, DL, OLS, Kendall's tau) differ only by floating-point rounding.
CLOSED = 1e-9
# REML is solved iteratively on both sides (metafor to threshold 1e-12 on tau²).
ITERATIVE = 1e-6


def cases(test: str, *methods: str) -> list[Any]:
    chosen = [c for c in CASES if c["args"]["test"] == test and c["args"]["fit_method"] in methods]
    return [pytest.param(c, id=c["name"]) for c in chosen]


def effects_of(case: dict[str, Any]) -> EffectSizes:
    """The case's effect sizes, computed by sysreview with metafor's conventions."""
    data = case["input"]
    if "ai" in data:  # dat.bcg: escalc(measure='RR', ai=tpos, bi=tneg, ci=cpos, di=cneg)
        es = dichotomous_effects(
            data["ai"],
            data["n1i"],
            data["ci"],
            data["n2i"],
            "RR",
            studies=data["study"],
            convention="metafor",
        )
        assert (es.n1i + es.n2i).tolist() == data["ni"]
    else:  # dat.hackshaw1998: log OR yi/vi as shipped
        es = generic_effects(
            data["yi"],
            np.sqrt(data["vi"]),
            log_scale=True,
            studies=data["study"],
            convention="metafor",
        )
    assert es.yi == pytest.approx(data["yi"], rel=1e-13)
    assert es.vi == pytest.approx(data["vi"], rel=1e-13)
    return es


def fit(case: dict[str, Any]) -> MetaAnalysis:
    method = case["args"]["fit_method"]
    model = "fixed" if method == "FE" else "random"
    return meta_analysis(
        effects_of(case), method="IV", model=model, tau2_method="DL" if method == "FE" else method
    )


def check(case: dict[str, Any], actual: dict[str, Any], rel: float) -> None:
    """Compare named values with the case's expected ones (absolute 1e-12 where 0)."""
    expected = case["expected"]
    for key, value in actual.items():
        want = expected[key]
        tol = pytest.approx(want, rel=rel, abs=0 if np.all(np.asarray(want) != 0) else 1e-12)
        assert value == tol, f"{case['name']}: {key} (R: {case['call']})"


def regtest_values(test: Any, case: dict[str, Any]) -> dict[str, Any]:
    values = {
        "intercept": test.intercept,
        "intercept_se": test.intercept_se,
        "slope": test.slope,
        "slope_se": test.slope_se,
        "zval" if case["args"]["model"] == "rma" else "tval": test.statistic,
        "pval": test.p,
    }
    if case["args"]["model"] == "rma":
        values["fit_tau2"] = test.tau2
    if case["expected"]["limit_estimate"] is not None:
        values["limit_estimate"] = test.intercept
        values["limit_ci_lb"], values["limit_ci_ub"] = test.limit_ci
    else:
        assert test.limit_ci is None
    return values


def test_provenance() -> None:
    assert REFERENCE["provenance"]["metafor"] == "3.8-1"
    assert REFERENCE["provenance"]["R"].startswith("R version 4.2.2")


@pytest.mark.parametrize("case", cases("regtest", "FE", "DL"))
def test_regtest_closed_forms(case: dict[str, Any]) -> None:
    """regtest on FE and DL fits, every model and predictor in the file."""
    args = case["args"]
    test = regression_test(fit(case), model=args["model"], predictor=args["predictor"])
    assert test.df == case["expected"]["ddf"]
    assert test.tested == "slope" and test.predictor == args["predictor"]
    check(case, regtest_values(test, case), CLOSED)


@pytest.mark.parametrize("case", cases("regtest", "REML"))
def test_regtest_reml(case: dict[str, Any]) -> None:
    """regtest on REML fits, as in the case's call:
    ``res <- rma(yi, vi, data=dat, method='REML', control=list(threshold=1e-12));
    rt <- regtest(res)`` (regtest passes the model's control on to its meta-regression).

    metafor's default threshold (1e-5 on the change in tau²) stops short of the root
    of the REML equation by up to 6e-5 relative; the reference is therefore generated
    with a tight threshold, and compared at the tolerance for iterative estimators.
    """
    test = regression_test(fit(case))
    assert test.tau2 == pytest.approx(case["expected"]["fit_tau2"], rel=ITERATIVE)
    check(case, regtest_values(test, case), ITERATIVE)


@pytest.mark.parametrize("case", cases("ranktest", "FE", "DL", "REML"))
def test_ranktest(case: dict[str, Any]) -> None:
    """ranktest (exact p-value: no ties in these data); FE weights whatever the fit."""
    test = begg_test(fit(case))
    assert test.exact is True
    check(case, {"kendall_tau": test.statistic, "pval": test.p}, CLOSED)


def test_peters_inverse_variance_is_regtest_lm_ninv() -> None:
    """``res <- rma(yi, vi, data=dat, method='FE'); regtest(res, model='lm', predictor='ninv')``."""
    case = next(c for c in CASES if c["name"] == "bcg_rr_fe_regtest_lm_ninv")
    test = peters_test(fit(case), weights="inverse-variance")
    check(case, regtest_values(test, case), CLOSED)


@pytest.mark.parametrize("case", cases("trimfill", "FE", "DL"))
def test_trimfill(case: dict[str, Any]) -> None:
    """trimfill with the default side (from the sign of Egger's slope) and maxiter."""
    res = fit(case)
    tf = trim_and_fill(res, estimator=case["args"]["estimator"])
    expected = case["expected"]
    assert (tf.k0, tf.side, tf.result.k) == (expected["k0"], expected["side"], expected["k"])
    assert tf.p_k0 == expected["p_k0"]
    out = tf.result
    assert [s.startswith("Filled") for s in out.effects.studies] == expected["fill"]
    values = {
        "se_k0": tf.se_k0,
        "estimate": out.estimate,
        "se": out.se,
        "zval": out.statistic,
        "pval": out.p,
        "ci_lb": out.ci_low,
        "ci_ub": out.ci_high,
        "tau2": out.tau2 if case["args"]["fit_method"] == "DL" else 0.0,
        "i2": out.i2,
        "h2": out.h2,
        "qe": out.q,
        "qep": out.p_q,
        "yi": out.effects.yi.tolist(),
        "vi": out.effects.vi.tolist(),
    }
    check(case, values, CLOSED)
    if tf.k0 == 0:
        assert out is res
