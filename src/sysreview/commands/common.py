"""What every command shares: one-line errors (exit 2) and the project/database options."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.output import OutputFormat, fail
from sysreview.errors import SysreviewError

_DATABASE_ERRORS = ("sqlalchemy", "sqlite3", "psycopg")
"""Where a database's errors come from: SQLAlchemy, or the driver read directly
(:mod:`sysreview.project.storage.reads`)."""


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
        if not type(exc).__module__.startswith(_DATABASE_ERRORS):
            raise
        # e.g. a database server that cannot be reached: say what it answered
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        fail(f"database: {detail[0] if detail else type(exc).__name__}")


def warn(warnings: Iterable[str]) -> None:
    """Print each warning as ``sysreview: warning: ...`` on stderr."""
    for warning in warnings:
        print(f"sysreview: warning: {warning}", file=sys.stderr)


ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Store rows that overwrite values recorded after the sheet was exported.",
    ),
]
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

__all__ = [
    "DatabaseOption",
    "ForceOption",
    "OutputFormat",
    "ProjectOption",
    "fail",
    "reported",
    "warn",
]
