"""The status of a screening unit at one stage: the one rule every route and count reads.

A *screening unit* is one record after duplicate removal. At each stage (title/abstract,
full text) the protocol assigns it to one reviewer or to two; the unit's status follows
from those assignments and the decision events:

=======================  ==========================================================
``awaiting-first``       no assigned reviewer has decided it yet
``awaiting-second``      dual screening: one assigned reviewer has decided, one not
``conflict``             the assigned reviewers disagree and nobody has settled it
``resolved``             an arbiter resolved it (or, under ``resolution =
                         "discussion"``, the reviewers came to agree after seeing each
                         other's decision)
``final``                its reviewer decided it (single screening) or both assigned
                         reviewers agreed independently
=======================  ==========================================================

Only a *settled* unit (resolved or final) has a decision that moves it on: excluded,
sought in full text, counted in PRISMA, linked to a study, or used to train the ranking.

Independence
------------
A reviewer's decision is *revealed* when they made it after another reviewer's decision
on the unit could be seen by them (they had decided it before, and someone else had
decided it too). Under dual screening the reviewers' *independent* decisions are their
latest unrevealed ones; agreement reached only by changing a decision after the reveal
is not independent agreement: the unit stays in conflict for the arbiter (resolution by
``"arbiter"``), who is shown who changed, or counts as resolved by discussion
(resolution by ``"discussion"``). So a reviewer cannot "probe" the other's decision and
silently align with it.

Nothing here does I/O; the project's services read the events and assignments from the
store and hand them over.

References
----------
Higgins JPT, Thomas J, Chandler J, et al. (eds). Cochrane Handbook for Systematic Reviews
of Interventions, version 6.4, 2023, section 4.6.4 (selecting studies: independent
screening by at least two people, disagreements resolved by discussion or a third
person). Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement. BMJ
2021;372:n71, Fig. 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sysreview.errors import InputError

__all__ = [
    "DECISIONS",
    "ScreeningEvent",
    "State",
    "StatusCache",
    "UnitStatus",
    "event_pattern",
    "unit_status",
    "unit_statuses",
]

DECISIONS = ("include", "exclude", "maybe")
"""What a reviewer may decide (a resolution never says maybe)."""


class State(StrEnum):
    """Where a screening unit stands at one stage."""

    AWAITING_FIRST = "awaiting-first"
    AWAITING_SECOND = "awaiting-second"
    CONFLICT = "conflict"
    RESOLVED = "resolved"
    FINAL = "final"

    @property
    def settled(self) -> bool:
        """Whether the unit's decision is settled (resolved or final)."""
        return self in (State.RESOLVED, State.FINAL)

    @property
    def label(self) -> str:
        """The state in words, e.g. ``"awaiting second decision"``."""
        return _LABELS[self]


_LABELS = {
    State.AWAITING_FIRST: "awaiting first decision",
    State.AWAITING_SECOND: "awaiting second decision",
    State.CONFLICT: "in conflict",
    State.RESOLVED: "resolved",
    State.FINAL: "final",
}


@dataclass(frozen=True)
class ScreeningEvent:
    """One screening event about one record at one stage.

    Attributes
    ----------
    record
        Id of the record decided on.
    reviewer
        Who decided (a reviewer id or name).
    decision
        ``"include"``, ``"exclude"`` or ``"maybe"`` (a resolution never says maybe). For
        a retraction, the decision it takes back.
    reason
        The exclusion reason as entered, if any.
    resolution
        ``True`` for an arbiter's resolution.
    order
        Position in the event log (the store's event id): a higher order is later.
    retraction
        ``True`` when the event takes back the reviewer's current decision (or, with
        ``resolution``, the current resolution): "undo".
    revealed
        ``True`` when the decision was made after another reviewer's decision on the
        record could be seen by its author (see the module's notes).
    """

    record: int
    reviewer: Hashable
    decision: str
    reason: str | None = None
    resolution: bool = False
    order: int = 0
    retraction: bool = False
    revealed: bool = False

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise InputError(
                f"Invalid decision {self.decision!r}; must be one of {', '.join(DECISIONS)}"
            )
        if self.resolution and self.decision == "maybe":
            raise InputError(f"record {self.record}: a resolution must include or exclude")


@dataclass(frozen=True)
class UnitStatus:
    """A unit's status at one stage.

    Attributes
    ----------
    state
        See :class:`State`.
    decision
        The settled decision (``None`` unless the state is settled).
    reason
        The exclusion reason that goes with a settled exclusion.
    required
        The reviewers whose decisions the unit needs (its assignment), in order.
    decided
        Reviewers with a current decision, in the order of their decisions.
    votes
        ``(reviewer, decision)`` of every current own decision, in the same order.
    revealed
        Reviewers whose current decision was made after seeing another's.
    independent
        ``(reviewer, decision)`` of each reviewer's latest decision made before any
        reveal (what agreement statistics compare).
    """

    state: State
    decision: str | None = None
    reason: str | None = None
    required: tuple[Hashable, ...] = ()
    decided: tuple[Hashable, ...] = ()
    votes: tuple[tuple[Hashable, str], ...] = ()
    revealed: tuple[Hashable, ...] = ()
    independent: tuple[tuple[Hashable, str], ...] = ()

    @property
    def settled(self) -> bool:
        """Whether the decision is settled (resolved or final)."""
        return self.state.settled


def _current(events: Iterable[ScreeningEvent]) -> tuple[
    dict[Hashable, ScreeningEvent], dict[Hashable, ScreeningEvent], ScreeningEvent | None
]:  # fmt: skip
    """Each reviewer's current and independent decision, and the current resolution."""
    latest: dict[Hashable, ScreeningEvent] = {}
    independent: dict[Hashable, ScreeningEvent] = {}
    resolution: ScreeningEvent | None = None
    for event in sorted(events, key=lambda e: e.order):
        if event.resolution:
            resolution = None if event.retraction else event
            continue
        if event.retraction:
            latest.pop(event.reviewer, None)
            if not event.revealed:
                independent.pop(event.reviewer, None)
            continue
        latest[event.reviewer] = event
        if not event.revealed:
            independent[event.reviewer] = event
    return latest, independent, resolution


def _agreed(events: Iterable[ScreeningEvent]) -> tuple[str | None, str | None]:
    """The one decision all ``events`` share (and the latest reason given), else ``None``."""
    chosen = list(events)
    said = {e.decision for e in chosen}
    if len(said) != 1:
        return None, None
    reasons = [e for e in chosen if e.reason and e.reason.strip()]
    return said.pop(), max(reasons, key=lambda e: e.order).reason if reasons else None


def unit_status(
    events: Iterable[ScreeningEvent],
    required: Iterable[Hashable] | None = None,
    *,
    discussion: bool = False,
) -> UnitStatus:
    """The status of one unit at one stage, from its events and its assignment.

    Parameters
    ----------
    events
        The unit's events at the stage (any order; full logs).
    required
        The reviewers assigned to the unit (one, or two under dual screening). ``None``
        when no assignment is known (a dataset's decisions): every reviewer who decided
        is then required, as PRISMA counts decisions without a protocol.
    discussion
        Whether disagreements are resolved by discussion (the reviewers change their
        decisions) rather than by an arbiter.

    Returns
    -------
    UnitStatus

    Notes
    -----
    In this order: a current resolution settles the unit (``resolved``). Otherwise, a
    unit with no current decision of a required reviewer is ``awaiting-first``; one with
    some but not all is ``awaiting-second``. When all required reviewers decided, the
    unit is ``final`` if their independent decisions agree and their current ones too;
    ``resolved`` if only their current ones agree and resolution is by discussion;
    else ``conflict``. Decisions by reviewers not required (e.g. before a reassignment)
    are kept as votes: they must agree too.

    Examples
    --------
    >>> e = ScreeningEvent
    >>> unit_status([e(1, "R1", "include", order=1)], ["R1", "R2"]).state.label
    'awaiting second decision'
    >>> unit_status([e(1, "R1", "include", order=1)], ["R1"]).decision
    'include'
    >>> s = unit_status([e(1, "R1", "include", order=1), e(1, "R2", "exclude", order=2),
    ...                  e(1, "R2", "include", order=3, revealed=True)], ["R1", "R2"])
    >>> s.state.value, s.revealed
    ('conflict', ('R2',))
    >>> unit_status([e(1, "R1", "exclude", "no RCT", order=1)], None).reason
    'no RCT'
    """
    latest, independent, resolution = _current(events)
    needed = tuple(dict.fromkeys(latest if required is None else required))
    ordered = sorted(latest.values(), key=lambda e: e.order)
    alone = sorted(independent.values(), key=lambda e: e.order)
    state, decision, reason = _state(latest, independent, resolution, needed, ordered,
                                     discussion)  # fmt: skip
    return UnitStatus(
        state,
        decision,
        reason,
        required=needed,
        decided=tuple(e.reviewer for e in ordered),
        votes=tuple((e.reviewer, e.decision) for e in ordered),
        revealed=tuple(e.reviewer for e in ordered if e.revealed),
        independent=tuple((e.reviewer, e.decision) for e in alone),
    )


def _state(
    latest: Mapping[Hashable, ScreeningEvent],
    independent: Mapping[Hashable, ScreeningEvent],
    resolution: ScreeningEvent | None,
    needed: tuple[Hashable, ...],
    ordered: list[ScreeningEvent],
    discussion: bool,
) -> tuple[State, str | None, str | None]:
    """The state, decision and reason of :func:`unit_status` (its Notes give the rules)."""
    if resolution is not None:
        return State.RESOLVED, resolution.decision, resolution.reason
    missing = [r for r in needed if r not in latest]
    if not latest or (needed and len(missing) == len(needed)):
        return State.AWAITING_FIRST, None, None
    if missing:
        return State.AWAITING_SECOND, None, None
    decision, reason = _agreed(ordered)
    if decision is None:
        return State.CONFLICT, None, None
    own = [independent[r] for r in latest if r in independent]
    if len(own) == len(latest) and _agreed(own)[0] == decision:
        return State.FINAL, decision, reason
    if discussion:
        return State.RESOLVED, decision, reason
    return State.CONFLICT, None, None


def _order(event: ScreeningEvent) -> int:
    return event.order


def event_pattern(events: Iterable[ScreeningEvent]) -> tuple[Hashable, ...]:
    """What :func:`unit_status` reads of a unit's events: units alike here have one status.

    The events oldest first, each as ``(reviewer, decision, reason, resolution,
    retraction, revealed, tied)``, ``tied`` telling whether its order equals the previous
    event's. The status depends on the events only through these: their records are not
    read, and their orders only rank them.

    Examples
    --------
    >>> e = ScreeningEvent
    >>> a = [e(1, "R1", "exclude", "no RCT", order=4), e(1, "R2", "include", order=9)]
    >>> b = [e(8, "R2", "include", order=12), e(8, "R1", "exclude", "no RCT", order=10)]
    >>> event_pattern(a) == event_pattern(b)
    True
    """
    found: list[Hashable] = []
    previous: int | None = None
    for e in sorted(events, key=_order):
        tied = e.order == previous
        found.append((e.reviewer, e.decision, e.reason, e.resolution, e.retraction, e.revealed,
                      tied))  # fmt: skip
        previous = e.order
    return tuple(found)


class StatusCache:
    """:func:`unit_status` of many units, computed once per distinct pattern of events.

    Most units of a stage share a handful of patterns (one reviewer excluded it for
    the same reason; two agreed to include it), so deriving a stage's statuses takes
    one :func:`unit_status` per pattern (:func:`event_pattern`) and assignment; the
    units share the (immutable) result. Keep one for one derivation.

    Examples
    --------
    >>> e = ScreeningEvent
    >>> statuses = StatusCache()
    >>> one = statuses.of([e(1, "R1", "include", order=1)], ("R1", "R2"))
    >>> two = statuses.of([e(2, "R1", "include", order=5)], ("R1", "R2"))
    >>> one is two, one == unit_status([e(2, "R1", "include", order=5)], ("R1", "R2"))
    (True, True)
    """

    def __init__(self, *, discussion: bool = False) -> None:
        self.discussion = discussion
        self._found: dict[tuple[Hashable, ...], UnitStatus] = {}

    def of(
        self, events: Iterable[ScreeningEvent], required: Iterable[Hashable] | None
    ) -> UnitStatus:
        """``unit_status(events, required, discussion=...)``, shared with alike units."""
        events = tuple(events)
        needed = None if required is None else tuple(required)
        key = (needed, event_pattern(events))
        status = self._found.get(key)
        if status is None:
            status = unit_status(events, needed, discussion=self.discussion)
            self._found[key] = status
        return status


def unit_statuses(
    events: Iterable[ScreeningEvent],
    groups: Mapping[int, int],
    required: Mapping[int, tuple[Hashable, ...]] | None = None,
    *,
    discussion: bool = False,
) -> dict[int, UnitStatus]:
    """The status of every unit that has events or an assignment, keyed by unit.

    A unit is keyed by its representative record: ``groups[record]`` for a record in a
    duplicate group, else the record itself. Events on any copy of a group are pooled.
    ``required`` maps units to their assigned reviewers (``None``: see
    :func:`unit_status`); units assigned but without events are ``awaiting-first``.

    Examples
    --------
    >>> e = ScreeningEvent
    >>> s = unit_statuses([e(7, 1, "exclude", order=1), e(3, 2, "include", order=2)], {7: 3})
    >>> s[3].state.value
    'conflict'
    """
    by_unit: dict[int, list[ScreeningEvent]] = {}
    for event in events:
        by_unit.setdefault(groups.get(event.record, event.record), []).append(event)
    units = set(by_unit) if required is None else set(by_unit) | set(required)
    statuses = StatusCache(discussion=discussion)
    return {
        unit: statuses.of(
            by_unit.get(unit, ()), None if required is None else required.get(unit, ())
        )
        for unit in sorted(units)
    }
