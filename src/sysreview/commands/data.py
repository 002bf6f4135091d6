"""sysreview data: files of outside formats (Metapsy, RevMan, metafor CSV, PRISMA counts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, reported
from sysreview.commands.options import (
    NO_PATH,
    hidden_alias,
    out_alias,
    out_argument,
    primary,
)
from sysreview.commands.progress import with_busy

data_app = typer.Typer(
    help="Data files of outside formats: extracted data, risk of bias, PRISMA counts.",
    no_args_is_help=True,
)
FileArgument = Annotated[
    Path,
    typer.Argument(
        help="The data file: Metapsy data.csv, RevMan .rm5, a CSV, PRISMA counts .toml."
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--data-format",
        help="metapsy, revman, metafor-csv or prisma-counts (default: from the file).",
        callback=primary,
    ),
]
OldFormatOption = Annotated[str | None, hidden_alias("--format", "data_format")]
MappingOption = Annotated[
    Path | None,
    typer.Option("--mapping", help="The mapping file (Metapsy, RevMan): domains and measures."),
]


@data_app.command("load")
@with_busy("loading the data file")
def load_command(
    file: FileArgument,
    reviewer: Annotated[str, typer.Option("--reviewer", help="Protocol reviewer id, e.g. R1.")],
    data_format: FormatOption = None,
    old_format: OldFormatOption = None,
    mapping: MappingOption = None,
    consensus: Annotated[
        bool, typer.Option("--consensus", help="The file's values are agreed (consensus) ones.")
    ] = False,
    add_studies: Annotated[
        bool, typer.Option("--add-studies", help="Add the file's studies the project lacks.")
    ] = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Store a data file as extracted values, risk-of-bias judgements and PRISMA counts.

    The file is read by its format's adapter into the rows of the extraction form and
    stored as a filled template is (all or nothing; values already stored are not stored
    again, so loading the same file twice adds nothing). PRISMA counts the file reports
    are recorded as counts from another source, which the flow diagram adds and the
    report names.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        done = review.extraction.load_dataset(
            file,
            reviewer,
            format=data_format,
            mapping=mapping,
            consensus=consensus,
            add_studies=add_studies,
        )
    print(done.summary())


@data_app.command("check")
def check_command(
    file: FileArgument,
    data_format: FormatOption = None,
    old_format: OldFormatOption = None,
    mapping: MappingOption = None,
    project: ProjectOption = Path("."),
) -> None:
    """Read a data file through its adapter and say what it holds (nothing is stored)."""
    from sysreview.io import read_dataset
    from sysreview.project.opening import validate_protocol
    from sysreview.text import terminal_safe

    with reported():
        dataset = read_dataset(
            file, validate_protocol(project), format=data_format, mapping=mapping
        )
    print(terminal_safe(dataset.summary()))


@data_app.command("withdraw-counts")
def withdraw_command(
    source: Annotated[str, typer.Option("--source", help="The source, as the report names it.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Protocol reviewer id, e.g. R1.")],
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Take back PRISMA counts from another source (the flow no longer adds them)."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        review.extraction.withdraw_counts(source, reviewer)
    print(f"withdrawn: PRISMA counts from {source}")


@data_app.command("export-revman")
@with_busy("writing the RevMan file")
def export_revman_command(
    out: Annotated[Path, out_argument("The RevMan 5 file to write (.rm5)")] = NO_PATH,
    out_option: Annotated[Path | None, out_alias("out")] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Write the project's main pooled analyses as a RevMan 5 review (.rm5).

    Every study's data, RevMan's settings and the results as RevMan stores them; analyses
    RevMan 5 cannot hold (other measures, narrative ones) are listed as left out.
    """
    from sysreview.project.opening import open_project
    from sysreview.text import terminal_safe

    with reported(), open_project(project, db) as review:
        done = review.exchange.export_revman(out)
    print(terminal_safe(done.summary()))


@data_app.command("export-prisma2020")
def export_prisma2020_command(
    out: Annotated[Path, out_argument("The CSV to write")] = NO_PATH,
    out_option: Annotated[Path | None, out_alias("out")] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Write the PRISMA flow counts as the PRISMA2020 R package / Shiny app's CSV."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        path = review.exchange.export_prisma2020(out)
    print(f"wrote the PRISMA2020 counts to {path}")


def register(app: typer.Typer) -> None:
    """Add ``sysreview data ...`` to ``app``."""
    app.add_typer(data_app, name="data")
