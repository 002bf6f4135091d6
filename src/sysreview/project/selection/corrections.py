"""Correcting screening: a reviewer takes back a decision, or hands records to another.

Both go through the checks of :mod:`sysreview.project.selection.decisions`: an undo is
a new event (the decision withdrawn), and a reassignment moves only undecided records.
"""

from __future__ import annotations

from dataclasses import replace

from sysreview.errors import NotPermittedError, StateConflictError
from sysreview.project.selection.arbitration import plan_reassign
from sysreview.project.selection.decisions import (
    NewDecision,
    check_moves,
    is_linked,
    store_decision,
    sync_reviewers,
    unit_of,
)
from sysreview.project.selection.state import screening_state, store_assignments
from sysreview.project.selection.views import check_stage, current_events
from sysreview.project.storage import ScreeningAssignment, Store
from sysreview.protocol import Protocol
from sysreview.screening.assignment import Slot

__all__ = ["reassign", "undo_decision"]


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
    unit = None if record_id is None else unit_of(state, record_id)
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
    check_moves(state, item, unit, stage == "ft" and is_linked(store, state, unit))
    others = [e for e in here.events.get(unit, ()) if e.reviewer != reviewer]
    item = replace(item, revealed=bool(others) and not last.resolution)
    store_decision(store, protocol, item)
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
    plan = plan_reassign(
        store, protocol, stage=stage, from_reviewer=from_reviewer, to_reviewer=to_reviewer,
        records=records,
    )  # fmt: skip
    if plan.problems:
        raise NotPermittedError("; ".join(plan.problems))
    chosen = list(plan.records)
    here = screening_state(store, protocol).stage(stage)
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
