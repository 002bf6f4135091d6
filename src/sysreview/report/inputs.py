"""What the report is built from: plain, validated values (no synthesis, no plotting).

The report never computes: it reads the protocol, the extracted study data, the PRISMA
counts, one *results record* per analysis (as written to ``out/results.json`` by the
synthesis), narrative rows for outcomes summarised without pooling, the risk-of-bias
judgements and figure files already on disk. :class:`ReportInputs` checks that these fit
together and raises :class:`ReportInputError` naming the analysis, figure or study when
they do not.

Examples
--------
>>> from sysreview.protocol import parse_protocol, template_text
>>> from sysreview.extraction.dataset import ReviewData
>>> protocol = parse_protocol(template_text("group-peer-support"))
>>> ReportInputs(protocol, ReviewData((), (), ()), ()).intervention_text
'group peer support'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from sysreview.appraisal.rob1 import Rob1Assessment
from sysreview.appraisal.rob2 import Rob2Assessment
from sysreview.extraction.dataset import ReviewData
from sysreview.grade import SummaryOfFindings
from sysreview.prisma.result import PrismaCounts
from sysreview.protocol import Protocol
from sysreview.protocol.filters import TIMEPOINTS

from .narrative_rows import Direction, NarrativeRow, narrative_from_json
from .record import ReviewRecord
from .records import KINDS, ReportInputError, ResultRecord, records_from_json

RobAssessment = Rob1Assessment | Rob2Assessment
"""An assessment the risk-of-bias summary can be built from."""


@dataclass(frozen=True)
class StudyRob:
    """A study's risk-of-bias judgements: ``domain id -> judgement`` and the overall one."""

    study: str
    judgements: Mapping[str, str]
    overall: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "judgements", MappingProxyType(dict(self.judgements)))


@dataclass(frozen=True)
class RobSummary:
    """Risk-of-bias judgements of every included study, with readable domain names."""

    studies: tuple[StudyRob, ...]
    domain_labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_assessments(cls, assessments: Iterable[RobAssessment]) -> RobSummary:
        """From RoB 1 or RoB 2 assessments (:mod:`sysreview.appraisal`).

        Reads the judgements and overall ratings they hold (never re-deriving them).

        Examples
        --------
        >>> from sysreview.appraisal.rob1 import DomainJudgement, Rob1Assessment
        >>> from sysreview.protocol import ROB1_DOMAINS
        >>> a = Rob1Assessment("Smith 2010",
        ...                    tuple(DomainJudgement(d, "low") for d in ROB1_DOMAINS))
        >>> RobSummary.from_assessments([a]).counts()
        {'low': 1}
        """
        studies = []
        for a in assessments:
            if isinstance(a, Rob1Assessment):
                judgements = {j.domain: j.judgement for j in a.judgements}
            else:
                judgements = dict(a.domain_judgements)
            studies.append(StudyRob(a.study, judgements, a.overall))
        return cls(tuple(studies))

    def __post_init__(self) -> None:
        object.__setattr__(self, "domain_labels", MappingProxyType(dict(self.domain_labels)))

    def counts(self) -> dict[str, int]:
        """``overall judgement -> number of studies``."""
        out: dict[str, int] = {}
        for s in self.studies:
            out[s.overall] = out.get(s.overall, 0) + 1
        return out


FIGURE_SUFFIXES = (".svg", ".png", ".pdf")
FIXED_FIGURES = ("prisma", "rob_traffic_light", "rob_summary")
ANALYSIS_FIGURES = ("forest", "funnel", "bubble")


@dataclass(frozen=True)
class ReportFigure:
    """A figure on disk, in one or more formats, with its caption.

    The HTML report embeds the SVG (else the PNG); the DOCX embeds the PNG. PDF copies
    are only copied into the output folder.
    """

    caption: str
    files: tuple[Path, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "files", tuple(Path(f) for f in self.files))

    def file(self, suffix: str) -> Path | None:
        """The file with this suffix (``".svg"``), if given."""
        return next((f for f in self.files if f.suffix.lower() == suffix), None)

    @property
    def web(self) -> Path | None:
        """The file shown in the HTML report: the SVG, else the PNG."""
        return self.file(".svg") or self.file(".png")


def _check_figure(fid: str, fig: ReportFigure, analyses: set[str]) -> None:
    kind, _, target = fid.partition(":")
    known = fid in FIXED_FIGURES or (kind in ANALYSIS_FIGURES and target in analyses)
    if not known:
        raise ReportInputError(
            f"figure {fid!r}: must be one of {', '.join(FIXED_FIGURES)} or "
            "forest:/funnel:/bubble:<analysis id> of a results record"
        )
    if not fig.files:
        raise ReportInputError(f"figure {fid!r}: no files given")
    for f in fig.files:
        if f.suffix.lower() not in FIGURE_SUFFIXES:
            raise ReportInputError(f"figure {fid!r}: {f} must end in {', '.join(FIGURE_SUFFIXES)}")
        if not f.is_file():
            raise ReportInputError(f"figure {fid!r}: file {f} does not exist")
    if fig.web is None:
        raise ReportInputError(f"figure {fid!r}: needs an SVG or PNG file for the report")


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report is drafted from, checked to fit together.

    Parameters
    ----------
    protocol
        The review protocol.
    data
        The extracted studies and arms (Table 1).
    results
        One record per analysis (:func:`records_from_json` checks the dicts of
        ``results.json``).
    prisma
        The PRISMA 2020 counts, or ``None`` when not derived (study selection then
        says so).
    narrative
        ``analysis id -> rows`` for each narrative analysis.
    rob
        Risk-of-bias judgements, or ``None``.
    figures
        ``figure id -> ReportFigure``: ``prisma``, ``rob_traffic_light``,
        ``rob_summary``, ``forest:<analysis id>``, ``funnel:<analysis id>``.
    intervention
        The intervention in running text (``"group peer support"``); by default the
        part of the protocol question before its first colon.
    certainty
        The certainty of the evidence and the Summary of findings rows
        (:func:`sysreview.grade.summary_of_findings`), or ``None`` (not reported).
    data_files
        The data files of outside formats the extracted data were loaded from, each
        described in words (``"data.csv (Metapsy format; consensus values of R1)"``);
        empty when every value was entered through the project's sheets and forms.
    conduct
        How the review was done, as the project recorded it (:class:`~.record.ReviewRecord`:
        searches as run, screening and agreement, studies and their reports, exclusions,
        notes on the values analysed), or ``None`` (the report then says what it lacks).
    """

    protocol: Protocol
    data: ReviewData
    results: tuple[ResultRecord, ...]
    prisma: PrismaCounts | None = None
    narrative: Mapping[str, tuple[NarrativeRow, ...]] = field(default_factory=dict)
    rob: RobSummary | None = None
    figures: Mapping[str, ReportFigure] = field(default_factory=dict)
    intervention: str | None = None
    certainty: SummaryOfFindings | None = None
    data_files: tuple[str, ...] = ()
    conduct: ReviewRecord | None = None

    def __post_init__(self) -> None:
        results = tuple(self.results)
        if not all(isinstance(r, ResultRecord) for r in results):
            raise ReportInputError(
                "results must be ResultRecord values (see records_from_json for dicts)"
            )
        object.__setattr__(self, "results", results)
        object.__setattr__(self, "narrative", MappingProxyType(dict(self.narrative)))
        object.__setattr__(self, "figures", MappingProxyType(dict(self.figures)))
        self._check_results()
        ids = {r.analysis for r in self.results}
        for rid, rows in self.narrative.items():
            rec = self.record(rid) if rid in ids else None
            if rec is None or rec.kind != "narrative":
                raise ReportInputError(
                    f"narrative rows for {rid!r}: no results record of kind 'narrative' has this id"
                )
            if not all(isinstance(row, NarrativeRow) for row in rows):
                raise ReportInputError(f"narrative rows for {rid!r} must be NarrativeRow")
        for fid, fig in self.figures.items():
            _check_figure(fid, fig, ids)
        if self.rob is not None:
            self._check_rob(self.rob)
        for row in self.certainty.rows if self.certainty is not None else ():
            if row.analysis not in ids:
                raise ReportInputError(
                    f"certainty of {row.analysis!r}: no results record has this id"
                )

    def _check_results(self) -> None:
        seen: set[str] = set()
        domains = {d.name for _, d in self.protocol.outcomes.domains()}
        for rec in self.results:
            if rec.analysis in seen:
                raise ReportInputError(f"results record {rec.analysis!r} is listed twice")
            seen.add(rec.analysis)
            if rec.outcome not in domains:
                raise ReportInputError(
                    f"results record {rec.analysis!r}: outcome {rec.outcome!r} is not an "
                    "outcome domain of the protocol"
                )
            if rec.timepoint not in TIMEPOINTS:
                raise ReportInputError(
                    f"results record {rec.analysis!r}: timepoint {rec.timepoint!r}; must be "
                    f"one of {', '.join(TIMEPOINTS)}"
                )

    def _check_rob(self, rob: RobSummary) -> None:
        tool = self.protocol.risk_of_bias.tool
        for s in rob.studies:
            for domain, judgement in {**s.judgements, "overall": s.overall}.items():
                if domain != "overall" and domain not in tool.domains:
                    raise ReportInputError(
                        f"risk of bias of {s.study!r}: {domain!r} is not a {tool.value} domain"
                    )
                if judgement not in tool.judgements:
                    raise ReportInputError(
                        f"risk of bias of {s.study!r}: {domain} = {judgement!r}; must be one "
                        f"of {', '.join(tool.judgements)}"
                    )

    def record(self, analysis: str) -> ResultRecord:
        """The results record with this analysis id.

        Raises
        ------
        KeyError
            When there is none.
        """
        for rec in self.results:
            if rec.analysis == analysis:
                return rec
        raise KeyError(f"no results record {analysis!r}")

    def of_kind(self, kind: str) -> tuple[ResultRecord, ...]:
        """The records of one kind, in the order given."""
        return tuple(r for r in self.results if r.kind == kind)

    @property
    def intervention_text(self) -> str:
        """The intervention as named in running text."""
        if self.intervention:
            return self.intervention
        name = self.protocol.review.question.intervention.split(":", 1)[0].strip()
        return name[:1].lower() + name[1:] if name[1:2].islower() else name


__all__ = [
    "KINDS",
    "Direction",
    "NarrativeRow",
    "ReportFigure",
    "ReportInputError",
    "ReportInputs",
    "ResultRecord",
    "RobSummary",
    "StudyRob",
    "narrative_from_json",
    "records_from_json",
]
