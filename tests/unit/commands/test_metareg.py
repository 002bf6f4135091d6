"""``sysreview metareg``: the command a user runs, against the library and metafor.

The BCG data under metafor's column names (``ai, bi, ci, di`` and moderators) go through
the command; its JSON must be metafor's numbers (``metafor/metareg.json``, the same
cases as tests/reference/test_metafor_metareg.py) and the library's; errors are one line,
exit status 2.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.datasets import bcg
from tests.reference.metafor_cases import as_array, assert_close, load

CASES = {c.name: c for c in load("metareg.json")}
runner = CliRunner()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = bcg().rename(
        columns={"author": "study", "tpos": "ai", "tneg": "bi", "cpos": "ci", "cneg": "di"}
    )
    path = tmp_path_factory.mktemp("metareg") / "bcg.csv"
    frame.to_csv(path, index=False)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["metareg", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("case", "mods", "options"),
    [
        ("bcg_ablat_reml_z", "ablat", []),
        ("bcg_ablat_dl_knha", "~ ablat", ["--tau2", "DL", "--ci", "knha"]),
        ("bcg_alloc_reml_z", "~ factor(alloc)", []),
        ("bcg_ablat_fe_z", "ablat", ["--model", "fixed"]),
    ],
)
def test_json_is_metafors(data: Path, case: str, mods: str, options: list[str]) -> None:
    code, out, err = run(str(data), "--mods", mods, "--measure", "RR", "--convention",
                         "metafor", *options, "--format", "json")  # fmt: skip
    assert code == 0, err
    rec: dict[str, Any] = json.loads(out)
    ref = CASES[case]
    exp = ref.expected
    coefs = rec["coefficients"]
    for key, name in (("b", "estimate"), ("se", "se"), ("pval", "p"), ("ci_lb", "ci_low")):
        assert_close(ref, key, [c[name] for c in coefs], as_array(exp[key]), rel=1e-9,
                     abs_tol=1e-12)  # fmt: skip
    for key, name in (("tau2", "tau2"), ("qm", "qm"), ("qe", "qe"), ("i2", "i2"), ("r2", "r2")):
        want = as_array(exp[key])
        assert_close(ref, key, np.nan if rec[name] is None else rec[name], want, rel=1e-9,
                     abs_tol=1e-12)  # fmt: skip
    assert rec["k"] == 13 and len(rec["studies"]) == 13


def test_text_and_csv(data: Path) -> None:
    code, out, _ = run(str(data), "--mods", "ablat, year", "--measure", "RR")
    assert code == 0
    assert "Test of moderators (ablat, year): QM(df = 2)" in out
    assert "R² (amount of heterogeneity accounted for)" in out
    code, out, _ = run(str(data), "--mods", "ablat", "--measure", "RR", "--format", "csv")
    rows = list(csv.DictReader(out.splitlines()))
    assert [r["term"] for r in rows] == ["intrcpt", "ablat"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mods", "latitude"], "column 'latitude' not found; columns are trial, study"),
        (["--mods", "~ ablat:year"], "':' is not supported"),
        (["--mods", "ablat", "--tau2", "REM"], "Invalid tau2 method 'REM'"),
    ],
)
def test_errors_are_one_line(data: Path, args: list[str], message: str) -> None:
    code, out, err = run(str(data), "--measure", "RR", *args)
    assert code == 2 and out == ""
    assert err.startswith("sysreview: error: ") and message in err
    assert "Traceback" not in err


def test_too_few_studies_names_the_analysis(tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    path.write_text(
        "study,outcome,yi,vi,dose\nA,o,0.1,0.1,1\nB,o,0.2,0.1,2\nC,p,0.3,0.1,1\n"
        "D,p,0.2,0.2,2\nE,p,0.4,0.1,3\n",
        encoding="utf-8",
    )
    code, _, err = run(str(path), "--mods", "dose", "--by", "outcome")
    assert code == 2
    assert "analysis 'o': a meta-regression with 2 coefficients" in err
