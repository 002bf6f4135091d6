"""Output formats and one-line errors, shared by the commands (see :mod:`.common`)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import NoReturn

import typer

from sysreview.text import terminal_safe

stdin_names: dict[str, str] = {}
"""Temporary files holding standard input (``-``) -> the name messages give them."""


class OutputFormat(StrEnum):
    """How a command prints its results."""

    text = "text"
    json = "json"
    csv = "csv"


def fail(message: str) -> NoReturn:
    """Print the error (one line per problem) and exit with status 2 (``typer.Exit``).

    The message is made terminal-safe first (it may quote a file name or a value); the
    temporary file that holds standard input is named ``<stdin>``.
    """
    for temporary, name in stdin_names.items():
        message = message.replace(temporary, name)
    for line in terminal_safe(message).splitlines() or [""]:
        print(f"sysreview: error: {line}", file=sys.stderr)
    raise typer.Exit(2)
