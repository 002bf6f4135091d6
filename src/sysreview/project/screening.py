"""Screening decisions: the only way a record moves through screening, on every route.

Reviewers are the protocol's (``[[review.reviewers]]``), stored by their protocol id.
Every decision is a new event, checked here against the protocol and the review's
current state (:mod:`sysreview.project.screening_state`) before it is stored, whether
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
:mod:`sysreview.project.screening_views`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import NotRequired, TypedDict, Unpack

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from sysreview.errors import InputError, NotPermittedError, StateConflictError
from sysreview.project.screening_queue import ScreenQueue, prioritised_queue
from sysreview.project.screening_state import ScreeningState, screening_state, store_assignments
from sysreview.project.screening_views import (
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
from sysreview.project.store import (
    DECISIONS,
    DecisionEvent,
    Record,
    Reviewer,
    ScreeningAssignment,
    Store,
    Study,
    StudyReport,
    utcnow,
)
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role
from sysreview.screening.assignment import Slot
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
    "check_reason",
    "check_reviewer",
    "conflicts",
    "decision_triples",
    "decisions_seen_by",
    "link_report",
    "new_decision",
    "pending_records",
    "prioritised_queue",
    "reassign",
    "record_card",
    "record_decision",
    "sync_reviewers",
    "undo_decision",
    "unlink_report",
]


def sync_reviewers(session: Session, protocol: Protocol) -> dict[str, Reviewer]:
    """The protocol's reviewers as store rows (created on first use), by protocol id."""
    rows = {r.name: r for r in session.scalars(select(Reviewer))}
    for person in protocol.review.reviewers:
        roles = [role.value for role in person.roles]
        if person.id not in rows:
            rows[person.id] = Reviewer(name=person.id, roles=roles)
            session.add(rows[person.id])
        elif list(rows[person.id].roles) != roles:
            rows[person.id].roles = roles
    session.flush()
    return rows


def check_reviewer(protocol: Protocol, reviewer_id: str, role: Role) -> None:
    """Raise :class:`InputError` unless the protocol names the reviewer with ``role``."""
    people = {p.id: p for p in protocol.review.reviewers}
    person = people.get(reviewer_id)
    if person is None:
        raise InputError(
            f"unknown reviewer {reviewer_id!r}; the protocol's reviewers are {', '.join(people)}"
        )
    if not person.has(role):
        roles = ", ".join(r.value for r in person.roles)
        raise InputError(f"reviewer {reviewer_id!r} is not a {role.value} (roles: {roles})")


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


def _unit(state: ScreeningState, record_id: int) -> int:
    unit = state.unit_of(record_id)
    if unit not in state.ta.status:
        raise UnknownRecord(f"no record {record_id} in this project")
    return unit


def _check_moves(state: ScreeningState, item: NewDecision, unit: int, linked: bool) -> None:
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
    unit = _unit(state, item.record_id)
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
    _check_moves(state, item, unit, item.stage == "ft" and _linked(store, state, unit))
    mine = [e for e in here.events.get(unit, ()) if e.reviewer == item.reviewer]
    others = [e for e in here.events.get(unit, ()) if e.reviewer != item.reviewer]
    could_see = bool(mine) or not stage_policy_blind(protocol, item.stage)
    return replace(item, revealed=bool(others) and could_see and not item.resolution)


def _linked(store: Store, state: ScreeningState, unit: int) -> bool:
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


def _stored(store: Store, protocol: Protocol, item: NewDecision) -> int:
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
    return _stored(store, protocol, item)


def undo_decision(
    store: Store,
    protocol: Protocol,
    *,
    stage: str,
    reviewer: str,
    record_id: int | None = None,
    source: str | None = None,
) -> NewDecision:
    """Take back ``reviewer``'s latest decision at ``stage`` (or theirs on ``record_id``).

    The record is undecided for them again and back in their queue; an arbiter's undo
    takes back their latest resolution. A decision taken again after a reveal is marked
    as such. Returns the retraction stored.

    Raises
    ------
    InputError
        When there is nothing of theirs to take back, or (as for any change) the record
        has moved on to full text or to a study.
    """
    check_stage(stage)
    state = screening_state(store, protocol)
    here = state.stage(stage)
    unit = None if record_id is None else _unit(state, record_id)
    mine = [
        e
        for u in (here.units if unit is None else [unit])
        for e in current_events(here, u)
        if e.reviewer == reviewer
    ]
    if not mine:
        scope = "" if record_id is None else f" on record {record_id}"
        raise StateConflictError(f"{reviewer} has no {stage} decision{scope} to undo")
    last = max(mine, key=lambda e: e.order)
    unit = state.unit_of(last.record)
    item = NewDecision(
        stage, last.record, reviewer, last.decision, last.reason, None, last.resolution,
        source, retraction=True,
    )  # fmt: skip
    _check_moves(state, item, unit, stage == "ft" and _linked(store, state, unit))
    others = [e for e in here.events.get(unit, ()) if e.reviewer != reviewer]
    item = replace(item, revealed=bool(others) and not last.resolution)
    _stored(store, protocol, item)
    return item


def reassign(
    store: Store,
    protocol: Protocol,
    *,
    stage: str,
    from_reviewer: str,
    to_reviewer: str,
    by: str,
    records: list[int] | None = None,
) -> int:
    """Move ``from_reviewer``'s undecided records at ``stage`` to ``to_reviewer``.

    An administrator's decision, stored as assignment events (by ``by``). Only records
    ``from_reviewer`` has not decided move; ``to_reviewer`` must be a screener and not
    already hold the record's other slot. Returns how many records moved.

    Raises
    ------
    InputError
        For unknown reviewers, a record not assigned to ``from_reviewer``, one they
        already decided, or one ``to_reviewer`` already screens.
    """
    check_stage(stage)
    check_reviewer(protocol, to_reviewer, Role.SCREENER)
    state = screening_state(store, protocol)
    here = state.stage(stage)
    pending = set(here.pending_for(from_reviewer))
    chosen = sorted(pending) if records is None else [_unit(state, r) for r in records]
    problems = []
    for unit in chosen:
        held = here.assignments.get(unit)
        if held is None or not held.holds(from_reviewer):
            problems.append(f"record {unit} is not assigned to {from_reviewer} at {stage}")
        elif unit not in pending:
            problems.append(f"record {unit}: {from_reviewer} has decided it; it cannot move")
        elif held.holds(to_reviewer):
            problems.append(f"record {unit} is already assigned to {to_reviewer}")
    if problems:
        raise NotPermittedError("; ".join(problems))
    with store.session() as session:
        ids = {n: r.id for n, r in sync_reviewers(session, protocol).items()}
        store_assignments(store, protocol, session)
        for unit in chosen:
            slot = Slot.FIRST if here.assignments[unit].first == from_reviewer else Slot.SECOND
            session.add(
                ScreeningAssignment(
                    stage=stage, record_id=unit, slot=slot.value, reviewer_id=ids[to_reviewer],
                    origin="reassignment", assigned_by=by,
                )
            )  # fmt: skip
        session.flush()
        store.audit(by, f"{stage} reassign", "screening_assignment", None,
                    {"from": from_reviewer, "to": to_reviewer, "records": chosen})  # fmt: skip
    return len(chosen)


def link_report(
    store: Store,
    protocol: Protocol,
    *,
    record_id: int,
    study: str,
    primary: bool = False,
    who: str = "sysreview",
) -> tuple[int, bool]:
    """Link a report finally included at full text to its study (created on first use).

    Several reports can describe one study (the seed review: 11 reports of 8 studies);
    PRISMA counts both. Returns the study id and whether the study is new.

    Raises
    ------
    InputError
        When the record is unknown, not finally included at full text (settled), or
        already linked.
    """
    label = study.strip()
    if not label:
        raise InputError("--study needs a label, e.g. 'Cook 2012a'")
    state = screening_state(store, protocol)
    unit = _unit(state, record_id)
    found = state.ft.status.get(unit)
    if found is None or not found.settled or found.decision != "include":
        said = "not forwarded to full text" if found is None else found.state.label
        if found is not None and found.settled:
            said = f"{found.decision}d"
        raise StateConflictError(
            f"record {record_id} is not finally included at full text ({said}); only "
            "included reports are linked to studies"
        )
    with store.session() as session:
        if session.scalar(select(StudyReport).where(StudyReport.record_id == record_id)):
            raise StateConflictError(f"record {record_id} is already linked to a study")
        row = session.scalar(select(Study).where(Study.label == label))
        new = row is None
        if row is None:
            row = Study(label=label)
            session.add(row)
            session.flush()
        session.add(StudyReport(study_id=row.id, record_id=record_id, is_primary=primary))
        session.flush()
        store.audit(who, "link report", "study", row.id,
                    {"record": record_id, "study": label, "new": new})  # fmt: skip
        return row.id, new


def unlink_report(store: Store, *, record_id: int, who: str = "sysreview") -> str:
    """Undo a report's link to its study; the study's label.

    The audit trail keeps the link and its removal. A study left without reports is
    removed with the link when nothing was extracted or appraised for it yet (a
    mistaken link leaves no trace but the audit's); otherwise the study's last report
    cannot be unlinked, since the study's data would then describe no included report.

    Raises
    ------
    StateConflictError
        When the record is not linked to a study, or is the last report of a study
        with extracted data or risk-of-bias judgements.
    """
    with store.session() as session:
        link = session.scalar(select(StudyReport).where(StudyReport.record_id == record_id))
        if link is None:
            raise StateConflictError(f"record {record_id} is not linked to a study")
        study = link.study
        label, study_id = study.label, study.id
        last = len(study.reports) == 1
        if last and _has_data(session, study_id):
            raise StateConflictError(
                f"record {record_id} is the only report of study {label!r}, which has "
                "extracted data or risk-of-bias judgements: link the study's other report "
                "first, or retract its data"
            )
        session.delete(link)
        session.flush()
        if last:
            session.delete(study)
            session.flush()
        store.audit(who, "unlink report", "study", study_id,
                    {"record": record_id, "study": label, "study_removed": last})  # fmt: skip
        return label


def _has_data(session: Session, study_id: int) -> bool:
    """Whether anything was extracted or appraised for the study."""
    from sysreview.project.store import Arm, ExtractionValue, RobJudgement

    queries = (
        select(Arm.id).where(Arm.study_id == study_id),
        select(RobJudgement.id).where(RobJudgement.study_id == study_id),
        select(ExtractionValue.id).where(
            ExtractionValue.entity == "study", ExtractionValue.entity_id == study_id
        ),
    )
    return any(session.scalar(q.limit(1)) is not None for q in queries)
