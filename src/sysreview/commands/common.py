"""What every command shares: one-line errors (exit 2) and the project/database options."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from sysreview.errors import SysreviewError


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


def fail(message: str) -> NoReturn:
    """Print the error (one line per problem) and exit with status 2."""
    for line in str(message).splitlines() or [""]:
        print(f"sysreview: error: {line}", file=sys.stderr)
    raise typer.Exit(2)


@contextmanager
def reported() -> Iterator[None]:
    """Turn expected failures into one-line errors (exit 2): bad input, files, databases."""
    try:
        yield
    except SysreviewError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(str(exc))
    except Exception as exc:
        if not type(exc).__module__.startswith("sqlalchemy"):
            raise
        # e.g. a database server that cannot be reached: say what it answered
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        fail(f"database: {detail[0] if detail else type(exc).__name__}")


ProjectOption = Annotated[
    Path, typer.Option("--project", "-p", help="Project directory (holds review.toml).")
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $SYSREVIEW_DATABASE_URL, else SQLite at DIR/review.db).",
    ),
]
