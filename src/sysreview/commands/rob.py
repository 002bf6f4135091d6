"""``sysreview rob``: risk-of-bias sheets, two reviewers' agreement, consensus, figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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

rob_app = typer.Typer(
    help="Risk of bias (the protocol's tool, RoB 1 or RoB 2): sheets, agreement, figures.",
    no_args_is_help=True,
)


@rob_app.command("template")
def template_command(
    output: Annotated[Path, out_argument("Sheet to write (.csv or .xlsx)")] = NO_PATH,
    output_option: Annotated[Path | None, out_alias("output")] = None,
    reviewer: Annotated[
        str | None, typer.Option(help="Appraiser; the second one gets only the sample.")
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Write a risk-of-bias sheet for the project's studies.

    With --reviewer it is pre-filled with that reviewer's judgements so far, and records
    whose sheet it is (project, reviewer, export time): 'rob load' checks them.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        rows = review.appraisal.write_template(output, reviewer=reviewer)
    print(f"wrote {output} ({rows} rows)")


@rob_app.command("load")
@with_busy("storing the judgements")
def load_command(
    sheet: Annotated[Path, typer.Argument(help="A filled sheet (.csv or .xlsx).")],
    reviewer: Annotated[str, typer.Option(help="Whose judgements these are.")],
    consensus: Annotated[
        bool, typer.Option("--consensus", help="The agreed judgements (resolves discrepancies).")
    ] = False,
    force: ForceOption = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Check a sheet and store its new and changed judgements (all rows, or none).

    Judgements equal to the stored ones add nothing; a sheet exported before newer
    judgements is refused, listing them, unless --force.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        result = review.appraisal.load_sheet(
            sheet, reviewer=reviewer, consensus=consensus, force=force
        )
    warn(result.warnings)
    print(result.summary())


@rob_app.command("show")
def show_command(
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
) -> None:
    """The current risk-of-bias judgements per study, with the overall rating.

    The overall rating follows the protocol's rule; for RoB 1, what the protocol's attrition
    rule suggests for incomplete outcome data is shown too.
    """
    import json

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        overview = review.appraisal.overview()
    print(json.dumps(overview.records(), indent=2) if as_json else overview.summary())


@rob_app.command("agreement")
def agreement_command(
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
) -> None:
    """Agreement of the two appraisers over the domains both judged: kappa, AC1."""
    import json

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        result = review.appraisal.agreement()
    print(json.dumps(result.to_dict(), indent=2) if as_json else result.summary())


@rob_app.command("discrepancies")
def discrepancies_command(
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
) -> None:
    """Domains the two appraisers judged differently, with no consensus yet."""
    import json
    from dataclasses import asdict

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        items = review.appraisal.discrepancies()
    if as_json:
        print(json.dumps([asdict(i) for i in items], indent=2))
    else:
        print("\n".join(i.summary() for i in items) or "no discrepancies")


@rob_app.command("figure")
def figure_command(
    output: Annotated[Path, out_argument("Figure file (.svg, .png or .pdf)")] = NO_PATH,
    output_option: Annotated[Path | None, out_alias("output")] = None,
    kind: Annotated[str, typer.Option(help="traffic-light or summary")] = "traffic-light",
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Draw the traffic-light plot or the summary bar plot of the current judgements."""
    from sysreview.plots import rob as rob_plots
    from sysreview.project.opening import open_project

    if kind not in ("traffic-light", "summary"):
        fail(f"--kind must be traffic-light or summary, not {kind!r}")
    with reported(), open_project(project, db) as review:
        items = review.appraisal.assessments()
        draw = rob_plots.traffic_light if kind == "traffic-light" else rob_plots.summary_bar
        fig = draw(items)  # type: ignore[arg-type]
        rob_plots.save(fig, output)
    print(f"wrote {output}")


@rob_app.command("retract")
def retract_command(
    study: Annotated[str, typer.Option(help="The study's label.")],
    domain: Annotated[str, typer.Option(help="The domain, e.g. 'allocation_concealment'.")],
    reviewer: Annotated[str, typer.Option(help="Whose judgement (protocol reviewer id).")],
    result: Annotated[str | None, typer.Option(help="RoB 2: the result it is about.")] = None,
    outcome: Annotated[
        str | None, typer.Option(help="RoB 1: the outcome, for a domain judged per outcome.")
    ] = None,
    consensus: Annotated[
        bool, typer.Option("--consensus", help="Take back the consensus judgement.")
    ] = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Take back a domain judgement (a new event): the domain is unjudged again."""
    from sysreview.errors import InputError
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        if result is not None and outcome is not None:
            raise InputError("give --result (RoB 2) or --outcome (RoB 1), not both")
        done = review.appraisal.retract(reviewer=reviewer, study=study, domain=domain,
                                        result=result or outcome,
                                        consensus=consensus)  # fmt: skip
    print(done.summary())


def register(app: typer.Typer) -> None:
    """Add ``sysreview rob`` to ``app``."""
    app.add_typer(rob_app, name="rob")
