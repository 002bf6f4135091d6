"""Subgroups, leave-one-out and cumulative analyses against metafor.

Reference: tests/reference/metafor/subgroups_sensitivity.json (validation/
metafor_reference.R; R 4.2.2, metafor 3.8-1). The data are dat.bcg log risk ratios,
``dat <- escalc(measure='RR', ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg,
slab=paste(author, year))``; each assertion message repeats the case's R call:

* subgroups: ``fits <- lapply(groups, function(g) rma(yi, vi, data=dat,
  subset=(alloc == g), method=<'FE'|'DL'>))`` and ``Q_between = sum(w*(b - b_fe)^2)``
  with ``w = 1/se^2`` on ``J - 1`` df;
* ``res <- rma(yi, vi, data=dat, method=<'FE'|'DL'>); out <- leave1out(res)``;
* ``res <- rma(yi, vi, data=dat, method=<'FE'|'DL'>); out <- cumul(res)``.

All are closed forms (FE, DL): relative tolerance 1e-9, where floating-point rounding
alone separates the codes (measured: below 2e-13).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sysreview.effects import EffectSizes, dichotomous_effects
from sysreview.meta import MetaAnalysis, meta_analysis
from sysreview.meta.sensitivity import cumulative, leave_one_out

REFERENCE = json.loads(
    (Path(__file__).parent / "metafor" / "subgroups_sensitivity.json").read_text()
)
CASES = {c["name"]: c for c in REFERENCE["cases"]}
CLOSED = 1e-9


def bcg(case: dict[str, Any]) -> EffectSizes:
    data = case["input"]
    es = dichotomous_effects(
        data["ai"],
        data["n1i"],
        data["ci"],
        data["n2i"],
        "RR",
        studies=data["study"],
        convention="metafor",
    )
    assert es.yi == pytest.approx(data["yi"], rel=1e-13)
    return es


def fit(case: dict[str, Any], **options: Any) -> MetaAnalysis:
    model = "fixed" if case["args"]["method"] == "FE" else "random"
    return meta_analysis(bcg(case), method="IV", model=model, tau2_method="DL", **options)


def close(case: dict[str, Any], key: str, actual: Any, expected: Any) -> None:
    tol = pytest.approx(expected, rel=CLOSED, abs=0 if np.all(np.asarray(expected) != 0) else 1e-12)
    assert actual == tol, f"{case['name']}: {key} (R: {case['call']})"


def test_provenance() -> None:
    assert REFERENCE["provenance"]["metafor"] == "3.8-1"


@pytest.mark.parametrize("name", ["bcg_rr_alloc_subgroups_fe", "bcg_rr_alloc_subgroups_dl"])
def test_subgroups(name: str) -> None:
    """Separate fits per dat.bcg ``alloc`` level and the test for subgroup differences."""
    case = CASES[name]
    expected = case["expected"]
    res = fit(case, subgroups=case["input"]["subgroup"])
    assert [s.label for s in res.subgroups] == [g["subgroup"] for g in expected["subgroups"]]
    for sub, want in zip(res.subgroups, expected["subgroups"], strict=True):
        assert (sub.k, sub.df, sub.effects.studies) == (want["k"], want["df"], tuple(want["study"]))
        got = {
            "estimate": sub.estimate,
            "se": sub.se,
            "zval": sub.statistic,
            "pval": sub.p,
            "ci_lb": sub.ci_low,
            "ci_ub": sub.ci_high,
            "tau2": sub.tau2,
            "i2": sub.i2,
            "h2": sub.h2,
            "qe": sub.q,
            "qep": sub.p_q,
            "weights": sub.weights.tolist(),
        }
        for key, value in got.items():
            close(case, f"{want['subgroup']}.{key}", value, want[key])
    test = res.subgroup_test
    assert test is not None and test.df == expected["df_between"]
    close(case, "q_between", test.q, expected["q_between"])
    close(case, "p_between", test.p, expected["p_between"])
    close(case, "i2_between", test.i2, expected["i2_between"])
    if "q_total" in expected:  # FE: Q_between = Q_total - sum of Q_within
        close(case, "q_total", res.q, expected["q_total"])
        close(case, "q_within_sum", sum(s.q for s in res.subgroups), expected["q_within_sum"])


def sequence_values(out: Any) -> dict[str, Any]:
    return {
        "estimate": out.estimate.tolist(),
        "se": out.se.tolist(),
        "zval": [a.statistic for a in out.analyses],
        "pval": out.p.tolist(),
        "ci_lb": out.ci_low.tolist(),
        "ci_ub": out.ci_high.tolist(),
        "qe": out.q.tolist(),
        "qep": [a.p_q for a in out.analyses],
        "tau2": out.tau2.tolist(),
        "i2": out.i2.tolist(),
        "h2": [a.h2 for a in out.analyses],
    }


@pytest.mark.parametrize("name", ["bcg_rr_leave1out_fe", "bcg_rr_leave1out_dl"])
def test_leave1out(name: str) -> None:
    case = CASES[name]
    out = leave_one_out(fit(case))
    assert list(out.studies) == case["expected"]["omitted"]
    for key, value in sequence_values(out).items():
        if key in case["expected"]:  # metafor gives no tau2 for FE fits
            close(case, key, value, case["expected"][key])


@pytest.mark.parametrize("name", ["bcg_rr_cumul_fe", "bcg_rr_cumul_dl"])
def test_cumul(name: str) -> None:
    """cumul in data order.

    The first step pools one study: Q = 0 on 0 df, and metafor reports QEp = 1,
    I² = 0, H² = 1 and tau² = 0 there, as sysreview does.
    """
    case = CASES[name]
    out = cumulative(fit(case))
    assert list(out.studies) == case["expected"]["added"]
    first = out.analyses[0]
    assert (first.p_q, first.i2, first.h2, first.tau2) == (1.0, 0.0, 1.0, 0.0)
    for key, value in sequence_values(out).items():
        if key in case["expected"]:
            close(case, key, value, case["expected"][key])


def test_cumul_ordered_by_year_reml() -> None:
    """Cumulative REML analysis in order of publication year, validated ad hoc with
    R 4.2.2 / metafor 3.8-1 (tight convergence so that REML is the exact root):

    res <- rma(yi, vi, data=dat, method='REML', control=list(threshold=1e-14,
               maxiter=10000)); cu <- cumul(res, order=dat$year)
    """
    case = CASES["bcg_rr_cumul_dl"]
    es = bcg(case)
    years = [int(s[-4:]) for s in es.studies]
    out = cumulative(
        meta_analysis(es, method="IV", tau2_method="REML"), order=np.argsort(years, kind="stable")
    )
    assert out.studies[:4] == (
        "Aronson 1948",
        "Ferguson & Simes 1949",
        "Stein & Aronson 1953",
        "Rosenthal et al 1960",
    )
    estimate = [
        -0.88931133392020523, -1.3250034422448751, -0.97207993181335084, -1.001096174496559,
        -1.1014257852114728, -0.97346389438197489, -0.90125110027262256, -0.78856550371882805,
        -0.86560743878641866, -0.78521036785665765, -0.70820599237061355, -0.79476760451552075,
        -0.71453234215813943,
    ]  # fmt: skip
    tau2 = [
        0.087206792838853173,
        0.076262308869114198,
        0.085755170492160721,
        0.10460418156415806,
        0.12045972185925982,
        0.17802734826681499,
        0.20233508689649349,
        0.20054584581558377,
        0.22809192816856519,
        0.27318292938664834,
        0.31324325813648074,
    ]  # fmt: skip  (steps 3-13; steps 1-2 have tau2 = 0 in metafor)
    assert out.estimate.tolist() == pytest.approx(estimate, rel=1e-9)
    assert out.tau2[2:].tolist() == pytest.approx(tau2, rel=1e-9)
    assert out.tau2[1] == 0.0
