"""Edge cases under ``convention="metafor"`` against metafor (``metafor/edge_cases.json``).

* One study (dat.bcg's first trial): ``rma(yi, vi, method=FE|DL|REML|PM,
  test=z|knha)``, ``rma.mh(measure=RR|OR|RD)`` and ``rma.peto``. metafor reports
  tau² = 0, I² = 0, H² = 1, QE = 0 with QEp = 1, and with ``test="knha"`` falls back to
  z ("Setting argument test="z" since k=1."); so does sysreview.
* Zero SDs (a constructed table, in the case's ``setup``): ``escalc`` takes a zero SD as
  given. Study A (one SD 0) is estimable; study D (both SDs 0) has an SMD of NA and an
  MD of variance 0, which ``rma`` cannot weight ("DL estimator cannot be used when
  there are non-positive sampling variances"): sysreview reports D as not estimable and
  pools the other three, as ``rma(..., subset=1:3)``.
* Trim and fill where metafor stops with an R error ("missing value where TRUE/FALSE
  needed"): sysreview says why instead.

Each case is checked through the library and through ``sysreview pool`` (a CSV with
metafor's column names, ``--convention metafor``), as a user runs it.
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

from sysreview.cli import app
from sysreview.effects import (
    dichotomous_effects,
    generic_effects,
    mean_difference,
    standardized_mean_difference,
)
from sysreview.errors import NotEstimableError
from sysreview.meta import MetaAnalysis, meta_analysis, trim_and_fill
from tests.reference.metafor_cases import Case, as_array, assert_close, load

# All closed forms here (one study: nothing is iterated): rounding only.
REL = 1e-9
# For values metafor returns as exactly 0 (tau², I², Q).
ABS = 1e-15

CASES = {case.name: case for case in load("edge_cases.json")}
ONE_TABLE = [c for c in CASES.values() if c.name.startswith(("bcg1_mh", "bcg1_peto"))]
ONE_STUDY = [c for c in CASES.values() if c.name.startswith("bcg1_") and c not in ONE_TABLE]
ZERO_SD = [CASES["zero_sd_md_dl"], CASES["zero_sd_smd_dl"]]


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


def library_values(res: MetaAnalysis) -> dict[str, Any]:
    """sysreview's numbers under metafor's names."""
    return {
        "estimate": res.estimate,
        "se": res.se,
        "zval": res.statistic,
        "pval": res.p,
        "ci_lb": res.ci_low,
        "ci_ub": res.ci_high,
        "tau2": res.tau2,
        "i2": res.i2,
        "h2": res.h2,
        "qe": res.q,
        "qep": res.p_q,
        "k": res.k,
        "test": res.ci_method.value,
        "pi_lb": res.pi_low,
        "pi_ub": res.pi_high,
    }


def command_values(record: dict[str, Any], log_scale: bool) -> dict[str, Any]:
    """``sysreview pool --format json`` numbers under metafor's names (log scale)."""
    back = np.log if log_scale else (lambda x: x)
    return {
        "estimate": back(record["estimate"]),
        "se": record["se"],
        "zval": record["statistic"],
        "pval": record["p"],
        "ci_lb": back(record["ci_low"]),
        "ci_ub": back(record["ci_high"]),
        "tau2": record["tau2"],
        "i2": record["i2"],
        "qe": record["q"],
        "qep": record["p_q"],
        "k": record["k"],
        "test": record["ci_method"],
        "pi_lb": np.nan if record["pi_low"] is None else back(record["pi_low"]),
        "pi_ub": np.nan if record["pi_high"] is None else back(record["pi_high"]),
    }


def check(case: Case, ours: dict[str, Any]) -> None:
    for key, value in ours.items():
        want = case.expected[key]
        if key == "test":
            assert value == want, case.r_code
        else:
            assert_close(case, key, value, as_array(want), rel=REL, abs_tol=ABS)


def pool(tmp_path: Path, columns: dict[str, Any], *args: str) -> dict[str, Any]:
    """``sysreview pool`` on a CSV of ``columns`` (metafor's names), as a user runs it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(zip(*columns.values(), strict=True))
    path = tmp_path / "data.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["pool", str(path), "--convention", "metafor", "--format", "json", *args]
    )
    assert result.exit_code == 0, result.stderr
    record: dict[str, Any] = json.loads(result.stdout)
    return record


def model_options(case: Case) -> dict[str, str]:
    method, test = case.args["method"], case.args["test"]
    return {
        "model": "fixed" if method == "FE" else "random",
        "tau2": "DL" if method == "FE" else method,
        "ci": "hksj" if test == "knha" else "z",
    }


@pytest.mark.parametrize("case", ONE_STUDY, ids=ids(ONE_STUDY))
def test_one_study(case: Case, tmp_path: Path) -> None:
    i, opts = case.input, model_options(case)
    es = generic_effects(i["yi"], np.sqrt(i["vi"]), studies=i["study"], convention="metafor")
    res = meta_analysis(
        es, method="IV", model=opts["model"], tau2_method=opts["tau2"], ci_method=opts["ci"]
    )
    check(case, library_values(res))
    columns = {"study": i["study"], "yi": i["yi"], "vi": i["vi"]}
    flags = [f"--{name}={value}" for name, value in opts.items()]
    check(case, command_values(pool(tmp_path, columns, *flags), log_scale=False))


@pytest.mark.parametrize("case", ONE_TABLE, ids=ids(ONE_TABLE))
def test_one_table_mh_and_peto(case: Case, tmp_path: Path) -> None:
    i, a = case.input, case.args
    measure = "PETO_OR" if a["measure"] == "PETO" else a["measure"]
    es = dichotomous_effects(
        i["ai"], i["n1i"], i["ci"], i["n2i"], measure, studies=i["study"], convention="metafor"
    )
    res = meta_analysis(es, method=a["model"], model="fixed")
    check(case, library_values(res))
    columns = {k: i[k] for k in ("study", "ai", "n1i", "ci", "n2i")}
    flags = ["--measure", measure, "--method", a["model"], "--model", "fixed"]
    check(case, command_values(pool(tmp_path, columns, *flags), log_scale=measure != "RD"))


@pytest.mark.parametrize("measure", ["MD", "SMD"])
def test_zero_sd_effect_sizes(measure: str) -> None:
    case = CASES[f"zero_sd_{measure.lower()}_escalc"]
    i = case.input
    f = mean_difference if measure == "MD" else standardized_mean_difference
    args = [i[k] for k in ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")]
    es = f(*args, studies=i["study"], convention="metafor")
    assert es.reasons == (None, None, None, "both SDs are 0")
    assert_close(case, "yi", es.yi[:3], as_array(case.expected["yi"])[:3], rel=REL, abs_tol=ABS)
    assert_close(case, "vi", es.vi[:3], as_array(case.expected["vi"])[:3], rel=REL, abs_tol=ABS)
    # RevMan needs both SDs above 0: A and D are not estimable there
    revman = f(*args, studies=i["study"], convention="revman")
    assert [r is None for r in revman.reasons] == [False, True, True, False]


@pytest.mark.parametrize("case", ZERO_SD, ids=ids(ZERO_SD))
def test_zero_sd_pooled(case: Case, tmp_path: Path) -> None:
    i, measure = case.input, case.args["measure"]
    f = mean_difference if measure == "MD" else standardized_mean_difference
    args = [i[k] for k in ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")]
    res = meta_analysis(f(*args, studies=i["study"], convention="metafor"), tau2_method="DL")
    check(case, library_values(res))
    assert_close(
        case, "weights", res.weights[:3], as_array(case.expected["weights"]), rel=REL, abs_tol=ABS
    )
    record = pool(tmp_path, i, "--measure", measure, "--tau2", "DL")
    check(case, command_values(record, log_scale=False))
    assert record["studies"][3]["reason"] == "both SDs are 0"


@pytest.mark.parametrize("name", ["trimfill_q0_undefined", "trimfill_equal_vi"])
def test_trim_and_fill_that_metafor_cannot_estimate(name: str) -> None:
    case = CASES[name]
    assert case.expected["error"] == "missing value where TRUE/FALSE needed"
    yi, vi = case.input["yi"], case.input["vi"]
    if name == "trimfill_equal_vi":
        vi = [0.2] * len(yi)
    res = meta_analysis(generic_effects(yi, np.sqrt(vi), convention="metafor"), model="fixed")
    estimator = "Q0" if name == "trimfill_q0_undefined" else "L0"
    with pytest.raises(NotEstimableError, match="metafor's trimfill fails here too"):
        trim_and_fill(res, estimator=estimator)


@pytest.mark.parametrize("name", ["two_maxima_ml", "two_maxima_reml"])
def test_likelihood_with_two_maxima(name: str, tmp_path: Path) -> None:
    """The score is negative at tau² = 0 and the boundary is a local maximum, but an
    interior maximum is higher: metafor's Fisher scoring finds it, and so must we (the
    library, and ``sysreview pool``), rather than stopping at 0."""
    case = CASES[name]
    i, method = case.input, case.args["method"]
    assert case.expected["loglik"] > case.expected["loglik_at_0"]
    es = generic_effects(i["yi"], np.sqrt(i["vi"]), studies=i["study"], convention="metafor")
    res = meta_analysis(es, method="IV", tau2_method=method)
    check(case, library_values(res))
    record = pool(tmp_path, {"study": i["study"], "yi": i["yi"], "vi": i["vi"]}, "--tau2", method)
    check(case, command_values(record, log_scale=False))
