"""``sysreview extract``: template, load, discrepancies, show; one-line errors (exit 2)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.opening import init_project

runner = CliRunner()
HEADER = {
    "studies": ["study_id", "country", "n_randomised"],
    "arms": ["study_id", "arm", "arm_type", "n_randomised"],
    "outcomes": [
        "study_id",
        "arm",
        "domain",
        "measure",
        "weeks_after_end",
        "n",
        "mean",
        "sd",
        "se",
        "location",
    ],
}


def rows(sd: str = "5.2") -> dict[str, list[list[str]]]:
    hope = ["Smith 2019", "", "hope", "Herth Hope Index", "0"]
    return {
        "studies": [["Smith 2019", "UK", "81"]],
        "arms": [
            ["Smith 2019", "peer", "intervention", "40"],
            ["Smith 2019", "usual", "TAU", "41"],
        ],
        "outcomes": [
            [*hope[:1], "peer", *hope[2:], "38", "35.1", sd, "", "Table 2"],
            [*hope[:1], "usual", *hope[2:], "39", "33.0", "", "0.8", "Table 2"],
        ],
    }


def write_csv(stem: Path, content: dict[str, list[list[str]]]) -> Path:
    for part, given in content.items():
        with stem.with_name(f"{stem.stem}.{part}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER[part])
            writer.writerows(given)
    return stem


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "review"
    init_project(directory, template="group-peer-support")
    toml = directory / "review.toml"
    toml.write_text(
        toml.read_text().replace(
            'roles = ["screener", "appraiser"]', 'roles = ["screener", "appraiser", "extractor"]'
        )
    )
    return directory


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_the_commands() -> None:
    code, out, _ = invoke("extract", "--help")
    assert code == 0
    for name in ("template", "load", "discrepancies", "show"):
        assert name in out


def test_template_load_show_discrepancies(project: Path, tmp_path: Path) -> None:
    code, out, _ = invoke("extract", "template", str(tmp_path / "t.xlsx"), "-p", str(project))
    assert (code, out.strip()) == (0, f"extraction template written to {tmp_path / 't.xlsx'}")
    assert (tmp_path / "t.xlsx").is_file()

    sheet = write_csv(tmp_path / "r1.csv", rows())
    code, _, err = invoke("extract", "load", str(sheet), "--reviewer", "R1", "-p", str(project))
    assert code == 2 and "no study 'Smith 2019' in this project" in err
    assert invoke("study", "add", "Smith 2019", "-p", str(project))[:2] == (
        0, "study 'Smith 2019' added (id 1)\n")  # fmt: skip
    code, out, err = invoke("extract", "load", str(sheet), "--reviewer", "R1", "-p", str(project))
    assert code == 0
    assert out.splitlines() == [
        f"{sheet}: 8 new, 0 corrected, 0 unchanged (extracted values of R1)"
    ]
    assert "no sysreview identity rows (a sheet made by hand?)" in err  # a warning
    code, out, _ = invoke("extract", "show", "--json", "-p", str(project))
    assert code == 0
    data = json.loads(out)
    assert [s["study_id"] for s in data["studies"]] == ["Smith 2019"]
    usual = data["outcomes"][1]
    assert usual["sd"] == pytest.approx(0.8 * 39**0.5, rel=1e-12)
    assert usual["flags"] == ["sd from SE (Cochrane Handbook 6.5.2.2: SD = SE * sqrt(n))"]
    assert usual["source"] == "R1 only; Table 2"

    other = write_csv(tmp_path / "r2.csv", rows(sd="5.4"))
    assert invoke("extract", "load", str(other), "--reviewer", "R2", "-p", str(project))[0] == 0
    code, out, _ = invoke("extract", "discrepancies", "-p", str(project))
    assert code == 0
    assert out.splitlines() == [
        "Smith 2019 / outcome peer / hope / Herth Hope Index / 0 weeks / sd: "
        "R1 = 5.2 (Table 2); R2 = 5.4 (Table 2)",
        "1 discrepancies",
    ]
    code, out, _ = invoke("extract", "discrepancies", "--json", "-p", str(project))
    assert [r["value"] for r in json.loads(out)] == [5.2, 5.4]
    code, _, err = invoke("extract", "show", "-p", str(project))
    assert code == 2
    assert err.startswith("sysreview: error: 1 values differ between reviewers")
    code, out, _ = invoke("extract", "show", "--latest", "-p", str(project))
    assert code == 0 and "unresolved discrepancy" in out

    agreed = write_csv(tmp_path / "agreed.csv", {"outcomes": rows()["outcomes"][:1]})
    code, out, _ = invoke(
        "extract", "load", str(agreed), "--reviewer", "R3", "--consensus", "-p", str(project)
    )
    assert code == 0
    assert out.splitlines() == [
        f"{agreed}: 1 new, 0 corrected, 0 unchanged (consensus values of R3)"
    ]
    code, out, _ = invoke("extract", "show", "-p", str(project))
    assert code == 0
    assert out.splitlines()[0] == "1 studies, 2 arms, 2 outcome entries"
    assert "consensus (R3); Table 2" in out


def test_bad_rows_are_one_line_errors_and_nothing_is_stored(project: Path, tmp_path: Path) -> None:
    assert invoke("study", "add", "Smith 2019", "-p", str(project))[0] == 0
    content = rows(sd="0")
    content["outcomes"][1][5] = "45"
    sheet = write_csv(tmp_path / "bad.csv", content)
    code, out, err = invoke("extract", "load", str(sheet), "--reviewer", "R1", "-p", str(project))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"sysreview: error: {sheet}, sheet outcomes, row 2, column 'sd': "
        "must be greater than 0, not 0",
        f"sysreview: error: {sheet}, sheet outcomes, row 3, column 'n': 45 is more than the 41 "
        "randomised to arm 'usual'",
    ]
    code, out, _ = invoke("extract", "show", "-p", str(project))
    assert out.splitlines()[0] == "0 studies, 0 arms, 0 outcome entries"
    code, _, err = invoke(
        "extract", "load", str(tmp_path / "none.xlsx"), "--reviewer", "R1", "-p", str(project)
    )
    assert code == 2 and "none.xlsx: no such file" in err
