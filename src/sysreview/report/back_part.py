"""The report's back matter (laid out for :mod:`.document`).

Other information, characteristics of studies, references, appendices and the PRISMA 2020
checklist.
"""

from __future__ import annotations

from . import conduct, studies, tables, transparency
from .blocks import Block, Numbers, Paragraph, ReferenceList, Section
from .checklist import ChecklistItem, checklist_frame
from .inputs import ReportInputs
from .references import GROUP_TITLES, References

EMPTY = {
    "excluded": "No report was excluded at full text in this project's record.",
    "awaiting": "No study awaits classification in this project's record.",
    "ongoing": "No ongoing study is recorded in this project.",
}
NO_RECORD = (
    "The project holds no full-text decisions of its own, so this list cannot be drawn from it."
)
SOURCES_OF = {
    "awaiting": (
        "Reports whose full text left eligibility unclear (a settled full-text 'maybe') or "
        "whose full text could not be retrieved."
    ),
    "ongoing": "Reports excluded at full text with a reason that says the study is ongoing.",
}


def _other_information(inputs: ReportInputs) -> list[Section]:
    p = inputs.protocol
    reg = p.review.registration
    registration = (
        f"The protocol was registered with {reg.registry} ({reg.id}) before searching."
        if reg is not None
        else "The review was not registered."
    )
    items = conduct.deviations(inputs)
    deviations: tuple[Block, ...] = (
        (Paragraph("What the protocol planned and the project's record does not hold:"),
         *(Paragraph(f"• {d}") for d in items))
        if items
        else (Paragraph("The project's record holds every search and analysis the protocol "
                        "planned."),)
    )  # fmt: skip
    version = inputs.conduct.version if inputs.conduct is not None else "(version not recorded)"
    availability = (
        "Written with this report: results.json and results.csv (every analysis, with its "
        "settings and reasons), analysis_data.csv (the exact inputs of every pooled analysis, "
        "from which 'sysreview pool --by analysis' reproduces each result), and every figure "
        f"as SVG, PNG and PDF. The analysis code is sysreview {version}. The project's "
        "records, decisions and extracted values can be exported as plain files with "
        "'sysreview export'. Whether these materials are made public is for the review team "
        "to state."
    )
    return [
        Section("other-information", "Other information", 1),
        Section("registration", "Registration and protocol", 2, (Paragraph(registration),)),
        Section("deviations", "Deviations from the protocol", 2, deviations),
        Section("availability", "Availability of data, code and other materials", 2,
                (Paragraph(availability),)),
    ]  # fmt: skip


def _characteristics(inputs: ReportInputs, n: Numbers, refs: References) -> list[Section]:
    record = inputs.conduct
    panels = studies.study_panels(inputs, refs.cited)
    out = [
        Section("characteristics-of-studies", "Characteristics of studies", 1),
        Section("characteristics-included", "Characteristics of included studies", 2,
                tuple(panels) or (Paragraph("No study was included."),)),
    ]  # fmt: skip
    titles = {
        "excluded": ("Characteristics of excluded studies", "Reason for exclusion"),
        "awaiting": ("Characteristics of studies awaiting classification", "Why"),
        "ongoing": ("Characteristics of ongoing studies", "What is known"),
    }
    for group, (title, column) in titles.items():
        blocks: list[Block] = []
        if group in SOURCES_OF:
            blocks.append(Paragraph(SOURCES_OF[group]))
        held = getattr(record, group) if record is not None else ()
        if record is None or not record.screened:
            blocks.append(Paragraph(NO_RECORD))
        elif not held:
            blocks.append(Paragraph(EMPTY[group]))
        else:
            blocks.append(n.table(title, studies.cited_table(held, refs, group, column)))
        out.append(Section(f"characteristics-{group}", title, 2, tuple(blocks)))
    return out


def _references(refs: References) -> list[Section]:
    out = [Section("references", "References", 1)]
    for group, title in GROUP_TITLES.items():
        entries = refs.entries(group)
        if group != "included" and not entries:
            continue
        blocks: tuple[Block, ...] = (
            (ReferenceList(entries),) if entries else (Paragraph("No study was included."),)
        )
        out.append(Section(f"references-{group}", title, 2, blocks))
    return out


def _appendices(inputs: ReportInputs, n: Numbers, refs: References) -> list[Section]:
    p = inputs.protocol
    search: list[Block] = []
    for head, strategy in conduct.search_appendix(inputs):
        search.append(Paragraph(head))
        if strategy is not None:
            search.append(Paragraph(strategy, pre=True))
    out = [
        Section("appendices", "Appendices", 1),
        Section("appendix-search", "Search strategies", 2, tuple(search)),
        Section("appendix-protocol", "Protocol summary", 2, (Paragraph(p.summary(), pre=True),)),
    ]
    if inputs.rob is not None:
        frame = tables.rob_table(inputs.rob, p.risk_of_bias.tool.domains, refs.cited)
        out.append(Section("appendix-rob", "Risk-of-bias judgements", 2,
                           (n.appendix_table("Risk-of-bias judgements", frame),)))  # fmt: skip
    cites = {s.study_id: refs.cited(s.study_id) for s in inputs.data.studies}
    frame, marks, notes = transparency.data_table(inputs, cites)
    if len(frame):
        note = ("(I) intervention, (C) control; means as analysed, in the review's direction "
                "(“sign reversed”: the instrument's scores were negated so that benefit has one "
                "sign).")  # fmt: skip
        caption = "Data used in the main and narrative analyses"
        table = n.appendix_table(caption, frame, note, row_notes=marks, notes=notes,
                                 marked="Study", wide=True)  # fmt: skip
        out.append(Section("appendix-data", "Data used in the analyses", 2, (table,)))
    return out


def back_sections(inputs: ReportInputs, n: Numbers, refs: References) -> list[Section]:
    """Other information, characteristics of studies, references and appendices."""
    return [
        *_other_information(inputs),
        *_characteristics(inputs, n, refs),
        *_references(refs),
        *_appendices(inputs, n, refs),
    ]


def checklist_section(items: tuple[ChecklistItem, ...], n: Numbers) -> Section:
    """The PRISMA 2020 checklist, each item pointing at the section that reports it."""
    lead = Paragraph(
        "Where this report covers each item of the PRISMA 2020 checklist (Page et al., BMJ "
        "2021;372:n71). Items only the review team can write (rationale, discussion, funding, "
        "competing interests) are marked “not reported in this report”."
    )
    table = n.appendix_table("PRISMA 2020 checklist", checklist_frame(items))
    return Section("prisma-checklist", "PRISMA 2020 checklist", 2, (lead, table))


__all__ = ["back_sections", "checklist_section"]
