"""PRISMA 2020 flow diagram counts, derived from records, duplicate groups and decisions.

The core is pure: :func:`derive_counts` turns :class:`PrismaInputs` into balanced
:class:`PrismaCounts`; counts of work done outside the project are added by
:func:`combine_counts` (:mod:`sysreview.prisma.other`); reading them from a project store
is :func:`sysreview.project.reporting.prisma_data.prisma_counts`.

Examples
--------
>>> from sysreview.prisma import PrismaInputs, ScreeningEvent as E, SourceCount, derive_counts
>>> counts = derive_counts(PrismaInputs(
...     sources=(SourceCount("database", "MEDLINE", 3), SourceCount("register", "WHO ICTRP", 1)),
...     duplicate_pairs=((1, 4),),
...     ta_events=(E(1, 7, "include"), E(2, 7, "exclude"), E(3, 7, "include"),
...                E(3, 8, "exclude"), E(3, 9, "include", resolution=True)),
...     ft_events=(E(1, 7, "include"), E(3, 7, "exclude", "not an RCT")),
...     study_reports=((1, 1),),
... ))
>>> print(counts.summary())
PRISMA 2020 flow diagram
Identification
  Records identified from databases (n = 3)
      MEDLINE (n = 3)
  Records identified from registers (n = 1)
      WHO ICTRP (n = 1)
  Records identified from other methods (n = 0)
  Records removed before screening:
    Duplicate records removed (n = 1)
    Records marked as ineligible by automation tools (n = 0)
    Records removed for other reasons (n = 0)
Screening
  Records screened (n = 3)
    Records excluded (n = 1)
  Reports sought for retrieval (n = 2)
    Reports not retrieved (n = 0)
  Reports assessed for eligibility (n = 2)
    Reports excluded (n = 1)
        not an RCT (n = 1)
Included
  Studies included in review (n = 1)
  Reports of included studies (n = 1)
>>> counts.to_dict()["reports_excluded_by_reason"]
{'not an RCT': 1}

References
----------
Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated guideline
for reporting systematic reviews. BMJ 2021;372:n71.
"""

from sysreview.prisma.counts import (
    NOT_RETRIEVED_REASONS,
    SOURCE_KINDS,
    PrismaInputs,
    RetrievalStatus,
    SourceCount,
    derive_counts,
)
from sysreview.prisma.decisions import (
    CONFLICT,
    UNDECIDED,
    FinalDecision,
    ScreeningEvent,
    duplicate_groups,
    final_decision,
    final_decisions,
)
from sysreview.prisma.other import OtherSourceCounts, combine_counts, counts_from_dict
from sysreview.prisma.result import PrismaBalanceError, PrismaCounts

__all__ = [
    "CONFLICT",
    "NOT_RETRIEVED_REASONS",
    "SOURCE_KINDS",
    "UNDECIDED",
    "FinalDecision",
    "OtherSourceCounts",
    "PrismaBalanceError",
    "PrismaCounts",
    "PrismaInputs",
    "RetrievalStatus",
    "ScreeningEvent",
    "SourceCount",
    "combine_counts",
    "counts_from_dict",
    "derive_counts",
    "duplicate_groups",
    "final_decision",
    "final_decisions",
]
