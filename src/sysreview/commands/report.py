"""sysreview report and sysreview run: the whole review in one command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, reported
from sysreview.commands.options import primary, project_alias
from sysreview.commands.progress import busy, import_progress

if TYPE_CHECKING:
    from sysreview.project.opening import Project
    from sysreview.project.reporting.report import Progress, ReviewInputs

OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Output folder (default: DIR/out)."),
]


def _say(text: str) -> None:
    print(text, flush=True)


@contextmanager
def _bar(description: str, total: int) -> Iterator[Progress]:
    """A rich progress bar on the terminal (stderr), advanced once per call."""
    from sysreview.commands.progress import progress_bar

    with progress_bar() as bar:
        task = bar.add_task(description, total=total)

        def advance(_what: str) -> None:
            bar.advance(task)

        yield advance


def _analyse_and_report(inputs: ReviewInputs, out: Path) -> None:
    """Run the plan, write the result files and the report, and say where they are."""
    from sysreview.project.reporting.report import (
        analyse_inputs,
        count_figures,
        write_review_report,
    )

    _say(f"data: {inputs.summary()}")
    with busy("analysing"):
        synthesis, results = analyse_inputs(inputs, out)
    pooled = sum(r.pooled for r in synthesis.results)
    _say(f"analyse: {len(synthesis.results)} analyses ({pooled} pooled); "
         f"wrote {', '.join(results)} to {out}")  # fmt: skip
    with _bar("drawing figures", count_figures(synthesis, inputs)) as progress:
        files = write_review_report(synthesis, inputs, out, progress=progress)
    _say(f"report: {len(files.figures)} figure files in {out / 'figures'}; {files.docx}"
         + (f"; {files.pdf}" if files.pdf else ""))  # fmt: skip
    if files.pdf_note:
        _say(files.pdf_note)
    _say(f"the report is at {files.html}")


def report(
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    out: OutOption = None,
) -> None:
    """Run the analysis plan and write the report: report.html, report.docx, figures/.

    Data come from the project's store (extracted data, PRISMA counts, risk of bias). Also
    writes results.json, results.csv and analysis_data.csv.
    """
    from sysreview.project.opening import open_project

    target = project / "out" if out is None else out
    with reported(), open_project(project, db) as review:
        _analyse_and_report(review.report.inputs(), target)


def _import_step(directory: Path, db: str | None) -> None:
    from sysreview.project.analysing.running import (
        IMPORTS_FILE,
        import_planned,
        pending_imports,
        read_imports,
    )

    planned = read_imports(directory)
    if not planned:
        _say(f"import: no files listed in {directory / IMPORTS_FILE}")
        return
    todo, skipped = pending_imports(directory, planned, db)
    for item, why in skipped:
        _say(f"import: skipped {item.file} ({why})")
    with import_progress() as progress:
        for item in todo:
            batch, n = import_planned(directory, item, db, progress=progress)
            _say(f"import: {item.summary()}: {n} records as batch {batch}")


def _data_step(directory: Path, db: str | None) -> None:
    from sysreview.project.analysing.running import load_planned_data, read_data_files

    for item in read_data_files(directory):
        with busy(f"loading {item.file}"):
            done = load_planned_data(directory, item, db)
        _say(f"data load: {done.summary()}")


def _dedup_step(review: Project) -> None:
    with _bar("de-duplicating", 100) as progress:
        done = [0]

        def update(_stage: str, fraction: float) -> None:
            step = int(fraction * 100)
            while done[0] < step:
                done[0] += 1
                progress("")

        run = review.duplicates.deduplicate(update)
    _say("dedup: " + run.summary().replace("\n", "\n  "))


def run(
    directory: Annotated[
        Path,
        typer.Argument(
            help="The project folder (holds review.toml); the same as -p.",
            callback=primary,
            show_default=False,
        ),
    ] = Path("."),
    project_option: Annotated[Path | None, project_alias("directory")] = None,
    db: DatabaseOption = None,
    out: OutOption = None,
) -> None:
    """The whole review: import → data → dedup → screening status → analyse → report.

    Imports the search exports listed in DIR/imports.toml ([[import]]) that are not
    imported yet, loads the data files it lists ([[data]]: extracted data, risk of bias and
    PRISMA counts of outside formats; values already stored are not stored again), links
    duplicates, prints the screening status, then analyses the extracted data and writes
    the report. Each step is also its own command (import, data load, dedup, status,
    analyse, report).
    """
    from sysreview.project.opening import open_project

    target = directory / "out" if out is None else out
    with reported():
        _import_step(directory, db)
        _data_step(directory, db)
        with open_project(directory, db) as review:
            _dedup_step(review)
            status = review.report.status()
            _say("screening: " + status.summary().replace("\n", "\n  "))
            _analyse_and_report(review.analysis.inputs(), target)


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``run`` to ``app``."""
    app.command("report")(report)
    app.command("run")(run)
