"""The project services and the project commands, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.errors import InputError
from sysreview.project.opening import (
    PROTOCOL_FILE,
    export_project,
    init_project,
    load_project_dump,
    upgrade_database,
)
from sysreview.project.status import project_status
from sysreview.project.storage import DuplicateLink, open_store
from sysreview.project.storage.migrate import head_revision
from sysreview.protocol import ProtocolError
from tests.unit.project.factories import add_batch, add_reviewers, populate

runner = CliRunner()


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("template", ["group-peer-support", "blank"])
def test_init_writes_a_valid_protocol_and_a_migrated_database(
    tmp_path: Path, store_url: str, template: str
) -> None:
    project = init_project(tmp_path / "review", template, store_url)
    assert project.protocol_path.is_file()
    with open_store(store_url, upgrade=False) as store:
        assert store.current_revision() == store.head_revision()
    with pytest.raises(InputError, match="already initialised"):
        init_project(tmp_path / "review", template, store_url)


def test_init_refuses_unknown_templates_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown template 'seed'; must be one of"):
        init_project(tmp_path / "x", "seed")
    assert not (tmp_path / "x").exists()


def test_status_counts_records_duplicates_screening_and_studies(
    tmp_path: Path, store_url: str
) -> None:
    init_project(tmp_path, "group-peer-support", store_url)
    with open_store(store_url) as store:
        populate(store)
        with store.session() as s:  # a second confirmed pair in the same group: 0-1, 1-2
            batch = add_batch(s, n=3, file_name="medline.ris")
            (reviewer,) = add_reviewers(s, "Dee")
            r = batch.records
            for a, b in ((r[0], r[1]), (r[1], r[2])):
                link = DuplicateLink(record_a_id=a.id, record_b_id=b.id, rule="title")
                link.status, link.reviewer_id = "confirmed", reviewer.id
                s.add(link)
    status = project_status(tmp_path, store_url)
    assert status.records == 8  # 5 from populate, 3 more
    assert status.import_batches == 2
    assert status.duplicates == 3  # one pair from populate, a group of three here
    assert status.unique_records == 5
    # the populated record's conflict was resolved by an arbiter: settled, included
    assert status.title_abstract.settled == status.title_abstract.included == 1
    assert status.title_abstract.units == 5 and status.title_abstract.awaiting_first == 4
    assert status.full_text.units == 1 and status.full_text.awaiting_first == 1
    assert status.included_studies == 1
    assert status.schema_revision == head_revision()


def test_export_then_load_is_lossless(
    tmp_path: Path, store_url: str, new_url: Callable[..., str]
) -> None:
    init_project(tmp_path / "a", "group-peer-support", store_url)
    with open_store(store_url) as store:
        populate(store)
    first = export_project(tmp_path / "a", tmp_path / "dump1", store_url)
    target_url = new_url(blank=True)
    load_project_dump(tmp_path / "dump1", tmp_path / "b", target_url)
    export_project(tmp_path / "b", tmp_path / "dump2", target_url)
    assert files_of(tmp_path / "dump1") == files_of(tmp_path / "dump2")
    assert sum(first.counts().values()) > 13
    with pytest.raises(InputError, match="not empty"):
        export_project(tmp_path / "a", tmp_path / "dump1", store_url)
    with pytest.raises(InputError, match="already exists"):
        load_project_dump(tmp_path / "dump1", tmp_path / "b", target_url)


def test_upgrade_reports_revisions(tmp_path: Path, new_url: Callable[..., str]) -> None:
    url = new_url(blank=True)
    (tmp_path / PROTOCOL_FILE).write_text(
        (Path(__file__).parents[3] / "src/sysreview/templates/blank.toml").read_text()
    )
    assert upgrade_database(tmp_path, url) == (None, head_revision())
    assert upgrade_database(tmp_path, url) == (head_revision(), head_revision())


def test_a_broken_protocol_names_key_value_and_line(tmp_path: Path) -> None:
    init_project(tmp_path, "blank")
    text = (tmp_path / PROTOCOL_FILE).read_text()
    (tmp_path / PROTOCOL_FILE).write_text(text + "\n[bogus]\nx = 1\n")
    with pytest.raises(ProtocolError, match=r"line \d+: bogus"):
        project_status(tmp_path)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_project_commands_end_to_end(tmp_path: Path, store_url: str) -> None:
    project, dump, copy = str(tmp_path / "p"), str(tmp_path / "dump"), str(tmp_path / "q")
    code, out, err = run("init", project, "--template", "group-peer-support", "--db", store_url)
    assert code == 0, err
    code, out, _ = run("validate", "--project", project)
    assert code == 0 and "PROSPERO CRD42019145217" in out
    code, out, _ = run("status", "--project", project, "--db", store_url, "--json")
    status = json.loads(out)
    assert code == 0
    assert {"records", "duplicates", "title_abstract", "included_studies"} <= set(status)
    assert status["title_abstract"]["awaiting_first"] == status["unique_records"]
    code, out, _ = run("db", "upgrade", "--project", project, "--db", store_url)
    assert code == 0 and head_revision() in out
    code, out, _ = run("export", dump, "--project", project, "--db", store_url)
    assert code == 0 and "tables" in out
    code, out, err = run("load", dump, copy)
    assert code == 0, err
    code, out, _ = run("status", "--project", copy)
    assert code == 0 and "Included studies" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "--project", "{tmp}/none"), "no review.toml here: not a sysreview project"),
        (("init", "{tmp}/p", "--template", "nope"), "unknown template 'nope'"),
        (("load", "{tmp}", "{tmp}/q"), "is not a sysreview export"),
        (
            ("status", "--project", "{tmp}/p", "--db", "postgresql+psycopg://x@127.0.0.1:1/x"),
            "database:",
        ),
        (("status", "--project", "{tmp}/p", "--db", "mysql://x/y"), "mysql"),
    ],
)
def test_cli_errors_are_one_line_per_problem_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    init_project(tmp_path / "p", "blank")
    code, out, err = run(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert code == 2, (out, err)
    assert err.startswith("sysreview: error: ") and message in err
    assert "Traceback" not in err


def test_cli_import_reports_batches_and_refuses_reimport(tmp_path: Path) -> None:
    init_project(tmp_path / "p", "blank")
    data = tmp_path / "x.ris"
    data.write_text("TY  - JOUR\nTI  - A trial\nPY  - 2020\nER  -\n", encoding="utf-8")
    args = (
        "import",
        str(data),
        "--source",
        "MEDLINE",
        "--date",
        "2019-07-13",
        "-p",
        str(tmp_path / "p"),
    )
    code, out, err = run(*args)
    assert code == 0, err
    assert "1 records (ris) as batch 1" in out
    code, out, err = run(*args)
    assert code == 2 and "already imported as batch 1" in err
    code, out, err = run(
        "import", str(data), "--source", "X", "--date", "13/07/2019", "-p", str(tmp_path / "p")
    )
    assert code == 2 and "--date '13/07/2019' is not a date" in err
