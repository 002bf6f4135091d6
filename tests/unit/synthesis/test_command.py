"""``sysreview analyse``: thin over the use case; data loaders imported lazily."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.extraction.dataset import ReviewData
from sysreview.project.analysing import plan as analysing
from sysreview.protocol import template_text
from tests.unit.synthesis.data import review_data

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "review.toml").write_text(template_text("group-peer-support"), encoding="utf-8")

    def stored(directory: object, db_url: str | None = None) -> ReviewData:
        return review_data()

    monkeypatch.setattr(analysing, "project_review_data", stored)
    return tmp_path


def test_analyse_writes_the_results_and_prints_a_table(project: Path) -> None:
    result = runner.invoke(app, ["analyse", "--project", str(project)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert "hope.post_intervention.main" in result.stdout
    assert "only two studies had low overall risk of bias" in result.stdout
    records = json.loads((project / "out" / "results.json").read_text(encoding="utf-8"))
    assert len(records) == 14


def test_out_option(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = runner.invoke(app, ["analyse", "-p", str(project), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert (out / "analysis_data.csv").exists() and not (project / "out").exists()


def test_bad_data_is_one_line_exit_2(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = review_data()
    broken = ReviewData(
        data.studies, data.arms[1:], tuple(o for o in data.outcomes if o.study_id != "A")
    )
    monkeypatch.setattr(analysing, "project_review_data", lambda *a, **k: broken)
    result = runner.invoke(app, ["analyse", "-p", str(project)])
    assert result.exit_code == 2
    assert result.stderr == (
        "sysreview: error: study 'A' has 1 arm(s); a comparison needs at least two\n"
    )


DEMO = Path(__file__).parents[3] / "examples" / "group-peer-support"


def test_demo_review_from_its_metapsy_file_round_trips_through_pool(tmp_path: Path) -> None:
    """End to end on real data: the demo's Metapsy file, its mapping and protocol; the file
    is read by its adapter and analysed without touching the project's database."""
    out = tmp_path / "out"
    data = DEMO / "data" / "metapsy-peer-support.csv"
    result = runner.invoke(
        app, ["analyse", "-p", str(DEMO), "--data", str(data), "--mapping",
              str(DEMO / "mapping.toml"), "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    records = json.loads((out / "results.json").read_text(encoding="utf-8"))
    pooled = {r["analysis"]: r for r in records if r["estimate"] is not None}
    assert "recovery.post_intervention.main" in pooled
    again = runner.invoke(
        app, ["pool", str(out / "analysis_data.csv"), "--by", "analysis", "--format", "json"]
    )
    assert again.exit_code == 0, again.stderr
    for rec in json.loads(again.stdout):
        want = pooled[rec["analysis"]]
        for key in ("estimate", "ci_low", "ci_high", "p", "tau2", "i2", "q"):
            assert rec[key] == pytest.approx(want[key], rel=1e-12, abs=1e-15)
    assert len(json.loads(again.stdout)) == len(pooled)


def test_missing_mapping_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "review.toml").write_text(template_text("group-peer-support"), encoding="utf-8")
    data = DEMO / "data" / "metapsy-peer-support.csv"
    result = runner.invoke(app, ["analyse", "-p", str(tmp_path), "--data", str(data)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"sysreview: error: {data}: a metapsy file needs a mapping file (--mapping): it says "
        "which protocol domain and measure each outcome is\n"
    )
    missing = tmp_path / "mapping.toml"
    result = runner.invoke(app, ["analyse", "-p", str(tmp_path), "--data", str(data),
                                 "--mapping", str(missing)])  # fmt: skip
    assert result.exit_code == 2 and "cannot read the mapping" in result.stderr
    assert not (tmp_path / "review.db").exists() and not (tmp_path / "out").exists()
