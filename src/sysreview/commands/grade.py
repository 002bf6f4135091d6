"""``sysreview grade``: the certainty of the evidence (GRADE) of every main outcome.

``show`` prints each outcome's domains (the protocol rules' suggestions, or the reviewers'
ratings) and its certainty; ``set`` records one reviewer's rating of one domain, with a
justification; ``template``/``load`` exchange the ratings as a sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ForceOption, ProjectOption, reported, warn
from sysreview.commands.options import NO_PATH, FormatOfJson, JsonOption, out_alias, out_argument
from sysreview.commands.progress import with_busy

grade_app = typer.Typer(
    help="Certainty of the evidence (GRADE): suggested ratings, reviewers' ratings, sheets.",
    no_args_is_help=True,
)
ReviewerOption = Annotated[str, typer.Option(help="Who rates (an appraiser or analyst).")]
ConsensusOption = Annotated[
    bool, typer.Option("--consensus", help="The agreed rating (resolves a disagreement).")
]


@grade_app.command("show")
def show_command(
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
) -> None:
    """Each main outcome's GRADE domains and certainty.

    A domain no reviewer has rated shows the protocol rule's suggestion ("suggested"),
    with its reason and numbers; a rated one shows who rated it and why.
    """
    import json

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        sof = review.grading.certainty()
    print(json.dumps(sof.records(), indent=2, ensure_ascii=False) if as_json else sof.summary())


@grade_app.command("set")
def set_command(
    outcome: Annotated[str, typer.Argument(help="Outcome domain, or domain.timepoint.")],
    domain: Annotated[
        str,
        typer.Argument(
            help="risk_of_bias, inconsistency, indirectness, imprecision or publication_bias."
        ),
    ],
    rating: Annotated[str, typer.Argument(help="no, serious or very_serious.")],
    reason: Annotated[str, typer.Option(help="The justification (required).")],
    reviewer: ReviewerOption,
    timepoint: Annotated[
        str | None, typer.Option(help="post_intervention, short_term or long_term.")
    ] = None,
    consensus: ConsensusOption = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Record a reviewer's rating of one GRADE domain of one outcome, with its justification.

    The rating replaces the rule's suggestion in 'grade show' and in the report; the same
    rating again stores nothing.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        result = review.grading.set_rating(outcome, domain, rating, reason=reason,
                                           reviewer=reviewer, timepoint=timepoint,
                                           consensus=consensus)  # fmt: skip
    print(result.summary())


@grade_app.command("template")
def template_command(
    output: Annotated[Path, out_argument("Sheet to write (.csv or .xlsx)")] = NO_PATH,
    output_option: Annotated[Path | None, out_alias("output")] = None,
    reviewer: Annotated[
        str | None, typer.Option(help="Pre-fill with this reviewer's ratings.")
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Write a sheet of GRADE ratings to fill in, then 'grade load' it.

    One row per main outcome and GRADE domain, with the rule's suggestion and reason; fill
    in rating and reason.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        rows = review.grading.write_template(output, reviewer=reviewer)
    print(f"wrote {output} ({rows} rows)")


@grade_app.command("load")
@with_busy("storing the ratings")
def load_command(
    sheet: Annotated[Path, typer.Argument(help="A filled sheet (.csv or .xlsx).")],
    reviewer: ReviewerOption,
    consensus: ConsensusOption = False,
    force: ForceOption = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Check a sheet and store its new and changed ratings (all rows, or none).

    Ratings equal to the stored ones add nothing; a sheet exported before newer ratings is
    refused, listing them, unless --force.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        result = review.grading.load_sheet(sheet, reviewer=reviewer, consensus=consensus,
                                           force=force)  # fmt: skip
    warn(result.warnings)
    print(result.summary())


def register(app: typer.Typer) -> None:
    """Add ``sysreview grade`` to ``app``."""
    app.add_typer(grade_app, name="grade")
