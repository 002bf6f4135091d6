"""Output formats and one-line errors: what ``sysreview pool``'s fast path shares with the CLI.

Kept free of Typer at import time, so that :mod:`sysreview.commands.pool_fast` starts
without it (~0.05 s); :func:`fail` imports Typer only when there is an error to report.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import NoReturn


class OutputFormat(StrEnum):
    """How a command prints its results."""

    text = "text"
    json = "json"
    csv = "csv"


def fail(message: str) -> NoReturn:
    """Print the error (one line per problem) and exit with status 2 (``typer.Exit``).

    The message is made terminal-safe first (it may quote a file name or a value).
    """
    import typer

    from sysreview.text import terminal_safe

    for line in terminal_safe(message).splitlines() or [""]:
        print(f"sysreview: error: {line}", file=sys.stderr)
    raise typer.Exit(2)


def exit_status(exc: BaseException) -> int | None:
    """The status of a ``typer.Exit`` (raised by :func:`fail`); ``None`` for anything else.

    Typer is looked up, not imported: an Exit can only exist once Typer was imported.
    """
    typer = sys.modules.get("typer")
    if typer is not None and isinstance(exc, typer.Exit):
        return int(exc.exit_code)
    return None
