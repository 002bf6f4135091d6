"""``sysreview screen``: screening in the terminal and by sheet, conflicts, agreement.

Also ``sysreview simulate``, which replays prioritised screening on a labelled set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sysreview.commands.common import (
    DatabaseOption,
    ForceOption,
    ProjectOption,
    fail,
    reported,
    warn,
)
from sysreview.commands.options import (
    NO_PATH,
    FormatOfJson,
    JsonOption,
    hidden_alias,
    out_alias,
    out_argument,
    primary,
)
from sysreview.commands.progress import with_busy

screen_app = typer.Typer(help="Screening: decisions, conflicts, agreement.")
StageOption = Annotated[str, typer.Option("--stage", help="ta (title/abstract) or ft (full text).")]


@screen_app.callback(invoke_without_command=True)
def screen_main(
    ctx: typer.Context,
    reviewer: Annotated[str | None, typer.Option(help="Screen as this reviewer (e.g. R1).")] = None,
    stage: StageOption = "ta",
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Screen in the terminal: one record at a time, one key per decision."""
    if ctx.invoked_subcommand is not None:
        return
    if reviewer is None:
        print(ctx.get_help())
        raise typer.Exit(0)
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        _print_criteria(review.protocol)
        done = _screen_batches(review, stage, reviewer)
    print(f"\n{done} decisions recorded for {reviewer} at {stage}")


RERANK_EVERY = 10


def _print_criteria(protocol: Any) -> None:
    """The eligibility statements a screener decides against."""
    from sysreview.text import terminal_safe

    print("Eligibility criteria")
    elig = protocol.eligibility
    for domain in ("design", "participants", "interventions", "comparators", "outcomes"):
        criteria = getattr(elig, domain)
        for text in criteria.include:
            print(terminal_safe(f"  {domain:<13} + {text}"))
        for text in criteria.exclude:
            print(terminal_safe(f"  {domain:<13} - {text}"))


def _card_text(card: Any) -> str:
    """A record as the terminal screener shows it (text made terminal-safe)."""
    from sysreview.text import terminal_safe

    head = f"\nrecord {card.id} ({card.year})\n{card.title or '(no title)'}"
    body = f"{'; '.join(card.authors[:3])}  {card.journal or ''}\n\n{card.abstract or ''}"
    links = "".join(f"\n{link.label}: {link.url}" for link in card.links)
    return terminal_safe(f"{head}\n{body}{links}")


def _screen_batches(review: Any, stage: str, reviewer: str) -> int:
    """Show records one at a time; re-rank after every batch of decisions.

    Record text is printed through :func:`~sysreview.text.terminal_safe` (no escape
    sequences reach the terminal) with plain ``print``, so markup such as ``[bold]`` in a
    title is shown as written.
    """
    from sysreview.text import terminal_safe

    keys = {"i": "include", "e": "exclude", "m": "maybe"}
    reasons = review.protocol.eligibility.exclusion_reasons
    skipped: set[int] = set()
    done = 0
    while True:
        cards, advice = review.screening.queue(stage, reviewer)
        cards = [c for c in cards if c.id not in skipped]
        print(f"\n{len(cards)} records to screen at {stage} for {reviewer}")
        if advice:
            print(advice)
        if not cards:
            return done
        for card in cards[:RERANK_EVERY]:
            print(_card_text(card))
            print("\n[i]nclude  [e]xclude  [m]aybe  [s]kip  [q]uit ", end="", flush=True)
            key = typer.getchar().lower()
            print(key)
            if key == "q":
                return done
            if key not in keys:
                skipped.add(card.id)
                continue
            reason = None
            if stage == "ft" and keys[key] == "exclude":
                for number, text in enumerate(reasons, start=1):
                    print(terminal_safe(f"  {number}. {text}"))
                choice = typer.prompt("reason number", type=int)
                if not 1 <= choice <= len(reasons):
                    fail(f"reason number must be between 1 and {len(reasons)}")
                reason = reasons[choice - 1]
            review.screening.decide(stage=stage, record_id=card.id, reviewer=reviewer,
                                    decision=keys[key], reason=reason, source="cli")  # fmt: skip
            done += 1


@screen_app.command("decide")
def screen_decide(
    record: Annotated[int, typer.Argument(help="Record id.")],
    decision: Annotated[str, typer.Argument(help="include, exclude or maybe.")],
    reviewer: Annotated[str, typer.Option(help="Protocol reviewer id, e.g. R1.")],
    stage: StageOption = "ta",
    reason: Annotated[str | None, typer.Option(help="Exclusion reason (full text).")] = None,
    note: Annotated[str | None, typer.Option(help="A note kept with the decision.")] = None,
    resolve: Annotated[bool, typer.Option("--resolve", help="An arbiter's resolution.")] = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Record a decision on one record (a new event; the latest one counts)."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        event = review.screening.decide(
            stage=stage,
            record_id=record,
            reviewer=reviewer,
            decision=decision,
            reason=reason,
            note=note,
            resolution=resolve,
            source="cli",
        )
    print(f"record {record}: {decision} by {reviewer} at {stage} (event {event})")


@screen_app.command("undo")
def screen_undo_command(
    reviewer: Annotated[str, typer.Option(help="Whose decision (protocol id, e.g. R1).")],
    stage: StageOption = "ta",
    record: Annotated[
        int | None, typer.Option(help="The record (default: the reviewer's latest decision).")
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Take back a decision (a new event): the record is undecided for the reviewer again."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        taken = review.screening.undo(stage=stage, reviewer=reviewer, record_id=record)
    kind = "resolution" if taken.resolution else "decision"
    print(f"record {taken.record_id}: {reviewer}'s {kind} ({taken.decision}) at {stage} undone")


@screen_app.command("reassign")
def screen_reassign_command(
    from_reviewer: Annotated[str, typer.Option("--from", help="The reviewer giving records.")],
    to_reviewer: Annotated[str, typer.Option("--to", help="The screener taking them.")],
    by: Annotated[str, typer.Option(help="Who decides the reassignment (recorded).")],
    stage: StageOption = "ta",
    record: Annotated[
        list[int] | None, typer.Option(help="A record to move (repeat; default: all undecided).")
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Move a reviewer's undecided records to another screener (recorded as events)."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        moved = review.screening.reassign(
            stage=stage, from_reviewer=from_reviewer, to_reviewer=to_reviewer, by=by,
            records=record or None,
        )  # fmt: skip
    print(f"{moved} records at {stage} moved from {from_reviewer} to {to_reviewer}")


@screen_app.command("export")
@with_busy("writing the sheet")
def screen_export_command(
    reviewer: Annotated[str, typer.Option(help="Protocol reviewer id, e.g. R1.")],
    out: Annotated[Path, out_argument("Sheet to write: .csv or .xlsx")] = NO_PATH,
    out_option: Annotated[Path | None, out_alias("out")] = None,
    stage: StageOption = "ta",
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Write the reviewer's assigned records (and decisions so far) to a sheet.

    The sheet records project, stage, reviewer and export time (a hidden sheet in XLSX,
    rows above the header in CSV): leave them, 'screen import' checks them.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        rows = review.screening.export_sheet(out, stage=stage, reviewer=reviewer)
    print(f"{rows} records for {reviewer} at {stage} written to {out}")


@screen_app.command("import")
@with_busy("storing the decisions")
def screen_import_command(
    sheet: Annotated[Path, typer.Argument(help="A screened sheet (.csv or .xlsx).")],
    reviewer: Annotated[str, typer.Option(help="Protocol reviewer id, e.g. R1.")],
    stage: StageOption = "ta",
    force: ForceOption = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Store the new and changed decisions of a screened sheet: all rows, or none.

    The sheet must be the one exported for this reviewer, stage and project. Rows equal
    to the stored decisions add nothing; rows that would overwrite a decision made after
    the export are listed and refused unless --force.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        result = review.screening.import_sheet(sheet, stage=stage, reviewer=reviewer, force=force)
    warn(result.warnings)
    print(result.summary())


@screen_app.command("link")
def screen_link(
    record: Annotated[int, typer.Argument(help="An included full-text report (record id).")],
    study: Annotated[str, typer.Option(help="The study's label, e.g. 'Cook 2012a'.")],
    primary: Annotated[bool, typer.Option("--primary", help="The study's main report.")] = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Link an included report to the study it describes (several reports per study)."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        study_id, new = review.screening.link(record_id=record, study=study, primary=primary)
    print(f"record {record} linked to {'new ' if new else ''}study {study!r} (id {study_id})")


@screen_app.command("unlink")
def screen_unlink(
    record: Annotated[int, typer.Argument(help="A report linked to a study (record id).")],
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Undo a report's link to its study (the study and its data stay)."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        label = review.screening.unlink(record_id=record)
    print(f"record {record} no longer linked to study {label!r}")


@screen_app.command("conflicts")
def screen_conflicts_command(
    stage: StageOption = "ta", project: ProjectOption = Path("."), db: DatabaseOption = None
) -> None:
    """List records whose reviewers disagree and that no arbiter has resolved."""
    from sysreview.project.opening import open_project
    from sysreview.text import terminal_safe

    with reported(), open_project(project, db) as review:
        found = review.screening.conflicts(stage)
    for item in found:
        before = dict(item.independent)
        votes = ", ".join(
            f"{who}: {what}"
            + (f" (changed after seeing the other's; was {before[who]})" if who in before
               and who in item.revealed and before[who] != what else "")
            for who, what in item.decisions
        )  # fmt: skip
        print(terminal_safe(f"{item.record_id}  {item.title}  [{votes}]"))
    print(f"{len(found)} unresolved conflicts at {stage}")


@screen_app.command("stop")
def screen_stop_command(
    action: Annotated[
        str, typer.Argument(help="status (default), sample, stop or resume.")
    ] = "status",
    who: Annotated[str | None, typer.Option(help="Protocol reviewer id, e.g. R1.")] = None,
    note: Annotated[str | None, typer.Option(help="Why, for the record.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the random sample's order.")] = 0,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Stopping title/abstract screening: the aid, a random sample of the rest, the decision.

    Nothing is excluded automatically: 'stop' records the team's decision with the
    evidence shown at that moment (method, records screened, estimated recall).
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        aid, event = review.screening.stop(action, who=who, note=note, seed=seed)
    if event is not None:
        print(f"recorded: {event.kind} by {event.who} after {event.n_screened} records")
    print(aid.summary())


@screen_app.command("agreement")
def screen_agreement_command(
    stage: StageOption = "ta",
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
) -> None:
    """Agreement per reviewer pair: percent, Cohen's kappa (95% CI), Gwet's AC1."""
    import json

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        result = review.screening.agreement(stage)
    if as_json:
        rows = [{"reviewers": list(pair), **item.to_dict()} for pair, item in result.pairs]
        print(json.dumps(rows, indent=2, default=list))
    else:
        print(result.summary())


@with_busy("simulating")
def simulate(
    data: Annotated[Path, typer.Argument(help="A labelled export (CSV, RIS, ...).")],
    label_column: Annotated[str, typer.Option(help="Column/tag holding 1/0 inclusion labels.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Where to write the screening order (CSV). [required]", callback=primary
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for the prior records and the model.")] = 0,
    batch_size: Annotated[int, typer.Option(help="Decisions between re-rankings.")] = 1,
    model: Annotated[
        str,
        typer.Option(
            help="svm-t2 (the project default), svm (ASReview's ELAS u4), nb, "
            "svm+minilm (needs the embeddings extra)"
        ),
    ] = "svm-t2",
    old_output: Annotated[Path | None, hidden_alias("--output", "output")] = None,
) -> None:
    """Simulate prioritised screening of a labelled set: the order records would be seen in."""
    import csv

    from sysreview.cells import safe_row
    from sysreview.screening import simulate_file

    if output is None:
        fail("--out is required: the CSV to write the screening order to")
    with reported():
        result = simulate_file(data, label_column, seed, batch_size=batch_size, model=model)
        with output.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(safe_row(row) for row in result.to_csv_rows())
    print(result.summary())


def register(app: typer.Typer) -> None:
    """Add ``sysreview screen`` and ``sysreview simulate`` to ``app``."""
    from sysreview.commands.screen_labels import register_labels

    register_labels(screen_app)
    app.add_typer(screen_app, name="screen")
    app.command()(simulate)
