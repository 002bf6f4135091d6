"""``sysreview prisma``: the counts of the PRISMA 2020 flow diagram."""

from __future__ import annotations

from pathlib import Path

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, reported
from sysreview.commands.options import FormatOfJson, JsonOption


def prisma(
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
) -> None:
    """The PRISMA 2020 flow diagram's counts, computed from the records and decisions.

    Counts from another source that the project recorded ('sysreview data load') are added.
    """
    import json

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        counts = review.report.prisma()
    print(json.dumps(counts.to_dict(), indent=2) if as_json else counts.summary())


def register(app: typer.Typer) -> None:
    """Add ``sysreview prisma`` to ``app``."""
    app.command()(prisma)
