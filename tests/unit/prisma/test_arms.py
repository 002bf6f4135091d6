"""The other-methods column of the PRISMA 2020 diagram: it balances, and the main column
without it balances too."""

from __future__ import annotations

import pytest

from sysreview.prisma import PrismaInputs, SourceCount, derive_counts
from sysreview.prisma.arms import OtherMethodsFlow
from sysreview.prisma.decisions import ScreeningEvent as E
from sysreview.prisma.result import PrismaBalanceError

# records 1-5 from MEDLINE, 6-8 from citation searching; 6 duplicates 1
INPUTS = PrismaInputs(
    sources=(SourceCount("database", "MEDLINE", 5), SourceCount("other", "Citations", 3)),
    duplicate_pairs=((1, 6),),
    ta_events=(E(1, 9, "include"), E(2, 9, "exclude"), E(3, 9, "include"), E(4, 9, "exclude"),
               E(5, 9, "include"), E(7, 9, "include"), E(8, 9, "exclude")),
    ft_events=(E(1, 9, "include"), E(3, 9, "exclude", "Wrong population"),
               E(5, 9, "exclude", "Not retrieved"), E(7, 9, "exclude", "Wrong design")),
    study_reports=((100, 1),),
)  # fmt: skip
ARM = OtherMethodsFlow((("Citations", 3),), duplicates=1, ta_excluded=1, sought=1,
                       excluded=(("Wrong design", 1),))  # fmt: skip


def test_the_main_column_without_the_other_methods() -> None:
    counts = derive_counts(INPUTS)
    main = ARM.main_arm(counts)
    assert (main.records_other_methods, main.duplicates_removed, main.records_screened) == (0, 0, 5)
    assert (main.records_excluded, main.reports_sought, main.reports_not_retrieved) == (2, 3, 1)
    assert main.reports_excluded_by_reason == (("Wrong population", 1),)
    assert (main.reports_included, main.studies_included) == (1, 1)
    assert (ARM.records, ARM.not_sought, ARM.assessed, ARM.reports_excluded) == (3, 2, 1, 1)


def test_an_arm_that_does_not_balance_is_refused() -> None:
    with pytest.raises(PrismaBalanceError, match="3 records identified"):
        OtherMethodsFlow((("Citations", 3),), duplicates=1, sought=1)
    with pytest.raises(PrismaBalanceError, match="reports assessed"):
        OtherMethodsFlow((("Citations", 1),), sought=1, included=0)


def test_an_arm_that_is_not_part_of_the_counts_is_refused() -> None:
    big = OtherMethodsFlow((("Citations", 30),), ta_excluded=29, sought=1, included=1)
    with pytest.raises(PrismaBalanceError):
        big.main_arm(derive_counts(INPUTS))
