"""The report's content, once, as a list of sections of blocks; HTML, DOCX and PDF render it.

:func:`build_document` lays out the report: title, summary, objectives, methods (from the
protocol and, for what was done, the project's record), results, other information
(registration, deviations from the protocol, availability of data and code), the
characteristics of included, excluded, awaiting and ongoing studies, the references, the
appendices and the PRISMA 2020 checklist. Tables and figures are numbered in order of
appearance (appendix tables as ``Table A1`` ...); every study is cited with its references'
numbers wherever it is named. Nothing here writes files. The results are laid out by
:mod:`.results_part`, the back matter by :mod:`.back_part`.
"""

from __future__ import annotations

from sysreview.protocol import ELIGIBILITY_DOMAINS

from . import conduct, metaregression, text, transparency
from .blocks import (
    Block,
    Document,
    Figure,
    Numbers,
    Panel,
    Paragraph,
    ReferenceList,
    Section,
    Table,
)
from .checklist import prisma_checklist
from .inputs import ReportInputs
from .references import References
from .studies import reference_lists
from .words import date_text, join_words, lower_first, number_word, outcome_label


def _searched(inputs: ReportInputs) -> str:
    record = inputs.conduct
    runs = record.searches if record is not None else ()
    dated = [r.date for r in runs if r.date is not None]
    if runs:
        names = join_words(list(dict.fromkeys(r.source for r in runs)))
        return f"we searched {names}" + (f" up to {date_text(max(dated))}" if dated else "")
    dbs = inputs.protocol.search.databases
    last = max(d.searched for d in dbs)
    return (f"the protocol planned searches of {join_words([d.name for d in dbs])} up to "
            f"{date_text(last)} (no search was imported into the project)")  # fmt: skip


def _front(inputs: ReportInputs, refs: References) -> list[Section]:
    from . import tables

    p = inputs.protocol
    q = p.review.question
    model = "random-effects" if p.analysis.model.value == "random" else "fixed-effect"
    summary = [
        Paragraph(
            f"Objective: to assess the effects of {inputs.intervention_text} for "
            f"{lower_first(q.population)}."
        ),
        Paragraph(
            f"Methods: {_searched(inputs)}, and pooled each outcome at each timepoint in "
            f"{model} meta-analyses when at least {number_word(p.analysis.min_studies)} "
            "studies had usable data."
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
    del refs
    return [
        Section("summary", "Summary", 2, tuple(summary)),
        Section("objectives", "Objectives", 2, tuple(objectives)),
    ]


def _eligibility(inputs: ReportInputs) -> list[Block]:
    p = inputs.protocol
    elig: list[Block] = []
    for domain in ELIGIBILITY_DOMAINS:
        crit = p.eligibility.criteria(domain)
        parts = []
        if crit.include:
            parts.append("Included: " + "; ".join(crit.include))
        if crit.exclude:
            parts.append("Excluded: " + "; ".join(crit.exclude))
        elig.append(Paragraph(f"{domain.capitalize()} — {'. '.join(parts)}."))
    return elig


DATA_ITEMS = (
    "For each study we sought its design, setting and country, the number randomised, the "
    "participants' age, gender, ethnicity and diagnoses, baseline imbalance, attrition and "
    "how missing data were handled, and each arm's intervention or comparator (what was "
    "delivered, by whom, how often and for how long). Missing items are shown as NR (not "
    "reported); no value was assumed."
)


def _methods(inputs: ReportInputs) -> list[Section]:
    p = inputs.protocol
    outcomes: list[Block] = [
        Paragraph(f"{g.label}: {', '.join(lower_first(d.label) for d in g.domains)}.")
        for g in p.outcomes.groups
    ]
    outcomes.append(Paragraph(
        "For each outcome we sought every measure and timepoint reported: each arm's mean, "
        "standard deviation (or standard error, confidence interval, median with "
        "interquartile range or range) and number analysed, or events and number analysed."
    ))  # fmt: skip
    rob: list[Block] = [Paragraph(text.rob_methods_paragraph(p))]
    done = conduct.appraisal_paragraph(inputs)
    if done is not None:
        rob.append(Paragraph(done))
    synthesis: list[Block] = [Paragraph(t) for t in text.synthesis_paragraphs(p)]
    synthesis.insert(1, Paragraph(transparency.preparation_paragraph(inputs)))
    synthesis.append(Paragraph(
        "Results are tabulated per outcome and timepoint (Table 2 and the tables that "
        "follow) and shown in forest plots in RevMan's layout: each study's arm data, weight "
        "and effect with its confidence interval, footnotes on converted values and, where "
        "judged, each study's risk of bias."
    ))  # fmt: skip
    synthesis.append(Paragraph(conduct.software_paragraph(inputs)))
    out = [
        Section("methods", "Methods", 1),
        Section("eligibility", "Eligibility criteria", 2, tuple(_eligibility(inputs))),
        Section("information-sources", "Information sources and search", 2,
                (Paragraph(conduct.sources_paragraph(inputs)),)),
        Section("selection-process", "Selection process", 2,
                tuple(Paragraph(t) for t in conduct.selection_paragraph(inputs))),
        Section("data-collection", "Data collection process and data items", 2,
                (Paragraph(conduct.collection_paragraph(inputs)), Paragraph(DATA_ITEMS))),
        Section("outcomes-methods", "Outcomes", 2, tuple(outcomes)),
        Section("risk-of-bias-methods", "Risk of bias", 2, tuple(rob)),
        Section("synthesis-methods", "Synthesis", 2, tuple(synthesis)),
    ]  # fmt: skip
    sens, sub = text.sensitivity_paragraph(p), text.subgroup_paragraph(p)
    if sens is not None:
        out.append(Section("sensitivity-methods", "Sensitivity analyses", 3, (Paragraph(sens),)))
    if sub is not None:
        out.append(Section("subgroup-methods", "Subgroup analyses", 3, (Paragraph(sub),)))
    reg = metaregression.methods_paragraph(p)
    if reg is not None:
        out.append(Section("metaregression-methods", "Meta-regression", 3, (Paragraph(reg),)))
    out.append(Section("reporting-bias-methods", "Reporting biases", 3,
                       (Paragraph(conduct.reporting_bias_methods(p)),)))  # fmt: skip
    from .certainty import methods_section

    out += methods_section(inputs)
    return out


def _what(inputs: ReportInputs, outcome: str, timepoint: str) -> str:
    from .words import timepoint_label

    return f"{outcome_label(inputs.protocol, outcome)}, {timepoint_label(timepoint)}"


def build_document(inputs: ReportInputs) -> Document:
    """Lay out the whole report from its inputs (see the module docstring)."""
    from .back_part import back_sections, checklist_section
    from .results_part import results_sections

    n = Numbers()
    refs = reference_lists(inputs)
    sections = [
        *_front(inputs, refs),
        *_methods(inputs),
        *results_sections(inputs, n, refs),
        *back_sections(inputs, n, refs),
    ]
    present = {s.anchor for s in sections if s.reported}
    if "systematic review" in inputs.protocol.review.title.lower():
        present.add("title")
    items = prisma_checklist(present, {s.anchor: s.title for s in sections})
    sections.append(checklist_section(items, n))
    reg = inputs.protocol.review.registration
    subtitle = "Systematic review and meta-analysis" + (
        f" · {reg.registry} {reg.id}" if reg is not None else ""
    )
    return Document(inputs.protocol.review.title, subtitle, tuple(sections), items)


__all__ = [
    "Block",
    "Document",
    "Figure",
    "Panel",
    "Paragraph",
    "ReferenceList",
    "Section",
    "Table",
    "build_document",
]
