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
from sysreview.meta.bias import begg_test, meta_regression, peters_test, regression_test
from sysreview.meta.trimfill import trim_and_fill

REFERENCE = json.loads((Path(__file__).parent / "metafor" / "bias.json").read_text())
CASES: list[dict[str, Any]] = REFERENCE["cases"]
CLOSED = 1e-9


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


def _metafor_fisher_scoring(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """metafor 3.8-1's REML Fisher scoring for ``rma.uni(mods=...)``, step for step.

    Start at the HE estimate; ``tau2 += (y'PPy - tr(P)) / tr(PP)`` (steps halved
    while they would make tau2 negative) until the change is below
    ``control$threshold = 1e-5``.
    """
    k, p = x.shape
    p0 = np.eye(k) - x @ np.linalg.solve(x.T @ x, x.T)
    tau2 = max(0.0, float((y @ p0 @ y - np.trace(p0 * v)) / (k - p)))
    change = 1 + 1e-5
    while change > 1e-5:
        w = 1 / (v + tau2)
        wx = x * w[:, None]
        pm = np.diag(w) - wx @ np.linalg.solve(x.T @ wx, wx.T)
        step = float((y @ pm @ pm @ y - np.trace(pm)) / np.trace(pm @ pm))
        while tau2 + step < 0:
            step /= 2
        change, tau2 = abs(step), tau2 + step
    return tau2


# Exact REML roots: the same calls with control=list(threshold=1e-14, maxiter=10000),
# i.e. res <- rma(yi, vi, data=dat, method='REML', control=...); rt <- regtest(res)
# (regtest passes the model's control on), run ad hoc with R 4.2.2 / metafor 3.8-1.
REML_EXACT = {
    "hackshaw_or_reml_regtest_rma_sei": {
        "intercept": 0.021610505216947636,
        "slope": 0.84468204255432222,
        "intercept_se": 0.10155970567162728,
        "slope_se": 0.40118128021566918,
        "zval": 2.1054871805091042,
        "pval": 0.035248922062720123,
        "fit_tau2": 0.015218653044823973,
    },
    "bcg_rr_reml_regtest_rma_sei": {
        "intercept": -0.51043187410302771,
        "slope": -0.76324004060431017,
        "intercept_se": 0.31010371603758807,
        "slope_se": 0.95009623348515682,
        "zval": -0.80332919309087458,
        "pval": 0.42178448885527819,
        "fit_tau2": 0.30824911110684566,
    },
}


@pytest.mark.parametrize("case", cases("regtest", "REML"))
def test_regtest_reml(case: dict[str, Any]) -> None:
    """regtest on REML fits: ``res <- rma(yi, vi, data=dat, method='REML'); regtest(res)``.

    metafor stops its Fisher scoring once tau² changes by less than 1e-5, so its
    residual tau² is that far from the root of the REML equation; sysreview solves
    to 1e-13. On hackshaw this moves tau² by 6.0e-5 relative (9e-7 absolute) and
    the p-value by 4.9e-5; on bcg by 1.8e-7. Rather than loosen the tolerance, the
    test pins both halves at 1e-9: (1) replaying metafor's iteration reproduces the
    JSON's tau², and with that tau² fixed our meta-regression reproduces every
    other JSON number; (2) our estimate equals metafor's own with the iteration run
    to convergence (``REML_EXACT``).
    """
    es = effects_of(case)
    x = np.column_stack([np.ones(es.k), es.sei])
    tau2 = _metafor_fisher_scoring(es.yi, es.vi, x)
    assert tau2 == pytest.approx(case["expected"]["fit_tau2"], rel=CLOSED)
    replay = meta_regression(es.yi, es.vi, x, tau2_method=None, tau2=tau2)
    check(
        case,
        {
            "intercept": replay.coef[0],
            "slope": replay.coef[1],
            "intercept_se": replay.se[0],
            "slope_se": replay.se[1],
            "zval": replay.statistic[1],
            "pval": replay.p[1],
        },
        CLOSED,
    )
    test = regression_test(fit(case))
    values = regtest_values(test, case)
    for key, want in REML_EXACT[case["name"]].items():
        assert values[key] == pytest.approx(want, rel=CLOSED), key


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
