"""One screening stage's units, assignments, statuses and events; both stages together.

Read from the store by :func:`sysreview.project.selection.state.screening_state`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property

from sysreview.screening.assignment import Assignment, AssignmentEvent
from sysreview.screening.status import ScreeningEvent, State, UnitStatus

__all__ = ["NOBODY", "ScreeningState", "StageState"]

NOBODY = Assignment()
"""The assignment of a unit nobody is assigned to."""


@dataclass(frozen=True)
class StageState:
    """One stage's units with their assignments, statuses and events.

    Attributes
    ----------
    stage
        ``"ta"`` or ``"ft"``.
    units
        The stage's screening units in record order: every unit at title/abstract;
        the units sought (forwarded) at full text.
    assignments
        Each unit's current assignment (stored, or due by the protocol's rules).
    status
        Each unit's status (:class:`sysreview.screening.status.UnitStatus`).
    events
        Each unit's events at the stage, oldest first (every copy of a duplicate group).
    pending_assignments
        Assignment events the rules call for that are not stored yet.
    """

    stage: str
    units: tuple[int, ...]
    assignments: Mapping[int, Assignment]
    status: Mapping[int, UnitStatus]
    events: Mapping[int, tuple[ScreeningEvent, ...]]
    pending_assignments: tuple[AssignmentEvent, ...] = ()

    @cached_property
    def by_reviewer(self) -> Mapping[Hashable, tuple[int, ...]]:
        """Each reviewer's assigned units, in record order (computed once per state)."""
        found: dict[Hashable, list[int]] = {}
        for unit in self.units:
            for reviewer in self.assignments.get(unit, NOBODY).required:
                found.setdefault(reviewer, []).append(unit)
        return {reviewer: tuple(units) for reviewer, units in found.items()}

    @cached_property
    def by_state(self) -> Mapping[tuple[State, str | None], frozenset[int]]:
        """Units per ``(state, settled decision)``."""
        found: dict[tuple[State, str | None], set[int]] = {}
        for unit in self.units:
            status = self.status[unit]
            found.setdefault((status.state, status.decision), set()).add(unit)
        return {key: frozenset(units) for key, units in found.items()}

    def assigned_to(self, reviewer: Hashable) -> list[int]:
        """The units ``reviewer`` is assigned to, in record order."""
        return list(self.by_reviewer.get(reviewer, ()))

    def pending_for(self, reviewer: Hashable) -> list[int]:
        """The assigned units ``reviewer`` has not decided, in record order."""
        status = self.status
        return [u for u in self.by_reviewer.get(reviewer, ()) if reviewer not in status[u].decided]

    def settled(self, *decisions: str) -> list[int]:
        """Units whose settled decision is one of ``decisions`` (any, when none given)."""
        keys = [k for k in self.by_state if k[0].settled and (not decisions or k[1] in decisions)]
        return sorted(u for k in keys for u in self.by_state[k])

    def count(self, state: State) -> int:
        """How many units are in ``state``."""
        return sum(len(units) for (s, _), units in self.by_state.items() if s is state)


@dataclass(frozen=True)
class ScreeningState:
    """Both stages of a project's screening, and its duplicate groups."""

    groups: Mapping[int, int]
    ta: StageState
    ft: StageState

    def stage(self, name: str) -> StageState:
        """The state of stage ``name`` (``ta`` or ``ft``)."""
        return self.ta if name == "ta" else self.ft

    def unit_of(self, record_id: int) -> int:
        """The screening unit a record belongs to (its duplicate group's first record)."""
        return self.groups.get(record_id, record_id)
