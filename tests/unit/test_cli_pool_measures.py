"""``sysreview pool`` with the newer measures, other packages' column names, and the
Q-profile limits of tau², I² and H² in its text and JSON output.

Numbers against metafor for every new measure through this command are in
tests/reference/test_metafor_measures_pooled.py; here the readers' aliases (metafor's,
R meta's, RevMan's; non-events for group sizes), default measures per data family, and
the heterogeneity limits shown, each equal to the library's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview import escalc, meta_analysis
from sysreview.cli import app

runner = CliRunner()


def pool(tmp_path: Path, text: str, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["pool", str(path), *args])
    return result.exit_code, result.stdout, result.stderr


BIN = [(4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619)]


@pytest.mark.parametrize(
    "header",
    [
        "study,events_e,n_e,events_c,n_c",  # sysreview
        "slab,ai,n1i,ci,n2i",  # metafor
        "studlab,event.e,n.e,event.c,n.c",  # R meta
        "Study,EVENTS_1,TOTAL_1,EVENTS_2,TOTAL_2",  # RevMan
    ],
)
def test_column_vocabularies_give_the_same_numbers(tmp_path: Path, header: str) -> None:
    rows = "\n".join(f"S{i},{a},{a + b},{c},{c + d}" for i, (a, b, c, d) in enumerate(BIN))
    code, out, err = pool(tmp_path, f"{header}\n{rows}\n", "--measure", "OR", "--format", "json")
    assert code == 0, err
    es = escalc("OR", ai=[r[0] for r in BIN], bi=[r[1] for r in BIN], ci=[r[2] for r in BIN],
                di=[r[3] for r in BIN], convention="revman")  # fmt: skip
    assert json.loads(out)["estimate"] == float(
        meta_analysis(es).display(meta_analysis(es).estimate)
    )


def test_non_events_stand_in_for_group_sizes(tmp_path: Path) -> None:
    rows = "\n".join(f"S{i},{a},{b},{c},{d}" for i, (a, b, c, d) in enumerate(BIN))
    code, out, _ = pool(tmp_path, f"study,ai,bi,ci,di\n{rows}\n", "--format", "json")
    assert code == 0
    rec = json.loads(out)
    assert rec["measure"] == "RR" and rec["k"] == 4


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("study,xi,ni\nA,3,10\nB,5,20\nC,10,10\n", "PLO"),
        ("study,cor,n\nA,0.3,50\nB,0.1,80\nC,0.5,30\n", "ZCOR"),
        ("study,x1i,t1i,x2i,t2i\nA,3,100,5,90\nB,0,80,2,85\n", "IRR"),
    ],
)
def test_default_measure_of_each_family(tmp_path: Path, text: str, measure: str) -> None:
    code, out, err = pool(tmp_path, text, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["measure"] == measure


def test_heterogeneity_limits_in_text_and_json(tmp_path: Path) -> None:
    pairs = [(-0.89, 0.33), (-1.59, 0.19), (-1.35, 0.42), (-1.44, 0.02), (-0.22, 0.05),
             (-0.79, 0.01), (-1.62, 0.22), (0.01, 0.004)]  # fmt: skip
    text = "study,yi,vi\n" + "\n".join(f"S{i},{y},{v}" for i, (y, v) in enumerate(pairs))
    _, out, _ = pool(tmp_path, text + "\n", "--convention", "metafor", "--format", "json")
    rec = json.loads(out)
    assert rec["heterogeneity_ci"] == "Q-profile" and rec["tau2_method"] == "REML"
    assert rec["tau2_ci_low"] < rec["tau2"] < rec["tau2_ci_high"]
    assert rec["i2_ci_low"] < rec["i2"] < rec["i2_ci_high"]
    assert rec["h2_ci_low"] < rec["h2"] < rec["h2_ci_high"]
    _, out, _ = pool(tmp_path, text + "\n", "--convention", "metafor")
    low, high = rec["tau2_ci_low"], rec["tau2_ci_high"]
    assert f"95% CI: Tau² [{low:.4f}, {high:.4f}]" in out and "(Q-profile)" in out
    _, out, _ = pool(tmp_path, text + "\n", "--model", "fixed", "--format", "json")
    fixed = json.loads(out)
    assert fixed["tau2_ci_low"] is None and fixed["heterogeneity_ci"] is None


def test_a_correlation_out_of_range_is_refused(tmp_path: Path) -> None:
    code, out, err = pool(tmp_path, "study,ri,ni\nA,0.3,50\nB,1.2,80\n")
    assert code == 2 and out == ""
    assert "data.csv, row 3" in err and "a correlation must be between -1 and 1" in err
