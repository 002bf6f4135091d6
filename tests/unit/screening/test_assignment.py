"""Who screens which unit: the protocol's rules as assignment events (the seed's policy:
R1 screens everything, R2 the first 10% at title/abstract; at full text R2 assesses all
of R1's inclusions and 10% of the exclusions)."""

from __future__ import annotations

import math

from sysreview.protocol.appraisal import FullText, TitleAbstract
from sysreview.screening.assignment import (
    Assignment,
    AssignmentEvent,
    Slot,
    current_assignments,
    full_text_first,
    full_text_second,
    title_abstract_round,
)

FT = FullText(second_reviewer_included=1.0, second_reviewer_excluded=0.1)


def test_title_abstract_rounds_sample_only_new_units() -> None:
    policy = TitleAbstract(dual_fraction=0.1)
    first = title_abstract_round(list(range(1, 21)), "R1", "R2", 0.1, policy.sample)
    assigned = current_assignments(e for e in first)
    assert [u for u, a in assigned.items() if a.second == "R2"] == [1, 2]
    # a living update adds 10 records: its own 10% (one record), the first round unchanged
    later = title_abstract_round(list(range(21, 31)), "R1", "R2", 0.1, policy.sample)
    assigned = current_assignments([*first, *later])
    assert [u for u, a in assigned.items() if a.second == "R2"] == [1, 2, 21]
    assert all(a.first == "R1" for a in assigned.values())


def test_random_selection_is_seeded_and_reproducible() -> None:
    policy = TitleAbstract(dual_fraction=0.25, selection="random", seed=42)
    units = list(range(1, 41))
    one = title_abstract_round(units, "R1", "R2", 0.25, policy.sample)
    two = title_abstract_round(units, "R1", "R2", 0.25, policy.sample)
    assert one == two
    second = [e.unit for e in one if e.slot is Slot.SECOND]
    assert len(second) == math.ceil(0.25 * 40) and second != units[:10]


def test_full_text_sample_waits_until_the_first_reviewer_is_done() -> None:
    units = list(range(1, 21))
    assigned = current_assignments(full_text_first(units, {}, "R1"))
    says = {u: "include" if u <= 3 else "exclude" for u in units[:-1]}  # one not decided
    assert full_text_second(units, assigned, says, "R2", (1.0, 0.1), FT.sample) == []
    says[20] = "exclude"
    drawn = full_text_second(units, assigned, says, "R2", (1.0, 0.1), FT.sample)
    chosen = [e.unit for e in drawn if e.reviewer == "R2"]
    assert chosen == [1, 2, 3, 4, 5]  # every inclusion, ceil(10% of 17) = 2 exclusions
    assert len(drawn) == len(units)  # every unit's second slot is decided, filled or not


def test_a_later_inclusion_of_a_single_screened_unit_goes_to_the_second_reviewer() -> None:
    units = [1, 2, 3]
    events = full_text_first(units, {}, "R1")
    says = {1: "include", 2: "exclude", 3: "exclude"}
    events += full_text_second(units, current_assignments(events), says, "R2", (1.0, 0.0),
                               FT.sample)  # fmt: skip
    assigned = current_assignments([AssignmentEvent(e.unit, e.slot, e.reviewer, n)
                                    for n, e in enumerate(events, 1)])  # fmt: skip
    assert [u for u in units if assigned[u].second == "R2"] == [1]
    says[3] = "include"
    more = full_text_second(units, assigned, says, "R2", (1.0, 0.0), FT.sample)
    assert [(e.unit, e.reviewer) for e in more] == [(3, "R2")]


def test_both_fractions_one_means_both_reviewers_at_once() -> None:
    units = [1, 2]
    assigned = current_assignments(full_text_first(units, {}, "R1"))
    drawn = full_text_second(units, assigned, {}, "R2", (1.0, 1.0), FT.sample)
    assert [(e.unit, e.reviewer) for e in drawn] == [(1, "R2"), (2, "R2")]


def test_reassignment_is_the_latest_event() -> None:
    events = [
        AssignmentEvent(1, Slot.FIRST, "R1", 1),
        AssignmentEvent(1, Slot.SECOND, "R2", 2),
        AssignmentEvent(1, Slot.SECOND, "R4", 3),
    ]
    assert current_assignments(events)[1] == Assignment("R1", "R4", True)
    assert current_assignments(events)[1].holds("R4")
    assert not current_assignments(events)[1].holds("R2")
