"""The smallest project commands: ``init``, ``validate``, ``status`` and ``db upgrade``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, reported
from sysreview.commands.options import FormatOfJson, JsonOption, primary, project_alias

db_app = typer.Typer(help="The project database.", no_args_is_help=True)


def init(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Folder to create the project in (or -p; default: the current folder).",
            callback=primary,
            show_default=False,
        ),
    ] = Path("."),
    project_option: Annotated[Path | None, project_alias("directory")] = None,
    template: Annotated[
        str, typer.Option(help="group-peer-support (the seed review) or blank.")
    ] = "blank",
    from_revman: Annotated[
        Path | None,
        typer.Option(
            "--from-revman",
            help="A RevMan 5 file (.rm5): its analyses become the plan, its studies, data "
            "and RoB 1 judgements are loaded.",
        ),
    ] = None,
    db: DatabaseOption = None,
) -> None:
    """Create a review project: review.toml from a template and its database.

    With --from-revman, the plan is the RevMan file's analyses (measure, method, model as
    RevMan stored them) and the file is imported; what cannot be reproduced is listed.
    """
    from sysreview.text import terminal_safe

    with reported():
        if from_revman is None:
            from sysreview.project.opening import init_project

            project = init_project(directory, template, db)
        else:
            from sysreview.project.exchanging.revman_import import init_from_revman

            project, done = init_from_revman(directory, from_revman, db)
            template = f"from {from_revman.name}"
    print(f"created {project.protocol_path} ({template}); database {project.database_url}")
    if from_revman is not None:
        print(f"wrote {project.directory / 'revman-mapping.toml'}: which analysis went where")
        print(terminal_safe(done.summary()))


def validate(project: ProjectOption = Path(".")) -> None:
    """Check the protocol (review.toml) and print its summary."""
    from sysreview.project.opening import validate_protocol

    with reported():
        protocol = validate_protocol(project)
    print(protocol.summary())


def status(
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
) -> None:
    """Counts per stage so far: records, duplicates, screening, included studies."""
    import json

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        result = review.report.status()
    print(json.dumps(result.to_dict(), indent=2) if as_json else result.summary())


@db_app.command("upgrade")
def db_upgrade(project: ProjectOption = Path("."), db: DatabaseOption = None) -> None:
    """Migrate the project database to the newest schema."""
    from sysreview.project.opening import upgrade_database

    with reported():
        before, after = upgrade_database(project, db)
    print(f"database schema: {before or 'empty'} -> {after}")


def register(app: typer.Typer) -> None:
    """Add ``init``, ``validate``, ``status`` and ``db`` to ``app``."""
    app.command()(init)
    app.command()(validate)
    app.command()(status)
    app.add_typer(db_app, name="db")
