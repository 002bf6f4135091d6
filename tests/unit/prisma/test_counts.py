"""PRISMA 2020 boxes derived from records, duplicate groups and decision events.

The seed review (SEED.md §2–3) reports: 7198 database records + 225 from other sources;
4277 after duplicates; 4179 excluded at title/abstract; 98 full texts; 87 excluded at
full text with reasons; 11 reports of 8 studies included. Only those totals are published:
the split across databases and the exclusion reasons below are illustrative.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from sysreview.errors import InputError
from sysreview.prisma import (
    PrismaBalanceError,
    PrismaCounts,
    PrismaInputs,
    ScreeningEvent,
    SourceCount,
    derive_counts,
)

DATABASES = {"PsycINFO": 2100, "MEDLINE": 1900, "Embase": 2500, "CENTRAL": 698}  # sum 7198
FT_REASONS = {"not an RCT": 40, "not a group intervention": 25, "wrong population": 22}  # 87


class Log:
    """Builds an event log with increasing ``order`` (like store ids)."""

    def __init__(self) -> None:
        self.events: list[ScreeningEvent] = []

    def add(
        self,
        record: int,
        reviewer: int,
        decision: str,
        reason: str | None = None,
        resolution: bool = False,
    ) -> None:
        order = len(self.events) + 1
        self.events.append(ScreeningEvent(record, reviewer, decision, reason, resolution, order))


def seed_inputs() -> PrismaInputs:
    """Records 1..7423; records 4278..7423 are confirmed copies of records 1..3146."""
    sources = [SourceCount("database", name, n) for name, n in DATABASES.items()]
    sources.append(SourceCount("other", "Citation searching and registers", 225))
    pairs = tuple((i, i + 4277) for i in range(1, 3147))
    ta = Log()
    for unit in range(1, 4278):
        decision = "include" if unit <= 98 else "exclude"
        ta.add(unit, 1, decision, None if unit <= 98 else "not peer support")
        if unit <= 428:  # first 10% double screened, 100% agreement
            ta.add(unit, 2, decision)
    ft = Log()
    reasons = [reason for reason, n in FT_REASONS.items() for _ in range(n)]
    for unit in range(1, 99):
        if unit <= 11:
            ft.add(unit, 1, "include")
            ft.add(unit, 2, "include")
        else:
            ft.add(unit, 1, "exclude", reasons[unit - 12])
    # reviewer 2 disagreed on one exclusion; the third reviewer resolved it
    ft.add(12, 2, "include")
    ft.add(12, 3, "exclude", reasons[0], resolution=True)
    studies = {1: (1, 2, 3), 2: (4, 5), 3: (6,), 4: (7,), 5: (8,), 6: (9,), 7: (10,), 8: (11,)}
    # report 3 is linked through its duplicate copy (3 + 4277)
    links = [(s, r + 4277 if r == 3 else r) for s, reports in studies.items() for r in reports]
    return PrismaInputs(
        sources=tuple(sources),
        duplicate_pairs=pairs,
        ta_events=tuple(ta.events),
        ft_events=tuple(ft.events),
        study_reports=tuple(links),
    )


def test_seed_review_numbers() -> None:
    c = derive_counts(seed_inputs())
    assert c.records_databases == 7198
    assert dict(c.records_databases_by_source) == DATABASES
    assert c.records_other_methods == 225
    assert c.records_registers == 0
    assert c.records_identified == 7423
    assert c.duplicates_removed == 7423 - 4277
    assert c.records_screened == 4277
    assert c.records_excluded == 4179
    assert c.reports_sought == 98
    assert c.reports_not_retrieved == 0
    assert c.reports_assessed == 98
    assert c.reports_excluded == 87
    assert dict(c.reports_excluded_by_reason) == FT_REASONS
    assert c.reports_included == 11
    assert c.studies_included == 8
    assert (c.awaiting_screening, c.conflicts_screening) == (0, 0)
    assert (c.awaiting_full_text, c.conflicts_full_text, c.reports_included_without_study) == (
        0,
        0,
        0,
    )


def scenario() -> tuple[PrismaInputs, Log, Log]:
    """A small review with every awkward case; records 1..14.

    Embase 1-6, MEDLINE 7-10, ClinicalTrials.gov 11-12, citation searching 13-14.
    Duplicates: {1, 7, 13} (three-way), {2, 8}. Units: 1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 14.
    """
    sources = (
        SourceCount("database", "Embase", 6),
        SourceCount("database", "MEDLINE", 4),
        SourceCount("register", "ClinicalTrials.gov", 2),
        SourceCount("other", "Citation searching", 2),
    )
    ta = Log()
    ta.add(1, 1, "include")
    ta.add(7, 2, "include")  # same group, other copy: agreement
    ta.add(2, 1, "include")
    ta.add(3, 1, "include")
    ta.add(3, 2, "exclude", "not an RCT")  # conflict ...
    ta.add(3, 9, "include", resolution=True)  # ... resolved by the arbiter
    ta.add(4, 1, "include")
    ta.add(4, 2, "exclude")  # unresolved conflict
    ta.add(5, 1, "maybe")
    ta.add(6, 1, "include")
    ta.add(9, 1, "exclude", "not an RCT")
    ta.add(10, 1, "exclude", "not an RCT")
    ta.add(11, 1, "include")
    ta.add(12, 1, "include")
    # 14 is not screened yet
    ft = Log()
    ft.add(13, 1, "include")  # the three-way group, via its third copy
    ft.add(2, 1, "include")
    ft.add(3, 1, "exclude", "Full text not available")  # not retrieved
    ft.add(5, 1, "exclude", "wrong population")
    ft.add(6, 1, "exclude", "Not an RCT ")
    ft.add(11, 1, "exclude", "not an  RCT")
    ft.add(12, 1, "include")
    ft.add(12, 2, "exclude", "wrong comparator")  # unresolved at full text
    ft.add(10, 1, "include")  # excluded at TA: ignored
    inputs = PrismaInputs(
        sources=sources,
        duplicate_pairs=((1, 7), (7, 13), (2, 8)),
        ta_events=tuple(ta.events),
        ft_events=tuple(ft.events),
        study_reports=((500, 1), (500, 8)),  # one study, two reports (8 is a copy of 2)
    )
    return inputs, ta, ft


def test_scenario_boxes() -> None:
    c = derive_counts(scenario()[0])
    assert c.to_dict() == {
        "records_identified": 14,
        "records_databases": 10,
        "records_databases_by_source": {"Embase": 6, "MEDLINE": 4},
        "records_registers": 2,
        "records_registers_by_source": {"ClinicalTrials.gov": 2},
        "records_other_methods": 2,
        "records_other_methods_by_source": {"Citation searching": 2},
        "duplicates_removed": 3,
        "duplicate_groups": 2,
        "removed_by_automation": 0,
        "removed_other_reasons": 0,
        "records_screened": 11,
        "records_excluded": 2,  # 9, 10
        "awaiting_screening": 1,  # 14
        "conflicts_screening": 1,  # 4
        "reports_sought": 7,  # 1, 2, 3, 5 (maybe), 6, 11, 12
        "reports_not_retrieved": 1,  # 3
        "reports_assessed": 6,
        "reports_excluded": 3,
        "reports_excluded_by_reason": {"Not an RCT": 2, "wrong population": 1},
        "awaiting_full_text": 0,
        "conflicts_full_text": 1,  # 12
        "reports_included": 2,  # 1, 2
        "studies_included": 1,
        "reports_included_without_study": 0,
        "maybe_goes_forward": True,
        "other_sources": [],
        "previous_studies": 0,  # not an update
        "previous_reports": 0,
        "conflicts": 2,
        "total_studies": 1,
        "total_reports": 2,
    }
    assert json.loads(json.dumps(c.to_dict())) == c.to_dict()


def test_maybe_held_back_waits_for_a_title_abstract_decision() -> None:
    c = derive_counts(scenario()[0], maybe_goes_forward=False)
    assert (c.reports_sought, c.awaiting_screening, c.reports_excluded) == (6, 2, 2)


def test_not_retrieved_reasons_are_configurable() -> None:
    c = derive_counts(scenario()[0], not_retrieved_reasons=("paywalled",))
    assert c.reports_not_retrieved == 0
    assert dict(c.reports_excluded_by_reason)["Full text not available"] == 1


def test_resolving_the_conflicts_empties_them() -> None:
    inputs, ta, ft = scenario()
    ta.add(4, 9, "exclude", "not an RCT", resolution=True)
    ft.add(12, 9, "include", resolution=True)
    c = derive_counts(
        dataclasses.replace(inputs, ta_events=tuple(ta.events), ft_events=tuple(ft.events))
    )
    assert c.conflicts == 0
    assert (c.records_excluded, c.reports_included, c.studies_included) == (3, 3, 1)
    assert c.reports_included_without_study == 1  # 12 is not linked to a study


def test_summary_and_frame() -> None:
    c = derive_counts(scenario()[0])
    text = c.summary()
    assert "Records identified from databases (n = 10)" in text
    assert "      Embase (n = 6)" in text
    assert "Reports not retrieved (n = 1)" in text
    assert "Unresolved title/abstract conflicts (n = 1)" in text
    assert "Studies included in review (n = 1)" in text
    frame = c.to_frame()
    assert list(frame.columns) == ["section", "box", "detail", "count"]
    assert frame.loc[frame["box"] == "reports_excluded_by_reason", "count"].sum() == 3
    assert set(frame["section"]) == {"identification", "screening", "included"}
    assert frame["count"].ge(0).all()


def test_unbalanced_boxes_are_refused() -> None:
    c = derive_counts(scenario()[0])
    with pytest.raises(PrismaBalanceError, match=r"records_screened \(11\) != records_excluded"):
        dataclasses.replace(c, records_excluded=3)
    with pytest.raises(PrismaBalanceError, match="reports_excluded"):
        dataclasses.replace(c, reports_excluded_by_reason=(("not an RCT", 1),))
    with pytest.raises(PrismaBalanceError, match="negative"):
        dataclasses.replace(c, removed_other_reasons=-1)
    assert isinstance(c, PrismaCounts)


def test_more_decided_units_than_records_is_an_error() -> None:
    inputs = PrismaInputs(
        sources=(SourceCount("database", "MEDLINE", 1),),
        ta_events=(ScreeningEvent(1, 1, "include"), ScreeningEvent(2, 1, "exclude")),
    )
    with pytest.raises(PrismaBalanceError, match="2 records have title/abstract decisions"):
        derive_counts(inputs)


def test_invalid_source_kind() -> None:
    with pytest.raises(InputError, match="Invalid source kind 'web'"):
        SourceCount("web", "Google", 3)
