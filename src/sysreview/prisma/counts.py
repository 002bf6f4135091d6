"""The boxes of the PRISMA 2020 flow diagram, derived from records, duplicates and decisions.

Counts are never typed in: :func:`derive_counts` computes them from
:class:`PrismaInputs` (records per source, confirmed duplicate links, screening events,
study–report links), and :class:`PrismaCounts` refuses numbers whose boxes do not balance.

The flow is that of Page et al. (2021), Fig. 1, for new reviews that searched databases,
registers and other sources, with one simplification the seed review also makes: records
from other methods join the same deduplication and screening stream as database and
register records (one "records screened" box), rather than a separate column.

References
----------
Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated guideline
for reporting systematic reviews. BMJ 2021;372:n71, Fig. 1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sysreview.errors import InputError
from sysreview.prisma.decisions import (
    CONFLICT,
    UNDECIDED,
    FinalDecision,
    ScreeningEvent,
    as_final,
    duplicate_groups,
    final_decisions,
)
from sysreview.prisma.result import Counts, PrismaBalanceError, PrismaCounts
from sysreview.screening.status import UnitStatus

__all__ = [
    "NOT_RETRIEVED_REASONS",
    "SOURCE_KINDS",
    "PrismaInputs",
    "RetrievalStatus",
    "SourceCount",
    "derive_counts",
    "retrieval_by_unit",
]

SOURCE_KINDS = ("database", "register", "other")
"""Where records come from, as in the identification boxes of PRISMA 2020 Fig. 1."""
NOT_RETRIEVED_REASONS = (
    "not retrieved",
    "full text not available",
    "full text not retrieved",
    "no full text",
)
"""Full-text exclusion reasons that mean "report not retrieved" (matched case-insensitively)."""
NO_REASON = "reason not recorded"
"""The label of full-text exclusions given without a reason."""


@dataclass(frozen=True)
class SourceCount:
    """Records identified from one source: its ``kind`` (:data:`SOURCE_KINDS`) and name."""

    kind: str
    name: str
    records: int

    def __post_init__(self) -> None:
        if self.kind not in SOURCE_KINDS:
            raise InputError(
                f"Invalid source kind {self.kind!r}; must be one of {', '.join(SOURCE_KINDS)}"
            )
        if self.records < 0:
            raise InputError(f"source {self.name!r}: negative record count {self.records}")


@dataclass(frozen=True)
class RetrievalStatus:
    """A report's recorded retrieval status: ``sought``, ``retrieved`` or ``not_retrieved``.

    ``order`` orders the statuses of the copies of one duplicate group (the latest wins);
    ``reason`` is why a report was not retrieved.
    """

    record_id: int
    status: str
    order: int = 0
    reason: str | None = None


@dataclass(frozen=True)
class PrismaInputs:
    """Everything the PRISMA 2020 counts are derived from (no counts of boxes).

    Attributes
    ----------
    sources
        Records identified, per source (one entry per kind and name; repeats are added).
    duplicate_pairs
        Record id pairs whose current duplicate status is *confirmed*.
    ta_events, ft_events
        Title/abstract and full-text screening events (full logs or current events).
    study_reports
        ``(study_id, record_id)`` links of reports to the studies they describe.
    removed_by_automation, removed_other_reasons
        Records removed before screening other than as duplicates (0 unless recorded).
    ta_status, ft_status
        Each unit's status at the stage under the protocol's assignments
        (:func:`sysreview.screening.status.unit_statuses`), when known; they replace
        the events' decisions, so a unit counts only once it is settled. Without them,
        every reviewer who decided a unit is taken as required.
    retrieval
        Each report's recorded retrieval status (the latest per record). A unit sought
        whose status is ``not_retrieved`` is a report not retrieved, whatever its
        full-text decisions; a unit without a recorded status falls back to the
        full-text exclusion reason (``not_retrieved_reasons``).
    """

    sources: tuple[SourceCount, ...]
    duplicate_pairs: tuple[tuple[int, int], ...] = ()
    ta_events: tuple[ScreeningEvent, ...] = ()
    ft_events: tuple[ScreeningEvent, ...] = ()
    study_reports: tuple[tuple[int, int], ...] = ()
    removed_by_automation: int = 0
    removed_other_reasons: int = 0
    ta_status: Mapping[int, UnitStatus] | None = None
    ft_status: Mapping[int, UnitStatus] | None = None
    retrieval: tuple[RetrievalStatus, ...] = ()


def _by_name(pairs: Iterable[tuple[str, int]]) -> Counts:
    counts: Counter[str] = Counter()
    for name, n in pairs:
        counts[name] += n
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _finals(
    status: Mapping[int, UnitStatus] | None,
    events: Iterable[ScreeningEvent],
    groups: Mapping[int, int],
) -> dict[int, FinalDecision]:
    """Each unit's final decision (settled, else conflict), leaving out undecided units."""
    finals = (
        final_decisions(events, groups)
        if status is None
        else {unit: as_final(s) for unit, s in status.items()}
    )
    return {u: d for u, d in finals.items() if d.decision != UNDECIDED}


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def retrieval_by_unit(
    statuses: Iterable[RetrievalStatus], groups: Mapping[int, int]
) -> dict[int, RetrievalStatus]:
    """Each unit's recorded retrieval status: the latest (by ``order``) of its copies'.

    Examples
    --------
    >>> s = [RetrievalStatus(1, "not_retrieved", 1, "no reply"), RetrievalStatus(2, "retrieved", 2)]
    >>> {u: r.status for u, r in retrieval_by_unit(s, {2: 1}).items()}
    {1: 'retrieved'}
    """
    latest: dict[int, RetrievalStatus] = {}
    for item in statuses:
        unit = groups.get(item.record_id, item.record_id)
        if unit not in latest or item.order >= latest[unit].order:
            latest[unit] = item
    return latest


def derive_counts(
    inputs: PrismaInputs,
    *,
    maybe_goes_forward: bool = True,
    not_retrieved_reasons: Sequence[str] = NOT_RETRIEVED_REASONS,
) -> PrismaCounts:
    """Derive the PRISMA 2020 boxes (Page et al. 2021, Fig. 1) from records and events.

    Parameters
    ----------
    inputs
        Records per source, confirmed duplicate links, screening events, study links.
    maybe_goes_forward
        Whether a final title/abstract "maybe" goes on to full-text retrieval (the usual
        policy); if ``False`` it counts as awaiting a title/abstract decision.
    not_retrieved_reasons
        Full-text exclusion reasons meaning "report not retrieved"; matched ignoring case
        and surrounding or repeated whitespace. Such exclusions count as reports not
        retrieved, not as eligibility exclusions.

    Returns
    -------
    PrismaCounts

    Raises
    ------
    PrismaBalanceError
        If the events describe more screening units than there are records to screen.

    Notes
    -----
    - Duplicates removed = sum over confirmed duplicate groups of (size - 1), over all
      sources; a group is a connected component of the confirmed links.
    - A screening unit is one record after duplicate removal; events on any copy of a
      group count for the group. Its final decision at each stage is its settled
      status (``ta_status``/``ft_status``: resolved, or final under the protocol's
      assignments); without statuses it follows
      :func:`sysreview.prisma.decisions.final_decision`. A unit that is not settled
      is awaiting a decision or, when its reviewers disagree, in conflict.
    - Records screened = identified - duplicates - automation - other reasons.
      Excluded = final TA "exclude"; sought = final TA "include" (and "maybe" when
      ``maybe_goes_forward``); the rest are awaiting or in conflict.
    - Of the units sought, those whose recorded retrieval status is ``not_retrieved``
      are "not retrieved" (the recorded status wins over any full-text decision);
      for a unit with no recorded status, a final FT exclusion with a not-retrieved
      reason is "not retrieved" (projects that record no statuses). Assessed = sought
      - not retrieved; the other final FT exclusions are counted per reason; final FT
      "include" units are the included reports. Full-text events and retrieval
      statuses of units not sought are ignored.
    - Studies included = distinct studies linked to any copy of an included report.

    Examples
    --------
    >>> from sysreview.prisma.decisions import ScreeningEvent as E
    >>> inputs = PrismaInputs(
    ...     sources=(SourceCount("database", "MEDLINE", 3), SourceCount("other", "Citations", 1)),
    ...     duplicate_pairs=((1, 4),),
    ...     ta_events=(E(1, 9, "include"), E(2, 9, "exclude"), E(3, 9, "include")),
    ...     ft_events=(E(1, 9, "include"), E(3, 9, "exclude", "Not retrieved")),
    ...     study_reports=((100, 4),),
    ... )
    >>> c = derive_counts(inputs)
    >>> c.duplicates_removed, c.records_screened, c.records_excluded, c.reports_sought
    (1, 3, 1, 2)
    >>> c.reports_not_retrieved, c.reports_assessed, c.reports_included, c.studies_included
    (1, 1, 1, 1)
    """
    sources = {
        kind: _by_name((s.name, s.records) for s in inputs.sources if s.kind == kind)
        for kind in SOURCE_KINDS
    }
    identified = sum(s.records for s in inputs.sources)
    groups = duplicate_groups(inputs.duplicate_pairs)
    n_groups = len(set(groups.values()))
    duplicates = len(groups) - n_groups
    screened = identified - duplicates - inputs.removed_by_automation - inputs.removed_other_reasons
    ta = _finals(inputs.ta_status, inputs.ta_events, groups)
    if len(ta) > screened:
        raise PrismaBalanceError(
            f"PRISMA boxes do not balance: {len(ta)} records have title/abstract decisions "
            f"but only {screened} records remain to screen after duplicates and removals"
        )
    forward = {"include", "maybe"} if maybe_goes_forward else {"include"}
    ta_states = Counter(d.decision for d in ta.values())
    sought = {unit for unit, d in ta.items() if d.decision in forward}
    ft_all = _finals(inputs.ft_status, inputs.ft_events, groups)
    ft = {u: d for u, d in ft_all.items() if u in sought}
    missing = {_key(reason) for reason in not_retrieved_reasons}
    recorded = {u: r.status for u, r in retrieval_by_unit(inputs.retrieval, groups).items()}
    not_retrieved = {u for u in sought if recorded.get(u) == "not_retrieved"} | {
        u
        for u, d in ft.items()
        if u not in recorded and d.decision == "exclude" and _key(d.reason or "") in missing
    }
    ft = {u: d for u, d in ft.items() if u not in not_retrieved}
    labels: dict[str, str] = {}
    reasons: Counter[str] = Counter()
    for unit in sorted(ft):
        d = ft[unit]
        if d.decision == "exclude":
            reason = " ".join(d.reason.split()) if d.reason and d.reason.strip() else NO_REASON
            reasons[labels.setdefault(reason.casefold(), reason)] += 1
    included = {unit for unit, d in ft.items() if d.decision == "include"}
    studies: dict[int, set[int]] = {}
    for study, record in inputs.study_reports:
        studies.setdefault(groups.get(record, record), set()).add(study)
    ft_states = Counter(d.decision for d in ft.values())
    return PrismaCounts(
        records_databases=sum(n for _, n in sources["database"]),
        records_databases_by_source=sources["database"],
        records_registers=sum(n for _, n in sources["register"]),
        records_registers_by_source=sources["register"],
        records_other_methods=sum(n for _, n in sources["other"]),
        records_other_methods_by_source=sources["other"],
        duplicates_removed=duplicates,
        duplicate_groups=n_groups,
        removed_by_automation=inputs.removed_by_automation,
        removed_other_reasons=inputs.removed_other_reasons,
        records_screened=screened,
        records_excluded=ta_states["exclude"],
        awaiting_screening=screened - len(ta) + (0 if maybe_goes_forward else ta_states["maybe"]),
        conflicts_screening=ta_states[CONFLICT],
        reports_sought=len(sought),
        reports_not_retrieved=len(not_retrieved),
        reports_assessed=len(sought) - len(not_retrieved),
        reports_excluded=ft_states["exclude"],
        reports_excluded_by_reason=_by_name(reasons.items()),
        awaiting_full_text=len(sought) - len(not_retrieved) - len(ft) + ft_states["maybe"],
        conflicts_full_text=ft_states[CONFLICT],
        reports_included=len(included),
        studies_included=len({s for u in included for s in studies.get(u, ())}),
        reports_included_without_study=sum(1 for u in included if u not in studies),
        maybe_goes_forward=maybe_goes_forward,
    )
