"""The newer measures pooled and read back, against metafor (``metafor/measures_pooled.json``).

Each case is ``escalc`` of one measure on its classic dataset, ``rma(yi, vi,
method = DL | REML)`` and ``predict(res, transf = ...)``: ROM (exp) and SMDH on
dat.normand1999, PR, PLO (inverse logit) and PFT (Miller's inverse with the harmonic
mean of the sample sizes) on dat.pritz1997, ZCOR (tanh) on dat.molloy2014 and IRR
(exp) on dat.hart1999. Each study is read back too (PFT with its own sample size).

Two ways in, both from the raw data under metafor's column names: the library
(:func:`sysreview.escalc` then :func:`sysreview.meta_analysis`) and the command
(``sysreview pool data.csv --measure X --convention metafor --tau2 ... --format json``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from sysreview import escalc, meta_analysis
from sysreview.cli import app
from sysreview.effects.registry import MEASURES
from sysreview.meta import MetaAnalysis
from sysreview.vocab import Measure
from tests.reference.metafor_cases import Case, as_array, assert_close, params

# Closed-form effect sizes and DL; REML solved to 1e-13 (metafor: threshold 1e-12).
REL = 1e-9
ABS = 1e-12


def _raw(case: Case) -> dict[str, Any]:
    spec = MEASURES[Measure.parse(case.args["measure"])]
    return {"study": case.input["study"], **{a: case.input[a] for a in spec.family.args}}


def pooled(case: Case) -> MetaAnalysis:
    spec = MEASURES[Measure.parse(case.args["measure"])]
    es = escalc(spec.measure, _raw(case), slab="study", **{a: a for a in spec.family.args})
    return meta_analysis(es, tau2_method=case.args["method"])


@pytest.mark.parametrize("case", params("measures_pooled.json"))
def test_library(case: Case) -> None:
    res = pooled(case)
    exp = case.expected
    assert res.k == exp["k"]
    ours = {
        "estimate": res.estimate, "se": res.se, "zval": res.statistic, "pval": res.p,
        "ci_lb": res.ci_low, "ci_ub": res.ci_high, "tau2": res.tau2, "i2": res.i2,
        "h2": res.h2, "qe": res.q, "weights": res.weights,
        "pred": res.display(res.estimate), "pred_ci_lb": res.display(res.ci_low),
        "pred_ci_ub": res.display(res.ci_high), "pred_pi_lb": res.display(res.pi_low),
        "pred_pi_ub": res.display(res.pi_high), "yi_read": res.effects.reading()[0],
    }  # fmt: skip
    for key, value in ours.items():
        assert_close(case, key, value, as_array(exp[key]), rel=REL, abs_tol=ABS)


@pytest.mark.parametrize("case", params("measures_pooled.json"))
def test_command(case: Case, tmp_path: Path) -> None:
    raw = _raw(case)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(raw)
    writer.writerows(zip(*raw.values(), strict=True))
    path = tmp_path / "data.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    args = ["pool", str(path), "--measure", case.args["measure"], "--convention", "metafor"]
    result = CliRunner().invoke(app, [*args, "--tau2", case.args["method"], "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rec = json.loads(result.stdout)
    exp = case.expected
    ours = {
        "se": rec["se"], "zval": rec["statistic"], "tau2": rec["tau2"], "i2": rec["i2"],
        "h2": rec["h2"], "qe": rec["q"], "pred": rec["estimate"], "pred_ci_lb": rec["ci_low"],
        "pred_ci_ub": rec["ci_high"], "pred_pi_lb": rec["pi_low"], "pred_pi_ub": rec["pi_high"],
        "yi_read": [s["estimate"] for s in rec["studies"]],
        "weights": [s["weight"] for s in rec["studies"]],
    }  # fmt: skip
    for key, value in ours.items():
        assert_close(case, key, np.asarray(value, dtype=float), as_array(exp[key]), rel=REL,
                     abs_tol=ABS)  # fmt: skip
    assert rec["statistic_name"] == "z" and rec["heterogeneity_ci"] == "Q-profile"
