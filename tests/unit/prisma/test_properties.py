"""PRISMA boxes balance for any event log (hypothesis property tests, PRISMA 2020 Fig. 1)."""

from __future__ import annotations

import dataclasses
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.prisma import PrismaCounts, PrismaInputs, ScreeningEvent, SourceCount, derive_counts

REASONS = [None, "not an RCT", "Wrong population", "not retrieved", "Full text not available"]


@st.composite
def event_logs(draw: st.DrawFn, n: int) -> tuple[ScreeningEvent, ...]:
    raw = draw(
        st.lists(
            st.tuples(
                st.integers(1, n),
                st.integers(1, 3),
                st.sampled_from(["include", "exclude", "maybe"]),
                st.sampled_from(REASONS),
                st.booleans(),
            ),
            max_size=3 * n,
        )
    )
    return tuple(
        ScreeningEvent(
            record,
            reviewer,
            "exclude" if res and dec == "maybe" else dec,
            reason,
            res and reviewer == 3,
            order,
        )
        for order, (record, reviewer, dec, reason, res) in enumerate(raw, start=1)
    )


@st.composite
def reviews(draw: st.DrawFn) -> PrismaInputs:
    sizes = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["database", "register", "other"]),
                st.sampled_from(["MEDLINE", "Embase", "WHO ICTRP", "Citations"]),
                st.integers(0, 8),
            ),
            min_size=1,
            max_size=5,
        )
    )
    n = sum(size for *_, size in sizes)
    sources = tuple(SourceCount(kind, name, size) for kind, name, size in sizes)
    if n == 0:
        return PrismaInputs(sources=sources)
    record = st.integers(1, n)
    pairs = draw(st.lists(st.tuples(record, record).filter(lambda p: p[0] < p[1]), max_size=n))
    return PrismaInputs(
        sources=sources,
        duplicate_pairs=tuple(pairs),
        ta_events=draw(event_logs(n)),
        ft_events=draw(event_logs(n)),
        study_reports=tuple(draw(st.lists(st.tuples(st.integers(1, 4), record), max_size=n))),
    )


def assert_balanced(c: PrismaCounts) -> None:
    identified = c.records_databases + c.records_registers + c.records_other_methods
    removed = c.duplicates_removed + c.removed_by_automation + c.removed_other_reasons
    assert identified == removed + c.records_screened
    assert c.records_screened == (
        c.records_excluded + c.reports_sought + c.awaiting_screening + c.conflicts_screening
    )
    assert c.reports_sought == c.reports_not_retrieved + c.reports_assessed
    assert c.reports_assessed == (
        c.reports_excluded + c.reports_included + c.awaiting_full_text + c.conflicts_full_text
    )
    assert sum(n for _, n in c.records_databases_by_source) == c.records_databases
    assert sum(n for _, n in c.records_registers_by_source) == c.records_registers
    assert sum(n for _, n in c.records_other_methods_by_source) == c.records_other_methods
    assert sum(n for _, n in c.reports_excluded_by_reason) == c.reports_excluded
    assert all(v >= 0 for v in c.to_dict().values() if isinstance(v, int))
    assert c.duplicate_groups <= c.duplicates_removed


@settings(max_examples=300, deadline=None)
@given(reviews(), st.booleans())
def test_boxes_balance(inputs: PrismaInputs, maybe_goes_forward: bool) -> None:
    assert_balanced(derive_counts(inputs, maybe_goes_forward=maybe_goes_forward))


@settings(max_examples=150, deadline=None)
@given(reviews(), st.randoms(use_true_random=False))
def test_record_ids_and_event_positions_do_not_matter(
    inputs: PrismaInputs, rng: random.Random
) -> None:
    n = sum(s.records for s in inputs.sources)
    new_ids = list(range(1, n + 1))
    rng.shuffle(new_ids)
    ids = dict(zip(range(1, n + 1), new_ids, strict=True))

    def move(events: tuple[ScreeningEvent, ...]) -> tuple[ScreeningEvent, ...]:
        moved = [dataclasses.replace(e, record=ids[e.record]) for e in events]
        rng.shuffle(moved)  # order is carried by ``order``, not by position
        return tuple(moved)

    relabelled = PrismaInputs(
        sources=tuple(reversed(inputs.sources)),
        duplicate_pairs=tuple(
            (min(ids[a], ids[b]), max(ids[a], ids[b])) for a, b in inputs.duplicate_pairs
        ),
        ta_events=move(inputs.ta_events),
        ft_events=move(inputs.ft_events),
        study_reports=tuple((s, ids[r]) for s, r in inputs.study_reports),
    )
    before, after = derive_counts(inputs).to_dict(), derive_counts(relabelled).to_dict()
    # which spelling labels a reason may depend on which copy comes first
    norm = {
        k: {a.casefold(): b for a, b in v.items()} if isinstance(v, dict) else v
        for k, v in before.items()
    }
    assert norm == {
        k: {a.casefold(): b for a, b in v.items()} if isinstance(v, dict) else v
        for k, v in after.items()
    }


@settings(max_examples=150, deadline=None)
@given(reviews())
def test_arbiter_resolving_every_conflict_leaves_none(inputs: PrismaInputs) -> None:
    start = len(inputs.ta_events) + len(inputs.ft_events) + 1
    records = sorted({e.record for e in (*inputs.ta_events, *inputs.ft_events)})
    ta = inputs.ta_events + tuple(
        ScreeningEvent(r, 3, "include", resolution=True, order=start + i)
        for i, r in enumerate(records)
    )
    ft = inputs.ft_events + tuple(
        ScreeningEvent(r, 3, "exclude", "not an RCT", resolution=True, order=start + i)
        for i, r in enumerate(records, start=len(records))
    )
    c = derive_counts(dataclasses.replace(inputs, ta_events=ta, ft_events=ft))
    assert_balanced(c)
    assert c.conflicts == 0
    assert c.awaiting_full_text == 0
    assert c.reports_included == 0
    assert c.reports_excluded == c.reports_sought


@settings(max_examples=150, deadline=None)
@given(reviews())
def test_holding_maybe_back_only_moves_units_to_awaiting(inputs: PrismaInputs) -> None:
    forward = derive_counts(inputs, maybe_goes_forward=True)
    held = derive_counts(inputs, maybe_goes_forward=False)
    moved = forward.reports_sought - held.reports_sought
    assert moved >= 0
    assert held.awaiting_screening == forward.awaiting_screening + moved
    assert held.records_excluded == forward.records_excluded
    assert held.conflicts_screening == forward.conflicts_screening
