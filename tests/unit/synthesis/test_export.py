"""results.json / results.csv / analysis_data.csv, and the ``sysreview pool`` round trip.

``sysreview pool out/analysis_data.csv --by analysis`` must reproduce every pooled
analysis of results.json: the file holds each analysis's exact inputs (after timepoint
selection, arm combination and direction alignment) and its options.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.synthesis import run_plan
from sysreview.synthesis.export import FILES, write_synthesis
from tests.unit.synthesis.data import review_data, seed_protocol, with_admissions

NUMBERS = (
    "estimate", "se", "ci_low", "ci_high", "statistic", "p", "tau2", "tau2_ci_low", "tau2_ci_high",
    "i2", "i2_ci_low", "i2_ci_high", "h2", "q", "p_q", "pi_low", "pi_high",
)  # fmt: skip


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    write_synthesis(run_plan(with_admissions(review_data()), seed_protocol()), out)
    return out


def test_three_files_and_nothing_else(written: Path) -> None:
    assert sorted(p.name for p in written.iterdir()) == sorted(FILES)
    records = json.loads((written / "results.json").read_text(encoding="utf-8"))
    assert isinstance(records, list) and records[0]["analysis"] == "recovery.post_intervention.main"
    with open(written / "results.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["analysis"] for r in rows] == [r["analysis"] for r in records]


def test_analysis_data_holds_the_aligned_inputs(written: Path) -> None:
    with open(written / "analysis_data.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == [
        "analysis", "outcome", "timepoint", "subgroup", "study",
        "mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c", "events_e", "events_c",
        "measure", "method", "model", "tau2_method", "ci_method", "level", "convention",
    ]  # fmt: skip
    c = next(
        r for r in rows if r["analysis"] == "hope.post_intervention.main" and r["study"] == "C"
    )
    assert (c["n_c"], c["measure"], c["model"], c["subgroup"]) == ("130.0", "MD", "random", "")
    assert float(c["mean_c"]) == (66 * 35.1 + 64 * 35.8) / 130
    rr = next(r for r in rows if r["analysis"] == "admissions.post_intervention.main")
    assert (rr["measure"], rr["method"], rr["mean_e"], rr["events_e"]) == ("RR", "IV", "", "5.0")
    levels = {r["subgroup"] for r in rows if r["analysis"].endswith("subgroup.severity")}
    assert levels == {"severe", "other"}
    pooled = {r["analysis"] for r in records(written) if r["estimate"] is not None}
    assert {r["analysis"] for r in rows} == pooled


def records(out: Path) -> list[dict[str, object]]:
    return list(json.loads((out / "results.json").read_text(encoding="utf-8")))


def test_pool_by_analysis_reproduces_results_json(written: Path) -> None:
    result = CliRunner().invoke(
        app, ["pool", str(written / "analysis_data.csv"), "--by", "analysis", "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    pooled = {r["analysis"]: r for r in json.loads(result.stdout)}
    expected = {r["analysis"]: r for r in records(written) if r["estimate"] is not None}
    # 14: hope's TAU-only analysis is pooled too (it keeps the waiting-list trial, SEED §7)
    assert pooled.keys() == expected.keys() and len(pooled) == 14
    kinds = {str(r["kind"]) for r in expected.values()}
    assert kinds == {"main", "sensitivity", "subgroup"}
    for name, want in expected.items():
        got = pooled[name]
        for key in ("k", "df", "measure", "method", "model", "tau2_method", "ci_method", "level"):
            assert got[key] == want[key], (name, key)
        for key in NUMBERS:
            assert got[key] == pytest.approx(want[key], rel=1e-12, abs=1e-15), (name, key)
        if want["subgroup_test"] is not None:
            for key in ("q", "p"):
                assert got["subgroup_test"][key] == pytest.approx(
                    want["subgroup_test"][key],
                    rel=1e-12,  # type: ignore[index]
                )


def test_rewriting_replaces_all_files(tmp_path: Path) -> None:
    out = tmp_path / "new" / "out"
    paths = write_synthesis(run_plan(review_data(), seed_protocol()), out)
    assert sorted(paths) == sorted(FILES) and all(p.exists() for p in paths.values())
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left
