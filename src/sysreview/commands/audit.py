"""``sysreview log``: the audit trail (who did what, when, from which route or file)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, fail, reported
from sysreview.commands.options import FormatOfJson, JsonOption


def log(
    record: Annotated[int | None, typer.Option(help="Only entries about this record.")] = None,
    reviewer: Annotated[
        str | None, typer.Option(help="Only entries by this person (reviewer id, account).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only entries from this day or moment on (ISO 8601).")
    ] = None,
    last: Annotated[int | None, typer.Option(help="Only the latest N entries.", min=1)] = None,
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Print the audit trail: every decision, undo, resolution, assignment, link and load."""
    import json

    from sysreview.project.opening import open_project

    start: date | datetime | None = None
    if since is not None:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            fail(f"--since {since!r} is not a date or time (e.g. 2026-12-01 or 2026-12-01T09:30)")
        start = moment.date() if len(since) == 10 else moment
    with reported(), open_project(project, db) as review:
        trail = review.audit.trail(record=record, reviewer=reviewer, since=start, limit=last)
    if as_json:
        print(json.dumps(trail.to_dicts(), indent=2, ensure_ascii=False))
    else:
        print(trail.summary())


def register(app: typer.Typer) -> None:
    """Add ``log`` to the main app."""
    app.command("log")(log)
