"""Screening units and their final decisions: the rules behind the PRISMA 2020 boxes.

A *screening unit* is one unique record after duplicate removal: a confirmed duplicate
group (a connected component of the currently confirmed duplicate links) counts once,
whichever of its copies the reviewers saw. The *final decision* of a unit at a stage
(title/abstract ``"ta"`` or full text ``"ft"``) follows :func:`final_decision`.

Nothing here does I/O; the store layer (:mod:`sysreview.project.reporting.prisma_data`) reads the
events and hands them over as :class:`ScreeningEvent` values.

References
----------
Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated guideline
for reporting systematic reviews. BMJ 2021;372:n71, Fig. 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from sysreview.screening.status import (
    ScreeningEvent,
    State,
    UnitStatus,
    unit_status,
    unit_statuses,
)

__all__ = [
    "CONFLICT",
    "UNDECIDED",
    "FinalDecision",
    "ScreeningEvent",
    "duplicate_groups",
    "final_decision",
    "final_decisions",
]

CONFLICT = "conflict"
"""Final state of a unit whose reviewers disagree and no arbiter has resolved it."""
UNDECIDED = "undecided"
"""Final state of a unit nobody has decided at that stage."""


@dataclass(frozen=True)
class FinalDecision:
    """The final state of one screening unit at one stage.

    ``decision`` is ``"include"``, ``"exclude"``, ``"maybe"``, :data:`CONFLICT` or
    :data:`UNDECIDED`; ``reason`` is the exclusion reason that goes with an exclusion.
    """

    decision: str
    reason: str | None = None


def duplicate_groups(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Map each linked record to its group's representative (the group's smallest id).

    Groups are the connected components of the confirmed duplicate links (union-find);
    records in no link are their own group and are left out of the mapping.

    Examples
    --------
    >>> duplicate_groups([(3, 7), (7, 9), (4, 5)])
    {3: 3, 7: 3, 9: 3, 4: 4, 5: 4}
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {record: find(record) for record in parent}


def final_decision(events: Iterable[ScreeningEvent]) -> FinalDecision:
    """The final decision of one screening unit at one stage, from its events.

    Parameters
    ----------
    events
        The unit's events at the stage, in any order (full logs or current events alike).

    Returns
    -------
    FinalDecision

    Notes
    -----
    Every reviewer who decided is required (no protocol assignment is known here; the
    project's screening follows its protocol's assignments,
    :func:`sysreview.screening.status.unit_status`). The rules, applied in this order:

    1. Each reviewer's word is their latest (highest ``order``) decision; each
       arbiter's resolutions likewise collapse to the latest resolution for the unit.
    2. If there is a resolution, the latest one is final, with its reason.
    3. Otherwise, if every reviewer who decided agrees, that decision is final. An agreed
       exclusion takes the reason of the latest agreeing event that gives one.
    4. Otherwise the unit is in :data:`CONFLICT` (reported apart, so the boxes of
       PRISMA 2020 Fig. 1 still balance); with no decision at all it is
       :data:`UNDECIDED`.

    Examples
    --------
    >>> e = ScreeningEvent
    >>> final_decision([e(1, 10, "include", order=1), e(1, 11, "include", order=2)])
    FinalDecision(decision='include', reason=None)
    >>> final_decision([e(1, 10, "include", order=1), e(1, 11, "exclude", order=2)])
    FinalDecision(decision='conflict', reason=None)
    >>> final_decision([e(1, 10, "include", order=1), e(1, 11, "exclude", order=2),
    ...                 e(1, 12, "exclude", "wrong population", resolution=True, order=3)])
    FinalDecision(decision='exclude', reason='wrong population')
    >>> final_decision([e(1, 10, "include", order=1), e(1, 10, "exclude", "no RCT", order=2)])
    FinalDecision(decision='exclude', reason='no RCT')
    >>> final_decision([])
    FinalDecision(decision='undecided', reason=None)
    """
    return as_final(unit_status(events))


def as_final(status: UnitStatus | None) -> FinalDecision:
    """A unit's status as a :class:`FinalDecision` (unsettled: conflict or undecided)."""
    if status is None or status.state in (State.AWAITING_FIRST, State.AWAITING_SECOND):
        return _final(UNDECIDED)
    if status.state is State.CONFLICT:
        return _final(CONFLICT)
    assert status.decision is not None  # a settled status has its decision
    return _final(status.decision, status.reason)


@lru_cache(maxsize=1024)
def _final(decision: str, reason: str | None = None) -> FinalDecision:
    """The final decision, one shared (immutable) object per decision and reason.

    A review has thousands of units and a handful of distinct final decisions.
    """
    return FinalDecision(decision, reason)


def final_decisions(
    events: Iterable[ScreeningEvent], groups: Mapping[int, int]
) -> dict[int, FinalDecision]:
    """The final decision of every unit with at least one event, keyed by unit.

    A unit is keyed by its representative record: ``groups[record]`` for a record in a
    duplicate group, else the record itself. Events on any copy of a duplicate group are
    pooled, so a reviewer who decided on two copies is represented by the later decision.

    Examples
    --------
    >>> e = ScreeningEvent
    >>> final_decisions([e(7, 1, "exclude", order=1), e(3, 2, "include", order=2)], {7: 3})
    {3: FinalDecision(decision='conflict', reason=None)}
    """
    return {unit: as_final(s) for unit, s in unit_statuses(events, groups).items()}
