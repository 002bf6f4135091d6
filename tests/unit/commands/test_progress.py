"""Progress bars: on stderr, only when stdout and stderr are terminals, gone at the end;
a decorated command keeps its signature, help and output."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.commands.progress import busy, progress_bar, show_progress, with_busy
from sysreview.project.opening import init_project


def _terminals(monkeypatch: pytest.MonkeyPatch, stdout: bool, stderr: bool) -> None:
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.setattr(
        Console, "is_terminal", property(lambda self: stderr if self.stderr else stdout)
    )


def test_progress_only_when_both_streams_are_terminals(monkeypatch: pytest.MonkeyPatch) -> None:
    _terminals(monkeypatch, stdout=True, stderr=True)
    assert show_progress()
    monkeypatch.setenv("TERM", "dumb")
    assert not show_progress()
    _terminals(monkeypatch, stdout=False, stderr=True)  # sysreview pool ... > out.txt
    assert not show_progress()
    assert progress_bar().disable
    _terminals(monkeypatch, stdout=True, stderr=False)  # 2> log.txt
    assert not show_progress()


def test_busy_draws_a_spinner_on_stderr_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _terminals(monkeypatch, stdout=True, stderr=True)
    with busy("analysing"):
        print("result")
    shown = capsys.readouterr()
    assert "analysing" in shown.err and "0:00:0" in shown.err  # with the time elapsed
    assert "result" in shown.out + shown.err


def test_busy_draws_nothing_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with busy("analysing"):
        print("result")
    shown = capsys.readouterr()
    assert shown.out == "result\n" and shown.err == ""


def test_with_busy_keeps_the_commands_signature_help_and_result() -> None:
    def command(data: str, *, level: float = 95.0) -> str:
        """Pool the studies."""
        return f"{data} {level}"

    wrapped = with_busy("pooling")(command)
    assert inspect.signature(wrapped) == inspect.signature(command)
    assert inspect.getdoc(wrapped) == "Pool the studies."
    assert wrapped("d.csv", level=90.0) == "d.csv 90.0"


def test_run_shows_each_planned_import_in_bytes_then_records(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A single planned file gets the bar ``sysreview import`` draws, not a file count."""
    init_project(tmp_path, "blank")
    ris = "".join(f"TY  - JOUR\nTI  - Trial {i}\nER  -\n" for i in range(40))
    (tmp_path / "s.ris").write_text(ris, encoding="utf-8")
    (tmp_path / "imports.toml").write_text(
        '[[import]]\nfile = "s.ris"\nsource = "MEDLINE"\ndate = 2024-01-02\n', encoding="utf-8"
    )
    _terminals(monkeypatch, stdout=True, stderr=True)
    result = CliRunner().invoke(app, ["run", "-p", str(tmp_path)])
    # on a terminal, lines printed while a bar is drawn go above it (rich's console)
    assert "40 records as batch 1" in result.stdout + result.stderr
    assert "storing s.ris" in result.stderr and "40/40 records" in result.stderr
