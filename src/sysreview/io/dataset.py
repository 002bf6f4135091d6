"""What an outside data file holds, in the shape of the project's own extraction sheets.

Every adapter of :mod:`sysreview.io` reads its format into one :class:`Dataset`:

* ``studies``, ``arms``, ``outcomes`` -- rows of the extraction form's three parts, keyed
  by the form's field names exactly as a filled template is (``study_id``, ``year``,
  ``arm``, ``arm_type``, ``domain``, ``measure``, ``weeks_after_end``, ``mean``, ``sd``,
  ``n``, ``events``, ``mean_change``, ... see :mod:`sysreview.extraction.forms`), each
  with its ``location`` in the file (``"data.csv, row 8"``) and a ``note`` where the
  adapter did something a reader should know;
* ``rob`` -- risk-of-bias judgements as the file gives them (:class:`RobRow`);
* ``counts`` -- PRISMA counts the file reports, of work done outside the project
  (:class:`~sysreview.prisma.OtherSourceCounts`);
* ``skipped`` -- the file's rows the adapter did not use, each with the reason.

The project stores a dataset as it stores a sheet (the same validation, events with the
reviewer, kind and location; ``sysreview.project.extracting.datasets``), so the analysis and the
report never know which format the numbers came from. Pure: no files, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sysreview.prisma import OtherSourceCounts

__all__ = ["Dataset", "RobRow", "Row", "Skipped"]

Row = Mapping[str, Any]
"""One row of a part of the extraction form, by field name (as in a filled template)."""


@dataclass(frozen=True)
class RobRow:
    """One study's (or one result's) risk-of-bias judgements, as a file gives them.

    ``judgements`` maps each domain of the tool (:class:`~sysreview.protocol.appraisal.Tool`
    names, e.g. ``randomisation_process``) to a judgement in the tool's vocabulary
    (``low``, ``some_concerns``, ``high``; RoB 1 ``unclear``). ``overall`` is the
    assessors' own overall judgement when the file gives one (RoB 2 lets assessors rate a
    result high for several domains with some concerns, Sterne et al. 2019), else
    ``None``: the protocol's rule gives it. ``result`` names the result assessed (RoB 2
    per result; ``None``: all the study's results). ``support`` gives, by domain, the
    support for the judgement where the file has one (a quote, the reason).
    """

    study: str
    tool: str
    judgements: Mapping[str, str]
    overall: str | None = None
    result: str | None = None
    location: str | None = None
    support: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "judgements", MappingProxyType(dict(self.judgements)))
        object.__setattr__(self, "support", MappingProxyType(dict(self.support)))


@dataclass(frozen=True)
class Skipped:
    """A row of the file the adapter left out, and why (``location`` as in the rows)."""

    location: str
    reason: str


@dataclass(frozen=True)
class Dataset:
    """An outside file read into the extraction form's rows (see the module docstring).

    Attributes
    ----------
    source
        The file read (as given).
    format
        The adapter's name (:data:`sysreview.io.FORMATS`).
    studies, arms, outcomes
        Rows of the form's parts.
    rob
        Risk-of-bias judgements.
    counts
        PRISMA counts from another source, when the file reports them.
    skipped
        Rows of the file not used, with the reason.
    """

    source: str
    format: str
    studies: tuple[Row, ...] = ()
    arms: tuple[Row, ...] = ()
    outcomes: tuple[Row, ...] = ()
    rob: tuple[RobRow, ...] = ()
    counts: OtherSourceCounts | None = None
    skipped: tuple[Skipped, ...] = field(default=())

    @property
    def study_labels(self) -> tuple[str, ...]:
        """Every study the rows and judgements name, in order of first appearance."""
        named = [r["study_id"] for part in (self.studies, self.arms, self.outcomes) for r in part]
        named += [r.study for r in self.rob]
        return tuple(dict.fromkeys(str(s) for s in named))

    def rows(self) -> dict[str, list[tuple[int, dict[str, Any]]]]:
        """The rows of each part numbered from 1, as the extraction services take them."""
        parts = (("studies", self.studies), ("arms", self.arms), ("outcomes", self.outcomes))
        return {part: [(i, dict(r)) for i, r in enumerate(rows, start=1)] for part, rows in parts}

    def summary(self) -> str:
        """What the file holds: rows per part, judgements, counts and rows left out.

        Examples
        --------
        >>> rows = ({"study_id": "Cook 2012", "arm": "peer", "arm_type": "intervention"},)
        >>> print(Dataset("a.csv", "metafor-csv", arms=rows).summary())
        ... # doctest: +NORMALIZE_WHITESPACE
        a.csv (metafor-csv): 1 studies; 0 study rows, 1 arm rows, 0 outcome rows;
        0 risk-of-bias rows
        """
        lines = [
            f"{self.source} ({self.format}): {len(self.study_labels)} studies; "
            f"{len(self.studies)} study rows, {len(self.arms)} arm rows, "
            f"{len(self.outcomes)} outcome rows; {len(self.rob)} risk-of-bias rows"
        ]
        if self.counts is not None:
            lines.append(f"PRISMA counts from another source: {self.counts.source}")
        if self.skipped:
            lines.append(f"{len(self.skipped)} rows not used:")
            lines += [f"  {s.location}: {s.reason}" for s in self.skipped]
        return "\n".join(lines)
