"""Screening use cases of the command line: decisions, undo, queues, sheets, conflicts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from sysreview.errors import InputError
from sysreview.project.opening import PathLike, opened
from sysreview.project.selection import corrections, study_links
from sysreview.project.selection import decisions as screening
from sysreview.project.selection import sheets as screening_sheets
from sysreview.project.selection.state import store_assignments
from sysreview.project.sheets.results import ImportResult
from sysreview.project.storage import Store
from sysreview.protocol import Protocol

if TYPE_CHECKING:
    from sysreview.screening.interrater import PairwiseAgreement


def assign_records(store: Store, protocol: Protocol) -> int:
    """Store the screening assignments the protocol's rules call for now (a new round of
    title/abstract records, a full-text sample now due); how many were stored."""
    with store.session() as session:
        screening.sync_reviewers(session, protocol)
        return store_assignments(store, protocol, session)


def screen_decision(
    directory: PathLike,
    *,
    db_url: str | None = None,
    **fields: Unpack[screening.DecisionFields],
) -> int:
    """Record a screening decision (or an arbiter's resolution); the event's id.

    ``fields`` are those of :class:`~sysreview.project.selection.decisions.DecisionFields`.
    """
    with opened(directory, db_url) as (project, store):
        return screening.record_decision(store, project.protocol, **fields)


def screen_undo(
    directory: PathLike,
    *,
    stage: str,
    reviewer: str,
    record_id: int | None = None,
    db_url: str | None = None,
) -> screening.NewDecision:
    """Take back a reviewer's latest decision at ``stage`` (or theirs on ``record_id``)."""
    with opened(directory, db_url) as (project, store):
        return corrections.undo_decision(
            store, project.protocol, stage=stage, reviewer=reviewer, record_id=record_id,
            source="cli",
        )  # fmt: skip


def screen_reassign(
    directory: PathLike,
    *,
    stage: str,
    from_reviewer: str,
    to_reviewer: str,
    by: str,
    records: list[int] | None = None,
    db_url: str | None = None,
) -> int:
    """Move a reviewer's undecided records to another reviewer; how many moved."""
    with opened(directory, db_url) as (project, store):
        return corrections.reassign(
            store, project.protocol, stage=stage, from_reviewer=from_reviewer,
            to_reviewer=to_reviewer, by=by, records=records,
        )  # fmt: skip


def screen_pending(
    directory: PathLike, stage: str, reviewer: str, db_url: str | None = None
) -> list[screening.RecordCard]:
    """The records ``reviewer`` still has to screen at ``stage``, in screening order."""
    return screen_queue(directory, stage, reviewer, db_url)[0]


def screen_queue(
    directory: PathLike, stage: str, reviewer: str, db_url: str | None = None
) -> tuple[list[screening.RecordCard], str | None]:
    """Pending records as cards, prioritised at title/abstract, and the stopping advice."""
    with opened(directory, db_url) as (project, store):
        queue = screening.prioritised_queue(
            store, project.protocol, stage=stage, reviewer=reviewer, wait=True
        )
        return [screening.record_card(store, i) for i in queue.records], queue.advice


def screen_export(
    directory: PathLike, out: PathLike, *, stage: str, reviewer: str, db_url: str | None = None
) -> int:
    """Write a reviewer's assigned records to a CSV/XLSX sheet for screening; row count."""
    with opened(directory, db_url) as (project, store):
        return screening_sheets.export_sheet(
            store, project.protocol, out, stage=stage, reviewer=reviewer
        )


def screen_import(
    directory: PathLike,
    sheet: PathLike,
    *,
    stage: str,
    reviewer: str,
    force: bool = False,
    db_url: str | None = None,
) -> ImportResult:
    """Store the new and corrected decisions of a screened sheet (all or nothing).

    See :func:`sysreview.project.selection.sheets.import_sheet` (``force`` overrides
    decisions made after the sheet was exported).
    """
    with opened(directory, db_url) as (project, store):
        return screening_sheets.import_sheet(
            store, project.protocol, sheet, stage=stage, reviewer=reviewer, force=force
        )


def link_study_report(
    directory: PathLike,
    record_id: int,
    study: str,
    *,
    primary: bool = False,
    db_url: str | None = None,
) -> tuple[int, bool]:
    """Link an included report to its study (created on first use); ``(study id, new)``."""
    with opened(directory, db_url) as (project, store):
        return study_links.link_report(
            store, project.protocol, record_id=record_id, study=study, primary=primary
        )


def unlink_study_report(directory: PathLike, record_id: int, db_url: str | None = None) -> str:
    """Undo a report's link to its study; the study's label."""
    with opened(directory, db_url) as (_, store):
        return study_links.unlink_report(store, record_id=record_id)


def screen_conflicts(
    directory: PathLike, stage: str, db_url: str | None = None
) -> list[screening.Conflict]:
    """Records whose reviewers disagree, not yet resolved by an arbiter."""
    with opened(directory, db_url) as (project, store):
        return screening.conflicts(store, project.protocol, stage)


def screen_agreement(
    directory: PathLike, stage: str, db_url: str | None = None
) -> PairwiseAgreement:
    """Agreement (percent, Cohen's kappa with CI, Gwet's AC1) per pair of reviewers.

    Compares each reviewer's independent decisions (made before seeing the other's).
    """
    with opened(directory, db_url) as (project, store):
        triples = screening.decision_triples(store, project.protocol, stage)
    if not triples:
        raise InputError(f"no {stage} decisions yet: nothing to compare")
    from sysreview.screening.interrater import pairwise_agreement  # NumPy, SciPy

    return pairwise_agreement(triples)


__all__ = [
    "assign_records",
    "link_study_report",
    "screen_agreement",
    "screen_conflicts",
    "screen_decision",
    "screen_export",
    "screen_import",
    "screen_pending",
    "screen_queue",
    "screen_reassign",
    "screen_undo",
    "unlink_study_report",
]
