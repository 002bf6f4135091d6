"""What screening looks like to each person: cards, queues, decisions seen, conflicts.

Everything here reads the one screening state (:mod:`sysreview.project.selection.state`)
and shows a reviewer only what blinding allows: until a reviewer has decided a record,
nothing here that they can reach depends on another reviewer's decision on it (the
record, their queue and its order, their counts). Arbiters see every decision, with
the changes made after a reveal marked.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from sysreview.errors import InputError
from sysreview.project.selection.state import ScreeningState, StageState, screening_state
from sysreview.project.storage import STAGES, Store
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role
from sysreview.records.links import RecordLink, record_links
from sysreview.screening.status import ScreeningEvent, State

__all__ = [
    "Conflict",
    "RecordCard",
    "SeenDecision",
    "UnknownRecord",
    "assigned_records",
    "check_stage",
    "conflicts",
    "current_events",
    "decision_triples",
    "decisions_seen_by",
    "may_see_others",
    "pending_records",
    "record_card",
    "stage_policy_blind",
    "units_open_to",
]


class UnknownRecord(InputError):
    """A record id that is not in the project (web routes answer 404)."""

    http_status = 404


def check_stage(stage: str) -> str:
    """``stage`` when it is ``ta`` or ``ft``; else :class:`InputError`."""
    if stage not in STAGES:
        raise InputError(f"invalid stage {stage!r}; must be one of {', '.join(STAGES)}")
    return stage


def stage_policy_blind(protocol: Protocol, stage: str) -> bool:
    """Whether reviewers at ``stage`` are blind to each other's decisions."""
    screening = protocol.screening
    return (screening.title_abstract if stage == "ta" else screening.full_text).blind


@dataclass(frozen=True)
class SeenDecision:
    """A decision as shown to a reviewer (others' only when blinding allows).

    ``revealed`` marks a decision made after its author could see another reviewer's
    decision on the record (shown to arbiters).
    """

    reviewer: str
    kind: str
    decision: str
    reason: str | None
    note: str | None
    revealed: bool = False


def _unit(state: ScreeningState, stage: StageState, record_id: int) -> int:
    unit = state.unit_of(record_id)
    if unit not in state.ta.status:
        raise UnknownRecord(f"no record {record_id} in this project")
    return unit


def may_see_others(protocol: Protocol, stage: StageState, unit: int, reviewer: Hashable) -> bool:
    """Whether ``reviewer`` may see the others' decisions on ``unit`` at ``stage``.

    Always when the stage is not blind, for arbiters, and for a reviewer who has
    decided the unit (even if they took that decision back since).
    """
    if _sees_all(protocol, stage, reviewer):
        return True
    return any(e.reviewer == reviewer for e in stage.events.get(unit, ()) if not e.resolution)


def _sees_all(protocol: Protocol, stage: StageState, reviewer: Hashable) -> bool:
    person = protocol.review.reviewer(str(reviewer))
    return not stage_policy_blind(protocol, stage.stage) or bool(
        person and person.has(Role.ARBITER)
    )


def units_open_to(
    protocol: Protocol, stage: StageState, reviewer: Hashable
) -> frozenset[int] | None:
    """The units whose other decisions ``reviewer`` may see at ``stage`` (``None``: all).

    :func:`may_see_others` for every unit at once (the record list filters by it).
    """
    if _sees_all(protocol, stage, reviewer):
        return None
    return frozenset(
        unit
        for unit, events in stage.events.items()
        if any(e.reviewer == reviewer and not e.resolution for e in events)
    )


def decisions_seen_by(
    store: Store, protocol: Protocol, *, stage: str, record_id: int, reviewer: str
) -> list[SeenDecision]:
    """The current decisions on a record that ``reviewer`` may see.

    Own decisions always; others' only when :func:`may_see_others` allows.

    Raises
    ------
    UnknownRecord
        When the record is not in the project.
    """
    check_stage(stage)
    state = screening_state(store, protocol)
    here = state.stage(stage)
    unit = _unit(state, here, record_id)
    open_view = may_see_others(protocol, here, unit, reviewer)
    status = here.status.get(unit)
    if status is None:  # not sought at full text: nothing decided there
        return []
    shown = [e for e in current_events(here, unit) if open_view or e.reviewer == reviewer]
    notes = _notes(store, [e.order for e in shown])
    return [
        SeenDecision(
            str(e.reviewer),
            "resolution" if e.resolution else "decision",
            e.decision,
            e.reason,
            notes.get(e.order),
            e.revealed,
        )
        for e in shown
    ]


def current_events(stage: StageState, unit: int) -> list[ScreeningEvent]:
    """The unit's current events: each reviewer's latest decision, then the resolution."""
    latest: dict[tuple[bool, Hashable], ScreeningEvent] = {}
    for event in stage.events.get(unit, ()):
        key = (event.resolution, None if event.resolution else event.reviewer)
        if event.retraction:
            latest.pop(key, None)
        else:
            latest[key] = event
    return sorted(latest.values(), key=lambda e: (e.resolution, e.order))


def _notes(store: Store, event_ids: list[int]) -> dict[int, str | None]:
    if not event_ids:
        return {}
    with store.reading() as reads:
        return dict(
            reads.rows_in("SELECT id, note FROM decision_event WHERE id IN ({values})", event_ids)
        )


@dataclass(frozen=True)
class Conflict:
    """A record whose reviewers disagree and that nobody has settled yet.

    ``decisions`` are the current ``(reviewer, decision)`` pairs; ``revealed`` names the
    reviewers who changed their decision after seeing the other's, and
    ``independent`` gives each reviewer's decision before that.
    """

    record_id: int
    title: str | None
    decisions: tuple[tuple[str, str], ...]
    revealed: tuple[str, ...] = ()
    independent: tuple[tuple[str, str], ...] = ()


def conflicts(store: Store, protocol: Protocol, stage: str) -> list[Conflict]:
    """Units in conflict at ``stage`` (for arbiters), in record order."""
    check_stage(stage)
    here = screening_state(store, protocol).stage(stage)
    found = [u for u in here.units if here.status[u].state is State.CONFLICT]
    titles = _titles(store, found)
    return [
        Conflict(
            unit,
            titles.get(unit),
            tuple(sorted((str(r), d) for r, d in here.status[unit].votes)),
            tuple(sorted(str(r) for r in here.status[unit].revealed)),
            tuple(sorted((str(r), d) for r, d in here.status[unit].independent)),
        )
        for unit in found
    ]


def _titles(store: Store, ids: list[int]) -> dict[int, str | None]:
    if not ids:
        return {}
    with store.reading() as reads:
        return dict(reads.rows_in("SELECT id, title FROM record WHERE id IN ({values})", ids))


def decision_triples(store: Store, protocol: Protocol, stage: str) -> list[tuple[int, str, str]]:
    """``(unit, reviewer, decision)`` of every independent decision (for agreement).

    A reviewer's independent decision is their latest one made before any reveal:
    agreement statistics compare what reviewers decided on their own.
    """
    check_stage(stage)
    here = screening_state(store, protocol).stage(stage)
    return [
        (unit, str(reviewer), decision)
        for unit in here.units
        for reviewer, decision in here.status[unit].independent
    ]


def assigned_records(store: Store, protocol: Protocol, *, stage: str, reviewer: str) -> list[int]:
    """The units ``reviewer`` is assigned to at ``stage``, in record order.

    See :mod:`sysreview.screening.assignment` for the protocol's rules.
    """
    check_stage(stage)
    return screening_state(store, protocol).stage(stage).assigned_to(reviewer)


def pending_records(store: Store, protocol: Protocol, *, stage: str, reviewer: str) -> list[int]:
    """Assigned units that ``reviewer`` has not decided yet, in record order."""
    check_stage(stage)
    return screening_state(store, protocol).stage(stage).pending_for(reviewer)


@dataclass(frozen=True)
class RecordCard:
    """What a screener sees of a record, with its DOI, PMID and URL (for :attr:`links`)."""

    id: int
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    journal: str | None
    abstract: str | None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None

    @property
    def links(self) -> tuple[RecordLink, ...]:
        """Links to the full text: doi.org, PubMed, the record's own http(s) URL."""
        return record_links(self.doi, self.pmid, self.url)


def record_card(store: Store, record_id: int) -> RecordCard:
    """The record as shown to a screener: title, authors, year, journal, abstract."""
    with store.reading() as reads:
        found = reads.rows(
            "SELECT id, title, authors, year, journal, abstract, doi, pmid, url FROM record"
            " WHERE id = :id",
            id=record_id,
        )
    if not found:
        raise UnknownRecord(f"no record {record_id} in this project")
    i, title, authors, year, journal, abstract, doi, pmid, url = found[0]
    names = tuple(authors.split("\n")) if authors else ()
    return RecordCard(i, title, names, year, journal, abstract, doi, pmid, url)
