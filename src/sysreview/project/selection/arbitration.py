"""What an arbiter and an administrator see: conflicts in full, and reassignments planned.

A conflict is shown as the record (title, authors, year, journal, abstract, links) with
every reviewer's current decision, its reason and note, and, for a decision changed
after the reveal, the decision taken before it. Which records are in conflict is decided
by :func:`sysreview.screening.status.unit_status` (read through
:func:`~sysreview.project.selection.views.conflicts`): nothing here re-states the rule.

A reassignment is planned before it is made (:func:`plan_reassign`): the records that
would move and, for each one that cannot, why. The move itself
(:func:`~sysreview.project.selection.corrections.reassign`) runs the same plan and
refuses every record when one cannot move.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from sysreview.project.selection.decisions import check_reviewer, unit_of
from sysreview.project.selection.state import screening_state
from sysreview.project.selection.views import (
    Conflict,
    RecordCard,
    SeenDecision,
    _notes,
    check_stage,
    conflicts,
    current_events,
)
from sysreview.project.storage import Record, Store
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role

__all__ = [
    "AssignedRecord",
    "ConflictView",
    "ReassignPlan",
    "assigned_overview",
    "conflict_views",
    "plan_reassign",
]


@dataclass(frozen=True)
class ConflictView:
    """A conflict as the arbiter's page shows it.

    ``decisions`` are the reviewers' current decisions, with reason and note
    (``revealed`` marks one made after seeing the other's); ``conflict`` holds each
    reviewer's independent decision (before the reveal).
    """

    conflict: Conflict
    card: RecordCard
    decisions: tuple[SeenDecision, ...]

    @property
    def record_id(self) -> int:
        """The record (the unit's first record)."""
        return self.conflict.record_id

    def before_reveal(self, reviewer: str) -> str | None:
        """``reviewer``'s decision before the reveal, when they changed it since."""
        if reviewer not in self.conflict.revealed:
            return None
        before = dict(self.conflict.independent).get(reviewer)
        now = dict(self.conflict.decisions).get(reviewer)
        return before if before is not None and before != now else None


def _cards(store: Store, ids: list[int]) -> dict[int, RecordCard]:
    if not ids:
        return {}
    with store.session(readonly=True) as session:
        rows = session.scalars(select(Record).where(Record.id.in_(ids)))
        return {
            r.id: RecordCard(
                r.id,
                r.title,
                tuple(r.authors.split("\n")) if r.authors else (),
                r.year,
                r.journal,
                r.abstract,
                r.doi,
                r.pmid,
                r.url,
            )
            for r in rows
        }


def conflict_views(store: Store, protocol: Protocol, stage: str) -> list[ConflictView]:
    """Every unresolved conflict at ``stage`` with its record and the decisions in full.

    Arbiters see every decision (blinding does not apply to them), so this is for the
    routes that only arbiters and administrators reach.
    """
    found = conflicts(store, protocol, check_stage(stage))
    here = screening_state(store, protocol).stage(stage)
    events = {
        c.record_id: [e for e in current_events(here, c.record_id) if not e.resolution]
        for c in found
    }
    notes = _notes(store, [e.order for shown in events.values() for e in shown])
    cards = _cards(store, [c.record_id for c in found])
    return [
        ConflictView(
            c,
            cards[c.record_id],
            tuple(
                SeenDecision(
                    str(e.reviewer),
                    "decision",
                    e.decision,
                    e.reason,
                    notes.get(e.order),
                    e.revealed,
                )
                for e in sorted(events[c.record_id], key=lambda e: str(e.reviewer))
            ),
        )
        for c in found
    ]


@dataclass(frozen=True)
class AssignedRecord:
    """A record assigned to a reviewer at a stage, and whether they have decided it."""

    record_id: int
    title: str | None
    decided: bool


def assigned_overview(
    store: Store, protocol: Protocol, *, stage: str, reviewer: str
) -> list[AssignedRecord]:
    """``reviewer``'s assigned records at ``stage`` in record order, decided or not."""
    check_stage(stage)
    here = screening_state(store, protocol).stage(stage)
    assigned = here.assigned_to(reviewer)
    pending = set(here.pending_for(reviewer))
    cards = _cards(store, assigned)
    return [AssignedRecord(u, cards[u].title, u not in pending) for u in assigned]


@dataclass(frozen=True)
class ReassignPlan:
    """What a reassignment would do: the records that move, or why some cannot.

    ``records`` are the units that would move (all of them, or none when ``problems``
    is not empty: a reassignment moves every chosen record or none).
    """

    stage: str
    from_reviewer: str
    to_reviewer: str
    records: tuple[int, ...]
    problems: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many records would move."""
        return len(self.records)

    def summary(self) -> str:
        """One line: how many records move, or why none can."""
        if self.problems:
            return "nothing moves: " + "; ".join(self.problems)
        return (
            f"{self.count} records at {self.stage} move from {self.from_reviewer} "
            f"to {self.to_reviewer}"
        )


def plan_reassign(
    store: Store,
    protocol: Protocol,
    *,
    stage: str,
    from_reviewer: str,
    to_reviewer: str,
    records: list[int] | None = None,
) -> ReassignPlan:
    """The records a reassignment would move, and the problems that would stop it.

    Only records ``from_reviewer`` has not decided move (all of them when ``records``
    is ``None``); a record they decided, one not assigned to them, or one
    ``to_reviewer`` already screens is a problem. ``to_reviewer`` must be one of the
    protocol's screeners (else :class:`~sysreview.errors.InputError`).
    """
    check_stage(stage)
    check_reviewer(protocol, to_reviewer, Role.SCREENER)
    state = screening_state(store, protocol)
    here = state.stage(stage)
    pending = set(here.pending_for(from_reviewer))
    if records is None:
        chosen = sorted(pending)
    else:
        chosen = list(dict.fromkeys(unit_of(state, r) for r in records))
    problems = []
    for unit in chosen:
        held = here.assignments.get(unit)
        if held is None or not held.holds(from_reviewer):
            problems.append(f"record {unit} is not assigned to {from_reviewer} at {stage}")
        elif unit not in pending:
            problems.append(f"record {unit}: {from_reviewer} has decided it; it cannot move")
        elif held.holds(to_reviewer):
            problems.append(f"record {unit} is already assigned to {to_reviewer}")
    return ReassignPlan(
        stage, from_reviewer, to_reviewer, () if problems else tuple(chosen), tuple(problems)
    )
