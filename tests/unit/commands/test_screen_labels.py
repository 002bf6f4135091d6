"""``sysreview screen label`` and ``screen keyword``: the same events as the web app, one-line
errors with exit 2 and nothing stored on refusal (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.storage import KeywordEvent, LabelEvent, open_store
from tests.unit.project.selection.test_decisions import make_project

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> tuple[list[str], str]:
    folder, _ = make_project(tmp_path, store_url)
    return ["-p", str(folder), "--db", store_url], store_url


def test_labels_defined_added_listed_and_removed(project: tuple[list[str], str]) -> None:
    args, url = project
    code, out, err = run("screen", "label", "define", "RCT", "--by", "boss",
                         "--description", "randomised", *args)  # fmt: skip
    assert code == 0, err
    assert "label 'RCT' defined by boss" in out
    assert run("screen", "label", "list", *args)[1].strip() == "RCT: randomised (defined by boss)"
    code, out, _ = run("screen", "label", "add", "2", "rct", "--by", "R1", *args)
    assert code == 0 and out.strip() == "record 2: labels RCT"
    code, _, err = run("screen", "label", "add", "2", "RCT", "--by", "R1", *args)
    assert code == 2 and "already carries the label 'RCT'" in err
    code, _, err = run("screen", "label", "add", "2", "nope", "--by", "R1", *args)
    assert code == 2 and "no label 'nope'" in err and "Traceback" not in err
    code, out, _ = run("screen", "label", "remove", "2", "RCT", "--by", "R1", *args)
    assert code == 0 and out.strip() == "record 2: labels (none)"
    with open_store(url) as store, store.session() as session:
        assert session.scalar(select(func.count()).select_from(LabelEvent)) == 2


def test_keywords_project_and_own(project: tuple[list[str], str]) -> None:
    args, url = project
    assert run("screen", "keyword", "add", "cohort", "--kind", "exclude", "--by", "boss",
               *args)[0] == 0  # fmt: skip
    assert run("screen", "keyword", "add", "cohort", "--kind", "include", "--by", "R1",
               "--reviewer", "R1", *args)[0] == 0  # fmt: skip
    project_list = run("screen", "keyword", "list", *args)[1]
    assert "cohort" in project_list.splitlines()[1]  # exclude for everybody
    own = run("screen", "keyword", "list", "--reviewer", "R1", *args)[1]
    assert "cohort" in own.splitlines()[0]  # R1's own list wins: include
    code, _, err = run("screen", "keyword", "add", "x", "--kind", "maybe", "--by", "R1", *args)
    assert code == 2 and "must be include or exclude" in err
    code, _, err = run("screen", "keyword", "add", "bad\x1b[31m", "--kind", "include",
                       "--by", "R1", *args)  # fmt: skip
    assert code == 2 and "control characters" in err
    assert run("screen", "keyword", "remove", "cohort", "--by", "boss", *args)[0] == 0
    assert "cohort" not in run("screen", "keyword", "list", *args)[1]
    with open_store(url) as store, store.session() as session:
        assert session.scalar(select(func.count()).select_from(KeywordEvent)) == 3
