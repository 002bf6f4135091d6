"""De-duplicating a project: links as events, the review queue, decisions that persist."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.deduplicating.service import (
    decide_duplicate,
    deduplicate_project,
    duplicate_queue,
)
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project
from sysreview.project.status import project_status

runner = CliRunner()

RECORD = """TY  - JOUR
TI  - {title}
AU  - Smith, Jane
AU  - Doe, John
PY  - 2019
JO  - Psychiatric Services
VL  - 70
SP  - 100
EP  - 110
DO  - {doi}
ER  -
"""


def ris(*records: tuple[str, str]) -> str:
    return "".join(RECORD.format(title=t, doi=d) for t, d in records)


def make_project(tmp_path: Path, store_url: str) -> Path:
    project = tmp_path / "p"
    init_project(project, "blank", store_url)
    medline = project / "medline.ris"
    embase = project / "embase.ris"
    medline.write_text(
        ris(
            (
                "Group peer support for people with psychosis: a randomised trial",
                "10.1176/appi.ps.201900123",
            ),
            (
                "Hope and empowerment in recovery colleges: a controlled study",
                "10.1176/appi.ps.201900456",
            ),
        ),
        encoding="utf-8",
    )
    embase.write_text(
        ris(
            (
                "Group peer support for people with psychosis: a randomised trial.",
                "10.1176/APPI.PS.201900123",
            ),
            (
                "Hope and empowerment in recovery colleges: a controlled study",
                "10.1176/appi.ps.201900789",
            ),
        ),
        encoding="utf-8",
    )
    import_files(project, [medline], source="MEDLINE", db_url=store_url)
    import_files(project, [embase], source="Embase", db_url=store_url)
    return project


def test_duplicates_are_linked_and_uncertain_pairs_queued(tmp_path: Path, store_url: str) -> None:
    project = make_project(tmp_path, store_url)
    run = deduplicate_project(project, store_url)
    assert (run.records, run.confirmed, run.proposed) == (4, 1, 1)
    status = project_status(project, store_url)
    assert (status.records, status.duplicates, status.unique_records) == (4, 1, 3)
    (pair,) = duplicate_queue(project, store_url)
    assert pair.rule == "different_doi_same_title"
    assert (
        pair.a["doi"] == "10.1176/appi.ps.201900456"
        and pair.b["doi"] == "10.1176/appi.ps.201900789"
    )
    again = deduplicate_project(project, store_url)
    assert (again.confirmed, again.proposed, again.already_linked) == (0, 0, 2)


def test_reviewer_decisions_are_events_that_survive_reruns(tmp_path: Path, store_url: str) -> None:
    project = make_project(tmp_path, store_url)
    deduplicate_project(project, store_url)
    (pair,) = duplicate_queue(project, store_url)
    decide_duplicate(project, pair.key, accept=False, reviewer="Ana", db_url=store_url)
    assert duplicate_queue(project, store_url) == []
    deduplicate_project(project, store_url)
    assert duplicate_queue(project, store_url) == []  # the rejection is kept
    assert project_status(project, store_url).duplicates == 1
    decide_duplicate(project, pair.key, accept=True, reviewer="Ana", db_url=store_url)
    assert project_status(project, store_url).duplicates == 2  # a correction: a new event


def test_cli_review_queue_and_standalone_file_mode(tmp_path: Path, store_url: str) -> None:
    project = make_project(tmp_path, store_url)
    result = runner.invoke(app, ["dedup", "-p", str(project), "--db", store_url])
    assert result.exit_code == 0 and "pairs queued for review:          1" in result.stdout
    result = runner.invoke(app, ["dedup", "review", "-p", str(project), "--db", store_url])
    assert result.exit_code == 0 and "1 pairs waiting for review" in result.stdout
    key = result.stdout.split()[0]
    result = runner.invoke(
        app, ["dedup", "review", "--accept", key, "-p", str(project), "--db", store_url]
    )
    assert result.exit_code == 2 and "--reviewer is required" in result.stderr
    result = runner.invoke(
        app,
        [
            "dedup",
            "review",
            "--accept",
            key,
            "--reviewer",
            "Bo",
            "-p",
            str(project),
            "--db",
            store_url,
        ],
    )
    assert result.exit_code == 0 and f"{key}: confirmed by Bo" in result.stdout

    both = tmp_path / "both.ris"
    both.write_text((project / "medline.ris").read_text() + (project / "embase.ris").read_text())
    out = tmp_path / "groups.csv"
    result = runner.invoke(app, ["dedup", str(both), "--output", str(out)])
    assert result.exit_code == 0 and "4 records in 3 groups" in result.stdout
    lines = out.read_text().splitlines()
    assert lines[0] == "record_id,group_id,rule,score"
    rows = [line.split(",") for line in lines[1:]]
    assert [r[1] for r in rows] == ["1", "2", "1", "3"]
    assert rows[0][2] == rows[2][2] != "" and rows[1][2] == rows[3][2] == ""
    result = runner.invoke(app, ["dedup", str(both), "--format", "json"])
    groups = json.loads(result.stdout)
    assert [g["group_id"] for g in groups] == [1, 2, 1, 3]
