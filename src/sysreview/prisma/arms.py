"""The 'identification of studies via other methods' arm of the PRISMA 2020 diagram.

sysreview de-duplicates and screens records from every source together, so
:class:`~sysreview.prisma.PrismaCounts` holds one stream. The PRISMA 2020 template for
reviews that searched databases, registers and other sources (Page et al. 2021, Fig. 1)
draws records from other methods (citation searching, websites, contacting authors) in a
column of their own: records identified, reports sought, not retrieved, assessed and
excluded with reasons, joining the included studies. :class:`OtherMethodsFlow` holds that
column, counted over the screening units made only of other-methods records (a unit with
any database or register record stays in the main column, and its other-methods records
count as duplicates here); :meth:`OtherMethodsFlow.main_arm` takes it out of the single
stream so that both columns balance.

References
----------
Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated guideline
for reporting systematic reviews. BMJ 2021;372:n71, Fig. 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from sysreview.prisma.result import Counts, PrismaBalanceError, PrismaCounts


def _sum(counts: Counts) -> int:
    return sum(n for _, n in counts)


@dataclass(frozen=True)
class OtherMethodsFlow:
    """The other-methods column (see the module docstring), checked to balance.

    ``duplicates`` counts other-methods records that were duplicates (of each other or of
    database and register records); the title/abstract counts are the units of this arm
    excluded, awaiting or in conflict at title and abstract (records not sought).
    """

    identified: Counts
    duplicates: int = 0
    ta_excluded: int = 0
    ta_awaiting: int = 0
    ta_conflicts: int = 0
    sought: int = 0
    not_retrieved: int = 0
    excluded: Counts = ()
    included: int = 0
    ft_awaiting: int = 0
    ft_conflicts: int = 0

    def __post_init__(self) -> None:
        parts = (self.duplicates, self.ta_excluded, self.ta_awaiting, self.ta_conflicts,
                 self.sought)  # fmt: skip
        if self.records != sum(parts):
            raise PrismaBalanceError(
                f"other methods: {self.records} records identified != duplicates + not sought "
                f"at title/abstract + sought ({' + '.join(map(str, parts))})"
            )
        if self.assessed < 0 or self.assessed != (
            self.reports_excluded + self.included + self.ft_awaiting + self.ft_conflicts
        ):
            raise PrismaBalanceError(
                f"other methods: {self.assessed} reports assessed != excluded "
                f"({self.reports_excluded}) + included ({self.included}) + awaiting "
                f"({self.ft_awaiting}) + conflicts ({self.ft_conflicts})"
            )

    @property
    def records(self) -> int:
        """Records identified by other methods."""
        return _sum(self.identified)

    @property
    def not_sought(self) -> int:
        """Records not sought: duplicates, excluded, awaiting or in conflict at screening."""
        return self.duplicates + self.ta_excluded + self.ta_awaiting + self.ta_conflicts

    @property
    def assessed(self) -> int:
        """Reports assessed for eligibility."""
        return self.sought - self.not_retrieved

    @property
    def reports_excluded(self) -> int:
        """Reports excluded at full text (all reasons)."""
        return _sum(self.excluded)

    def main_arm(self, counts: PrismaCounts) -> PrismaCounts:
        """``counts`` without this arm: the main column (databases and registers).

        Its boxes balance again (:class:`PrismaBalanceError` when this arm is not part of
        ``counts``). The included studies stay the review's total.
        """
        reasons: dict[str, int] = dict(counts.reports_excluded_by_reason)
        for reason, n in self.excluded:
            key = next((k for k in reasons if k.casefold() == reason.casefold()), reason)
            reasons[key] = reasons.get(key, 0) - n
        excluded = tuple(sorted(((k, v) for k, v in reasons.items() if v),
                                key=lambda kv: (-kv[1], kv[0])))  # fmt: skip
        included = counts.reports_included - self.included
        return replace(
            counts,
            records_other_methods=0,
            records_other_methods_by_source=(),
            duplicates_removed=counts.duplicates_removed - self.duplicates,
            records_screened=counts.records_screened - (self.records - self.duplicates),
            records_excluded=counts.records_excluded - self.ta_excluded,
            awaiting_screening=counts.awaiting_screening - self.ta_awaiting,
            conflicts_screening=counts.conflicts_screening - self.ta_conflicts,
            reports_sought=counts.reports_sought - self.sought,
            reports_not_retrieved=counts.reports_not_retrieved - self.not_retrieved,
            reports_assessed=counts.reports_assessed - self.assessed,
            reports_excluded=counts.reports_excluded - self.reports_excluded,
            reports_excluded_by_reason=excluded,
            awaiting_full_text=counts.awaiting_full_text - self.ft_awaiting,
            conflicts_full_text=counts.conflicts_full_text - self.ft_conflicts,
            reports_included=included,
            reports_included_without_study=min(counts.reports_included_without_study, included),
        )


def count_reasons(reasons: Mapping[str, int]) -> Counts:
    """``(reason, n)`` pairs, largest first (as :class:`PrismaCounts` lists them)."""
    return tuple(sorted(((k, v) for k, v in reasons.items() if v), key=lambda kv: (-kv[1], kv[0])))


__all__ = ["OtherMethodsFlow", "count_reasons"]
