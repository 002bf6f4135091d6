"""Who screens which unit: the protocol's assignment rules, kept as events.

Each screening unit has two *slots* per stage: ``first`` (the reviewer who screens every
unit) and ``second`` (the second, independent reviewer of dual screening; empty for a
single-screened unit). An assignment is an event, the latest per unit, stage and slot
counts, so a sample once drawn never changes as records are added, and an
administrator's reassignment is one more event.

The rules (the seed review's, Lyons et al. 2021, from the protocol's ``[screening]``):

- Title/abstract: every unit goes to the first reviewer; of each *round* of new units
  (those not assigned yet, in record order), the protocol's ``dual_fraction`` (the first
  ones, or a seeded random sample) also go to the second reviewer.
- Full text: every unit sought (forwarded from title/abstract) goes to the first
  reviewer. The second reviewer assesses the protocol's fractions of the first
  reviewer's inclusions (``maybe`` counts as an inclusion here) and exclusions. When
  both fractions are 1 that does not depend on the first reviewer and every unit goes to
  both at once; otherwise the sample is drawn only when the first reviewer has decided
  every unit sought, so that the second reviewer's queue does not reveal, record by
  record and as it happens, what the first reviewer decided. The make-up of the sample
  itself (e.g. all inclusions and 10% of exclusions) is the protocol's design and is
  known to the team.

Nothing here does I/O; :mod:`sysreview.project.selection.state` reads and stores the
events.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "Assignment",
    "AssignmentEvent",
    "Slot",
    "current_assignments",
    "full_text_first",
    "full_text_second",
    "title_abstract_round",
]

Sampler = Callable[[float, Sequence[int]], Sequence[int]]
"""``sample(fraction, units)``: the chosen units (the protocol's selection rule)."""


class Slot(StrEnum):
    """A reviewer's place in a unit's screening."""

    FIRST = "first"
    SECOND = "second"


class AssignmentEvent(NamedTuple):
    """One assignment: ``reviewer`` (``None``: nobody) takes ``slot`` of ``unit``.

    A named tuple (not a dataclass): a large review holds a hundred thousand of them.
    """

    unit: int
    slot: Slot
    reviewer: Hashable | None
    order: int = 0


@dataclass(frozen=True)
class Assignment:
    """A unit's current assignment at one stage (units may share one object)."""

    first: Hashable | None = None
    second: Hashable | None = None
    second_drawn: bool = False
    """Whether the second slot was decided (filled, or left empty on purpose)."""

    @property
    def required(self) -> tuple[Hashable, ...]:
        """The reviewers whose decisions the unit needs, first reviewer first."""
        return tuple(dict.fromkeys(r for r in (self.first, self.second) if r is not None))

    def holds(self, reviewer: Hashable) -> bool:
        """Whether ``reviewer`` is assigned to the unit."""
        return reviewer in self.required


def current_assignments(events: Iterable[AssignmentEvent]) -> dict[int, Assignment]:
    """The latest assignment per unit and slot.

    Examples
    --------
    >>> E = AssignmentEvent
    >>> a = current_assignments([E(1, Slot.FIRST, "R1", 1), E(1, Slot.SECOND, "R2", 2),
    ...                          E(1, Slot.SECOND, "R4", 3)])
    >>> a[1].required
    ('R1', 'R4')
    """
    latest: dict[tuple[int, Slot], tuple[int, Hashable | None]] = {}
    for event in events:
        key = (event.unit, event.slot)
        seen = latest.get(key)
        if seen is None or event.order > seen[0]:
            latest[key] = (event.order, event.reviewer)
    firsts = {u: who for (u, slot), (_, who) in latest.items() if slot is Slot.FIRST}
    seconds = {u: who for (u, slot), (_, who) in latest.items() if slot is Slot.SECOND}
    # one Assignment per distinct (first, second): most units share a few, and there
    # can be a hundred thousand of them
    shared: dict[tuple[Hashable | None, Hashable | None, bool], Assignment] = {}
    found = {}
    for unit in dict.fromkeys([*firsts, *seconds]):
        held = (firsts.get(unit), seconds.get(unit), unit in seconds)
        found[unit] = shared.get(held) or shared.setdefault(held, Assignment(*held))
    return found


def title_abstract_round(
    new_units: Sequence[int],
    first: Hashable | None,
    second: Hashable | None,
    fraction: float,
    sample: Sampler,
) -> list[AssignmentEvent]:
    """Assignments for a round of units not assigned yet at title/abstract.

    Examples
    --------
    >>> first_ones = lambda f, units: units[: round(f * len(units))]
    >>> [(e.unit, e.slot.value, e.reviewer)
    ...  for e in title_abstract_round([4, 5, 6, 7], "R1", "R2", 0.25, first_ones)]
    [(4, 'first', 'R1'), (5, 'first', 'R1'), (6, 'first', 'R1'), (7, 'first', 'R1'), \
(4, 'second', 'R2')]
    """
    if first is None:
        return []
    events = [AssignmentEvent(u, Slot.FIRST, first) for u in new_units]
    if second is not None and fraction > 0:
        events += [AssignmentEvent(u, Slot.SECOND, second) for u in sample(fraction, new_units)]
    return events


def full_text_first(
    sought: Iterable[int], assigned: Mapping[int, Assignment], first: Hashable | None
) -> list[AssignmentEvent]:
    """The first reviewer takes every unit sought that has no first reviewer yet."""
    if first is None:
        return []
    return [
        AssignmentEvent(u, Slot.FIRST, first)
        for u in sought
        if u not in assigned or assigned[u].first is None
    ]


def full_text_second(
    sought: Sequence[int],
    assigned: Mapping[int, Assignment],
    first_says: Mapping[int, str],
    second: Hashable | None,
    fractions: tuple[float, float],
    sample: Sampler,
) -> list[AssignmentEvent]:
    """The second reviewer's full-text assignments due now.

    Parameters
    ----------
    sought
        Units sought in full text, in record order.
    assigned
        Their current assignments (with the first reviewer already set).
    first_says
        Each unit's current full-text decision by its first reviewer.
    second
        The stage's second reviewer (``None``: single screening only).
    fractions
        The protocol's ``(second_reviewer_included, second_reviewer_excluded)``.
    sample
        The protocol's selection rule.

    Notes
    -----
    With both fractions 1, every unit sought without a second slot gets the second
    reviewer. Otherwise nothing is drawn while the first reviewer has units left to
    decide; then, of the units without a drawn second slot, the inclusions (and
    maybes) and the exclusions are sampled by their fractions, and the others get an
    empty second slot. A unit left single when its first reviewer excluded it, which
    that reviewer later includes, gets the second reviewer if any inclusions are
    double-checked.

    Examples
    --------
    >>> A, every = Assignment, lambda f, units: units[: int(f * len(units) + 0.999)]
    >>> got = full_text_second([1, 2, 3], {u: A("R1") for u in (1, 2, 3)},
    ...                        {1: "include", 2: "exclude", 3: "exclude"}, "R2",
    ...                        (1.0, 0.5), every)
    >>> [(e.unit, e.reviewer) for e in got]
    [(1, 'R2'), (2, 'R2'), (3, None)]
    >>> full_text_second([1, 2], {u: A("R1") for u in (1, 2)}, {1: "include"}, "R2",
    ...                  (1.0, 0.1), every)
    []
    """
    included_fraction, excluded_fraction = fractions
    if second is None or included_fraction + excluded_fraction == 0:
        return []
    pending = [u for u in sought if not assigned.get(u, Assignment()).second_drawn]
    if included_fraction >= 1 and excluded_fraction >= 1:
        return [AssignmentEvent(u, Slot.SECOND, second) for u in pending]
    events = [
        AssignmentEvent(u, Slot.SECOND, second)
        for u in sought
        if assigned.get(u, Assignment()).second_drawn
        and assigned[u].second is None
        and first_says.get(u) in ("include", "maybe")
        and included_fraction > 0
    ]
    if any(u not in first_says for u in sought):
        return events
    included = [u for u in pending if first_says[u] in ("include", "maybe")]
    excluded = [u for u in pending if first_says[u] == "exclude"]
    chosen = set(sample(included_fraction, included)) | set(sample(excluded_fraction, excluded))
    return events + [
        AssignmentEvent(u, Slot.SECOND, second if u in chosen else None) for u in pending
    ]
