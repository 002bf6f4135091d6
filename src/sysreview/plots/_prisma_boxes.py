"""What each box of the PRISMA 2020 flow diagram says, from the derived counts.

The wording and order follow the PRISMA 2020 templates (Page et al. BMJ 2021;372:n71,
Fig. 1); counts of unfinished work (awaiting a decision, unresolved conflicts) are listed
in the exclusion boxes so every box balances. :mod:`sysreview.plots.prisma_flow` lays
the boxes out and draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sysreview.prisma.arms import OtherMethodsFlow
from sysreview.prisma.result import Counts, PrismaCounts


@dataclass(frozen=True)
class Line:
    """One line of a box: its text, indent level and weight."""

    text: str
    indent: int = 0
    bold: bool = False


def n_line(label: str, n: int, indent: int = 0, *, colon: bool = False) -> Line:
    """``"label (n = N)"``, with a colon when a list of its parts follows."""
    return Line(f"{label} (n = {n}){':' if colon else ''}", indent)


def source_lines(counts: Counts, indent: int) -> list[Line]:
    """One line per named count (sources, exclusion reasons)."""
    return [n_line(name, n, indent) for name, n in counts]


def box_lines(c: PrismaCounts) -> dict[str, list[Line]]:
    identified = [Line("Records identified from:")]
    identified += [n_line("Databases", c.records_databases, 1)]
    identified += source_lines(c.records_databases_by_source, 2)
    identified += [n_line("Registers", c.records_registers, 1)]
    identified += source_lines(c.records_registers_by_source, 2)
    ta = [n_line("Records excluded", c.records_excluded)]
    if c.awaiting_screening or c.conflicts_screening:
        ta += [
            n_line("Awaiting title/abstract decision", c.awaiting_screening),
            n_line("Unresolved title/abstract conflicts", c.conflicts_screening),
        ]
    ft = [n_line("Reports excluded", c.reports_excluded, colon=bool(c.reports_excluded_by_reason))]
    ft += source_lines(c.reports_excluded_by_reason, 1)
    if c.awaiting_full_text or c.conflicts_full_text:
        ft += [
            n_line("Awaiting full-text decision", c.awaiting_full_text),
            n_line("Unresolved full-text conflicts", c.conflicts_full_text),
        ]
    new = "new " if c.is_update else ""
    included = [
        n_line(("New studies" if new else "Studies") + " included in review", c.studies_included),
        n_line(f"Reports of {new}included studies", c.reports_included),
    ]
    if c.reports_included_without_study:
        included.append(
            n_line("Included reports not linked to a study", c.reports_included_without_study, 1)
        )
    boxes = {
        "identified": identified,
        "removed": [
            Line("Records removed before screening:"),
            n_line("Duplicate records removed", c.duplicates_removed, 1),
            n_line("Records marked as ineligible by automation tools", c.removed_by_automation, 1),
            n_line("Records removed for other reasons", c.removed_other_reasons, 1),
        ],
        "screened": [n_line("Records screened", c.records_screened)],
        "excluded_screening": ta,
        "sought": [n_line("Reports sought for retrieval", c.reports_sought)],
        "not_retrieved": [n_line("Reports not retrieved", c.reports_not_retrieved)],
        "assessed": [n_line("Reports assessed for eligibility", c.reports_assessed)],
        "excluded_full_text": ft,
        "included": included,
    }
    if c.is_update:
        boxes["previous"] = [
            n_line("Studies included in previous version of review", c.previous_studies),
            n_line("Reports of studies included in previous version of review", c.previous_reports),
        ]
        boxes["total"] = [
            n_line("Total studies included in review", c.total_studies),
            n_line("Reports of total included studies", c.total_reports),
        ]
    if c.records_other_methods:
        other = [Line("Records identified from:")]
        other += source_lines(c.records_other_methods_by_source, 1) or [
            n_line("Other methods", c.records_other_methods, 1)
        ]
        boxes["other"] = other
    return boxes


def arm_box_lines(o: OtherMethodsFlow) -> dict[str, list[Line]]:
    """The other-methods column's boxes (PRISMA 2020 template, right-hand column)."""
    removed = [Line("Records not sought:"), n_line("Duplicates", o.duplicates, 1),
               n_line("Excluded on title and abstract", o.ta_excluded, 1)]  # fmt: skip
    if o.ta_awaiting or o.ta_conflicts:
        removed += [n_line("Awaiting title/abstract decision", o.ta_awaiting, 1),
                    n_line("Unresolved title/abstract conflicts", o.ta_conflicts, 1)]  # fmt: skip
    excluded = [n_line("Reports excluded", o.reports_excluded, colon=bool(o.excluded))]
    excluded += source_lines(o.excluded, 1)
    if o.ft_awaiting or o.ft_conflicts:
        excluded += [n_line("Awaiting full-text decision", o.ft_awaiting),
                     n_line("Unresolved full-text conflicts", o.ft_conflicts)]  # fmt: skip
    return {
        "other": [Line("Records identified from:"), *source_lines(o.identified, 1)],
        "other_removed": removed,
        "other_sought": [n_line("Reports sought for retrieval", o.sought)],
        "other_not_retrieved": [n_line("Reports not retrieved", o.not_retrieved)],
        "other_assessed": [n_line("Reports assessed for eligibility", o.assessed)],
        "other_excluded": excluded,
    }


__all__ = ["Line", "arm_box_lines", "box_lines", "n_line", "source_lines"]
