"""The ``sysreview`` command line: thin wrappers over the library.

Every expected failure prints one line ``sysreview: error: …`` naming the file, row
and column, and exits with status 2 — never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from sysreview.commands.common import (
    DatabaseOption,
    ForceOption,
    OutputFormat,
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
    json_flag,
    out_alias,
    out_argument,
    primary,
    project_alias,
    stdin_file,
)
from sysreview.commands.progress import busy, with_busy
from sysreview.commands.progress import import_progress as _import_progress
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
screen_app = typer.Typer(help="Screening: decisions, conflicts, agreement.")
app.add_typer(screen_app, name="screen")
StageOption = Annotated[str, typer.Option("--stage", help="ta (title/abstract) or ft (full text).")]


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
    db: DatabaseOption = None,
) -> None:
    """Create a review project: review.toml from a template and its database."""
    from sysreview.project.opening import init_project

    with reported():
        project = init_project(directory, template, db)
    print(f"created {project.protocol_path} ({template}); database {project.database_url}")


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


@app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="Export files (RIS, MEDLINE, CSV, ...).")],
    source: Annotated[str, typer.Option(help="Database or register searched, e.g. MEDLINE.")],
    kind: Annotated[
        str, typer.Option(help="database, register or other (citation searching etc.).")
    ] = "database",
    interface: Annotated[str | None, typer.Option(help="Search interface, e.g. Ovid.")] = None,
    date: Annotated[str | None, typer.Option(help="Search date, YYYY-MM-DD.")] = None,
    query_file: Annotated[Path | None, typer.Option(help="File with the search strategy.")] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Import search results into the project, one import batch per file."""
    from datetime import date as Date

    from sysreview.project.opening import open_project
    from sysreview.text import terminal_safe

    with reported():
        try:
            searched = None if date is None else Date.fromisoformat(date)
        except ValueError:
            fail(f"--date {date!r} is not a date; use YYYY-MM-DD")
        with open_project(project, db) as review, _import_progress() as progress:
            done = review.records.import_files(
                files,
                source=source,
                source_kind=kind,
                interface=interface,
                search_date=searched,
                query_file=query_file,
                progress=progress,
            )
        for item in done:
            for warning in item.warnings:
                print(f"sysreview: warning: {terminal_safe(warning)}", file=sys.stderr)
            print(
                terminal_safe(
                    f"{item.path}: {item.records} records ({item.format}) as batch {item.batch_id}"
                )
            )


class DedupFormat(StrEnum):
    """Output format of ``sysreview dedup``'s duplicate groups."""

    csv = "csv"
    json = "json"


@app.command()
def dedup(
    target: Annotated[
        str | None,
        typer.Argument(
            help="An export FILE to de-duplicate on its own; 'review' for the project's "
            "review queue; nothing to de-duplicate the project."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the groups (FILE mode).", callback=primary),
    ] = None,
    output_format: Annotated[
        DedupFormat, typer.Option("--format", help="csv or json", callback=primary)
    ] = DedupFormat.csv,
    as_json: Annotated[bool, json_flag("output_format", DedupFormat.json)] = False,
    old_output: Annotated[Path | None, hidden_alias("--output", "output")] = None,
    accept: Annotated[list[str] | None, typer.Option(help="Review: confirm pair A-B.")] = None,
    reject: Annotated[list[str] | None, typer.Option(help="Review: reject pair A-B.")] = None,
    reviewer: Annotated[str | None, typer.Option(help="Review: who decides.")] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Find duplicate records: link them (never delete), queue uncertain pairs for review."""
    with reported():
        if target is None:
            from sysreview.project.opening import open_project

            with open_project(project, db) as review, _stage_progress() as progress:
                run = review.duplicates.deduplicate(progress)
            print(run.summary())
        elif target == "review" and not Path(target).is_file():
            _dedup_review(project, db, accept or [], reject or [], reviewer)
        else:
            _dedup_file(Path(target), output, output_format)


@contextmanager
def _stage_progress() -> Iterator[Callable[[str, float], None]]:
    """A progress bar (on a terminal, after a second) fed with ``(stage, fraction)``."""
    from sysreview.commands.progress import progress_bar

    with progress_bar() as bar:
        task = bar.add_task("de-duplicating", total=1.0)

        def update(stage: str, fraction: float) -> None:
            bar.update(task, description=stage, completed=fraction)

        yield update


def _dedup_file(path: Path, output: Path | None, output_format: DedupFormat) -> None:
    """Stand-alone mode: groups of one export file as ``record_id,group_id,rule,score``."""
    import csv
    import io
    import json

    from sysreview.cells import safe_row
    from sysreview.dedup import find_duplicates, memberships
    from sysreview.records import read_file

    with busy(f"reading {path.name}"):
        citations = read_file(path).citations
    with _stage_progress() as progress:
        rows = memberships(find_duplicates(citations, progress=progress))
    if output_format is DedupFormat.json:
        text = json.dumps([vars(r) for r in rows], indent=1) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["record_id", "group_id", "rule", "score"])
        writer.writerows(
            safe_row([r.record_id, r.group_id, r.rule or "", r.score or ""]) for r in rows
        )
        text = buffer.getvalue()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        groups = len({r.group_id for r in rows})
        print(f"{len(rows)} records in {groups} groups written to {output}")


def _dedup_review(
    project: Path, db: str | None, accept: list[str], reject: list[str], reviewer: str | None
) -> None:
    """Review mode: list the queue, or record accept/reject decisions."""
    from sysreview.project.opening import open_project
    from sysreview.text import terminal_safe

    if not accept and not reject:
        with open_project(project, db) as review:
            queue = review.duplicates.queue()
        for pair in queue:
            score = "" if pair.score is None else f", score {pair.score:.2f}"
            print(f"{pair.key}  [{pair.rule}{score}]")
            for side in (pair.a, pair.b):
                print(
                    terminal_safe(
                        f"    {side['id']}: {side['title']} ({side['year']}) doi:{side['doi']}"
                    )
                )
        print(f"{len(queue)} pairs waiting for review")
        return
    if not reviewer:
        fail("--reviewer is required to accept or reject pairs")
    with open_project(project, db) as review:
        for key, verdict in [(k, True) for k in accept] + [(k, False) for k in reject]:
            review.duplicates.decide(key, accept=verdict, reviewer=reviewer)
            print(f"{key}: {'confirmed' if verdict else 'rejected'} by {reviewer}")


@app.command()
def prisma(
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    as_json: JsonOption = False,
    output_format: FormatOfJson = None,
) -> None:
    """The PRISMA 2020 flow diagram's counts, computed from the records and decisions.

    Counts from another source that the project recorded ('sysreview data load') are added.
    """
    import json

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        counts = review.report.prisma()
    print(json.dumps(counts.to_dict(), indent=2) if as_json else counts.summary())


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


@app.command()
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


@db_app.command("upgrade")
def db_upgrade(project: ProjectOption = Path("."), db: DatabaseOption = None) -> None:
    """Migrate the project database to the newest schema."""
    from sysreview.project.opening import upgrade_database

    with reported():
        before, after = upgrade_database(project, db)
    print(f"database schema: {before or 'empty'} -> {after}")


@app.command("export")
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


@app.command("load")
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


@app.command()
def pool(
    data: Annotated[
        Path,
        typer.Argument(
            help="CSV with study and data columns, or a RevMan 5 file (.rm5); - reads stdin.",
            callback=stdin_file,
        ),
    ],
    measure: Annotated[
        str | None,
        typer.Option(help="MD|SMD|SMDH|ROM|RR|OR|RD|PETO_OR|IRR|PR|PLO|PFT|ZCOR|GIV"),
    ] = None,
    method: Annotated[
        str | None, typer.Option(help="IV|MH|PETO (default: the convention's)")
    ] = None,
    model: Annotated[str | None, typer.Option(help="random|fixed (default: random)")] = None,
    tau2: Annotated[
        str | None,
        typer.Option(help="DL|REML|ML|PM|EB|SJ|HE (default: DL; REML with metafor's convention)"),
    ] = None,
    ci: Annotated[str | None, typer.Option(help="z|hksj (default: z)")] = None,
    level: Annotated[
        float | None, typer.Option(help="confidence level in percent (default: 95)")
    ] = None,
    convention: Annotated[str | None, typer.Option(help="revman|metafor (default: revman)")] = None,
    log_scale: Annotated[
        bool, typer.Option("--log-scale", help="GIV estimates are log ratios")
    ] = False,
    by: Annotated[str | None, typer.Option(help="one analysis per value of this column")] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="text|json|csv", callback=primary)
    ] = OutputFormat.text,
    as_json: Annotated[bool, json_flag("output_format", OutputFormat.json)] = False,
) -> None:
    """Pool the studies of DATA.

    DATA holds per-arm means/SDs/Ns, events/Ns, events/person-time, one group's events/N or
    correlation/N, or estimate/SE.

    Data columns may carry sysreview's, metafor's, meta's or RevMan's names (m1i, n.e,
    mean_1, ...). Columns measure, method, model, tau2_method, ci_method, level,
    convention and log_scale, when present, set each analysis's options (one value per
    analysis); an option given here overrides them. A RevMan 5 file is pooled analysis by
    analysis with RevMan's settings, which options given here override in the same way.
    Random-effects results give Q-profile confidence limits for tau², I² and H².
    """
    from sysreview.errors import SysreviewError
    from sysreview.pooled_table import pool_table

    try:
        pooled = pool_table(
            data,
            by=by,
            measure=measure,
            method=method,
            model=model,
            tau2_method=tau2,
            ci_method=ci,
            level=level,
            convention=convention,
            log_scale=True if log_scale else None,
        )
    except (SysreviewError, ValueError) as exc:
        fail(str(exc))
    if output_format is OutputFormat.json:
        sys.stdout.write(pooled.to_json() + "\n")
    elif output_format is OutputFormat.csv:
        from sysreview.cells import safe_frame

        safe_frame(pooled.to_frame()).to_csv(sys.stdout, index=False)
    else:
        sys.stdout.write(pooled.summary() + "\n")


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
