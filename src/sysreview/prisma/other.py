"""PRISMA 2020 counts from another source: work a project did not do itself, recorded as such.

A review sometimes builds on identification and screening done elsewhere: an earlier
search and screening run in another tool, another team's search whose included studies
the review re-assesses, the previous version of the review. Those records are not in the
project, so their counts cannot be derived from it; PRISMA 2020 asks that the flow
diagram still report them, and that the report say where they come from (Page et al.
2021, item 16a and Fig. 1, whose templates for updated reviews and for "other sources"
carry counts the authors take from earlier work).

:class:`OtherSourceCounts` holds such counts with the source that reported them;
:func:`combine_counts` adds them, box by box, to the counts the project derives from its
own records and decisions (:func:`sysreview.prisma.derive_counts`), and the result names
every source it includes (:attr:`PrismaCounts.other_sources`). Adding is sound because every
box of the diagram is a count of records, reports or studies and the balance equations of
:class:`PrismaCounts` are sums: two balanced flows add up to a balanced flow. Pure: no
files, no database.

References
----------
Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated guideline
for reporting systematic reviews. BMJ 2021;372:n71.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from sysreview.errors import InputError
from sysreview.prisma.result import Counts, PrismaBalanceError, PrismaCounts

__all__ = ["OtherSourceCounts", "combine_counts", "counts_from_dict"]

_LISTS = (
    "records_databases_by_source",
    "records_registers_by_source",
    "records_other_methods_by_source",
    "reports_excluded_by_reason",
)
_FLAGS = ("maybe_goes_forward", "other_sources")


@dataclass(frozen=True)
class OtherSourceCounts:
    """PRISMA 2020 counts as another source reports them.

    Attributes
    ----------
    source
        Who reported the counts, as the report will cite them (e.g. ``"Smit et al. 2023,
        Metapsy peer-support dataset (doi:10.5281/zenodo.7687898): search flow"``).
    counts
        The boxes, balanced.
    note
        How the counts were taken or changed (e.g. studies of the source's flow that this
        review excludes, counted as full-text exclusions), or ``None``.
    """

    source: str
    counts: PrismaCounts
    note: str | None = None

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise InputError("counts from another source need the source that reported them")

    def describe(self) -> str:
        """The source, then the note in parentheses (as the report and the diagram say it).

        Examples
        --------
        >>> from sysreview.prisma import PrismaInputs, derive_counts
        >>> none = derive_counts(PrismaInputs(sources=()))
        >>> OtherSourceCounts("Earlier search (Covidence)", none, "exported 2024-01-05").describe()
        'Earlier search (Covidence) (exported 2024-01-05)'
        """
        return self.source if not self.note else f"{self.source} ({self.note})"


def _merge(lists: Iterable[Counts]) -> Counts:
    """``(name, count)`` pairs added by name, largest first; ties keep their first order."""
    total: dict[str, int] = {}
    for pairs in lists:
        for name, n in pairs:
            total[name] = total.get(name, 0) + n
    return tuple(sorted(total.items(), key=lambda kv: -kv[1]))


def combine_counts(own: PrismaCounts, others: Sequence[OtherSourceCounts]) -> PrismaCounts:
    """The project's own counts plus counts from other sources, box by box.

    Parameters
    ----------
    own
        Counts derived from the project's records and decisions.
    others
        Counts from other sources (none: ``own`` is returned unchanged).

    Returns
    -------
    PrismaCounts
        Every box the sum of the same box in ``own`` and ``others``; per-source and
        per-reason lists added by name; ``maybe_goes_forward`` as in ``own``;
        ``other_sources`` naming each of ``others`` (:meth:`OtherSourceCounts.describe`).

    Examples
    --------
    >>> from sysreview.prisma import PrismaInputs, SourceCount, derive_counts
    >>> own = derive_counts(PrismaInputs(sources=(SourceCount("database", "MEDLINE", 2),)))
    >>> earlier = counts_from_dict({"records_databases": 10,
    ...     "records_databases_by_source": {"MEDLINE": 10}, "records_screened": 10,
    ...     "records_excluded": 9, "reports_sought": 1, "reports_assessed": 1,
    ...     "reports_included": 1, "studies_included": 1})
    >>> both = combine_counts(own, [OtherSourceCounts("Earlier search", earlier)])
    >>> both.records_databases_by_source, both.studies_included, both.other_sources
    ((('MEDLINE', 12),), 1, ('Earlier search',))
    """
    if not others:
        return own
    every = (own, *(o.counts for o in others))
    values: dict[str, object] = {}
    for f in fields(PrismaCounts):
        if f.name in _LISTS:
            values[f.name] = _merge(getattr(c, f.name) for c in every)
        elif f.name not in _FLAGS:
            values[f.name] = sum(getattr(c, f.name) for c in every)
    return PrismaCounts(
        **values,  # type: ignore[arg-type]
        maybe_goes_forward=own.maybe_goes_forward,
        other_sources=(*own.other_sources, *(o.describe() for o in others)),
    )


_INTS = tuple(f.name for f in fields(PrismaCounts) if f.name not in _LISTS and f.name not in _FLAGS)


def counts_from_dict(values: dict[str, object], *, source: str = "counts") -> PrismaCounts:
    """:class:`PrismaCounts` from a mapping of box names.

    Box names as :meth:`PrismaCounts.to_dict` writes them; a box not given is 0, a list not
    given is empty.

    ``records_identified``, ``conflicts``, ``total_studies`` and ``total_reports`` (sums of
    other boxes) are checked when given, never used. ``previous_studies`` and
    ``previous_reports`` are the studies (and reports) included in the previous version of
    an updated review.

    Raises
    ------
    InputError
        An unknown box, a value that is not a whole number of at least 0, a list that is
        not ``{name: count}``, or boxes that do not balance (naming the equation).
    """
    sums = ("records_identified", "conflicts", "total_studies", "total_reports")
    known = set(_INTS) | set(_LISTS) | set(sums)
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(
            f"unknown PRISMA box {unknown[0]!r}; the boxes are {', '.join(sorted(known))}",
            source=source,
        )

    def count(name: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(
                f"{name}: must be a whole number of at least 0, not {value!r}", source=source
            )
        return value

    ints = {name: count(name, values.get(name, 0)) for name in _INTS}
    lists: dict[str, Counts] = {}
    for name in _LISTS:
        given = values.get(name, {})
        if not isinstance(given, dict):
            raise InputError(f"{name}: must be a table of {{name: count}}", source=source)
        pairs = {str(k): count(f"{name}.{k}", v) for k, v in given.items()}
        lists[name] = tuple(sorted(pairs.items(), key=lambda kv: -kv[1]))
    try:
        counts = PrismaCounts(**ints, **lists)  # type: ignore[arg-type]
    except PrismaBalanceError as exc:  # say which file
        raise InputError(str(exc), source=source) from None
    for name in sums:
        total = getattr(counts, name)
        if name in values and count(name, values[name]) != total:
            raise InputError(
                f"{name} is {values[name]}, but its boxes add up to {total}", source=source
            )
    return counts
