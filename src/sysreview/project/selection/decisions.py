"""Screening decisions: the only way a record moves through screening, on every route.

Reviewers are the protocol's (``[[review.reviewers]]``), stored by their protocol id.
Every decision is a new event, checked here against the protocol and the review's
current state (:mod:`sysreview.project.selection.state`) before it is stored, whether
it comes from the command line, a sheet, a page or the JSON API:

- a reviewer decides only the records assigned to them at that stage
  (:class:`~sysreview.errors.NotPermittedError`, HTTP 403);
- a full-text decision needs a record forwarded from title/abstract; a resolution
  needs a record in conflict; a title/abstract decision cannot change once the record
  has full-text decisions, nor a full-text one once the report is linked to a study
  (:class:`~sysreview.errors.StateConflictError`, HTTP 409);
- a decision made after its author could see another reviewer's decision on the record
  is stored as *revealed*, so it never silently turns into independent agreement
  (:mod:`sysreview.screening.status`).

Nothing is stored when a check fails. The read side (what each person may see) is
:mod:`sysreview.project.selection.views`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import NotRequired, TypedDict, Unpack

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from sysreview.errors import InputError, NotPermittedError, StateConflictError
from sysreview.project.selection.queue import ScreenQueue, prioritised_queue
from sysreview.project.selection.reviewers import check_reviewer, sync_reviewers
from sysreview.project.selection.state import ScreeningState, screening_state, store_assignments
from sysreview.project.selection.views import (
    Conflict,
    RecordCard,
    SeenDecision,
    UnknownRecord,
    assigned_records,
    check_stage,
    conflicts,
    current_events,
    decision_triples,
    decisions_seen_by,
    pending_records,
    record_card,
    stage_policy_blind,
)
from sysreview.project.storage import (
    DECISIONS,
    DecisionEvent,
    Record,
    Store,
    StudyReport,
    utcnow,
)
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role
from sysreview.screening.status import State

__all__ = [
    "Conflict",
    "DecisionFields",
    "NewDecision",
    "RecordCard",
    "ScreenQueue",
    "SeenDecision",
    "UnknownRecord",
    "add_decision",
    "assigned_records",
    "check_decision",
    "check_moves",
    "check_reason",
    "check_reviewer",
    "conflicts",
    "decision_triples",
    "decisions_seen_by",
    "is_linked",
    "new_decision",
    "pending_records",
    "prioritised_queue",
    "record_card",
    "record_decision",
    "store_decision",
    "sync_reviewers",
    "unit_of",
]


def check_reason(protocol: Protocol, stage: str, decision: str, reason: str | None) -> str | None:
    """The protocol's spelling of a full-text exclusion reason (required there)."""
    if stage != "ft" or decision != "exclude":
        return reason
    allowed = {r.casefold(): r for r in protocol.eligibility.exclusion_reasons}
    if reason is None or reason.casefold() not in allowed:
        shown = "; ".join(protocol.eligibility.exclusion_reasons)
        raise InputError(f"a full-text exclusion needs a reason from the protocol: {shown}")
    return allowed[reason.casefold()]


_EVENT_COLUMNS = (
    "stage", "reviewer_id", "kind", "decision", "reason", "note", "created_at", "retraction",
    "revealed", "source",
)  # fmt: skip
# One statement per decision: the row is inserted only when its record exists, so no
# separate look-up (a round trip fewer on PostgreSQL, inside the group commit's batch).
_INSERT_EVENT = (
    insert(DecisionEvent)
    .from_select(
        ["record_id", *_EVENT_COLUMNS],
        select(
            Record.id,
            *(bindparam(c, type_=DecisionEvent.__table__.c[c].type) for c in _EVENT_COLUMNS),
        ).where(Record.id == bindparam("record_id")),
    )
    .returning(DecisionEvent.id)
)


@dataclass(frozen=True)
class NewDecision:
    """A checked decision (or resolution, or retraction) waiting to be stored.

    See :func:`new_decision` and :func:`check_decision`.
    """

    stage: str
    record_id: int
    reviewer: str
    decision: str
    reason: str | None
    note: str | None
    resolution: bool
    source: str | None = None
    retraction: bool = False
    revealed: bool = False


class DecisionFields(TypedDict):
    """A decision as callers give it, by keyword (see :func:`new_decision`).

    ``stage`` (``ta`` or ``ft``), ``record_id``, ``reviewer`` (the protocol's id) and
    ``decision`` (include, exclude, maybe) are required; ``reason`` (a full-text
    exclusion needs one of the protocol's), ``note``, ``resolution`` (an arbiter
    settling a disagreement) and ``source`` (the route or file: ``cli``, ``web``,
    ``api``, ``sheet:NAME``) are optional. Empty texts count as not given.
    """

    stage: str
    record_id: int
    reviewer: str
    decision: str
    reason: NotRequired[str | None]
    note: NotRequired[str | None]
    resolution: NotRequired[bool]
    source: NotRequired[str | None]


def new_decision(protocol: Protocol, **fields: Unpack[DecisionFields]) -> NewDecision:
    """A decision checked against the protocol alone, before the review's state is read.

    Raises
    ------
    InputError
        For an unknown stage, decision or reviewer, a reviewer without the role
        (screener; arbiter for a resolution), a resolution of ``maybe``, or a
        full-text exclusion without one of the protocol's reasons.
    """
    stage, record_id, reviewer = fields["stage"], fields["record_id"], fields["reviewer"]
    decision, resolution = fields["decision"], fields.get("resolution", False)
    reason, note = fields.get("reason") or None, fields.get("note") or None
    check_stage(stage)
    if decision not in DECISIONS:
        raise InputError(f"invalid decision {decision!r}; must be one of {', '.join(DECISIONS)}")
    if resolution and decision == "maybe":
        raise InputError("a resolution must include or exclude, not 'maybe'")
    check_reviewer(protocol, reviewer, Role.ARBITER if resolution else Role.SCREENER)
    reason = check_reason(protocol, stage, decision, reason)
    source = fields.get("source") or None
    return NewDecision(stage, record_id, reviewer, decision, reason, note, resolution, source)


def unit_of(state: ScreeningState, record_id: int) -> int:
    """The screening unit ``record_id`` belongs to (its duplicate group's first record).

    Raises
    ------
    UnknownRecord
        When the record is not in the project.
    """
    unit = state.unit_of(record_id)
    if unit not in state.ta.status:
        raise UnknownRecord(f"no record {record_id} in this project")
    return unit


def check_moves(state: ScreeningState, item: NewDecision, unit: int, linked: bool) -> None:
    """Refuse a change to a stage the record has already left behind."""
    where = f"record {item.record_id}"
    if item.stage == "ta" and any(current_events(state.ft, unit)):
        raise StateConflictError(
            f"{where} has full-text decisions: its title/abstract decision can no longer "
            "change (undo the full-text decisions first)"
        )
    if item.stage == "ft" and linked:
        raise StateConflictError(
            f"{where} is linked to a study: its full-text decision can no longer change "
            "(unlink the report first)"
        )


def check_decision(
    store: Store,
    protocol: Protocol,
    item: NewDecision,
    state: ScreeningState | None = None,
) -> NewDecision:
    """``item`` checked against the review's state, with its ``revealed`` flag set.

    Raises
    ------
    UnknownRecord
        When the record is not in the project.
    NotPermittedError
        When a reviewer's record is not assigned to them at the stage.
    StateConflictError
        A full-text decision on a record not forwarded from title/abstract; a
        resolution of a record not in conflict; a title/abstract change on a record
        with full-text decisions; a full-text change on a report linked to a study.
    """
    state = screening_state(store, protocol) if state is None else state
    unit = unit_of(state, item.record_id)
    here = state.stage(item.stage)
    where = f"record {item.record_id}"
    if item.stage == "ft" and unit not in here.status:
        found = state.ta.status[unit]
        said = f" ({found.decision})" if found.settled else ""
        raise StateConflictError(
            f"{where} is not forwarded to full text: at title/abstract it is "
            f"{found.state.label}{said}"
        )
    status = here.status[unit]
    if item.resolution and status.state not in (State.CONFLICT, State.RESOLVED):
        raise StateConflictError(
            f"{where} is not in conflict at {item.stage} (it is {status.state.label}): "
            "an arbiter resolves disagreements only"
        )
    if not item.resolution and not here.assignments[unit].holds(item.reviewer):
        raise NotPermittedError(f"{where} is not assigned to {item.reviewer} at {item.stage}")
    check_moves(state, item, unit, item.stage == "ft" and is_linked(store, state, unit))
    mine = [e for e in here.events.get(unit, ()) if e.reviewer == item.reviewer]
    others = [e for e in here.events.get(unit, ()) if e.reviewer != item.reviewer]
    could_see = bool(mine) or not stage_policy_blind(protocol, item.stage)
    return replace(item, revealed=bool(others) and could_see and not item.resolution)


def is_linked(store: Store, state: ScreeningState, unit: int) -> bool:
    """Whether a record of ``unit`` (any copy in its duplicate group) is linked to a study."""
    copies = [r for r, u in state.groups.items() if u == unit] or [unit]
    with store.session(readonly=True) as session:
        query = select(StudyReport.id).where(StudyReport.record_id.in_(copies)).limit(1)
        return session.scalar(query) is not None


def add_decision(
    store: Store,
    session: Session,
    item: NewDecision,
    reviewer_ids: Mapping[str, int],
    protocol: Protocol | None = None,
) -> int:
    """Add ``item`` and its audit entry to ``session``'s transaction; the event's id.

    ``reviewer_ids`` maps protocol reviewer ids to their store rows' ids (from
    :func:`sync_reviewers`). With ``protocol``, a full-text decision also stores the
    assignments it makes due (the second reviewer's sample, drawn once the first
    reviewer has decided every report). The caller commits.

    Raises
    ------
    UnknownRecord
        When the record is not in the project.
    """
    # A Core statement on the session's connection: no unit-of-work flush per decision,
    # which matters when a group commit stores hundreds of them in one transaction.
    kind = "resolution" if item.resolution else "decision"
    values = {
        "stage": item.stage,
        "record_id": item.record_id,
        "reviewer_id": reviewer_ids[item.reviewer],
        "kind": kind,
        "decision": item.decision,
        "reason": item.reason,
        "note": item.note,
        "created_at": utcnow(),
        "retraction": item.retraction,
        "revealed": item.revealed,
        "source": item.source,
    }
    event_id = session.connection().execute(_INSERT_EVENT, values).scalar()
    if event_id is None:
        raise UnknownRecord(f"no record {item.record_id} in this project")
    what = f"{item.stage} {'undo ' if item.retraction else ''}{kind}"
    details = {"record": item.record_id, "decision": item.decision, "source": item.source}
    if item.revealed:
        details["revealed"] = True
    store.audit(item.reviewer, what, "decision_event", event_id, details, session=session)
    if protocol is not None and item.stage == "ft":
        store_assignments(store, protocol, session)
    return event_id


def store_decision(store: Store, protocol: Protocol, item: NewDecision) -> int:
    """Store a checked decision as a new event in a transaction of its own; the event's id.

    The protocol's reviewers are synced first; ``item`` is stored as given (see
    :func:`check_decision`), with the assignments it makes due (:func:`add_decision`).
    """
    with store.session() as session:
        people = sync_reviewers(session, protocol)
        ids = {name: r.id for name, r in people.items()}
        return add_decision(store, session, item, ids, protocol)


def record_decision(store: Store, protocol: Protocol, **fields: Unpack[DecisionFields]) -> int:
    """Store a reviewer's decision (or an arbiter's resolution) as a new event; its id.

    Raises
    ------
    InputError
        See :func:`new_decision` and :func:`check_decision` (nothing is stored).
    """
    item = check_decision(store, protocol, new_decision(protocol, **fields))
    return store_decision(store, protocol, item)
