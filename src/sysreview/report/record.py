"""What the project holds about how the review was done: the record the report describes.

The results records (:mod:`.records`) say what the synthesis found; a :class:`ReviewRecord`
says how the review got there, as the project recorded it: the searches as run (the import
log: source, interface, date, hits, the strategy's text and version), the screening as
done (units decided, how many by two reviewers, the agreement measured), how data were
collected and risk of bias assessed, the included studies with all their reports, the
reports excluded at full text with their reasons, those awaiting classification and the
ongoing studies, and the notes on each value an analysis used (SD from SE, mean and SD
from a median, arms combined, one arm used). The project's services gather it
(:mod:`sysreview.project.reporting.record`); the report only formats it, so every sentence
about the review's conduct comes from what happened, not from the plan.

Examples
--------
>>> run = SearchRun("MEDLINE", "database", "Ovid", None, 120, "medline.ris")
>>> run.label
'MEDLINE (Ovid)'
>>> ReviewRecord("1.0").searched_sources()
()
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from sysreview.prisma.arms import OtherMethodsFlow

Interval = tuple[float, float]


@dataclass(frozen=True)
class SearchRun:
    """One search as imported: an import batch of the project's log.

    ``hits`` is the number of records the export held; ``query`` the strategy as run (the
    query text imported with the file: for a strategy rendered by sysreview, its
    line-numbered text, whose first line names the strategy and its version).
    """

    source: str
    kind: str
    interface: str | None
    date: date | None
    hits: int
    file: str
    query: str | None = None
    strategy: str | None = None
    version: str | None = None

    @property
    def label(self) -> str:
        """``"MEDLINE (Ovid)"``, or the source alone without an interface."""
        return self.source if not self.interface else f"{self.source} ({self.interface})"


@dataclass(frozen=True)
class PairAgreement:
    """Agreement of two reviewers over the units both decided independently."""

    reviewers: tuple[str, str]
    n: int
    percent: float
    kappa: float | None
    kappa_ci: Interval | None
    ac1: float
    ac1_ci: Interval | None
    level: float = 0.95


@dataclass(frozen=True)
class StageRecord:
    """One screening stage as done: units decided, by whom, how many by two reviewers.

    ``units`` counts units with at least one decision; ``dual`` those with independent
    decisions of two or more reviewers; ``resolved`` those settled by an arbiter (or by
    discussion); ``conflicts`` disagreements still open.
    """

    stage: str
    units: int
    dual: int
    reviewers: tuple[str, ...]
    resolved: int = 0
    conflicts: int = 0
    agreement: tuple[PairAgreement, ...] = ()


@dataclass(frozen=True)
class ProcessRecord:
    """Data collection or risk-of-bias assessment as done, per study.

    ``studies`` with any value; ``by_two`` with values from two or more reviewers;
    ``consensus`` with agreed (consensus) values; ``files`` the data files of outside
    formats the values were loaded from.
    """

    studies: int
    by_two: int
    reviewers: tuple[str, ...]
    consensus: int = 0
    agreement: PairAgreement | None = None
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    """One report of a study.

    A CSL-JSON item from the record's normalised fields, or a citation as a data source
    gave it (``text``) when the project holds no record.
    """

    csl: Mapping[str, Any] | None = None
    text: str | None = None
    record_id: int | None = None

    def __post_init__(self) -> None:
        if (self.csl is None) == (self.text is None):
            raise ValueError("a reference is a CSL item or a citation text (one of them)")
        if self.csl is not None:
            object.__setattr__(self, "csl", MappingProxyType(dict(self.csl)))


@dataclass(frozen=True)
class CitedStudy:
    """A study (or report) the report cites, with all its reports.

    ``reason`` is why it was excluded, why it awaits classification, or what is known of
    an ongoing study; ``note`` any decision note recorded with it.
    """

    label: str
    references: tuple[Reference, ...] = ()
    reason: str | None = None
    note: str | None = None


NOTE_KINDS = ("sd_from_se", "sd_from_ci", "sd_from_t", "sd_from_p", "median", "change",
              "combined", "one_arm", "other")  # fmt: skip
"""Kinds of note on a value an analysis used (a footnote on its forest plot and row)."""


@dataclass(frozen=True)
class DataNote:
    """A note on the numbers a study contributed to an analysis.

    A conversion, an imputation, combined arms or the one arm used (``kind`` of
    :data:`NOTE_KINDS`).
    """

    analysis: str
    study: str
    kind: str
    text: str


@dataclass(frozen=True)
class Alignment:
    """A study's input to an analysis.

    Its measure (instrument), whether its numbers were negated to the review's direction
    (``flipped``), the instrument's own direction, and the per-arm numbers used
    (``mean_e, sd_e, n_e, mean_c, sd_c, n_c`` or ``events_e, n_e, events_c, n_c``; means
    as aligned).
    """

    analysis: str
    study: str
    flipped: bool
    higher_is_better: bool | None
    measure: str = ""
    values: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))


@dataclass(frozen=True)
class ReviewRecord:
    """How the review was done, as the project recorded it (see the module docstring).

    ``screened`` is False when the project holds no records or decisions of its own (e.g.
    a review whose selection was done elsewhere, its counts given from another source):
    the report then says so instead of describing a selection process. ``without_data``
    lists the ``(outcome domain, timepoint)`` pairs of the protocol no study reported;
    ``other_methods`` the PRISMA column of records found by other methods, when the
    project imported any (:class:`~sysreview.prisma.arms.OtherMethodsFlow`);
    ``libraries`` the ``(name, version)`` of Python and the libraries that computed the
    numbers (:func:`sysreview.versions.library_versions`).
    """

    version: str
    searches: tuple[SearchRun, ...] = ()
    screened: bool = False
    ta: StageRecord | None = None
    ft: StageRecord | None = None
    extraction: ProcessRecord | None = None
    appraisal: ProcessRecord | None = None
    included: tuple[CitedStudy, ...] = ()
    excluded: tuple[CitedStudy, ...] = ()
    awaiting: tuple[CitedStudy, ...] = ()
    ongoing: tuple[CitedStudy, ...] = ()
    notes: tuple[DataNote, ...] = ()
    alignments: tuple[Alignment, ...] = ()
    without_data: tuple[tuple[str, str], ...] = ()
    other_methods: OtherMethodsFlow | None = None
    libraries: tuple[tuple[str, str], ...] = ()
    files: tuple[str, ...] = field(default=())

    def searched_sources(self) -> tuple[str, ...]:
        """The sources searched (databases, registers, other), once each, in log order."""
        return tuple(dict.fromkeys(s.source for s in self.searches))

    def notes_of(self, analysis: str) -> tuple[DataNote, ...]:
        """The data notes of one analysis, in study order."""
        return tuple(n for n in self.notes if n.analysis == analysis)

    def alignment(self, analysis: str, study: str) -> Alignment | None:
        """How a study's measure was aligned in an analysis, if recorded."""
        return next(
            (a for a in self.alignments if a.analysis == analysis and a.study == study), None
        )

    def study(self, label: str) -> CitedStudy | None:
        """The included study with this label, if the record has it."""
        return next((s for s in self.included if s.label == label), None)


__all__ = [
    "NOTE_KINDS",
    "Alignment",
    "CitedStudy",
    "DataNote",
    "PairAgreement",
    "ProcessRecord",
    "Reference",
    "ReviewRecord",
    "SearchRun",
    "StageRecord",
]
