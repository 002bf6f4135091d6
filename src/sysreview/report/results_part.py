"""The report's results (laid out for :mod:`.document`).

Study selection, included studies, risk of bias, each synthesis, reporting biases and the
certainty of the evidence.

Every study named is cited with its references' numbers; every study left out of an
analysis is named with its reason; every converted or imputed value carries a footnote.
"""

from __future__ import annotations

from . import conduct, metaregression, studies, tables, text, transparency
from .blocks import Block, Numbers, Paragraph, Section
from .inputs import ReportInputs, ResultRecord
from .references import References
from .words import outcome_label, timepoint_label


def _what(inputs: ReportInputs, rec: ResultRecord) -> str:
    return f"{outcome_label(inputs.protocol, rec.outcome)}, {timepoint_label(rec.timepoint)}"


def _selection(inputs: ReportInputs, n: Numbers) -> Section:
    blocks: list[Block] = [Paragraph(text.study_selection_paragraph(inputs.prisma))]
    record = inputs.conduct
    if record is not None and record.screened:
        counts = [
            (len(record.excluded), "excluded with reasons"),
            (len(record.awaiting), "awaiting classification"),
            (len(record.ongoing), "of ongoing studies"),
        ]  # fmt: skip
        said = [f"{k} {'report' if k == 1 else 'reports'} {what}" for k, what in counts if k]
        if said:
            listed = "; ".join(said)
            blocks.append(Paragraph(f"The project's full-text decisions list {listed} (see "
                                    "'Characteristics of studies')."))  # fmt: skip
    blocks += n.figure(inputs, "prisma")
    return Section("study-selection", "Study selection", 2, tuple(blocks),
                   reported=inputs.prisma is not None)  # fmt: skip


def _included(inputs: ReportInputs, n: Numbers, refs: References) -> Section:
    blocks: list[Block] = [
        Paragraph(text.studies_paragraph(inputs, tables.participants(inputs), refs.cited))
    ]
    for para in (studies.participants_paragraph(inputs),
                 studies.usable_paragraph(inputs, refs.cited)):  # fmt: skip
        if para is not None:
            blocks.append(Paragraph(para))
    loaded = text.data_files_sentence(inputs.data_files)
    if loaded is not None:
        blocks.append(Paragraph(loaded))
    blocks.append(n.table(
        "Characteristics of included studies", studies.characteristics_table(inputs, refs.cited),
        "NR: not reported. Study: label and reference numbers. Each study is described in "
        "full under 'Characteristics of included studies' (Characteristics of studies).",
    ))  # fmt: skip
    return Section("included-studies", "Included studies", 2, tuple(blocks))


def _main(inputs: ReportInputs, n: Numbers, refs: References) -> list[Section]:
    main = inputs.of_kind("main")
    blocks: list[Block] = []
    for r in main:
        blocks.append(Paragraph(text.result_sentence(inputs, r)))
        for extra in (text.not_usable_sentence(inputs, r, refs.cited),
                      transparency.left_out_sentence(inputs, r, refs.cited)):  # fmt: skip
            if extra is not None:
                blocks.append(Paragraph(extra))
    missing = studies.no_data_paragraph(inputs, conduct.no_data_outcomes(inputs))
    if missing is not None:
        blocks.append(Paragraph(missing))
    blocks.append(
        n.table(
            "Results of the main analyses", tables.main_results_table(inputs), tables.RESULTS_NOTE
        )
    )
    forests: list[Block] = []
    for r in main:
        forests += n.figure(inputs, f"forest:{r.analysis}")
    out = [Section("main-results", "Results of the main analyses", 2, tuple(blocks),
                   reported=any(r.pooled for r in main))]  # fmt: skip
    if forests:
        out.append(Section("forest-plots", "Forest plots of the main analyses", 3, tuple(forests)))
    return out


def _other_kind(
    inputs: ReportInputs, n: Numbers, kind: str, title: str, refs: References
) -> list[Section]:
    records = inputs.of_kind(kind)
    if not records:
        return []
    blocks: list[Block] = []
    for r in records:
        blocks.append(Paragraph(text.result_sentence(inputs, r)))
        left = transparency.left_out_sentence(inputs, r, refs.cited)
        if left is not None and r.pooled:
            blocks.append(Paragraph(left))
    frame = tables.other_analyses_table(inputs, kind)
    blocks.append(n.table(f"{title}: results", frame, tables.RESULTS_NOTE))
    for r in records:
        blocks += n.figure(inputs, f"forest:{r.analysis}")
    return [Section(f"{kind}-analyses", title, 2, tuple(blocks))]


def _narrative(inputs: ReportInputs, n: Numbers, refs: References) -> list[Section]:
    blocks: list[Block] = []
    level = inputs.protocol.analysis.level
    for r in inputs.of_kind("narrative"):
        rows = inputs.narrative.get(r.analysis, ())
        blocks.append(Paragraph(text.narrative_paragraph(inputs, r, rows, refs.cited)))
        left = transparency.left_out_sentence(inputs, r, refs.cited)
        if left is not None:
            blocks.append(Paragraph(left))
        if rows:
            marks, notes = transparency.footnotes(inputs, r.analysis)
            flipped = {}
            for row in rows:
                a = inputs.conduct.alignment(r.analysis, row.study) if inputs.conduct else None
                flipped[row.study] = None if a is None else (a.flipped, a.higher_is_better)
            frame = tables.narrative_table(rows, flipped, level, refs.cited)
            caption = f"Narrative summary: {_what(inputs, r)}"
            blocks.append(n.table(caption, frame, tables.NARRATIVE_NOTE,
                                  row_notes=tuple(marks.get(row.study, ()) for row in rows),
                                  notes=notes))  # fmt: skip
    if not blocks:
        return []
    return [Section("narrative-syntheses", "Narrative syntheses", 2, tuple(blocks))]


def _reporting_biases(inputs: ReportInputs, n: Numbers) -> Section:
    funnels: list[Block] = []
    for r in inputs.results:
        funnels += n.figure(inputs, f"funnel:{r.analysis}")
    need = inputs.protocol.analysis.funnel_min_studies
    largest = max((r.k or 0 for r in inputs.results if r.pooled), default=0)
    tests = [text.small_study_sentence(inputs, r) for r in inputs.results]
    paragraphs = [Paragraph(t) for t in tests if t is not None]
    if funnels or paragraphs:
        lead = (
            f"Funnel plots, asymmetry tests and trim and fill are reported for meta-analyses "
            f"of at least {need} studies."
        )
    elif largest == 0:
        lead = "No meta-analysis was possible, so funnel plots were not drawn."
    elif largest < need:
        lead = (
            f"No meta-analysis included {need} or more studies (the largest had {largest}), "
            "so funnel plots, asymmetry tests and trim and fill were not done, as planned."
        )
    else:
        lead = "Funnel plots were not provided for this report."
    reported = bool(funnels) or bool(paragraphs) or largest < need
    return Section("reporting-biases", "Reporting biases", 2,
                   (Paragraph(lead), *paragraphs, *funnels), reported=reported)  # fmt: skip


def results_sections(inputs: ReportInputs, n: Numbers, refs: References) -> list[Section]:
    """The results part (see the module docstring)."""
    p = inputs.protocol
    out = [Section("results", "Results", 1), _selection(inputs, n), _included(inputs, n, refs)]
    rob: list[Block] = [Paragraph(text.rob_results_paragraph(p, inputs.rob))]
    if inputs.rob is not None:
        rob.append(Paragraph("Judgements for each study and domain are given in Table A1, "
                             "and beside each forest plot."))  # fmt: skip
    rob += n.figure(inputs, "rob_traffic_light") + n.figure(inputs, "rob_summary")
    out += [
        Section("risk-of-bias-results", "Risk of bias in included studies", 2, tuple(rob),
                reported=inputs.rob is not None),
        *_main(inputs, n, refs),
        *_other_kind(inputs, n, "sensitivity", "Sensitivity analyses", refs),
        *_other_kind(inputs, n, "subgroup", "Subgroup analyses", refs),
    ]  # fmt: skip
    regressions = metaregression.sections(inputs, n.figure, n.table)
    if regressions:
        out.append(Section("metaregression-analyses", "Meta-regression", 2, tuple(regressions)))
    out += _narrative(inputs, n, refs)
    out.append(_reporting_biases(inputs, n))
    from .certainty import results_section

    certainty, n.tables = results_section(inputs, n.tables, refs.cited)
    out += certainty
    return out


__all__ = ["results_sections"]
