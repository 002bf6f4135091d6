"""The ``sysreview`` command line: thin wrappers over the library.

Every expected failure prints one line ``sysreview: error: …`` naming the file, row
and column, and exits with status 2 — never a traceback.

Here are the root app, its ``--version`` option and the smallest project commands
(``init``, ``validate``, ``status``, ``db upgrade``); every other command lives in a
module of :mod:`sysreview.commands`, added in the order of its ``MODULES``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, reported
from sysreview.commands.options import FormatOfJson, JsonOption, primary, project_alias
from sysreview.commands.terminal import SysreviewTyper, reflow_help

app = SysreviewTyper(
    name="sysreview",
    help="Cochrane-style systematic reviews: RevMan-exact and metafor-exact statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


db_app = typer.Typer(help="The project database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@app.command()
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


@app.command()
def validate(project: ProjectOption = Path(".")) -> None:
    """Check the protocol (review.toml) and print its summary."""
    from sysreview.project.opening import validate_protocol

    with reported():
        protocol = validate_protocol(project)
    print(protocol.summary())


@app.command()
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


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print sysreview's version and exit.",
            is_eager=True,
            callback=lambda given: _print_version(given),
        ),
    ] = False,
) -> None:
    """sysreview: run a systematic review of randomised trials, end to end."""


def _print_version(given: bool) -> None:
    if given:
        from sysreview import __version__

        print(f"sysreview {__version__}")
        raise typer.Exit(0)


def _register_commands() -> None:
    from sysreview.commands import register_all

    register_all(app)
    reflow_help(app)


_register_commands()


def main() -> None:
    """Entry point of ``python -m sysreview.cli``: as the console script (exit codes alike)."""
    from sysreview.entry import main as entry_main

    entry_main()


if __name__ == "__main__":
    main()
