"""The report's content, once, as a list of sections of blocks; HTML and DOCX render it.

:func:`build_document` lays out the report: title, summary, objectives, methods, results,
other information, appendices and the PRISMA 2020 checklist. Tables and figures are
numbered in order of appearance (appendix tables as ``Table A1`` ...). Nothing here writes
files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sysreview.protocol import ELIGIBILITY_DOMAINS

from . import metaregression, tables, text
from .checklist import ChecklistItem, checklist_frame, prisma_checklist
from .inputs import ReportFigure, ReportInputs, ResultRecord
from .words import (
    date_text,
    join_words,
    lower_first,
    number_word,
    outcome_label,
    timepoint_label,
)


@dataclass(frozen=True)
class Paragraph:
    """Running text; ``pre`` keeps line breaks (search strategies)."""

    text: str
    pre: bool = False


@dataclass(frozen=True)
class Table:
    """A numbered table with its caption."""

    label: str
    caption: str
    frame: pd.DataFrame
    note: str = ""

    @property
    def anchor(self) -> str:
        """The HTML id of the table."""
        return self.label.lower().replace(" ", "-")


@dataclass(frozen=True)
class Figure:
    """A numbered figure: id, caption and files."""

    label: str
    figure_id: str
    figure: ReportFigure

    @property
    def anchor(self) -> str:
        """The HTML id of the figure."""
        return self.label.lower().replace(" ", "-")


Block = Paragraph | Table | Figure


@dataclass(frozen=True)
class Section:
    """A headed section; ``reported`` is False when it only says what is missing."""

    anchor: str
    title: str
    level: int
    blocks: tuple[Block, ...] = ()
    reported: bool = True


@dataclass(frozen=True)
class Document:
    """The whole report: title, a line under it, and the sections in order."""

    title: str
    subtitle: str
    sections: tuple[Section, ...]
    checklist: tuple[ChecklistItem, ...] = field(default=())

    @property
    def anchors(self) -> tuple[str, ...]:
        """The anchors of sections with content."""
        return tuple(s.anchor for s in self.sections if s.reported)

    def summary(self) -> str:
        """The report as plain text: headings, paragraphs, and tables and figures by caption."""
        lines = [self.title, self.subtitle]
        for s in self.sections:
            lines += ["", "#" * s.level + " " + s.title]
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    lines.append(b.text)
                elif isinstance(b, Table):
                    rows = len(b.frame)
                    lines.append(f"[{b.label}. {b.caption}: {rows} row{'' if rows == 1 else 's'}]")
                else:
                    lines.append(f"[{b.label}. {b.figure.caption}]")
        return "\n".join(lines)


class _Numbers:
    def __init__(self) -> None:
        self.tables = 0
        self.appendix = 0
        self.figures = 0

    def table(self, caption: str, frame: pd.DataFrame, note: str = "") -> Table:
        self.tables += 1
        return Table(f"Table {self.tables}", caption, frame, note)

    def appendix_table(self, caption: str, frame: pd.DataFrame) -> Table:
        self.appendix += 1
        return Table(f"Table A{self.appendix}", caption, frame)

    def figure(self, inputs: ReportInputs, fid: str) -> list[Block]:
        if fid not in inputs.figures:
            return []
        self.figures += 1
        return [Figure(f"Figure {self.figures}", fid, inputs.figures[fid])]


def _what(inputs: ReportInputs, rec: ResultRecord) -> str:
    outcome = outcome_label(inputs.protocol, rec.outcome)
    return f"{outcome}, {timepoint_label(rec.timepoint)}"


def _front(inputs: ReportInputs) -> list[Section]:
    p = inputs.protocol
    q = p.review.question
    dbs = p.search.databases
    last = max(d.searched for d in dbs)
    model = "random-effects" if p.analysis.model.value == "random" else "fixed-effect"
    summary = [
        Paragraph(
            f"Objective: to assess the effects of {inputs.intervention_text} for "
            f"{lower_first(q.population)}."
        ),
        Paragraph(
            f"Methods: we searched {join_words([d.name for d in dbs])} up to {date_text(last)}"
            f" and pooled each outcome at each timepoint in {model} meta-analyses when at "
            f"least {number_word(p.analysis.min_studies)} studies had usable data."
        ),
    ]
    found = [text.result_sentence(inputs, r) for r in inputs.of_kind("main")]
    studies = text.studies_paragraph(inputs, tables.participants(inputs))
    summary.append(Paragraph(" ".join(["Results:", studies.replace(" (Table 1)", ""), *found])))
    objectives = [
        Paragraph(f"To assess the effects of {inputs.intervention_text}."),
        Paragraph(f"Population: {q.population}."),
        Paragraph(f"Intervention: {q.intervention}."),
        Paragraph(f"Comparator: {q.comparator}."),
        Paragraph(f"Outcomes: {q.outcomes}."),
    ]
    return [
        Section("summary", "Summary", 2, tuple(summary)),
        Section("objectives", "Objectives", 2, tuple(objectives)),
    ]


def _methods(inputs: ReportInputs) -> list[Section]:
    p = inputs.protocol
    elig = []
    for domain in ELIGIBILITY_DOMAINS:
        crit = p.eligibility.criteria(domain)
        parts = []
        if crit.include:
            parts.append("Included: " + "; ".join(crit.include))
        if crit.exclude:
            parts.append("Excluded: " + "; ".join(crit.exclude))
        elig.append(Paragraph(f"{domain.capitalize()} — {'. '.join(parts)}."))
    outcomes = [
        Paragraph(f"{g.label}: {', '.join(lower_first(d.label) for d in g.domains)}.")
        for g in p.outcomes.groups
    ]
    out = [
        Section("methods", "Methods", 1),
        Section("eligibility", "Eligibility criteria", 2, tuple(elig)),
        Section("information-sources", "Information sources and search", 2,
                (Paragraph(text.search_paragraph(p)),)),
        Section("selection-process", "Selection process", 2,
                (Paragraph(text.screening_paragraph(p.screening)),)),
        Section("outcomes-methods", "Outcomes", 2, tuple(outcomes)),
        Section("risk-of-bias-methods", "Risk of bias", 2,
                (Paragraph(text.rob_methods_paragraph(p)),)),
        Section("synthesis-methods", "Synthesis", 2,
                tuple(Paragraph(t) for t in text.synthesis_paragraphs(p))),
    ]  # fmt: skip
    sens, sub = text.sensitivity_paragraph(p), text.subgroup_paragraph(p)
    if sens is not None:
        out.append(Section("sensitivity-methods", "Sensitivity analyses", 3, (Paragraph(sens),)))
    if sub is not None:
        out.append(Section("subgroup-methods", "Subgroup analyses", 3, (Paragraph(sub),)))
    reg = metaregression.methods_paragraph(p)
    if reg is not None:
        out.append(Section("metaregression-methods", "Meta-regression", 3, (Paragraph(reg),)))
    from .certainty import methods_section

    out += methods_section(inputs)
    return out


def _other_kind(inputs: ReportInputs, n: _Numbers, kind: str, title: str) -> list[Section]:
    records = inputs.of_kind(kind)
    if not records:
        return []
    blocks: list[Block] = [Paragraph(text.result_sentence(inputs, r)) for r in records]
    frame = tables.other_analyses_table(inputs, kind)
    blocks.append(n.table(f"{title}: results", frame, tables.RESULTS_NOTE))
    for r in records:
        blocks += n.figure(inputs, f"forest:{r.analysis}")
    return [Section(f"{kind}-analyses", title, 2, tuple(blocks))]


def _results(inputs: ReportInputs, n: _Numbers) -> list[Section]:
    p = inputs.protocol
    selection: list[Block] = [Paragraph(text.study_selection_paragraph(inputs.prisma))]
    selection += n.figure(inputs, "prisma")
    included: list[Block] = [
        Paragraph(text.studies_paragraph(inputs, tables.participants(inputs))),
        n.table("Characteristics of included studies", tables.characteristics_table(inputs),
                "NR: not reported."),
    ]  # fmt: skip
    loaded = text.data_files_sentence(inputs.data_files)
    if loaded is not None:
        included.insert(1, Paragraph(loaded))
    rob: list[Block] = [Paragraph(text.rob_results_paragraph(p, inputs.rob))]
    if inputs.rob is not None:
        rob.append(Paragraph("Judgements for each study and domain are given in Table A1."))
    rob += n.figure(inputs, "rob_traffic_light") + n.figure(inputs, "rob_summary")
    main = inputs.of_kind("main")
    main_blocks: list[Block] = []
    for r in main:
        main_blocks.append(Paragraph(text.result_sentence(inputs, r)))
        unusable = text.not_usable_sentence(inputs, r)
        if unusable is not None:
            main_blocks.append(Paragraph(unusable))
    main_blocks.append(
        n.table(
            "Results of the main analyses", tables.main_results_table(inputs), tables.RESULTS_NOTE
        )
    )
    forests: list[Block] = []
    for r in main:
        forests += n.figure(inputs, f"forest:{r.analysis}")
    out = [
        Section("results", "Results", 1),
        Section("study-selection", "Study selection", 2, tuple(selection),
                reported=inputs.prisma is not None),
        Section("included-studies", "Included studies", 2, tuple(included)),
        Section("risk-of-bias-results", "Risk of bias in included studies", 2, tuple(rob),
                reported=inputs.rob is not None),
        Section("main-results", "Results of the main analyses", 2, tuple(main_blocks),
                reported=any(r.pooled for r in main)),
    ]  # fmt: skip
    if forests:
        out.append(Section("forest-plots", "Forest plots of the main analyses", 3, tuple(forests)))
    out += _other_kind(inputs, n, "sensitivity", "Sensitivity analyses")
    out += _other_kind(inputs, n, "subgroup", "Subgroup analyses")
    regressions = metaregression.sections(inputs, n.figure, n.table)
    if regressions:
        out.append(Section("metaregression-analyses", "Meta-regression", 2, tuple(regressions)))
    narrative: list[Block] = []
    for r in inputs.of_kind("narrative"):
        rows = inputs.narrative.get(r.analysis, ())
        narrative.append(Paragraph(text.narrative_paragraph(inputs, r, rows)))
        if rows:
            caption = f"Narrative summary: {_what(inputs, r)}"
            narrative.append(n.table(caption, tables.narrative_table(rows)))
    if narrative:
        out.append(Section("narrative-syntheses", "Narrative syntheses", 2, tuple(narrative)))
    out.append(_reporting_biases(inputs, n))
    from .certainty import results_section

    certainty, n.tables = results_section(inputs, n.tables)
    out += certainty
    return out


def _reporting_biases(inputs: ReportInputs, n: _Numbers) -> Section:
    funnels: list[Block] = []
    for r in inputs.results:
        funnels += n.figure(inputs, f"funnel:{r.analysis}")
    need = inputs.protocol.analysis.funnel_min_studies
    largest = max((r.k or 0 for r in inputs.results if r.pooled), default=0)
    tests = [text.small_study_sentence(inputs, r) for r in inputs.results]
    paragraphs = [Paragraph(t) for t in tests if t is not None]
    if funnels or paragraphs:
        lead = (
            f"Funnel plots and asymmetry tests are reported for meta-analyses of at least "
            f"{need} studies."
        )
    elif largest == 0:
        lead = "No meta-analysis was possible, so funnel plots were not drawn."
    elif largest < need:
        lead = (
            f"No meta-analysis included {need} or more studies (the largest had {largest}), "
            "so funnel plots and asymmetry tests were not done, as planned."
        )
    else:
        lead = "Funnel plots were not provided for this report."
    reported = bool(funnels) or bool(paragraphs) or largest < need
    return Section("reporting-biases", "Reporting biases", 2,
                   (Paragraph(lead), *paragraphs, *funnels), reported=reported)  # fmt: skip


def _back(inputs: ReportInputs, n: _Numbers) -> list[Section]:
    p = inputs.protocol
    reg = p.review.registration
    registration = (
        f"The protocol was registered with {reg.registry} ({reg.id}) before searching."
        if reg is not None
        else "The review was not registered."
    )
    search = []
    for d in p.search.databases:
        search.append(Paragraph(f"{d.name} ({d.interface}), from {d.coverage} to "
                                f"{date_text(d.searched)}:"))  # fmt: skip
        search.append(Paragraph(d.strategy.strip(), pre=True))
    appendix: list[Block] = [Paragraph(p.summary(), pre=True)]
    out = [
        Section("other-information", "Other information", 1),
        Section("registration", "Registration and protocol", 2, (Paragraph(registration),)),
        Section("appendices", "Appendices", 1),
        Section("appendix-search", "Search strategies", 2, tuple(search)),
        Section("appendix-protocol", "Protocol summary", 2, tuple(appendix)),
    ]
    if inputs.rob is not None:
        frame = tables.rob_table(inputs.rob, p.risk_of_bias.tool.domains)
        table = n.appendix_table("Risk-of-bias judgements", frame)
        out.append(Section("appendix-rob", "Risk-of-bias judgements", 2, (table,)))
    return out


def build_document(inputs: ReportInputs) -> Document:
    """Lay out the whole report from its inputs (see the module docstring)."""
    n = _Numbers()
    sections = [*_front(inputs), *_methods(inputs), *_results(inputs, n), *_back(inputs, n)]
    present = {s.anchor for s in sections if s.reported}
    if "systematic review" in inputs.protocol.review.title.lower():
        present.add("title")
    items = prisma_checklist(present)
    check = Section(
        "prisma-checklist", "PRISMA 2020 checklist", 2,
        (Paragraph("Where this report covers each item of the PRISMA 2020 checklist (Page et "
                   "al., BMJ 2021;372:n71). Items the review team writes themselves are marked "
                   "“not reported in this report”."),
         n.appendix_table("PRISMA 2020 checklist", checklist_frame(items))),
    )  # fmt: skip
    reg = inputs.protocol.review.registration
    subtitle = "Systematic review and meta-analysis" + (
        f" · {reg.registry} {reg.id}" if reg is not None else ""
    )
    return Document(inputs.protocol.review.title, subtitle, (*sections, check), items)


__all__ = ["Block", "Document", "Figure", "Paragraph", "Section", "Table", "build_document"]
