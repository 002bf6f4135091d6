"""A project's screening state, read from its store: units, assignments, statuses.

The one place where the protocol's screening policy meets the event logs. Every route
(command line, sheets, pages, JSON API) and every count (PRISMA, ``status``, the
dashboard, queues, the studies page) reads :func:`screening_state`; the rules
themselves are the pure functions of :mod:`sysreview.screening.status` (a unit's
status) and :mod:`sysreview.screening.assignment` (who screens it).

Assignments the protocol's rules call for but that are not stored yet are computed on
the fly when reading; :func:`store_assignments` stores them (after an import, a
de-duplication, a full-text decision, or when the web app starts), so a sample once
drawn never changes.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sysreview.prisma.decisions import duplicate_groups
from sysreview.project.selection.stage_state import NOBODY as _NOBODY
from sysreview.project.selection.stage_state import ScreeningState, StageState
from sysreview.project.storage import Reads, Store
from sysreview.project.storage import screening_reads as logs
from sysreview.protocol import Protocol, Resolution
from sysreview.screening.assignment import (
    Assignment,
    AssignmentEvent,
    Slot,
    current_assignments,
    full_text_first,
    full_text_second,
    title_abstract_round,
)
from sysreview.screening.status import (
    ScreeningEvent,
    State,
    StatusCache,
    UnitStatus,
    unit_status,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["ScreeningState", "StageState", "screening_state", "store_assignments"]


def _events(
    reads: Reads, stage: str, names: Mapping[int, str], after: int = 0
) -> list[ScreeningEvent]:
    """The stage's events with an id above ``after``, oldest first."""
    return [
        ScreeningEvent(record, names[who], decision, reason, kind == "resolution", order, r, v)
        for order, record, who, kind, decision, reason, r, v in logs.decision_events(
            reads, stage, after
        )
    ]


def _stored_assignments(
    reads: Reads, stage: str, names: Mapping[int, str], groups: Mapping[int, int]
) -> list[AssignmentEvent]:
    slots = {slot.value: slot for slot in Slot}
    return [
        AssignmentEvent(
            groups.get(record, record), slots[slot], None if who is None else names[who], order
        )
        for order, record, slot, who in logs.assignments(reads, stage)
    ]


def _with(
    assigned: Mapping[int, Assignment], due: Iterable[AssignmentEvent]
) -> dict[int, Assignment]:
    """``assigned`` updated by the ``due`` events (applied after every stored one)."""
    merged = dict(assigned)
    for event in due:
        old = merged.get(event.unit, Assignment())
        merged[event.unit] = (
            Assignment(event.reviewer, old.second, old.second_drawn)
            if event.slot is Slot.FIRST
            else Assignment(old.first, event.reviewer, True)
        )
    return merged


def _by_unit(
    events: Iterable[ScreeningEvent], groups: Mapping[int, int]
) -> dict[int, tuple[ScreeningEvent, ...]]:
    pooled: dict[int, list[ScreeningEvent]] = {}
    for event in events:
        pooled.setdefault(groups.get(event.record, event.record), []).append(event)
    return {unit: tuple(found) for unit, found in pooled.items()}


def _stage(
    stage: str,
    units: tuple[int, ...],
    assigned: Mapping[int, Assignment],
    due: list[AssignmentEvent],
    events: Mapping[int, tuple[ScreeningEvent, ...]],
    discussion: bool,
    previous: StageState | None = None,
    *,
    changed: Iterable[int] | None = None,
) -> StageState:
    """The stage's state; from ``previous``, only the ``changed`` units' events differ."""
    if previous is not None and changed is not None:
        assignments = previous.assignments
        status = dict(previous.status)
    else:
        assignments, status, changed = _with(assigned, due), {}, units
    statuses = StatusCache(discussion=discussion)  # one status per pattern of events
    for unit in changed:
        required = assignments.get(unit, _NOBODY).required
        found = events.get(unit)
        status[unit] = statuses.of(found, required) if found else _waiting(required)
    state = StageState(stage, units, assignments, status, events, tuple(due))
    same = previous is not None and assignments is previous.assignments
    if same and previous is not None and "by_reviewer" in previous.__dict__:
        state.__dict__["by_reviewer"] = previous.by_reviewer  # same assignments, same index
    if previous is not None and changed is not units and "by_state" in previous.__dict__:
        state.__dict__["by_state"] = _moved(previous, status, changed)
    return state


def _moved(
    previous: StageState, status: Mapping[int, UnitStatus], changed: Iterable[int]
) -> dict[tuple[State, str | None], frozenset[int]]:
    """``previous``'s units per state, with the ``changed`` units moved to their new one."""
    found = dict(previous.by_state)
    for unit in changed:
        old, new = previous.status.get(unit), status[unit]
        old_key = None if old is None else (old.state, old.decision)
        new_key = (new.state, new.decision)
        if old_key == new_key:
            continue
        if old_key is not None:
            found[old_key] = found[old_key] - {unit}
        found[new_key] = found.get(new_key, frozenset()) | {unit}
    return {key: units for key, units in found.items() if units}


@lru_cache(maxsize=256)
def _waiting(required: tuple[Hashable, ...]) -> UnitStatus:
    """The status of a unit nobody has decided (shared: most units, early on)."""
    return unit_status((), required)


@dataclass(frozen=True)
class _Base:
    """What both stages need: reviewer names, duplicate groups, the title/abstract state.

    ``key`` is what it was read from
    (:func:`~sysreview.project.storage.screening_reads.log_versions`); ``last_event`` the
    newest title/abstract event it holds.
    """

    key: tuple[Any, ...]
    last_event: int
    names: Mapping[int, str]
    groups: Mapping[int, int]
    assigned: Mapping[int, Assignment]
    due: tuple[AssignmentEvent, ...]
    ta: StageState


def _read_title_abstract(
    reads: Reads, protocol: Protocol, key: tuple[Any, ...], cached: _Base | None
) -> _Base:
    """The title/abstract part of the state, from ``cached`` when only events were added.

    New title/abstract events change the status of their units only; new records,
    duplicate links, reviewers or assignments are read afresh.
    """
    policy = protocol.screening.title_abstract
    discussion = policy.resolution is Resolution.DISCUSSION
    same_ground = cached is not None and (*cached.key[:3], cached.key[4]) == (*key[:3], key[4])
    if cached is not None and same_ground:
        if cached.key[3] == key[3]:
            return cached
        new = _events(reads, "ta", cached.names, after=cached.last_event)
        late = bool(key[3][1]) and cached.key[3][1] + len(new) != key[3][1]  # PostgreSQL
        if new and not late:
            added = _by_unit(new, cached.groups)
            events = dict(cached.ta.events)
            for unit, more in added.items():
                events[unit] = events.get(unit, ()) + more
            ta = _stage("ta", cached.ta.units, cached.assigned, list(cached.due), events,
                        discussion, cached.ta, changed=added)  # fmt: skip
            return _Base(key, new[-1].order, cached.names, cached.groups, cached.assigned,
                         cached.due, ta)  # fmt: skip
    names = logs.reviewer_names(reads)
    groups = duplicate_groups(logs.confirmed_pairs(reads))
    units = tuple(sorted({groups.get(i, i) for i in logs.record_ids(reads)}))
    first, second = _screeners(protocol, "ta")
    assigned = current_assignments(_stored_assignments(reads, "ta", names, groups))
    new_units = [u for u in units if u not in assigned or assigned[u].first is None]
    due = title_abstract_round(new_units, first, second, policy.dual_fraction, policy.sample)
    found = _events(reads, "ta", names)
    ta = _stage("ta", units, assigned, due, _by_unit(found, groups), discussion)
    last = found[-1].order if found else 0
    return _Base(key, last, names, groups, assigned, tuple(due), ta)


def _read_full_text(reads: Reads, protocol: Protocol, base: _Base) -> StageState:
    names, groups = base.names, base.groups
    onward = ("include", "maybe") if protocol.screening.maybe_goes_forward else ("include",)
    sought = tuple(base.ta.settled(*onward))
    policy = protocol.screening.full_text
    first, second = _screeners(protocol, "ft")
    assigned = current_assignments(_stored_assignments(reads, "ft", names, groups))
    due = full_text_first(sought, assigned, first)
    events = _by_unit(_events(reads, "ft", names), groups)
    first_pass = _stage("ft", sought, assigned, due, events, False)
    first_says = {
        u: dict(first_pass.status[u].votes)[a.first]
        for u in sought
        if (a := first_pass.assignments[u]).first in first_pass.status[u].decided
    }
    fractions = (policy.second_reviewer_included, policy.second_reviewer_excluded)
    due += full_text_second(
        sought, first_pass.assignments, first_says, second, fractions, policy.sample
    )
    discussion = policy.resolution is Resolution.DISCUSSION
    return _stage("ft", sought, assigned, due, events, discussion)


def _screeners(protocol: Protocol, stage: str) -> tuple[str | None, str | None]:
    """The stage's first and second reviewer (the protocol's, else its first two screeners).

    No second reviewer when the stage is not dual-screened.
    """
    from sysreview.protocol.review import Role

    screening = protocol.screening
    policy = screening.title_abstract if stage == "ta" else screening.full_text
    screeners = [p.id for p in protocol.review.reviewers if p.has(Role.SCREENER)]
    first = policy.first_reviewer or (screeners[0] if screeners else None)
    rest = [s for s in screeners if s != first]
    second = policy.second_reviewer or (rest[0] if rest else None)
    return first, second


@dataclass
class _Cached:
    protocol: Protocol
    base: _Base
    full: tuple[tuple[Any, ...], ScreeningState] | None = None


_CACHE: weakref.WeakKeyDictionary[Store, _Cached] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def screening_state(
    store: Store, protocol: Protocol, session: Session | None = None
) -> ScreeningState:
    """The project's screening state now.

    Parameters
    ----------
    store
        The project's store.
    protocol
        Its validated protocol.
    session
        A session to read in, to see its own uncommitted writes; by default a new
        read-only one.

    Notes
    -----
    The state read from committed data is kept per store and brought up to date when
    the logs it derives from grow (each log's newest id tells): new title/abstract
    events redo only their units; new records, links or assignments redo the
    title/abstract part; the full-text part (small) is redone whenever anything
    changed. A state read in a caller's session may see its uncommitted writes: it is
    derived from the kept one but never kept itself.
    """
    if session is None:
        with store.reading() as reads:
            return _state(store, protocol, reads, keep=True)
    return _state(store, protocol, Reads.of_session(session), keep=False)


def _state(store: Store, protocol: Protocol, reads: Reads, *, keep: bool) -> ScreeningState:
    key = logs.log_versions(reads)
    with _CACHE_LOCK:
        cached = _CACHE.get(store)
    if cached is not None and cached.protocol is not protocol:
        cached = None
    if cached is not None and cached.full is not None and cached.full[0] == key:
        return cached.full[1]
    base = _read_title_abstract(reads, protocol, key[:5], None if cached is None else cached.base)
    state = ScreeningState(base.groups, base.ta, _read_full_text(reads, protocol, base))
    if keep:
        with _CACHE_LOCK:
            _CACHE[store] = _Cached(protocol, base, (key, state))
    return state


def store_assignments(
    store: Store, protocol: Protocol, session: Session, *, who: str = "sysreview"
) -> int:
    """Store the assignments the protocol's rules call for now; how many were stored.

    Runs in ``session``'s transaction (the caller commits); the protocol's reviewers
    must be in the store (:func:`sysreview.project.selection.reviewers.sync_reviewers`).
    Title/abstract rounds and full-text samples are drawn once and kept, so they never
    change afterwards.
    """
    from sysreview.project.storage import ScreeningAssignment

    ids = {name: i for i, name in logs.reviewer_names(Reads.of_session(session)).items()}
    state = screening_state(store, protocol, session)
    rows = [
        ScreeningAssignment(
            stage=stage.stage,
            record_id=event.unit,
            slot=event.slot.value,
            reviewer_id=None if event.reviewer is None else ids[str(event.reviewer)],
            origin="protocol",
            assigned_by=who,
        )
        for stage in (state.ta, state.ft)
        for event in stage.pending_assignments
    ]
    session.add_all(rows)
    session.flush()
    stored = len(rows)
    if stored:
        store.audit(who, "assign records", "screening_assignment", None, {"rows": stored},
                    session=session)  # fmt: skip
    return stored
