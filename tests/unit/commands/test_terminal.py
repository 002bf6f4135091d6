"""Plain output off a terminal or with NO_COLOR: no ANSI escapes, no box drawing, help
paragraphs wrapped as paragraphs; the rich layout on a terminal."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sysreview.commands.terminal import plain_output, reflow, table_box

ROOT = Path(__file__).resolve().parents[3]
ANSI = re.compile(r"\x1b\[")
BOXES = re.compile("[\u2500-\u257f]")  # the Box Drawing block: ─ │ ╭ ╮ ╰ ╯ ...

# One process prints every command's --help into a pipe: the click tree walked as
# tests/docs/test_build.py walks it, each help separated by a marker line.
WALK = """
import typer.main
from sysreview.cli import app

def walk(command, words):
    yield words
    if hasattr(command, "list_commands"):
        ctx = command.context_class(command, info_name="sysreview")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, [*words, name])

for words in walk(typer.main.get_command(app), []):
    print("=== " + " ".join(words), flush=True)
    app([*words, "--help"], prog_name="sysreview", standalone_mode=False)
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**env, "PYTHONPATH": str(ROOT / "src"), **extra}


def test_every_help_through_a_pipe_is_plain_text() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WALK], capture_output=True, text=True, env=_env(), check=False
    )
    assert done.returncode == 0, done.stderr
    helps = done.stdout.split("=== ")[1:]
    assert len(helps) > 55
    for text in helps:
        name = text.splitlines()[0]
        assert "Usage: sysreview" in text, name
        assert not ANSI.search(text), name
        assert not BOXES.search(text), name


def _on_a_terminal(args: list[str], **env: str) -> str:
    """What ``python -m sysreview ARGS`` writes to a (pseudo-)terminal 120 columns wide."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdout and stderr are the terminal
        try:
            os.execve(
                sys.executable,
                [sys.executable, "-m", "sysreview", *args],
                _env(**{"COLUMNS": "120", "TERM": "xterm-256color", **env}),
            )
        finally:
            os._exit(127)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8", "replace")


def test_help_on_a_terminal_is_rich_and_with_no_color_plain() -> None:
    styled = _on_a_terminal(["pool", "--help"])
    assert ANSI.search(styled) and BOXES.search(styled)  # the test can tell them apart
    # the docstring's paragraph is one paragraph, wrapped to the terminal's width
    words = re.sub(r"\x1b\[[0-9;]*m", "", styled)
    assert "one group's events/N or correlation/N, or estimate/SE." in words
    plain = _on_a_terminal(["pool", "--help"], NO_COLOR="1")
    assert not ANSI.search(plain) and not BOXES.search(plain)
    assert "Usage: python -m sysreview pool" in plain
    dumb = _on_a_terminal(["pool", "--help"], TERM="dumb")
    assert not ANSI.search(dumb) and not BOXES.search(dumb)


def test_help_shows_brackets_as_written_on_a_terminal() -> None:
    """``[[import]]`` in run's help is text, not (rich) markup swallowed."""
    shown = re.sub(r"\x1b\[[0-9;]*m", "", _on_a_terminal(["run", "--help"]))
    assert "[[import]]" in shown and "[[data]]" in shown


def test_usage_errors_through_a_pipe_are_plain() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sysreview", "pool", "d.csv", "--format", "xml"],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    assert done.returncode == 2
    assert "Invalid value for '--format'" in done.stderr
    assert not ANSI.search(done.stderr) and not BOXES.search(done.stderr)


def test_plain_output_follows_no_color_term_and_the_stream(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")

    class Terminal:
        def isatty(self) -> bool:
            return True

    assert plain_output(Terminal()) is False  # type: ignore[arg-type]
    with (tmp_path / "f").open("w") as handle:
        assert plain_output(handle) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert plain_output(Terminal()) is True  # type: ignore[arg-type]
    assert table_box() is None
    monkeypatch.setenv("NO_COLOR", "")  # empty: not set (no-color.org)
    assert plain_output(Terminal()) is False  # type: ignore[arg-type]
    monkeypatch.setenv("TERM", "dumb")
    assert plain_output(Terminal()) is True  # type: ignore[arg-type]


def test_reflow_joins_paragraph_lines_and_keeps_lists() -> None:
    text = "First line.\n\nA paragraph\nwith two lines.\n- an item\n- another\n  indented"
    assert reflow(text) == (
        "First line.\n\nA paragraph with two lines.\n- an item\n- another\n  indented"
    )


def test_analyse_prints_its_table_without_borders_off_a_terminal(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sysreview.cli import app
    from sysreview.project.opening import init_project

    init_project(tmp_path, "group-peer-support")
    (tmp_path / "hope.csv").write_text(
        "slab,m1i,sd1i,n1i,m2i,sd2i,n2i,domain,measure,comparator\n"
        "Smith 2019,36.1,5.2,38,34.0,5.9,39,hope,Herth Hope Index,TAU\n"
        "Jones 2020,35.0,4.8,60,33.2,5.1,61,hope,Herth Hope Index,TAU\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    p = ["-p", str(tmp_path)]
    loaded = runner.invoke(
        app, ["data", "load", str(tmp_path / "hope.csv"), "--reviewer", "R1", "--add-studies", *p]
    )
    assert loaded.exit_code == 0, loaded.stderr
    done = runner.invoke(app, ["analyse", *p])
    assert done.exit_code == 0, done.stderr
    assert "Analyses" in done.stdout and " analysis " in done.stdout  # the table is there
    assert not BOXES.search(done.stdout) and not ANSI.search(done.stdout)
