"""sysreview references: the project's records and screening decisions for other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, reported
from sysreview.commands.options import NO_PATH, out_alias, out_argument
from sysreview.commands.progress import with_busy

references_app = typer.Typer(
    help="Records and screening decisions as files for reference managers and other tools.",
    no_args_is_help=True,
)


@references_app.command("export")
@with_busy("writing the references")
def export_command(
    out: Annotated[Path, out_argument("The file to write: .ris, .bib or .csv")] = NO_PATH,
    out_option: Annotated[Path | None, out_alias("out")] = None,
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
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        done = review.exchange.export_references(
            out, fmt=ref_format, stage=stage, decision=decision
        )
    print(done.summary())


ToolOption = Annotated[str, typer.Option("--from", help="asreview, rayyan or covidence.")]
StageOption = Annotated[str, typer.Option("--stage", help="ta (title/abstract) or ft (full text).")]


@references_app.command("import-decisions")
@with_busy("storing the decisions")
def import_decisions_command(
    file: Annotated[
        Path, typer.Argument(help="An ASReview, Rayyan or Covidence export (RIS or CSV).")
    ],
    tool: ToolOption,
    reviewer: Annotated[str, typer.Option("--reviewer", help="Protocol reviewer id, e.g. R1.")],
    stage: StageOption = "ta",
    name: Annotated[
        str | None,
        typer.Option("--name", help="Rayyan: the collaborator whose decisions to take."),
    ] = None,
    listed: Annotated[
        str | None,
        typer.Option(
            "--list-decision",
            help="Covidence: the decision of the list exported (include, exclude, maybe).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Also change decisions the project already holds.")
    ] = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Store another tool's screening decisions as the reviewer's: all rows, or none.

    Records are matched by the id the file carries (with the same title), DOI, PMID or
    title. Each decision is checked as any other (assigned to the reviewer, at the stage,
    a protocol reason for a full-text exclusion); decisions that would change ones the
    project holds are listed and refused unless --force.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        result = review.exchange.import_decisions(file, fmt=tool, stage=stage,
                                                  reviewer=reviewer, name=name, listed=listed,
                                                  force=force)  # fmt: skip
    print(result.summary())


@references_app.command("export-decisions")
@with_busy("writing the decisions")
def export_decisions_command(
    tool: Annotated[str, typer.Option("--to", help="asreview, rayyan or covidence.")],
    out: Annotated[
        Path,
        out_argument("The file to write (ASReview: CSV; Rayyan: RIS); Covidence: a folder"),
    ] = NO_PATH,
    out_option: Annotated[Path | None, out_alias("out")] = None,
    stage: StageOption = "ta",
    reviewer: Annotated[
        str | None,
        typer.Option("--reviewer", help="Only this reviewer's records and decisions."),
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Write the stage's records and decisions for ASReview (CSV), Rayyan (RIS) or Covidence.

    Covidence imports references into the list a team chooses: --to covidence writes a
    folder of RIS files, one per list the stage's records belong in by their settled
    decision (e.g. included at title/abstract -> 'Full text review'), each named with the
    list to import it into.
    """
    from sysreview.commands.output import fail
    from sysreview.project.opening import open_project

    with reported():
        if tool == "covidence" and reviewer is not None:
            fail("--reviewer: Covidence's lists hold the team's settled decisions")
        with open_project(project, db) as review:
            if tool == "covidence":
                print(review.exchange.export_covidence(out, stage=stage).summary())
                return
            count = review.exchange.export_decisions(out, fmt=tool, stage=stage, reviewer=reviewer)
    print(f"wrote {count} records ({tool}) to {out}")


def register(app: typer.Typer) -> None:
    """Add ``sysreview references ...`` to ``app``."""
    app.add_typer(references_app, name="references")
