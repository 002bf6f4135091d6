"""Screening decisions: append-only events, blinding, conflicts and their resolution.

Reviewers are the protocol's (``[[review.reviewers]]``), stored by their protocol id.
A reviewer's decision is a new event every time (the latest one counts); an arbiter's
resolution settles a record. Blinding is enforced here, in the services: while the
protocol's stage is blind, a reviewer sees another reviewer's decision on a record only
after deciding it too. Full-text exclusions need a reason from the protocol's list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NotRequired, TypedDict, Unpack

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.prisma.decisions import FinalDecision, duplicate_groups, final_decisions
from sysreview.project.prisma_data import confirmed_pairs, screening_events
from sysreview.project.store import (
    DECISIONS,
    STAGES,
    DecisionEvent,
    Record,
    Reviewer,
    Store,
    current_decisions,
    utcnow,
)
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role


@dataclass(frozen=True)
class SeenDecision:
    """A decision as shown to a reviewer (others' only when blinding allows)."""

    reviewer: str
    kind: str
    decision: str
    reason: str | None
    note: str | None


@dataclass(frozen=True)
class Conflict:
    """A record whose reviewers disagree and that no arbiter has resolved yet."""

    record_id: int
    title: str | None
    decisions: tuple[tuple[str, str], ...]


def _check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise InputError(f"invalid stage {stage!r}; must be one of {', '.join(STAGES)}")


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


_EVENT_COLUMNS = ("stage", "reviewer_id", "kind", "decision", "reason", "note", "created_at")
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


class UnknownRecord(InputError):
    """A record id that is not in the project."""


@dataclass(frozen=True)
class NewDecision:
    """A checked decision (or resolution) waiting to be stored: see :func:`new_decision`."""

    stage: str
    record_id: int
    reviewer: str
    decision: str
    reason: str | None
    note: str | None
    resolution: bool


class DecisionFields(TypedDict):
    """A decision as callers give it, by keyword (see :func:`new_decision`).

    ``stage`` (``ta`` or ``ft``), ``record_id``, ``reviewer`` (the protocol's id) and
    ``decision`` (include, exclude, maybe) are required; ``reason`` (a full-text
    exclusion needs one of the protocol's), ``note`` and ``resolution`` (an arbiter
    settling a disagreement) are optional. Empty texts count as not given.
    """

    stage: str
    record_id: int
    reviewer: str
    decision: str
    reason: NotRequired[str | None]
    note: NotRequired[str | None]
    resolution: NotRequired[bool]


def new_decision(protocol: Protocol, **fields: Unpack[DecisionFields]) -> NewDecision:
    """A decision checked against the protocol, before it touches the store.

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
    _check_stage(stage)
    if decision not in DECISIONS:
        raise InputError(f"invalid decision {decision!r}; must be one of {', '.join(DECISIONS)}")
    if resolution and decision == "maybe":
        raise InputError("a resolution must include or exclude, not 'maybe'")
    check_reviewer(protocol, reviewer, Role.ARBITER if resolution else Role.SCREENER)
    reason = check_reason(protocol, stage, decision, reason)
    return NewDecision(stage, record_id, reviewer, decision, reason, note, resolution)


def add_decision(
    store: Store, session: Session, item: NewDecision, reviewer_ids: Mapping[str, int]
) -> int:
    """Add ``item`` and its audit entry to ``session``'s transaction; the event's id.

    ``reviewer_ids`` maps protocol reviewer ids to their store rows' ids (from
    :func:`sync_reviewers`). The caller commits.

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
    }
    event_id = session.connection().execute(_INSERT_EVENT, values).scalar()
    if event_id is None:
        raise UnknownRecord(f"no record {item.record_id} in this project")
    store.audit(
        item.reviewer,
        f"{item.stage} {kind}",
        "decision_event",
        event_id,
        {"record": item.record_id},
        session=session,
    )
    return event_id


def record_decision(store: Store, protocol: Protocol, **fields: Unpack[DecisionFields]) -> int:
    """Store a reviewer's decision (or an arbiter's resolution) as a new event; its id.

    Raises
    ------
    InputError
        For an unknown stage, decision, record or reviewer, a reviewer without the
        role (screener; arbiter for a resolution), a resolution of ``maybe``, or a
        full-text exclusion without one of the protocol's reasons.
    """
    item = new_decision(protocol, **fields)
    with store.session() as session:
        people = sync_reviewers(session, protocol)
        return add_decision(store, session, item, {name: r.id for name, r in people.items()})


def decisions_seen_by(
    store: Store, protocol: Protocol, *, stage: str, record_id: int, reviewer: str
) -> list[SeenDecision]:
    """The current decisions on a record that ``reviewer`` may see.

    Own decisions always; others' only when the stage is not blind, when the reviewer
    has decided the record too, or when the reviewer is an arbiter.
    """
    _check_stage(stage)
    policy = protocol.screening.title_abstract if stage == "ta" else protocol.screening.full_text
    people = {p.id: p for p in protocol.review.reviewers}
    arbiter = reviewer in people and people[reviewer].has(Role.ARBITER)
    with store.session(readonly=True) as session:
        names = {r.id: r.name for r in session.scalars(select(Reviewer))}
        here = [d for d in current_decisions(session, stage) if d.record_id == record_id]
        decided = any(names[d.reviewer_id] == reviewer for d in here if d.kind == "decision")
        open_view = not policy.blind or decided or arbiter
        return [
            SeenDecision(names[d.reviewer_id], d.kind, d.decision, d.reason, d.note)
            for d in here
            if open_view or names[d.reviewer_id] == reviewer
        ]


def conflicts(store: Store, stage: str) -> list[Conflict]:
    """Records whose reviewers' current decisions differ and that are not resolved."""
    _check_stage(stage)
    with store.session(readonly=True) as session:
        names = {r.id: r.name for r in session.scalars(select(Reviewer))}
        by_record: dict[int, list[DecisionEvent]] = defaultdict(list)
        for event in current_decisions(session, stage):
            by_record[event.record_id].append(event)
        found = []
        for record_id, events in sorted(by_record.items()):
            own = [e for e in events if e.kind == "decision"]
            votes = {e.decision for e in own}
            if any(e.kind == "resolution" for e in events) or len(votes) < 2:
                continue
            record = session.get(Record, record_id)
            found.append(
                Conflict(
                    record_id,
                    None if record is None else record.title,
                    tuple(sorted((names[e.reviewer_id], e.decision) for e in own)),
                )
            )
        return found


def decision_triples(store: Store, stage: str) -> list[tuple[int, str, str]]:
    """``(record, reviewer, decision)`` of every current own decision (for agreement)."""
    _check_stage(stage)
    with store.session(readonly=True) as session:
        names = {r.id: r.name for r in session.scalars(select(Reviewer))}
        return [
            (e.record_id, names[e.reviewer_id], e.decision)
            for e in current_decisions(session, stage)
            if e.kind == "decision"
        ]


def _screeners(protocol: Protocol, stage: str) -> tuple[str | None, str | None]:
    """The stage's first and second reviewer (the protocol's, else its first two screeners)."""
    policy = protocol.screening.title_abstract if stage == "ta" else protocol.screening.full_text
    screeners = [p.id for p in protocol.review.reviewers if p.has(Role.SCREENER)]
    first = policy.first_reviewer or (screeners[0] if screeners else None)
    rest = [s for s in screeners if s != first]
    second = policy.second_reviewer or (rest[0] if rest else None)
    return first, second


def _units(session: Session) -> list[int]:
    """One record per duplicate group (its smallest id) and every unlinked record."""
    groups = duplicate_groups(confirmed_pairs(session))
    ids = session.scalars(select(Record.id).order_by(Record.id))
    return sorted({groups.get(i, i) for i in ids})


def _finals(session: Session, stage: str) -> dict[int, FinalDecision]:
    """Each decided record's final decision at ``stage``, by PRISMA's rules.

    (resolution, else agreement, else conflict: :func:`sysreview.prisma.final_decision`)
    """
    return final_decisions(screening_events(session, stage), {})


def assigned_records(store: Store, protocol: Protocol, *, stage: str, reviewer: str) -> list[int]:
    """The records ``reviewer`` is to screen at ``stage``, by the protocol's policy.

    Notes
    -----
    Title/abstract: the first reviewer screens every record (one per duplicate group);
    the second screens the protocol's dual-screened fraction (first N% or a seeded random
    sample). Full text: the records whose final title/abstract decision is include or
    maybe; the first reviewer assesses all, the second the protocol's fractions of the
    first reviewer's inclusions and exclusions. Anyone else is assigned nothing.
    """
    _check_stage(stage)
    first, second = _screeners(protocol, stage)
    if reviewer not in (first, second):
        return []
    with store.session(readonly=True) as session:
        units = _units(session)
        if stage == "ta":
            return (
                units
                if reviewer == first
                else list(protocol.screening.title_abstract.dual_screened(units))
            )
        finals = _finals(session, "ta")
        onward = ("include", "maybe") if protocol.screening.maybe_goes_forward else ("include",)
        forward = [u for u in units if u in finals and finals[u].decision in onward]
        if reviewer == first:
            return forward
        names = {r.id: r.name for r in session.scalars(select(Reviewer))}
        first_says = {
            e.record_id: e.decision
            for e in current_decisions(session, "ft")
            if e.kind == "decision" and names[e.reviewer_id] == first
        }
    policy = protocol.screening.full_text
    included = [u for u in forward if first_says.get(u) == "include"]
    excluded = [u for u in forward if first_says.get(u) == "exclude"]
    chosen = set(policy.sample(policy.second_reviewer_included, included))
    chosen |= set(policy.second_screened(excluded))
    return [u for u in forward if u in chosen]


def pending_records(store: Store, protocol: Protocol, *, stage: str, reviewer: str) -> list[int]:
    """Assigned records that ``reviewer`` has not decided yet, in screening order."""
    assigned = assigned_records(store, protocol, stage=stage, reviewer=reviewer)
    done = {record for record, who, _ in decision_triples(store, stage) if who == reviewer}
    return [r for r in assigned if r not in done]


@dataclass(frozen=True)
class RecordCard:
    """What a screener sees of a record."""

    id: int
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    journal: str | None
    abstract: str | None


def record_card(store: Store, record_id: int) -> RecordCard:
    """The record as shown to a screener: title, authors, year, journal, abstract."""
    with store.session(readonly=True) as session:
        record = session.get(Record, record_id)
        if record is None:
            raise UnknownRecord(f"no record {record_id} in this project")
        authors = tuple(record.authors.split("\n")) if record.authors else ()
        return RecordCard(
            record.id, record.title, authors, record.year, record.journal, record.abstract
        )


@dataclass(frozen=True)
class ScreenQueue:
    """A reviewer's pending records in screening order, with the ranking's stopping aid."""

    records: tuple[int, ...]
    prioritised: bool
    advice: str | None


def prioritised_queue(
    store: Store, protocol: Protocol, *, stage: str, reviewer: str
) -> ScreenQueue:
    """Pending records, title/abstract ones ranked by active learning on decisions so far.

    Notes
    -----
    At title/abstract the model (:class:`sysreview.screening.Prioritiser`, TF-IDF of
    title and abstract) learns from the final decisions so far (include or maybe = 1,
    exclude = 0) and ranks the unscreened records, most likely relevant first; the
    stopping aid is shown with it but nothing is ever excluded automatically. Until the
    decisions hold one relevant and one irrelevant record, and always at full text, the
    order is the records' order.
    """
    pending = pending_records(store, protocol, stage=stage, reviewer=reviewer)
    if stage != "ta" or not pending:
        return ScreenQueue(tuple(pending), False, None)
    from sysreview.screening import Prioritiser

    with store.session(readonly=True) as session:
        units = _units(session)
        rows = session.execute(
            select(Record.id, Record.title, Record.abstract).where(Record.id.in_(units))
        )
        texts = {i: f"{t or ''} {a or ''}" for i, t, a in rows}
        events = screening_events(session, "ta")
    decided = {
        u: f.decision
        for u, f in final_decisions(events, {}).items()
        if f.decision in ("include", "maybe", "exclude")
    }
    labels = [None if u not in decided else int(decided[u] != "exclude") for u in units]
    latest: dict[int, int] = {}
    for event in events:
        if event.record in decided:
            latest[event.record] = max(latest.get(event.record, 0), event.order)
    history = sorted((units.index(u) for u in latest), key=lambda i: latest[units[i]])
    ranking = Prioritiser([texts[u] for u in units]).rank(labels, history=history)
    if not ranking.trained:
        return ScreenQueue(tuple(pending), False, None)
    place = {units[i]: n for n, i in enumerate(ranking.order)}
    ordered = sorted(pending, key=lambda r: (place.get(r, len(place)), r))
    advice = None if ranking.stopping is None else ranking.stopping.summary()
    return ScreenQueue(tuple(ordered), True, advice)


def link_report(
    store: Store, *, record_id: int, study: str, primary: bool = False, who: str = "sysreview"
) -> tuple[int, bool]:
    """Link an included full-text report to its study (created on first use).

    Several reports can describe one study (the seed review: 11 reports of 8 studies);
    PRISMA counts both. Returns the study id and whether the study is new.

    Raises
    ------
    InputError
        When the record is not finally included at full text, or is already linked.
    """
    from sysreview.project.store import Study, StudyReport

    label = study.strip()
    if not label:
        raise InputError("--study needs a label, e.g. 'Cook 2012a'")
    with store.session() as session:
        final = _finals(session, "ft").get(record_id)
        if final is None or final.decision != "include":
            raise InputError(
                f"record {record_id} is not included at full text; only included reports "
                "are linked to studies"
            )
        if session.scalar(select(StudyReport).where(StudyReport.record_id == record_id)):
            raise InputError(f"record {record_id} is already linked to a study")
        row = session.scalar(select(Study).where(Study.label == label))
        new = row is None
        if row is None:
            row = Study(label=label)
            session.add(row)
            session.flush()
        session.add(StudyReport(study_id=row.id, record_id=record_id, is_primary=primary))
        session.flush()
        store.audit(who, "link report", "study", row.id, {"record": record_id, "new": new})
        return row.id, new
