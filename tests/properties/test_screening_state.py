"""Properties of the screening state machine over random histories (hypothesis).

Random sequences of decisions, changes of mind, undos and arbiter resolutions by several
reviewers, under single and dual screening and resolution by arbiter or discussion:

- every unit is in exactly one state, and a settled state always has its decision;
- a unit is final only when every assigned reviewer decided and they agreed on their own
  (before seeing each other's decisions);
- the PRISMA 2020 boxes derived from the statuses balance, every unit in one box;
- a status computed once per pattern of events and shared (``StatusCache``, what the
  project's screening state uses) is the status the rule gives each unit on its own.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.prisma import PrismaInputs, SourceCount, derive_counts
from sysreview.screening.status import (
    ScreeningEvent,
    State,
    StatusCache,
    unit_status,
    unit_statuses,
)

REVIEWERS = ("R1", "R2", "R4")
OPS = ("include", "exclude", "maybe", "undo", "resolve-include", "resolve-exclude")


@st.composite
def histories(draw: st.DrawFn) -> tuple[dict[int, tuple[str, ...]], list[ScreeningEvent], bool]:
    """Assignments of ``n`` units and a log of events as the services would store them."""
    n = draw(st.integers(1, 8))
    required = {
        unit: draw(st.sampled_from([("R1",), ("R1", "R2"), ("R1", "R4"), ("R2",)]))
        for unit in range(1, n + 1)
    }
    steps = draw(
        st.lists(
            st.tuples(st.integers(1, n), st.sampled_from(REVIEWERS), st.sampled_from(OPS)),
            max_size=6 * n,
        )
    )
    blind = draw(st.booleans())
    events: list[ScreeningEvent] = []
    for order, (unit, who, op) in enumerate(steps, start=1):
        here = [e for e in events if e.record == unit]
        if op.startswith("resolve"):
            events.append(ScreeningEvent(unit, "R3", op.split("-")[1], None, True, order))
            continue
        mine = [e for e in here if e.reviewer == who and not e.resolution]
        others = [e for e in here if e.reviewer != who]
        revealed = bool(others) and (bool(mine) or not blind)
        if op == "undo":
            if mine and not mine[-1].retraction:
                last = mine[-1]
                undo = ScreeningEvent(unit, who, last.decision, last.reason, False, order,
                                      retraction=True, revealed=revealed)  # fmt: skip
                events.append(undo)
            continue
        reason = "not an RCT" if op == "exclude" else None
        events.append(ScreeningEvent(unit, who, op, reason, False, order, revealed=revealed))
    return required, events, draw(st.booleans())


@given(histories())
@settings(max_examples=300, deadline=None)
def test_every_unit_has_one_consistent_state(
    history: tuple[dict[int, tuple[str, ...]], list[ScreeningEvent], bool],
) -> None:
    required, events, discussion = history
    statuses = unit_statuses(events, {}, required, discussion=discussion)
    assert set(statuses) == set(required)
    for unit, status in statuses.items():
        assert (status.decision is not None) == status.settled
        decided = set(status.decided)
        needed = set(required[unit])
        if status.state is State.AWAITING_FIRST:
            assert not needed & decided
        elif status.state is State.AWAITING_SECOND:
            assert needed & decided and not needed <= decided
        elif status.state is State.CONFLICT:
            assert needed <= decided
        elif status.state is State.FINAL:
            assert needed <= decided
            assert {d for _, d in status.votes} == {status.decision}
            assert dict(status.independent).keys() >= decided  # everyone decided on their own
            assert {dict(status.independent)[r] for r in decided} == {status.decision}
            assert (
                not status.revealed
                or discussion
                or all(dict(status.independent)[r] == status.decision for r in status.revealed)
            )


@given(histories(), histories())
@settings(max_examples=200, deadline=None)
def test_prisma_boxes_balance_with_one_box_per_unit(
    title_abstract: tuple[dict[int, tuple[str, ...]], list[ScreeningEvent], bool],
    full_text: tuple[dict[int, tuple[str, ...]], list[ScreeningEvent], bool],
) -> None:
    ta_required, ta_events, discussion = title_abstract
    ta = unit_statuses(ta_events, {}, ta_required, discussion=discussion)
    sought = [u for u, s in ta.items() if s.settled and s.decision in ("include", "maybe")]
    ft_required, ft_events, _ = full_text
    ft_all = unit_statuses(ft_events, {}, ft_required)
    ft = {u: ft_all[u] for u in sought if u in ft_all}
    counts = derive_counts(
        PrismaInputs(
            sources=(SourceCount("database", "MEDLINE", len(ta)),),
            ta_status=ta,
            ft_status=ft,
        )
    )  # PrismaCounts refuses boxes that do not add up
    states = Counter(s.state for s in ta.values())
    settled = Counter(s.decision for s in ta.values() if s.settled)
    assert counts.records_excluded == settled["exclude"]
    assert counts.reports_sought == settled["include"] + settled["maybe"] == len(sought)
    assert counts.conflicts_screening == states[State.CONFLICT]
    assert counts.awaiting_screening == states[State.AWAITING_FIRST] + states[State.AWAITING_SECOND]
    ft_settled = Counter(s.decision for s in ft.values() if s.settled)
    assert counts.reports_included == ft_settled["include"]
    assert counts.reports_excluded + counts.reports_not_retrieved == ft_settled["exclude"]


@given(
    histories(),
    histories(),
    st.lists(
        st.tuples(st.integers(1, 8), st.sampled_from(("sought", "retrieved", "not_retrieved"))),
        max_size=12,
    ),
)
@settings(max_examples=200, deadline=None)
def test_prisma_boxes_balance_with_recorded_retrieval_statuses(
    title_abstract: tuple[dict[int, tuple[str, ...]], list[ScreeningEvent], bool],
    full_text: tuple[dict[int, tuple[str, ...]], list[ScreeningEvent], bool],
    retrieval: list[tuple[int, str]],
) -> None:
    from sysreview.prisma import RetrievalStatus

    ta_required, ta_events, discussion = title_abstract
    ta = unit_statuses(ta_events, {}, ta_required, discussion=discussion)
    sought = {u for u, s in ta.items() if s.settled and s.decision in ("include", "maybe")}
    ft_required, ft_events, _ = full_text
    ft_all = unit_statuses(ft_events, {}, ft_required)
    ft = {u: ft_all[u] for u in sought if u in ft_all}
    statuses = tuple(RetrievalStatus(r, s, i) for i, (r, s) in enumerate(retrieval))
    counts = derive_counts(
        PrismaInputs(
            sources=(SourceCount("database", "MEDLINE", len(ta)),),
            ta_status=ta,
            ft_status=ft,
            retrieval=statuses,
        )
    )  # PrismaCounts refuses boxes that do not add up
    latest = {r: s for r, s in retrieval}
    assert counts.reports_not_retrieved == sum(latest.get(u) == "not_retrieved" for u in sought)
    kept = {u: s for u, s in ft.items() if latest.get(u) != "not_retrieved"}
    settled = Counter(s.decision for s in kept.values() if s.settled)
    assert counts.reports_included == settled["include"]
    assert counts.reports_excluded == settled["exclude"]


@given(histories(), st.integers(0, 3), st.booleans())
@settings(max_examples=300, deadline=None)
def test_a_shared_status_is_each_units_own(
    history: tuple[dict[int, tuple[str, ...]], list[ScreeningEvent], bool],
    ties: int,
    renumber: bool,
) -> None:
    """Statuses shared between units with alike events are the ones each unit would get.

    The same history is replayed on copies of each unit with other record ids: in the
    first two, ``ties`` events share their predecessor's order (and, when ``renumber``,
    the second's orders are doubled); the third keeps the history's own orders. Exclusions
    give one of several reasons (or none).
    """
    required, events, discussion = history
    reasons = ("not an RCT", "wrong population", None)
    events = [
        ScreeningEvent(**{**e.__dict__, "reason": reasons[i % 3] if e.reason else None})
        for i, e in enumerate(events)
    ]
    tied = [
        e if i == 0 or i > ties else ScreeningEvent(**{**e.__dict__, "order": events[i - 1].order})
        for i, e in enumerate(events)
    ]
    copies = [
        ScreeningEvent(**{**e.__dict__, "record": e.record + 100 * k,
                          "order": e.order * (2 if renumber and k == 1 else 1)})
        for k, log in enumerate((tied, tied, events))
        for e in log
    ]  # fmt: skip
    shared = StatusCache(discussion=discussion)
    for unit in [u + 100 * k for k in range(3) for u in required]:
        own = [e for e in copies if e.record == unit]
        needed = required[unit % 100]
        assert shared.of(own, needed) == unit_status(own, needed, discussion=discussion)
        assert shared.of(own, None) == unit_status(own, None, discussion=discussion)
