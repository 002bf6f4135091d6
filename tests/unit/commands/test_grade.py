"""``sysreview grade show|set|template|load`` on SQLite and PostgreSQL (``--db``): output,
JSON, exit status 2 with one line and nothing stored on refusal, and the same rule as the
service (checked by the service tests)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.opening import init_project
from sysreview.project.storage import GradeRating
from tests.unit.commands.test_sheet_commands import count
from tests.unit.project.grading.test_ratings import extract

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> tuple[list[str], str]:
    folder = tmp_path / "p"
    init_project(folder, "group-peer-support", store_url)
    extract(folder, store_url)
    return ["-p", str(folder), "--db", store_url], store_url


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_show_set_and_show_again(project: tuple[list[str], str]) -> None:
    where, url = project
    code, out, _ = run("grade", "show", *where)
    assert code == 0
    assert out.startswith("Recovery, post-intervention [recovery.post_intervention]: ")
    assert "(includes suggestions not yet confirmed)" in out and "  indirectness " in out
    code, out, err = run("grade", "set", "recovery", "indirectness", "serious", "--reason",
                         "older adults only", "--reviewer", "R1", *where)  # fmt: skip
    assert (code, out.strip(), err) == (0, "1 rating(s) stored for R1 (reviewer); 0 unchanged", "")
    code, out, _ = run("grade", "show", "--json", *where)
    (row,) = json.loads(out)
    indirect = next(d for d in row["domains"] if d["domain"] == "indirectness")
    assert (indirect["rating"], indirect["source"], indirect["reason"]) == (
        "serious", "R1", "older adults only",
    )  # fmt: skip
    assert indirect["suggestion"]["source"] == "suggested" and not row["confirmed"]
    assert any(f.startswith("Indirectness: rated down one level (serious; by R1)")
               for f in row["footnotes"])  # fmt: skip
    assert count(url, GradeRating) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hope", "imprecision", "no", "--reason", "x"], "no Summary of findings row for "
         "outcome 'hope'"),
        (["recovery", "imprecision", "no", "--reason", ""], "a rating needs a justification"),
        (["recovery", "imprecision", "sure", "--reason", "x"], "unknown rating 'sure'"),
    ],
)  # fmt: skip
def test_set_refuses_with_one_line_and_stores_nothing(
    project: tuple[list[str], str], args: list[str], message: str
) -> None:
    where, url = project
    code, out, err = run("grade", "set", *args, "--reviewer", "R1", *where)
    assert code == 2 and out == ""
    assert err.startswith("sysreview: error: ") and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert count(url, GradeRating) == 0


def test_set_needs_the_reason_option(project: tuple[list[str], str]) -> None:
    where, url = project
    code, _, err = run("grade", "set", "recovery", "imprecision", "no", "--reviewer", "R1", *where)
    assert code == 2 and "--reason" in err
    assert count(url, GradeRating) == 0


def test_template_and_load(project: tuple[list[str], str], tmp_path: Path) -> None:
    where, url = project
    sheet = tmp_path / "r2.csv"
    code, out, _ = run("grade", "template", str(sheet), "--reviewer", "R2", *where)
    assert (code, out.strip()) == (0, f"wrote {sheet} (5 rows)")
    with sheet.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    for row in rows:
        if row[2:3] == ["imprecision"]:
            row[5:7] = ["very serious", "CI spans benefit and harm"]
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    code, out, _ = run("grade", "load", str(sheet), "--reviewer", "R2", *where)
    assert code == 0 and "1 new, 0 corrected, 0 unchanged (GRADE ratings of R2)" in out
    code, out, _ = run("grade", "load", str(sheet), "--reviewer", "R2", *where)
    assert code == 0 and "unchanged (1 GRADE ratings of R2 as stored)" in out
    code, _, err = run("grade", "load", str(sheet), "--reviewer", "R1", *where)
    assert code == 2 and "this sheet was exported for R2, not R1" in err
    assert count(url, GradeRating) == 1


def test_show_without_extracted_data_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    init_project(folder, "group-peer-support")
    code, _, err = run("grade", "show", "-p", str(folder))
    assert code == 2 and "no extracted data in the project yet" in err
