"""``sysreview export`` and ``sysreview load``: the whole project as plain files and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, reported
from sysreview.commands.options import NO_PATH, out_alias, out_argument, primary, project_alias
from sysreview.commands.progress import with_busy


@with_busy("exporting the project")
def export_command(
    out: Annotated[Path, out_argument("New or empty folder for the export")] = NO_PATH,
    out_option: Annotated[Path | None, out_alias("out")] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Write the whole project as plain files (review.toml and one JSONL file per table)."""
    from sysreview.project.opening import export_project

    with reported():
        manifest = export_project(project, out, db)
    counts = manifest.counts()
    print(f"exported {sum(counts.values())} rows in {len(counts)} tables to {out}")


@with_busy("restoring the project")
def load_command(
    dump: Annotated[Path, typer.Argument(help="A folder written by 'sysreview export'.")],
    directory: Annotated[
        Path,
        typer.Argument(
            help="New project folder to restore into (or -p; default: the current folder).",
            callback=primary,
            show_default=False,
        ),
    ] = Path("."),
    project_option: Annotated[Path | None, project_alias("directory")] = None,
    db: DatabaseOption = None,
) -> None:
    """Restore an exported project into a new project folder."""
    from sysreview.project.opening import load_project_dump

    with reported():
        project = load_project_dump(dump, directory, db)
    print(f"restored {project.protocol_path}; database {project.database_url}")


def register(app: typer.Typer) -> None:
    """Add ``sysreview export`` and ``sysreview load`` to ``app``."""
    app.command("export")(export_command)
    app.command("load")(load_command)
