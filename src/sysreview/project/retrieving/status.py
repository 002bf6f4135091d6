"""A report's retrieval status, and the reviewer who records it.

A report's retrieval status (``sought``, ``retrieved``, ``not_retrieved`` with a reason)
is a ``retrieval_event``; the latest per record is current and PRISMA's "reports not
retrieved" counts from it (:mod:`sysreview.project.reporting.prisma_data`). Attaching a
full text (:mod:`sysreview.project.retrieving.files`) records the report as ``retrieved``
unless it is already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.project.selection.reviewers import sync_reviewers
from sysreview.project.selection.views import UnknownRecord
from sysreview.project.storage import RETRIEVAL_STATUSES, Record, RetrievalEvent, Reviewer, Store
from sysreview.protocol import Protocol


@dataclass(frozen=True)
class Retrieval:
    """A report's current retrieval status."""

    record_id: int
    status: str
    reason: str | None
    reviewer: str
    created_at: datetime

    def summary(self) -> str:
        """``"not retrieved (no library copy)"``."""
        text = self.status.replace("_", " ")
        return f"{text} ({self.reason})" if self.reason else text


def parse_status(value: str) -> str:
    """A retrieval status from the command line (``not-retrieved`` is ``not_retrieved``).

    >>> parse_status("Not-Retrieved")
    'not_retrieved'
    """
    status = value.strip().lower().replace("-", "_").replace(" ", "_")
    if status not in RETRIEVAL_STATUSES:
        allowed = ", ".join(s.replace("_", "-") for s in RETRIEVAL_STATUSES)
        raise InputError(f"invalid retrieval status {value!r}; must be one of {allowed}")
    return status


def reviewer_row(session: Session, protocol: Protocol, reviewer: str) -> Reviewer:
    """The protocol reviewer ``reviewer`` as a store row (any role may handle full texts)."""
    people = sync_reviewers(session, protocol)
    if reviewer not in people or reviewer not in {p.id for p in protocol.review.reviewers}:
        known = ", ".join(p.id for p in protocol.review.reviewers) or "none"
        raise InputError(f"unknown reviewer {reviewer!r}; the protocol's reviewers are {known}")
    return people[reviewer]


def current_retrieval(session: Session) -> dict[int, RetrievalEvent]:
    """Each record's latest retrieval event (its current status)."""
    latest = select(func.max(RetrievalEvent.id)).group_by(RetrievalEvent.record_id)
    rows = session.scalars(select(RetrievalEvent).where(RetrievalEvent.id.in_(latest)))
    return {row.record_id: row for row in rows}


def add_retrieval(
    session: Session, record_id: int, status: str, reason: str | None, reviewer: Reviewer
) -> bool:
    """Record a report's retrieval status; ``False`` when it is that already (no row).

    Raises
    ------
    InputError
        For an unknown record or status, or ``not_retrieved`` without a reason.
    """
    if session.get(Record, record_id) is None:
        raise UnknownRecord(f"no record {record_id} in this project")
    status = parse_status(status)
    reason = " ".join((reason or "").split()) or None
    if status == "not_retrieved" and reason is None:
        raise InputError("a report not retrieved needs a reason (--reason), e.g. 'no copy found'")
    current = current_retrieval(session).get(record_id)
    if current is not None and (current.status, current.reason) == (status, reason):
        return False
    session.add(RetrievalEvent(record_id=record_id, status=status, reason=reason,
                               reviewer_id=reviewer.id))  # fmt: skip
    session.flush()
    return True


def set_retrieval(
    store: Store, protocol: Protocol, record_id: int, status: str, reviewer: str,
    *, reason: str | None = None,
) -> tuple[Retrieval, bool]:  # fmt: skip
    """Record a report's retrieval status (``sysreview fulltext status``), audited.

    Returns the status and whether it changed (no row is added when it did not).
    """
    with store.session() as session:
        who = reviewer_row(session, protocol, reviewer)
        changed = add_retrieval(session, record_id, status, reason, who)
        row = current_retrieval(session)[record_id]
        if changed:
            store.audit(reviewer, "retrieval status", "retrieval_event", row.id,
                        {"record_id": record_id, "status": row.status, "reason": row.reason},
                        session=session)  # fmt: skip
        return Retrieval(record_id, row.status, row.reason, reviewer, row.created_at), changed


__all__ = [
    "Retrieval",
    "add_retrieval",
    "current_retrieval",
    "parse_status",
    "reviewer_row",
    "set_retrieval",
]
