"""Use cases ``sysreview dedup``: link duplicates, the queue of uncertain pairs, decisions."""

from __future__ import annotations

from collections.abc import Callable

from sysreview.project.deduplicating.pairs import (
    DedupRun,
    QueuedPair,
    decide_pair,
    deduplicate_store,
    review_queue,
)
from sysreview.project.opening import PathLike, opened
from sysreview.project.selection.service import assign_records


def deduplicate_project(
    directory: PathLike,
    db_url: str | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> DedupRun:
    """Link the project's duplicate records (never deleting any); queue uncertain pairs."""
    with opened(directory, db_url) as (project, store):
        run = deduplicate_store(store, progress=progress)[0]
        assign_records(store, project.protocol)
        return run


def duplicate_queue(directory: PathLike, db_url: str | None = None) -> list[QueuedPair]:
    """The pairs waiting for a reviewer's accept or reject."""
    with opened(directory, db_url) as (_, store):
        return review_queue(store)


def decide_duplicate(
    directory: PathLike, pair: str, *, accept: bool, reviewer: str, db_url: str | None = None
) -> None:
    """Accept (confirm) or reject a queued pair ``A-B``, as a new link event."""
    with opened(directory, db_url) as (_, store):
        decide_pair(store, pair, accept=accept, reviewer=reviewer)


__all__ = ["DedupRun", "QueuedPair", "decide_duplicate", "deduplicate_project", "duplicate_queue"]
