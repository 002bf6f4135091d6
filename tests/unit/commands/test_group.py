"""The root group loads a command's module only when the command is run, and its table of
commands (names, modules, help lines, order) is what the modules register."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

import sysreview.commands
from sysreview.cli import app
from sysreview.commands import COMMANDS
from sysreview.commands.group import LazyGroup, Unloaded, registrations

ROOT = Path(__file__).resolve().parents[3]


def _help(group: Any, markup: str | None, capsys: pytest.CaptureFixture[str]) -> str:
    group.rich_markup_mode = markup
    with group.make_context("sysreview", ["--help"], resilient_parsing=True) as ctx:
        text: str = group.get_help(ctx)
    return text + capsys.readouterr().out  # rich prints to the console instead


def test_the_table_names_every_command_of_every_module_and_no_other() -> None:
    modules = {
        info.name
        for info in pkgutil.iter_modules(sysreview.commands.__path__)
        if hasattr(importlib.import_module(f"sysreview.commands.{info.name}"), "register")
    }
    assert {listed.module for listed in COMMANDS.values()} == modules
    registered = {}
    for module in modules:
        registry = registrations(module)
        for info in registry.registered_commands:
            name = info.name or typer.main.get_command_name(getattr(info.callback, "__name__", ""))
            registered[name] = module
        for group in registry.registered_groups:
            registered[str(group.name)] = module
    assert registered == {name: listed.module for name, listed in COMMANDS.items()}


def test_each_help_line_is_the_first_paragraph_of_the_commands_help() -> None:
    group: Any = typer.main.get_command(app)
    ctx = group.context_class(group, info_name="sysreview")
    for name, listed in COMMANDS.items():
        command = group.get_command(ctx, name)
        assert not isinstance(command, Unloaded)
        assert command.name == name
        assert (command.help or "").split("\n\n")[0] == listed.help, name
        assert command.short_help is None and not command.hidden and not command.deprecated


@pytest.mark.parametrize("markup", [None, "markdown", "rich"])
def test_help_lists_the_commands_as_when_all_are_loaded(
    markup: str | None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain help and Typer's rich layout: the placeholders print as the commands do."""
    monkeypatch.setenv("COLUMNS", "100")
    group: Any = typer.main.get_command(app)
    assert isinstance(group, LazyGroup)
    lazy = _help(group, markup, capsys)
    assert all(isinstance(c, Unloaded) for c in group.commands.values())  # help loads none
    ctx = group.context_class(group, info_name="sysreview")
    for name in group.list_commands(ctx):
        group.get_command(ctx, name)
    assert not any(isinstance(c, Unloaded) for c in group.commands.values())
    loaded = _help(group, markup, capsys)
    assert "metareg" in lazy and "Certainty of the evidence" in lazy
    assert lazy == loaded


def test_running_a_command_loads_only_its_module() -> None:
    code = (
        "import json, sys\n"
        "from sysreview.cli import app\n"
        "try:\n"
        "    app(['prisma', '--help'], prog_name='sysreview')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps([m for m in sys.modules if m.startswith('sysreview.commands.')]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
    )
    loaded = json.loads(done.stdout.splitlines()[-1])
    others = {f"sysreview.commands.{m.module}" for m in COMMANDS.values()} - {
        "sysreview.commands.prisma"
    }
    assert "sysreview.commands.prisma" in loaded
    assert not others & set(loaded)


def test_a_mistyped_command_is_offered_the_loaded_and_unloaded_names() -> None:
    from typer.testing import CliRunner

    done = CliRunner().invoke(app, ["stauts"])
    assert done.exit_code == 2
    assert "No such command 'stauts'. Did you mean 'status'?" in done.output
