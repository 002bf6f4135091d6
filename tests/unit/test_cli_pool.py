"""``sysreview pool``: the JSON contract, formats, --by, and one-line errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.effects import dichotomous_effects, mean_difference
from sysreview.meta import meta_analysis

runner = CliRunner()

CONT = """study,subgroup,outcome,mean_e,sd_e,n_e,mean_c,sd_c,n_c
A,x,o1,10,2,20,9,2,20
B,x,o1,12,2,25,9.5,2.5,25
C,y,o1,11,3,30,10,3,30
D,y,o1,11,3,30,10,0,30
A,x,o2,1,2,20,9,2,20
B,x,o2,2,2,25,9.5,2.5,25
C,y,o2,3,3,30,10,3,30
"""

DICH = """study,events_e,n_e,events_c,n_c
S1,4,123,11,139
S2,6,306,29,303
S3,3,231,11,220
S4,0,50,0,50
"""

FIELDS = {
    "measure",
    "method",
    "model",
    "tau2_method",
    "convention",
    "level",
    "k",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "z",
    "p",
    "tau2",
    "i2",
    "q",
    "df",
    "p_q",
    "pi_low",
    "pi_high",
    "studies",
    "subgroups",
    "subgroup_test",
}
STUDY_FIELDS = {
    "study",
    "subgroup",
    "estimable",
    "reason",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "weight",
}
SUBGROUP_FIELDS = {
    "subgroup",
    "k",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "z",
    "p",
    "tau2",
    "i2",
    "q",
    "df",
    "p_q",
}


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["pool", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_contract_with_by_and_subgroups(tmp_path: Path) -> None:
    code, out, _ = run(str(write(tmp_path, CONT)), "--by", "outcome", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [r["analysis"] for r in records] == ["o1", "o2"]
    for rec in records:
        assert set(rec) >= FIELDS
        assert all(set(s) == STUDY_FIELDS for s in rec["studies"])
        assert all(set(s) == SUBGROUP_FIELDS for s in rec["subgroups"])
        assert set(rec["subgroup_test"]) == {"q", "df", "p", "i2"}
    first = records[0]
    assert (first["measure"], first["method"], first["model"], first["tau2_method"]) == (
        "MD",
        "IV",
        "random",
        "DL",
    )
    d = next(s for s in first["studies"] if s["study"] == "D")
    assert d == {**d, "estimable": False, "reason": "SD must be greater than 0", "weight": None}
    assert sum(s["weight"] for s in first["studies"] if s["estimable"]) == pytest.approx(100)


def test_json_numbers_equal_the_library(tmp_path: Path) -> None:
    """The CLI is a thin layer: its numbers are the library's, unrounded."""
    code, out, _ = run(
        str(write(tmp_path, CONT)), "--by", "outcome", "--format", "json", "--tau2", "REML"
    )
    assert code == 0
    rec = json.loads(out)[0]
    es = mean_difference(
        [10, 12, 11, 11],
        [2, 2, 3, 3],
        [20, 25, 30, 30],
        [9, 9.5, 10, 10],
        [2, 2.5, 3, 0],
        [20, 25, 30, 30],
    )
    res = meta_analysis(es, tau2_method="REML", subgroups=["x", "x", "y", "y"])
    assert rec["estimate"] == res.estimate
    assert rec["tau2"] == res.tau2
    assert rec["subgroup_test"]["q"] == res.subgroup_test.q  # type: ignore[union-attr]


def test_ratio_measures_report_ratio_scale_and_log_se(tmp_path: Path) -> None:
    code, out, _ = run(str(write(tmp_path, DICH)), "--format", "json")
    assert code == 0
    rec = json.loads(out)
    assert (rec["measure"], rec["method"]) == ("RR", "MH")
    es = dichotomous_effects(
        [4, 6, 3, 0], [123, 306, 231, 50], [11, 29, 11, 0], [139, 303, 220, 50], "RR"
    )
    res = meta_analysis(es)
    assert rec["estimate"] == pytest.approx(np.exp(res.estimate), rel=1e-15)
    assert rec["se"] == res.se
    assert rec["studies"][3]["estimable"] is False
    assert rec["subgroup_test"] is None and rec["subgroups"] == []


def test_generic_log_scale(tmp_path: Path) -> None:
    data = "study,estimate,se\nA,-0.2,0.1\nB,-0.1,0.2\nC,0.05,0.15\n"
    code, out, _ = run(
        str(write(tmp_path, data)), "--log-scale", "--model", "fixed", "--format", "json"
    )
    rec = json.loads(out)
    w = 1 / np.array([0.1, 0.2, 0.15]) ** 2
    expected = np.exp((w * np.array([-0.2, -0.1, 0.05])).sum() / w.sum())
    assert code == 0 and rec["estimate"] == pytest.approx(expected, rel=1e-12)
    assert rec["pi_low"] is None  # fixed effect: no prediction interval


def test_text_and_csv_formats(tmp_path: Path) -> None:
    path = str(write(tmp_path, CONT))
    code, out, _ = run(path, "--by", "outcome")
    assert code == 0 and "Test for subgroup differences" in out and "Not estimable" in out
    code, out, _ = run(path, "--by", "outcome", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("row,study,subgroup")


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (
            "study,mean_e,sd_e,n_e,mean_c,sd_c,n_c\nA,1,x,10,1,1,10\nB,1,1,10,1,1,10\n",
            (),
            "row 2, column 'sd_e': not a number: 'x'",
        ),
        (
            "study,mean_e,sd_e,n_e,mean_c,sd_c,n_c\nA,1,1,-10,1,1,10\nB,1,1,10,1,1,10\n",
            (),
            "row 2, column 'n_e': must not be negative",
        ),
        (
            "study,events_e,n_e,events_c,n_c\nA,12,10,1,10\nB,1,10,1,10\n",
            (),
            "row 2, column 'events_e': 12 events but only 10",
        ),
        ("study,foo\nA,1\n", (), "no data columns"),
        ("name,estimate,se\nA,1,1\n", (), "missing required column 'study'"),
        (
            "study,estimate,se\nA,1,1\nB,1,0\n",
            (),
            "fewer than 2 estimable studies; not estimable: B (SE must be greater than 0)",
        ),
        (
            "study,estimate,se\nA,1,1\nB,1,1\n",
            ("--tau2", "REM"),
            "Invalid tau2 method 'REM'; must be one of DL",
        ),
        (
            "study,estimate,se\nA,1,1\nB,1,1\n",
            ("--measure", "RR"),
            "measure RR needs columns events_e",
        ),
        (
            "study,estimate,se\nA,1,1\nB,1,1\n",
            ("--by", "outcome"),
            "--by column 'outcome' not found",
        ),
        ("study,estimate,se\nA,1,1\nB,1\n", (), "row 3: 2 fields but the header has 3"),
        (
            "study,estimate,se\nA,1,1\nB,1,1\n",
            ("--method", "MH"),
            "Mantel-Haenszel needs RR, OR or RD",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, text: str, args: tuple[str, ...], message: str
) -> None:
    path = write(tmp_path, text)
    code, out, err = run(str(path), *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("sysreview: error: ")
    assert message in err
    assert "Traceback" not in err


def test_missing_file(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.csv"))
    assert code == 2 and "nope.csv" in err and "cannot read file" in err


def test_rows_are_located_by_file_line_even_after_a_multiline_field(tmp_path: Path) -> None:
    text = 'study,estimate,se\n"Smith\n2001",0.1,0.1\nJones,x,0.2\n'
    code, _, err = run(str(write(tmp_path, text)))
    assert code == 2 and "row 4, column 'estimate': not a number: 'x'" in err


def test_blank_lines_are_ignored(tmp_path: Path) -> None:
    code, out, _ = run(str(write(tmp_path, "study,estimate,se\n\nA,0.1,0.1\n,,\n\nB,0.2,0.1\n")))
    assert code == 0 and "Total (k = 2)" in out


@pytest.mark.parametrize(
    "command",
    [
        (),
        ("pool",),
        ("init",),
        ("validate",),
        ("status",),
        ("db",),
        ("db", "upgrade"),
        ("export",),
        ("load",),
        ("import",),
        ("dedup",),
        ("prisma",),
        ("simulate",),
        ("screen",),
        ("screen", "import"),
        ("screen", "link"),
        ("analyse",),
        ("report",),
        ("run",),
    ],
)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout and "--help" in result.stdout
