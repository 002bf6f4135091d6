"""The result: the boxes of the PRISMA 2020 flow diagram, checked to balance on construction.

References
----------
Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated guideline
for reporting systematic reviews. BMJ 2021;372:n71, Fig. 1.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from sysreview.errors import SysreviewError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Counts", "PrismaBalanceError", "PrismaCounts"]

_SUMS = ("conflicts", "total_studies", "total_reports")
"""Sums of other boxes in :meth:`PrismaCounts.to_dict`, not rows of the tidy frame."""

Counts = tuple[tuple[str, int], ...]
"""``(name, count)`` pairs, largest count first."""


class PrismaBalanceError(SysreviewError):
    """The data do not give balanced PRISMA boxes (the message names the broken equation)."""


def _check(name: str, left: int, parts: dict[str, int] | Counts) -> None:
    pairs = tuple(parts.items()) if isinstance(parts, dict) else parts
    total = sum(v for _, v in pairs)
    if left != total:
        terms = " + ".join(f"{k} ({v})" for k, v in pairs)
        raise PrismaBalanceError(
            f"PRISMA boxes do not balance: {name} ({left}) != {terms} = {total}"
        )


@dataclass(frozen=True)
class PrismaCounts:
    """The boxes of the PRISMA 2020 flow diagram (Page et al. 2021, Fig. 1), balanced.

    ``*_by_source`` and ``reports_excluded_by_reason`` are ``(name, count)`` pairs, largest
    first. ``awaiting_*`` counts units nobody has decided yet (or left at "maybe");
    ``conflicts_*`` counts units whose reviewers disagree, unresolved by an arbiter.
    ``other_sources`` names the counts from another source the boxes include (work done
    outside the project, as that source reported it: :mod:`sysreview.prisma.other`).

    For an updated review, ``previous_studies`` and ``previous_reports`` are the studies
    (and their reports) included in the previous version of the review (PRISMA 2020 Fig. 1,
    template for updated reviews); ``studies_included`` and ``reports_included`` are then
    the *new* studies and reports, and :attr:`total_studies` and :attr:`total_reports` add
    both. A review with no previous version has both at 0 (:attr:`is_update` is False).

    Notes
    -----
    Checked on construction (:class:`PrismaBalanceError` otherwise), with identified =
    databases + registers + other methods:

    - identified = duplicates + automation + other reasons + screened
    - screened = excluded (TA) + sought + awaiting (TA) + conflicts (TA)
    - sought = not retrieved + assessed
    - assessed = excluded (FT) + included reports + awaiting (FT) + conflicts (FT)
    - each per-source list sums to its total; the per-reason list sums to excluded (FT)
    - included reports without a study <= included reports (a report may describe
      several studies, so studies included is not bounded by reports included)
    """

    records_databases: int
    records_databases_by_source: Counts
    records_registers: int
    records_registers_by_source: Counts
    records_other_methods: int
    records_other_methods_by_source: Counts
    duplicates_removed: int
    duplicate_groups: int
    removed_by_automation: int
    removed_other_reasons: int
    records_screened: int
    records_excluded: int
    awaiting_screening: int
    conflicts_screening: int
    reports_sought: int
    reports_not_retrieved: int
    reports_assessed: int
    reports_excluded: int
    reports_excluded_by_reason: Counts
    awaiting_full_text: int
    conflicts_full_text: int
    reports_included: int
    studies_included: int
    reports_included_without_study: int
    maybe_goes_forward: bool = True
    other_sources: tuple[str, ...] = ()
    previous_studies: int = 0
    previous_reports: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise PrismaBalanceError(f"PRISMA box {f.name} is negative ({value})")
        for total, detail in (
            ("records_databases", "records_databases_by_source"),
            ("records_registers", "records_registers_by_source"),
            ("records_other_methods", "records_other_methods_by_source"),
            ("reports_excluded", "reports_excluded_by_reason"),
        ):
            _check(total, getattr(self, total), getattr(self, detail))
        _check(
            "records_identified",
            self.records_identified,
            {
                "duplicates_removed": self.duplicates_removed,
                "removed_by_automation": self.removed_by_automation,
                "removed_other_reasons": self.removed_other_reasons,
                "records_screened": self.records_screened,
            },
        )
        _check(
            "records_screened",
            self.records_screened,
            {
                "records_excluded": self.records_excluded,
                "reports_sought": self.reports_sought,
                "awaiting_screening": self.awaiting_screening,
                "conflicts_screening": self.conflicts_screening,
            },
        )
        _check(
            "reports_sought",
            self.reports_sought,
            {
                "reports_not_retrieved": self.reports_not_retrieved,
                "reports_assessed": self.reports_assessed,
            },
        )
        _check(
            "reports_assessed",
            self.reports_assessed,
            {
                "reports_excluded": self.reports_excluded,
                "reports_included": self.reports_included,
                "awaiting_full_text": self.awaiting_full_text,
                "conflicts_full_text": self.conflicts_full_text,
            },
        )
        if self.reports_included_without_study > self.reports_included:
            raise PrismaBalanceError(
                f"PRISMA boxes do not balance: {self.reports_included_without_study} included "
                f"reports lack a study, but only {self.reports_included} reports are included"
            )

    @property
    def records_identified(self) -> int:
        """All records identified: databases + registers + other methods."""
        return self.records_databases + self.records_registers + self.records_other_methods

    @property
    def is_update(self) -> bool:
        """Whether the counts include studies of a previous version of the review."""
        return bool(self.previous_studies or self.previous_reports)

    @property
    def total_studies(self) -> int:
        """Studies included in the review: new + included in the previous version."""
        return self.studies_included + self.previous_studies

    @property
    def total_reports(self) -> int:
        """Reports of the included studies: new + of the previous version's studies."""
        return self.reports_included + self.previous_reports

    @property
    def conflicts(self) -> int:
        """Unresolved disagreements at both stages."""
        return self.conflicts_screening + self.conflicts_full_text

    def to_dict(self) -> dict[str, Any]:
        """Every box as JSON-ready values; per-source and per-reason lists become dicts."""
        out: dict[str, Any] = {"records_identified": self.records_identified}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "other_sources":
                out[f.name] = list(value)
            else:
                out[f.name] = dict(value) if isinstance(value, tuple) else value
        out["conflicts"] = self.conflicts
        out["total_studies"] = self.total_studies
        out["total_reports"] = self.total_reports
        return out

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per box (and per source or reason): ``section, box, detail, count``."""
        import pandas as pd

        section = "identification"
        rows: list[dict[str, Any]] = []
        for key, value in self.to_dict().items():
            if key == "records_screened":
                section = "screening"
            elif key == "reports_included":
                section = "included"
            if isinstance(value, dict):
                rows += [
                    {"section": section, "box": key, "detail": name, "count": n}
                    for name, n in value.items()
                ]
            elif not isinstance(value, bool | list) and key not in _SUMS:
                rows.append({"section": section, "box": key, "detail": None, "count": value})
        return pd.DataFrame(rows, columns=["section", "box", "detail", "count"])

    def summary(self) -> str:
        """The flow as indented text, box by box, in the order of PRISMA 2020 Fig. 1."""

        def box(label: str, n: int, detail: Counts = (), indent: int = 2) -> list[str]:
            pad = " " * indent
            return [f"{pad}{label} (n = {n})"] + [f"{pad}    {k} (n = {v})" for k, v in detail]

        lines = ["PRISMA 2020 flow diagram", "Identification"]
        lines += box(
            "Records identified from databases",
            self.records_databases,
            self.records_databases_by_source,
        )
        lines += box(
            "Records identified from registers",
            self.records_registers,
            self.records_registers_by_source,
        )
        lines += box(
            "Records identified from other methods",
            self.records_other_methods,
            self.records_other_methods_by_source,
        )
        lines.append("  Records removed before screening:")
        lines += box("Duplicate records removed", self.duplicates_removed, indent=4)
        lines += box(
            "Records marked as ineligible by automation tools", self.removed_by_automation, indent=4
        )
        lines += box("Records removed for other reasons", self.removed_other_reasons, indent=4)
        lines.append("Screening")
        lines += box("Records screened", self.records_screened)
        lines += box("Records excluded", self.records_excluded, indent=4)
        if self.awaiting_screening or self.conflicts_screening:
            lines += box("Awaiting title/abstract decision", self.awaiting_screening, indent=4)
            lines += box("Unresolved title/abstract conflicts", self.conflicts_screening, indent=4)
        lines += box("Reports sought for retrieval", self.reports_sought)
        lines += box("Reports not retrieved", self.reports_not_retrieved, indent=4)
        lines += box("Reports assessed for eligibility", self.reports_assessed)
        lines += box(
            "Reports excluded", self.reports_excluded, self.reports_excluded_by_reason, indent=4
        )
        if self.awaiting_full_text or self.conflicts_full_text:
            lines += box("Awaiting full-text decision", self.awaiting_full_text, indent=4)
            lines += box("Unresolved full-text conflicts", self.conflicts_full_text, indent=4)
        lines.append("Included")
        if self.is_update:
            lines += box("Studies included in previous version of review", self.previous_studies)
            lines += box(
                "Reports of studies included in previous version of review",
                self.previous_reports,
            )
            lines += box("New studies included in review", self.studies_included)
            lines += box("Reports of new included studies", self.reports_included)
            lines += box("Total studies included in review", self.total_studies)
            lines += box("Reports of total included studies", self.total_reports)
        else:
            lines += box("Studies included in review", self.studies_included)
            lines += box("Reports of included studies", self.reports_included)
        if self.reports_included_without_study:
            lines += box(
                "Included reports not linked to a study",
                self.reports_included_without_study,
                indent=4,
            )
        if self.other_sources:
            lines.append("Counts from another source included:")
            lines += [f"  {source}" for source in self.other_sources]
        return "\n".join(lines)
