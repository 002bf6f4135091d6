"""PRISMA 2020 counts from a Metapsy dataset's search flow (``search_flow.json``).

:func:`prisma_from_search_flow` turns the dataset's flow (hits, additional records,
deduplicated, screened, full texts assessed and excluded by reason, included) into
:class:`~sysreview.prisma.result.PrismaCounts`, checking that the boxes balance. Pure: it
takes the parsed JSON or its text; no files, no printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sysreview.errors import InputError
from sysreview.prisma.result import Counts, PrismaBalanceError, PrismaCounts
from sysreview.records.jsontext import parse_json

__all__ = ["prisma_from_search_flow"]


def _flow_int(flow: Mapping[str, Any], key: str, source: str) -> int:
    value = flow.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"{key!r} must be a count, not {value!r}", source=source)
    return value


def prisma_from_search_flow(
    flow: Mapping[str, Any] | str,
    *,
    source: str = "search_flow.json",
    database_label: str = "Databases (not itemised)",
    other_label: str = "Additional records",
    extra_exclusions: Mapping[str, int] | None = None,
) -> PrismaCounts:
    """PRISMA 2020 counts from a Metapsy ``search_flow.json`` (parsed, or its text).

    Identified = ``database.hits`` + ``additional.records``; duplicates removed = identified
    - ``database.hits.duplicates.removed``; any remaining gap to ``records.screened`` is
    "removed for other reasons"; records excluded = screened - full texts assessed; full-text
    exclusions are ``full.text.excluded.reasons`` (largest first) plus ``extra_exclusions``
    (e.g. a review's own selection among the included studies). The dataset reports no
    per-database split, no duplicate groups and no reports not retrieved: given as one
    source, 0 and 0.

    Raises
    ------
    InputError
        A missing or non-count entry, or included != assessed - excluded.
    """
    if isinstance(flow, str):
        flow = parse_json(flow, source)
    if not isinstance(flow, Mapping):
        raise InputError("the search flow must be a JSON object", source=source)
    hits = _flow_int(flow, "database.hits", source)
    other = _flow_int(flow, "additional.records", source)
    deduplicated = _flow_int(flow, "database.hits.duplicates.removed", source)
    screened = _flow_int(flow, "records.screened", source)
    assessed = _flow_int(flow, "full.text.assessed.for.eligibility", source)
    included = _flow_int(flow, "included", source)
    reasons = flow.get("full.text.excluded.reasons")
    if not isinstance(reasons, Mapping):
        raise InputError("'full.text.excluded.reasons' must be an object", source=source)
    counted = {str(k): _flow_int(reasons, k, source) for k in reasons}
    excluded = sum(counted.values())
    if assessed - excluded != included:
        raise InputError(
            f"full texts assessed ({assessed}) - excluded ({excluded}) != included ({included})",
            source=source,
        )
    extra = dict(extra_exclusions or {})
    if sum(extra.values()) > included:
        raise InputError(f"extra exclusions {extra} exceed the {included} included", source=source)
    counted.update(extra)
    by_reason = tuple(sorted(counted.items(), key=lambda kv: -kv[1]))
    studies = included - sum(extra.values())
    try:
        return _counts(
            hits,
            other,
            deduplicated,
            screened,
            assessed,
            excluded,
            studies,
            by_reason,
            extra,
            database_label,
            other_label,
        )
    except PrismaBalanceError as exc:  # e.g. more records screened than left after duplicates
        raise InputError(f"the flow's counts do not fit together: {exc}", source=source) from None


def _counts(
    hits: int,
    other: int,
    deduplicated: int,
    screened: int,
    assessed: int,
    excluded: int,
    studies: int,
    by_reason: Counts,
    extra: Mapping[str, int],
    database_label: str,
    other_label: str,
) -> PrismaCounts:
    return PrismaCounts(
        records_databases=hits,
        records_databases_by_source=((database_label, hits),),
        records_registers=0,
        records_registers_by_source=(),
        records_other_methods=other,
        records_other_methods_by_source=((other_label, other),) if other else (),
        duplicates_removed=hits + other - deduplicated,
        duplicate_groups=0,
        removed_by_automation=0,
        removed_other_reasons=deduplicated - screened,
        records_screened=screened,
        records_excluded=screened - assessed,
        awaiting_screening=0,
        conflicts_screening=0,
        reports_sought=assessed,
        reports_not_retrieved=0,
        reports_assessed=assessed,
        reports_excluded=excluded + sum(extra.values()),
        reports_excluded_by_reason=by_reason,
        awaiting_full_text=0,
        conflicts_full_text=0,
        reports_included=studies,
        studies_included=studies,
        reports_included_without_study=0,
    )
