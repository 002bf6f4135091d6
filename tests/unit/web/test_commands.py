"""sysreview user add/set/list and sysreview serve, through the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.accounts.users import list_users

runner = CliRunner()


def test_user_add_reads_the_password_from_stdin(project: Path) -> None:
    args = ["user", "add", "R9", "--role", "adjudicator", "--password-stdin", "-p", str(project)]
    result = runner.invoke(app, args, input="a long password\n")
    assert result.exit_code == 0, result.output
    assert "added account R9 (adjudicator)" in result.output
    assert "a long password" not in result.output
    listed = runner.invoke(app, ["user", "list", "-p", str(project)])
    assert "R9\tadjudicator\tactive" in listed.output


def test_user_add_prompts_twice_without_echo(project: Path) -> None:
    result = runner.invoke(
        app, ["user", "add", "R8", "-p", str(project)], input="secret-word-1\nsecret-word-1\n"
    )
    assert result.exit_code == 0, result.output
    assert "secret-word-1" not in result.output
    assert ("R8", "reviewer") in [(a.name, a.role) for a in list_users(project)]


def test_user_errors_are_one_line_exit_2(project: Path) -> None:
    taken = runner.invoke(
        app, ["user", "add", "R1", "--password-stdin", "-p", str(project)], input="long enough\n"
    )
    assert taken.exit_code == 2
    assert "sysreview: error: there is already an account 'R1'" in taken.output
    short = runner.invoke(
        app, ["user", "add", "R7", "--password-stdin", "-p", str(project)], input="short\n"
    )
    assert short.exit_code == 2 and "at least 8 characters" in short.output
    nothing = runner.invoke(app, ["user", "set", "R1", "-p", str(project)])
    assert nothing.exit_code == 2 and "nothing to change" in nothing.output


def test_user_set_changes_role_and_blocks_login(project: Path) -> None:
    result = runner.invoke(
        app, ["user", "set", "R2", "--role", "admin", "--inactive", "-p", str(project)]
    )
    assert result.exit_code == 0, result.output
    assert "account R2: admin, inactive" in result.output


def test_serve_builds_the_app_and_runs_uvicorn(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []

    def fake_run(application: Any, **kwargs: Any) -> None:
        calls.append({"app": application, **kwargs})
        application.state.project.close()

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = runner.invoke(app, ["serve", str(project), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    assert calls[0]["app"].state.project.directory == project


def test_serve_outside_a_project_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a sysreview project" in result.output
