"""The screening logs as the screening state reads them: SQL on :class:`Reads`.

Records, reviewers, confirmed duplicate links, decision events and assignments, each
in id order (the order they were stored in), plus each log's newest id, which tells
whether anything changed (:func:`log_versions`). The rules that turn them into
statuses are in :mod:`sysreview.screening`; the state in
:mod:`sysreview.project.selection.state`.
"""

from __future__ import annotations

from sysreview.project.storage.reads import Reads

LOGS = (
    ("record", ""),
    ("duplicate_link", ""),
    ("reviewer", ""),
    ("decision_event", "ta"),
    ("screening_assignment", "ta"),
    ("decision_event", "ft"),
    ("screening_assignment", "ft"),
)
"""The logs the screening state derives from, with the stage each is read for."""


def confirmed_pairs(reads: Reads) -> tuple[tuple[int, int], ...]:
    """Record pairs whose current duplicate link (the latest per pair) is confirmed."""
    return tuple(
        (a, b)
        for a, b in reads.rows(
            "SELECT record_a_id, record_b_id FROM duplicate_link"
            " WHERE status = 'confirmed' AND id IN"
            " (SELECT MAX(id) FROM duplicate_link GROUP BY record_a_id, record_b_id)"
            " ORDER BY id"
        )
    )


def reviewer_names(reads: Reads) -> dict[int, str]:
    """Each reviewer's name by id."""
    return {i: name for i, name in reads.rows("SELECT id, name FROM reviewer")}


def record_ids(reads: Reads) -> list[int]:
    """Every record's id, in order."""
    return reads.column("SELECT id FROM record ORDER BY id")


def decision_events(
    reads: Reads, stage: str, after: int = 0
) -> list[tuple[int, int, int, str, str, str | None, bool, bool]]:
    """The stage's decision events with an id above ``after``, oldest first.

    Each ``(id, record_id, reviewer_id, kind, decision, reason, retraction, revealed)``.
    """
    return [
        (i, record, who, kind, decision, reason, bool(retraction), bool(revealed))
        for i, record, who, kind, decision, reason, retraction, revealed in reads.rows(
            "SELECT id, record_id, reviewer_id, kind, decision, reason, retraction, revealed"
            " FROM decision_event WHERE stage = :stage AND id > :after ORDER BY id",
            stage=stage,
            after=after,
        )
    ]


def assignments(reads: Reads, stage: str) -> list[tuple[int, int, str, int | None]]:
    """The stage's stored assignments, oldest first: ``(id, record_id, slot, reviewer_id)``."""
    return [
        (i, record, slot, who)
        for i, record, slot, who in reads.rows(
            "SELECT id, record_id, slot, reviewer_id FROM screening_assignment"
            " WHERE stage = :stage ORDER BY id",
            stage=stage,
        )
    ]


def log_versions(reads: Reads) -> tuple[tuple[int | None, int], ...]:
    """Each of :data:`LOGS`' newest id (and, on PostgreSQL, its number of rows).

    On PostgreSQL ids are handed out at insert, not at commit, so a row can commit after
    a newer one: the number of rows catches it. SQLite lets one writer at a time insert
    and commit, so its ids grow in commit order and the newest id (found at once in an
    index) is enough; its counts are given as 0.
    """
    counted = reads.backend != "sqlite"
    aggregates = ("MAX(id)", "COUNT(*)") if counted else ("MAX(id)",)
    columns = [
        f"(SELECT {aggregate} FROM {table}{' WHERE stage = :' + stage if stage else ''})"
        for table, stage in LOGS
        for aggregate in aggregates
    ]
    found = reads.rows("SELECT " + ", ".join(columns), ta="ta", ft="ft")[0]
    if not counted:
        return tuple((newest, 0) for newest in found)
    return tuple((found[i], found[i + 1]) for i in range(0, len(found), 2))


__all__ = [
    "LOGS",
    "assignments",
    "confirmed_pairs",
    "decision_events",
    "log_versions",
    "record_ids",
    "reviewer_names",
]
