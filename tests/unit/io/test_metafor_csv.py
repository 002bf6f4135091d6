"""CSV tables with metafor's column names as extracted data (``io.metafor_csv``).

The numbers: metafor's ``dat.bcg`` (RR, DerSimonian-Laird) and ``dat.normand1999`` (SMD,
DerSimonian-Laird) from the pinned reference values (``tests/reference/metafor/
rma_uni.json``: R 4.2.2, metafor 3.8-1; the R call is in each case) are written as CSVs
with metafor's names, analysed by ``sysreview analyse --data FILE`` (the file read by its
adapter, stored in a throw-away project and read back), and the pooled results compared
with metafor's. Tolerance 1e-9 relative (closed forms).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.errors import InputError
from sysreview.io import detect_format, read_dataset
from sysreview.project.opening import validate_protocol
from tests.conftest import PROJECT_ROOT
from tests.unit.io.helpers import project

runner = CliRunner()
CASES = {
    c["name"]: c
    for c in json.loads(
        (PROJECT_ROOT / "tests" / "reference" / "metafor" / "rma_uni.json").read_text("utf-8")
    )["cases"]
}


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _analyse(folder: Path, data: Path, *more: str) -> dict[str, Any]:
    out = folder / "out"
    result = runner.invoke(
        app, ["analyse", "-p", str(folder), "--data", str(data), "--out", str(out), *more]
    )
    assert result.exit_code == 0, result.stderr
    first: dict[str, Any] = json.loads((out / "results.json").read_text("utf-8"))[0]
    assert not (folder / "review.db").exists(), "--data leaves the project's database alone"
    return first


@pytest.mark.parametrize(
    ("case", "convention", "measure"),
    [("bcg_rr_dl_z", "revman", "E"), ("normand_smd_dl_z", "metafor", "M")],
)
def test_pooled_as_metafor_pools_it(
    tmp_path: Path, case: str, convention: str, measure: str
) -> None:
    given, expected = CASES[case]["input"], CASES[case]["expected"]
    folder = project(tmp_path / "p", convention=convention, same_instrument="SMD")
    if case.startswith("bcg"):  # metafor's 2x2 cells: ai, bi (non-events), ci, di
        header = ["slab", "ai", "bi", "ci", "di"]
        cells = [given[k] for k in ("study", "ai", "bi", "ci", "di")]
    else:
        header = ["slab", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"]
        cells = [given[k] for k in ("study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")]
    rows = [[*row, "domain_1", measure, "TAU"] for row in zip(*cells, strict=True)]
    data = _write(tmp_path / "data.csv", [*header, "domain", "measure", "comparator"], rows)
    got = _analyse(folder, data)
    assert (got["k"], got["model"], got["tau2_method"]) == (len(given["study"]), "random", "DL")
    assert got["measure"] == CASES[case]["args"]["measure"]
    log = got["measure"] == "RR"  # records hold ratio measures on their own scale
    for ours, theirs in (
        ("estimate", "estimate"),
        ("ci_low", "ci_lb"),
        ("ci_high", "ci_ub"),
        ("tau2", "tau2"),
        ("i2", "i2"),
        ("q", "qe"),
        ("p", "pval"),
    ):
        want = expected[theirs]
        if log and ours in ("estimate", "ci_low", "ci_high"):
            want = math.exp(want)
        assert got[ours] == pytest.approx(want, rel=1e-9), ours


def test_placement_from_an_outcome_mapping(tmp_path: Path) -> None:
    folder = project(tmp_path / "p")
    (folder / "mapping.toml").write_text(
        'comparator = "TAU"\ncontrol_arm = "usual care"\n\n[[outcomes]]\noutcome = "QoL"\n'
        'domain = "domain_1"\nmeasure = "M"\nweeks_after_end = 26\ntimepoint_label = "6 months"\n'
    )
    data = _write(
        tmp_path / "d.csv",
        ["study", "outcome", "mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c"],
        [["A 2020", "QoL", 5, 1, 20, 4, 1, 21], ["B 2021", "QoL", 6, 2, 30, 5, 2, 30]],
    )
    dataset = read_dataset(data, validate_protocol(folder), mapping=folder / "mapping.toml")
    assert dataset.format == "metafor-csv" == detect_format(data)
    assert [a["arm"] for a in dataset.arms] == ["intervention", "usual care"] * 2
    assert {o["weeks_after_end"] for o in dataset.outcomes} == {26.0}
    assert dataset.outcomes[0] == {
        "study_id": "A 2020",
        "arm": "intervention",
        "domain": "domain_1",
        "measure": "M",
        "weeks_after_end": 26.0,
        "timepoint_label": "6 months",
        "location": "d.csv, line 2",
        "mean": 5.0,
        "sd": 1.0,
        "n": 20,
    }


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        (
            ["study", "yi", "sei", "domain", "measure", "comparator"],
            ["A", 0.5, 0.1, "domain_1", "M", "TAU"],
            r"d\.csv, row 2: no per-arm data",
        ),
        (
            ["study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"],
            ["A", 5, 1, 20, 4, 1, 21],
            r"row 2: no domain, measure, comparator: give the column",
        ),
        (
            [
                "study",
                "m1i",
                "sd1i",
                "n1i",
                "m2i",
                "sd2i",
                "n2i",
                "domain",
                "measure",
                "comparator",
            ],
            ["A", 5, "one", 20, 4, 1, 21, "domain_1", "M", "TAU"],
            r"row 2, column 'sd1i': not a number: 'one'",
        ),
        (
            ["study", "ai", "n1i", "ci", "n2i", "domain", "measure", "comparator"],
            ["A", 2.5, 20, 4, 21, "domain_1", "E", "TAU"],
            r"row 2, column 'ai': 2\.5 is not a count",
        ),
        (
            ["author", "m1i"],
            ["A", 5],
            r"row 1: missing required column 'study' \(metafor: 'slab'\)",
        ),
    ],
)
def test_bad_rows_are_named(
    tmp_path: Path, header: list[str], row: list[Any], message: str
) -> None:
    folder = project(tmp_path / "p")
    data = _write(tmp_path / "d.csv", header, [row])
    with pytest.raises(InputError, match=message):
        read_dataset(data, validate_protocol(folder))


def test_a_row_the_protocol_does_not_know_is_refused_by_the_form(tmp_path: Path) -> None:
    folder = project(tmp_path / "p")
    data = _write(
        tmp_path / "d.csv",
        ["study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i", "domain", "measure", "comparator"],
        [["A", 5, 1, 20, 4, 1, 21, "domain_1", "BDI", "TAU"]],
    )
    result = runner.invoke(app, ["analyse", "-p", str(folder), "--data", str(data)])
    assert result.exit_code == 2
    assert "sheet outcomes, row 1, column 'measure'" in result.stderr
    assert "Traceback" not in result.stderr
