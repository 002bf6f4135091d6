"""sysreview references: the project's records and screening decisions for other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, reported

references_app = typer.Typer(
    help="Records and screening decisions as files for reference managers and other tools.",
    no_args_is_help=True,
)


@references_app.command("export")
def export_command(
    out: Annotated[Path, typer.Argument(help="The file to write: .ris, .bib or .csv.")],
    ref_format: Annotated[
        str | None,
        typer.Option("--format", help="ris, bibtex or csv (default: from the file name)."),
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option("--stage", help="ta or ft: that stage's records (default: all records)."),
    ] = None,
    decision: Annotated[
        str | None,
        typer.Option(
            "--decision",
            help="include or exclude: only records with that settled decision at --stage "
            "(without --stage: finally included, or excluded at either stage).",
        ),
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Write the records (one per duplicate group) with their screening decisions.

    Each record carries its status (included, excluded at title/abstract or full text,
    awaiting full text, in screening), each stage's settled decision and the exclusion
    reason: RIS notes and keywords, BibTeX note and keywords, CSV columns (safe to open in
    a spreadsheet).
    """
    from sysreview.project.exchanging import export_references

    with reported():
        done = export_references(
            project, out, fmt=ref_format, stage=stage, decision=decision, db_url=db
        )
    print(done.summary())


def register(app: typer.Typer) -> None:
    """Add ``sysreview references ...`` to ``app``."""
    app.add_typer(references_app, name="references")
