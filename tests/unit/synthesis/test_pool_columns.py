"""``sysreview pool`` honours per-analysis settings columns (analysis_data.csv's contract)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.effects import dichotomous_effects, mean_difference
from sysreview.meta import meta_analysis

MIXED = """analysis,study,mean_e,sd_e,n_e,mean_c,sd_c,n_c,events_e,events_c,measure,method,model
a,A,10,2,20,9,2,20,,,MD,,fixed
a,B,12,2,25,9.5,2.5,25,,,MD,,fixed
a,C,11,3,30,10,3,30,,,MD,,fixed
b,S1,,,123,,,139,4,11,RR,IV,random
b,S2,,,306,,,303,6,29,RR,IV,random
b,S3,,,231,,,220,3,11,RR,IV,random
"""


def pool(tmp_path: Path, text: str, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["pool", str(path), "--by", "analysis", "--format", "json", *args]
    )
    return result.exit_code, result.stdout, result.stderr


def test_each_analysis_takes_its_own_measure_method_and_model(tmp_path: Path) -> None:
    code, out, err = pool(tmp_path, MIXED)
    assert code == 0, err
    a, b = json.loads(out)
    md = meta_analysis(
        mean_difference(
            [10, 12, 11], [2, 2, 3], [20, 25, 30], [9, 9.5, 10], [2, 2.5, 3], [20, 25, 30]
        ),
        model="fixed",
    )
    rr = meta_analysis(
        dichotomous_effects([4, 6, 3], [123, 306, 231], [11, 29, 11], [139, 303, 220], "RR"),
        method="IV",
    )
    assert (a["measure"], a["model"], a["estimate"]) == ("MD", "fixed", md.estimate)
    assert (b["measure"], b["method"], b["model"]) == ("RR", "IV", "random")
    assert b["se"] == rr.se and b["tau2"] == rr.tau2


def test_options_override_the_columns(tmp_path: Path) -> None:
    code, out, err = pool(tmp_path, MIXED, "--model", "random")
    assert code == 0, err
    assert [r["model"] for r in json.loads(out)] == ["random", "random"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            MIXED.replace("a,C,11,3,30,10,3,30,,,MD,,fixed", "a,C,11,3,30,10,3,30,,,MD,,random"),
            "row 4, column 'model': analysis 'a' needs one model; it has 'fixed' (row 2) and "
            "'random' (row 4)",
        ),
        (
            MIXED.replace(",MD,,fixed", ",MDX,,fixed"),
            "row 2, column 'measure': Invalid measure 'MDX'",
        ),
        (
            "analysis,study,mean_e,sd_e,n_e,mean_c,sd_c,n_c,measure\na,A,1,1,9,1,1,9,RR\n",
            "row 2: analysis 'a': measure RR needs columns events_e, n_e, events_c, n_c",
        ),
    ],
)
def test_bad_settings_columns_are_located(tmp_path: Path, text: str, message: str) -> None:
    code, out, err = pool(tmp_path, text)
    assert code == 2 and out == ""
    assert err.startswith("sysreview: error: ") and err.count("\n") == 1
    assert message in err


def test_blank_subgroup_cells_mean_no_subgroups(tmp_path: Path) -> None:
    text = "analysis,subgroup,study,estimate,se\na,,A,0.1,0.1\na,,B,0.3,0.2\n"
    code, out, err = pool(tmp_path, text)
    assert code == 0, err
    (rec,) = json.loads(out)
    assert rec["subgroups"] == [] and rec["subgroup_test"] is None
