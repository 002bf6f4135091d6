"""``sysreview import``: search results (one import batch per file), or a RevMan review."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, fail, reported
from sysreview.commands.progress import import_progress


def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Export files (RIS, MEDLINE, CSV, ...), or a RevMan 5 file (.rm5)."),
    ],
    source: Annotated[
        str | None,
        typer.Option(help="Database or register searched, e.g. MEDLINE (search results)."),
    ] = None,
    kind: Annotated[
        str, typer.Option(help="database, register or other (citation searching etc.).")
    ] = "database",
    interface: Annotated[str | None, typer.Option(help="Search interface, e.g. Ovid.")] = None,
    date: Annotated[str | None, typer.Option(help="Search date, YYYY-MM-DD.")] = None,
    query_file: Annotated[Path | None, typer.Option(help="File with the search strategy.")] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(
            help="RevMan file: the reviewer its values are recorded for (default: "
            "the first extractor)."
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            help="RevMan file: an outcome mapping (default: the protocol's domains "
            "labelled as the file's analyses)."
        ),
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Import search results into the project, one import batch per file.

    A RevMan 5 review (.rm5) is imported instead as the project's studies, per-arm data
    and RoB 1 judgements (as 'sysreview init --from-revman' does); what of its analyses
    cannot be reproduced is listed.
    """
    from datetime import date as Date

    from sysreview.project.opening import open_project
    from sysreview.text import terminal_safe

    if any(f.suffix.lower() == ".rm5" for f in files):
        _import_revman(files, reviewer, mapping, project, db)
        return
    with reported():
        if source is None:
            fail("--source is required for search results: the database searched, e.g. MEDLINE")
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


def _import_revman(
    files: list[Path], reviewer: str | None, mapping: Path | None, project: Path, db: str | None
) -> None:
    """``sysreview import FILE.rm5``: one RevMan file into the project."""
    from sysreview.project.opening import open_project
    from sysreview.text import terminal_safe

    with reported():
        if len(files) != 1:
            fail("import one RevMan file (.rm5) at a time, without other files")
        with open_project(project, db) as review:
            done = review.exchange.import_revman(files[0], reviewer=reviewer, mapping=mapping)
    print(terminal_safe(done.summary()))


def register(app: typer.Typer) -> None:
    """Add ``sysreview import`` to ``app``."""
    app.command("import")(import_command)
