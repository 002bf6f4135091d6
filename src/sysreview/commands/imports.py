"""``sysreview import``: search results into the project, one import batch per file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, fail, reported
from sysreview.commands.progress import import_progress


def import_command(
    files: Annotated[list[Path], typer.Argument(help="Export files (RIS, MEDLINE, CSV, ...).")],
    source: Annotated[str, typer.Option(help="Database or register searched, e.g. MEDLINE.")],
    kind: Annotated[
        str, typer.Option(help="database, register or other (citation searching etc.).")
    ] = "database",
    interface: Annotated[str | None, typer.Option(help="Search interface, e.g. Ovid.")] = None,
    date: Annotated[str | None, typer.Option(help="Search date, YYYY-MM-DD.")] = None,
    query_file: Annotated[Path | None, typer.Option(help="File with the search strategy.")] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Import search results into the project, one import batch per file."""
    from datetime import date as Date

    from sysreview.project.opening import open_project
    from sysreview.text import terminal_safe

    with reported():
        try:
            searched = None if date is None else Date.fromisoformat(date)
        except ValueError:
            fail(f"--date {date!r} is not a date; use YYYY-MM-DD")
        with open_project(project, db) as review, import_progress() as progress:
            done = review.records.import_files(
                files,
                source=source,
                source_kind=kind,
                interface=interface,
                search_date=searched,
                query_file=query_file,
                progress=progress,
            )
        for item in done:
            for warning in item.warnings:
                print(f"sysreview: warning: {terminal_safe(warning)}", file=sys.stderr)
            print(
                terminal_safe(
                    f"{item.path}: {item.records} records ({item.format}) as batch {item.batch_id}"
                )
            )


def register(app: typer.Typer) -> None:
    """Add ``sysreview import`` to ``app``."""
    app.command("import")(import_command)
