"""De-duplication use cases: link duplicates, the queue of uncertain pairs, decisions."""

from __future__ import annotations

from collections.abc import Callable

from sysreview.project.deduplicating.pairs import (
    DedupRun,
    DuplicateReview,
    QueuedPair,
    decide_pair,
    deduplicate_store,
    duplicate_review,
    review_queue,
)
from sysreview.project.opening import PathLike, Service, open_project
from sysreview.project.selection.service import assign_records


class DuplicatesService(Service):
    """``project.duplicates``: linking duplicate records and the review of uncertain pairs."""

    def deduplicate(self, progress: Callable[[str, float], None] | None = None) -> DedupRun:
        """Link the project's duplicate records (never deleting any); queue uncertain pairs."""
        with self.project.write_lock:
            run = deduplicate_store(self.store, progress=progress)[0]
            assign_records(self.store, self.protocol)
        return run

    def queue(self) -> list[QueuedPair]:
        """The pairs waiting for a reviewer's accept or reject."""
        return review_queue(self.store)

    def review(self) -> DuplicateReview:
        """The waiting pairs with both records' fields, and how many were decided."""
        return duplicate_review(self.store)

    def decide(self, pair: str, *, accept: bool, reviewer: str) -> None:
        """Accept (confirm) or reject a queued pair ``A-B``, as a new link event."""
        with self.project.write_lock:
            decide_pair(self.store, pair, accept=accept, reviewer=reviewer)


def deduplicate_project(
    directory: PathLike,
    db_url: str | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> DedupRun:
    """:meth:`DuplicatesService.deduplicate` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.duplicates.deduplicate(progress)


def duplicate_queue(directory: PathLike, db_url: str | None = None) -> list[QueuedPair]:
    """:meth:`DuplicatesService.queue` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.duplicates.queue()


def decide_duplicate(
    directory: PathLike, pair: str, *, accept: bool, reviewer: str, db_url: str | None = None
) -> None:
    """:meth:`DuplicatesService.decide` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        project.duplicates.decide(pair, accept=accept, reviewer=reviewer)


__all__ = [
    "DedupRun",
    "DuplicateReview",
    "DuplicatesService",
    "QueuedPair",
    "decide_duplicate",
    "deduplicate_project",
    "duplicate_queue",
]
