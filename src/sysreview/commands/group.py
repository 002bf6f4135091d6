"""The root command group: a command's module is loaded when the command is first asked for.

Building a Typer command reads the annotations of all its parameters (and makes a
pydantic adapter for each value it parses), so building all ~30 commands and groups on
every start cost ``sysreview status`` as much as a tenth of its time. This is click's
documented pattern for that ("Complex Applications: Lazily Loading Subcommands": a
group whose ``list_commands`` names every command and whose ``get_command`` imports it
when asked), on Typer's group class: :class:`LazyGroup` lists the names of
:data:`sysreview.commands.COMMANDS` and builds a command, with Typer's own builders
(:func:`typer.main.get_command_from_info`, :func:`typer.main.get_group_from_info`), from
the registrations of its module the first time it is resolved. The help of the group
lists each command's help line from the table until the command is loaded; a test
checks that both read alike.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING, Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from sysreview.commands import COMMANDS
from sysreview.commands.terminal import reflow_help

if TYPE_CHECKING:  # Typer's own copy of click, whose classes its groups take
    from typer._click import Command, Context, HelpFormatter


@cache
def registrations(module: str) -> typer.Typer:
    """A Typer app holding what ``sysreview.commands.MODULE.register`` adds (once).

    The commands' help is their docstring reflowed (:func:`reflow_help`), as for every
    command of the app.
    """
    registry = typer.Typer()
    importlib.import_module(f"sysreview.commands.{module}").register(registry)
    reflow_help(registry)
    return registry


class Unloaded(TyperCommand):
    """A command of the table not loaded yet: its name and help line, for listings."""


class LazyGroup(TyperGroup):
    """Typer's group with the commands of :data:`~sysreview.commands.COMMANDS`, loaded lazily.

    ``typer.Typer(cls=LazyGroup)`` makes the root app's group one of these. It starts
    with an :class:`Unloaded` placeholder per command, in the table's order, so that
    Typer's listing and its "did you mean" suggestions see every name.
    """

    pretty_exceptions_short = True
    """What Typer gives the commands it builds for the root app (its default, kept)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._listing = False
        for name, listed in COMMANDS.items():
            if name not in self.commands:
                self.commands[name] = Unloaded(
                    name, help=listed.help, rich_markup_mode=self.rich_markup_mode
                )

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        """The command ``cmd_name``, built from its module the first time it is asked for.

        While this group formats its own help, a command not loaded yet stays its
        placeholder (:meth:`format_help`).
        """
        command = self.commands.get(cmd_name)
        if isinstance(command, Unloaded) and not self._listing:
            command = self.commands[cmd_name] = self._build(cmd_name)
        return command

    def _build(self, name: str) -> Command:
        """What Typer's eager build makes of the command ``name`` of its module."""
        registry = registrations(COMMANDS[name].module)
        for info in registry.registered_commands:
            callback = info.callback
            given = info.name or (callback and typer.main.get_command_name(callback.__name__))
            if given == name:
                return typer.main.get_command_from_info(
                    info,
                    pretty_exceptions_short=self.pretty_exceptions_short,
                    rich_markup_mode=self.rich_markup_mode,
                )
        for group in registry.registered_groups:
            if group.name == name:
                return typer.main.get_group_from_info(
                    group,
                    pretty_exceptions_short=self.pretty_exceptions_short,
                    rich_markup_mode=self.rich_markup_mode,
                    suggest_commands=self.suggest_commands,
                )
        raise LookupError(f"sysreview.commands.{COMMANDS[name].module} has no command {name!r}")

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        """Typer's help (plain or rich), listing the commands not loaded by their help line."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


__all__ = ["LazyGroup", "Unloaded", "registrations"]
