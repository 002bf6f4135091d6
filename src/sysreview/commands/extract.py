"""sysreview extract: templates, loading and checking extracted data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sysreview.commands.common import (
    DatabaseOption,
    ForceOption,
    ProjectOption,
    fail,
    reported,
    warn,
)
from sysreview.commands.options import NO_PATH, FormatOfJson, JsonOption, out_alias, out_argument
from sysreview.commands.progress import with_busy

if TYPE_CHECKING:
    from sysreview.extraction.dataset import ReviewData

extract_app = typer.Typer(
    help="Data extraction: templates from the protocol, loading, discrepancies, data.",
    no_args_is_help=True,
)
ReviewerOption = Annotated[str, typer.Option("--reviewer", help="Protocol reviewer id, e.g. R1.")]


@extract_app.command("template")
def template_command(
    out: Annotated[Path, out_argument("Template to write: OUT.xlsx, or OUT.csv")] = NO_PATH,
    out_option: Annotated[Path | None, out_alias("out")] = None,
    reviewer: Annotated[
        str | None,
        typer.Option("--reviewer", help="Pre-fill with this reviewer's current values."),
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Write an extraction template generated from the protocol (one sheet per part).

    It records whose template it is (project, reviewer, export time): 'extract load'
    checks them. With --reviewer it is pre-filled with that reviewer's values.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        written = review.extraction.write_template(out, reviewer)
    print(f"extraction template written to {written}")


@extract_app.command("load")
@with_busy("storing the values")
def load_command(
    file: Annotated[Path, typer.Argument(help="A filled template (.xlsx, or OUT.csv).")],
    reviewer: ReviewerOption,
    consensus: Annotated[
        bool, typer.Option("--consensus", help="The values are the agreed (consensus) ones.")
    ] = False,
    force: ForceOption = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Check every row of a filled template, then store its new and changed values (or none).

    Values equal to the stored ones add nothing; a template exported before values entered
    since is refused, listing them, unless --force. Rows must name studies of the project
    ('sysreview study add') and record ids of its reports.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        result = review.extraction.load_template(file, reviewer, consensus=consensus, force=force)
    warn(result.warnings)
    print(result.summary())


@extract_app.command("discrepancies")
def discrepancies_command(
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """List values on which reviewers differ and no consensus has been entered."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        found = review.extraction.discrepancies()
    if as_json:
        print(found.to_frame().to_json(orient="records", indent=2))
        return
    print(found.summary())


def _data_json(data: ReviewData) -> str:
    from dataclasses import fields

    def plain(entry: object) -> dict[str, object]:
        out: dict[str, object] = {}
        for f in fields(entry):  # type: ignore[arg-type]
            value = getattr(entry, f.name)
            out[f.name] = dict(value) if f.name in ("attributes", "characteristics") else value
        return out

    content = {
        "studies": [plain(s) for s in data.studies],
        "arms": [plain(a) for a in data.arms],
        "outcomes": [plain(o) for o in data.outcomes],
    }
    return json.dumps(content, indent=2, ensure_ascii=False)


def _data_table(data: ReviewData) -> str:
    lines = [f"{len(data.studies)} studies, {len(data.arms)} arms, "
             f"{len(data.outcomes)} outcome entries"]  # fmt: skip
    for o in data.outcomes:
        numbers = (f"events {o.events}/{o.n}" if o.is_dichotomous
                   else f"mean {o.mean:.4g}, sd {o.sd:.4g}, n {o.n}" if o.mean is not None
                   else f"p {o.reported_p}")  # fmt: skip
        flags = f"  [{'; '.join(o.flags)}]" if o.flags else ""
        lines.append(f"{o.study_id} | {o.arm} | {o.domain} | {o.measure} | "
                     f"{o.weeks_after_end:g} wk | {numbers} | {o.source}{flags}")  # fmt: skip
    return "\n".join(lines)


@extract_app.command("show")
def show_command(
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
    latest: Annotated[
        bool,
        typer.Option("--latest", help="Use the latest value where reviewers still differ."),
    ] = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Show the analysis-ready extracted data (consensus values, else agreed ones)."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        data = review.extraction.review_data(unresolved="latest" if latest else "error")
    print(_data_json(data) if as_json else _data_table(data))


@extract_app.command("retract")
def retract_command(
    study: Annotated[str, typer.Option(help="The study's label.")],
    reviewer: Annotated[str, typer.Option(help="Whose value (protocol reviewer id).")],
    field: Annotated[
        str | None, typer.Option(help="A study's or arm's field, e.g. 'attrition'.")
    ] = None,
    arm: Annotated[
        str | None, typer.Option(help="The arm (for an arm's field or numbers).")
    ] = None,
    measure: Annotated[
        str | None, typer.Option(help="An outcome measure (instrument): its numbers.")
    ] = None,
    weeks: Annotated[
        float | None, typer.Option(help="Weeks after the end of the intervention (numbers).")
    ] = None,
    consensus: Annotated[
        bool, typer.Option("--consensus", help="Take back the consensus value.")
    ] = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Take back an extracted value, or an arm's outcome numbers (a new event)."""
    from sysreview.project.opening import open_project

    if (field is None) == (measure is None):
        fail("give either --field (a value) or --measure with --arm and --weeks (numbers)")
    with reported(), open_project(project, db) as review:
        if field is not None:
            done = review.extraction.retract_value(reviewer=reviewer, study=study, field=field,
                                                   arm=arm, consensus=consensus)  # fmt: skip
        else:
            if arm is None or weeks is None or measure is None:
                fail("numbers are retracted by --measure, --arm and --weeks")
            done = review.extraction.retract_outcome(
                reviewer=reviewer, study=study, arm=arm, measure=measure, weeks=weeks,
                consensus=consensus,
            )  # fmt: skip
    print(done.summary())


def register(app: typer.Typer) -> None:
    """Add ``sysreview extract ...`` to ``app``."""
    app.add_typer(extract_app, name="extract")
