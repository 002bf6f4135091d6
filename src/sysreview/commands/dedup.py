"""``sysreview dedup``: duplicate records of an export file or of the project.

On its own file it writes the duplicate groups; in a project it links duplicates (never
deletes them) and queues the uncertain pairs, which ``dedup review`` lists and decides.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, fail, reported
from sysreview.commands.options import hidden_alias, json_flag, primary
from sysreview.commands.progress import busy


class DedupFormat(StrEnum):
    """Output format of ``sysreview dedup``'s duplicate groups."""

    csv = "csv"
    json = "json"


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


def register(app: typer.Typer) -> None:
    """Add ``sysreview dedup`` to ``app``."""
    app.command()(dedup)
