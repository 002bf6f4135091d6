"""One spelling per option: ``-p`` on every project command, ``--out``, ``--format`` with
``--json`` as its shorthand, older spellings as aliases, and ``-`` for standard input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.opening import init_project

ROOT = Path(__file__).resolve().parents[3]
runner = CliRunner()

NOT_ON_A_PROJECT = {"sysreview pool", "sysreview metareg", "sysreview simulate"}
"""Commands that read a data file and know nothing of projects."""


def _leaves(command: Any, prefix: str) -> list[tuple[str, Any]]:
    """Every command that runs something (groups with a callback too), as --help walks."""
    found = [(prefix, command)] if command.params or command.callback is not None else []
    if hasattr(command, "list_commands"):
        ctx = command.context_class(command, info_name=prefix.rsplit(" ", 1)[-1])
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                found.extend(_leaves(sub, f"{prefix} {name}"))
    return found


def _parse(*args: str) -> dict[str, Any]:
    """The values the command function would receive for ``sysreview ARGS``."""
    command: Any = typer.main.get_command(app)
    ctx = command.make_context("sysreview", list(args), resilient_parsing=False)
    while hasattr(command, "list_commands"):
        name, *rest = [*ctx._protected_args, *ctx.args]
        sub = command.get_command(ctx, name)
        ctx = sub.make_context(name, rest, parent=ctx)
        command = sub
    return dict(ctx.params)


def test_every_project_command_takes_p() -> None:
    commands = _leaves(typer.main.get_command(app), "sysreview")
    assert len(commands) > 55
    without = [
        path
        for path, command in commands
        if path != "sysreview"
        and path not in NOT_ON_A_PROJECT
        and not any("-p" in p.opts and "--project" in p.opts for p in command.params)
    ]
    assert without == []


@pytest.mark.parametrize("command", ["run", "serve", "init", "load DUMP"])
def test_the_folder_argument_and_p_are_the_same(command: str) -> None:
    words = command.split()
    assert _parse(*words, "-p", "x")["directory"] == Path("x")
    assert _parse(*words, "x")["directory"] == Path("x")
    assert _parse(*words, "x", "--project", "x")["directory"] == Path("x")
    assert _parse(*words)["directory"] == Path(".")
    result = runner.invoke(app, [*words, "x", "-p", "y"])
    assert result.exit_code == 2
    assert "disagree" in result.stderr and "Traceback" not in result.stderr


def test_init_with_p_creates_the_project(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", "-p", str(tmp_path / "r")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "r" / "review.toml").is_file()


def test_run_with_p_does_what_run_dir_does(tmp_path: Path) -> None:
    init_project(tmp_path, "blank")
    by_argument = runner.invoke(app, ["run", str(tmp_path)])
    by_option = runner.invoke(app, ["run", "-p", str(tmp_path)])
    assert (by_argument.exit_code, by_argument.stdout, by_argument.stderr) == (
        by_option.exit_code,
        by_option.stdout,
        by_option.stderr,
    )
    assert by_option.exit_code == 2  # a blank project has no data to analyse


@pytest.mark.parametrize(
    ("command", "args", "old", "new", "name"),
    [
        (["dedup"], ["f.ris"], "--output", "--out", "output"),
        (["simulate"], ["d.csv", "--label-column", "l"], "--output", "--out", "output"),
        (["search", "log"], [], "--csv", "--out", "csv"),
        (["analyse"], [], "--format", "--data-format", "data_format"),
        (["data", "check"], ["f.csv"], "--format", "--data-format", "data_format"),
        (
            ["data", "load"],
            ["f.csv", "--reviewer", "R1"],
            "--format",
            "--data-format",
            "data_format",
        ),
    ],
)
def test_older_spellings_are_hidden_aliases(
    command: list[str], args: list[str], old: str, new: str, name: str
) -> None:
    by_old = _parse(*command, *args, old, "v")[name]
    assert by_old is not None and by_old == _parse(*command, *args, new, "v")[name]
    shown = runner.invoke(app, [*command, "--help"]).stdout
    assert new in shown and f"{old} " not in shown


def test_simulate_still_requires_out() -> None:
    result = runner.invoke(app, ["simulate", "d.csv", "--label-column", "l"])
    assert result.exit_code == 2
    assert "--out is required" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["prisma"],
        ["log"],
        ["screen", "agreement"],
        ["study", "list"],
        ["extract", "show"],
        ["extract", "discrepancies"],
        ["rob", "show"],
        ["rob", "agreement"],
        ["rob", "discrepancies"],
        ["grade", "show"],
    ],
)
def test_json_and_format_json_are_the_same(command: list[str]) -> None:
    assert _parse(*command, "--json")["as_json"] is True
    assert _parse(*command, "--format", "json")["as_json"] is True
    assert _parse(*command, "--format", "text")["as_json"] is False
    assert _parse(*command)["as_json"] is False
    result = runner.invoke(app, [*command, "--json", "--format", "text"])
    assert result.exit_code == 2 and "disagree" in result.stderr


@pytest.mark.parametrize("command", [["pool", "d.csv"], ["metareg", "d.csv", "--mods", "x"]])
def test_json_is_the_shorthand_of_format_json(command: list[str]) -> None:
    assert _parse(*command, "--json")["output_format"] == "json"
    assert _parse(*command, "--json", "--format", "json")["output_format"] == "json"
    assert _parse(*command)["output_format"] == "text"
    result = runner.invoke(app, [*command, "--format", "csv", "--json"])
    assert result.exit_code == 2 and "disagree" in result.stderr
    assert _parse("dedup", "f.ris", "--json")["output_format"] == "json"


def test_status_prints_the_same_json_with_either_spelling(tmp_path: Path) -> None:
    init_project(tmp_path, "blank")
    by_flag = runner.invoke(app, ["status", "-p", str(tmp_path), "--json"])
    by_format = runner.invoke(app, ["status", "-p", str(tmp_path), "--format", "json"])
    assert by_flag.exit_code == 0 and by_flag.stdout == by_format.stdout
    assert json.loads(by_flag.stdout)["database"] == "sqlite"


# Standard input: through `python -m sysreview`, so the bytes travel as a shell sends them.

QUOTED = (
    "\ufeffstudy,m1i,sd1i,n1i,m2i,sd2i,n2i,year\r\n"
    '"Smith, J 2001",10,2,30,12,2.5,30,2001\r\n'
    '"Doe ""A"" 2003",11,2,40,12,3,40,2003\r\n'
    '"Lee\n2005",9,2,25,11,2,25,2005\r\n'
    "Kim 2009,10.5,2.2,33,11,2.1,35,2009\r\n"
).encode()


def _sysreview(args: list[str], tmp: Path, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TMPDIR": str(tmp)}
    return subprocess.run(
        [sys.executable, "-m", "sysreview", *args],
        capture_output=True,
        env=env,
        check=False,
        **kwargs,
    )


@pytest.mark.parametrize(
    "args", [["pool"], ["pool", "--format", "csv"], ["metareg", "--mods", "year", "--json"]]
)
def test_dash_reads_stdin_as_the_file_is_read(tmp_path: Path, args: list[str]) -> None:
    data = tmp_path / "data.csv"
    data.write_bytes(QUOTED)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command, *options = args
    from_file = _sysreview([command, str(data), *options], scratch)
    assert from_file.returncode == 0, from_file.stderr
    with data.open("rb") as handle:  # sysreview pool - < data.csv
        redirected = _sysreview([command, "-", *options], scratch, stdin=handle)
    piped = _sysreview([command, "-", *options], scratch, input=QUOTED)  # cat data.csv | ...
    assert redirected.returncode == piped.returncode == 0, piped.stderr
    assert redirected.stdout == piped.stdout == from_file.stdout
    if args == ["pool"]:  # the quoted names, read as the file's
        assert b'Doe "A" 2003' in piped.stdout and b"Smith, J 2001" in piped.stdout
    assert list(scratch.iterdir()) == []  # the copy of stdin is removed


def test_pool_from_stdin_names_it_in_messages(tmp_path: Path) -> None:
    done = _sysreview(["pool", "-"], tmp_path, input=b"study,m1i\nA,1\n")
    assert done.returncode == 2
    assert done.stderr.decode().startswith("sysreview: error: <stdin>, row 1: no data columns")
    assert str(tmp_path) not in done.stderr.decode()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["export"], "out"),
        (["screen", "export", "--reviewer", "R1"], "out"),
        (["extract", "template"], "out"),
        (["data", "export-revman"], "out"),
        (["data", "export-prisma2020"], "out"),
        (["references", "export"], "out"),
        (["references", "export-decisions", "--to", "rayyan"], "out"),
        (["rob", "template"], "output"),
        (["rob", "figure"], "output"),
        (["grade", "template"], "output"),
    ],
)
def test_the_file_written_is_out_or_the_argument(command: list[str], name: str) -> None:
    assert _parse(*command, "w.x")[name] == _parse(*command, "--out", "w.x")[name] == Path("w.x")
    for args in ([], ["a.x", "--out", "b.x"]):  # missing, or two different files
        result = runner.invoke(app, [*command, *args])
        assert result.exit_code == 2 and "Traceback" not in result.stderr
        assert "OUT" in result.stderr
