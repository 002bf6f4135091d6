"""``sysreview study``: the review's studies, listed and added explicitly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, reported
from sysreview.commands.fulltext import study_status_command, study_statuses_command
from sysreview.commands.options import FormatOfJson, JsonOption

study_app = typer.Typer(
    help="Studies: list them, or add one that no included report is linked to yet.",
    no_args_is_help=True,
)


@study_app.command("add")
def add_command(
    label: Annotated[str, typer.Argument(help="The study's label, e.g. 'Cook 2012a'.")],
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Add a study (sheets never create one: a label they give must exist).

    Studies are also made by linking an included report: 'sysreview screen link'.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        study = review.screening.add_study(label)
    print(f"study {study.label!r} added (id {study.id})")


@study_app.command("list")
def list_command(
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """List the studies with the records of their reports."""
    import json

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        studies = review.screening.studies()
    if as_json:
        rows = [{"id": s.id, "label": s.label, "reports": list(s.reports)} for s in studies]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print("\n".join(s.summary() for s in studies) or "no studies yet")


# a study's retrieval status lives with the full texts' commands
study_app.command("status")(study_status_command)
study_app.command("statuses")(study_statuses_command)


def register(app: typer.Typer) -> None:
    """Add ``sysreview study`` to ``app``."""
    app.add_typer(study_app, name="study")
