"""The certainty of the evidence in the report: methods, Summary of findings, evidence profile.

Everything comes from the :class:`~sysreview.grade.SummaryOfFindings` the report was
given (the synthesis's results, the risk-of-bias judgements, the reviewers' stored
ratings) and from the protocol: no statistic is computed here, numbers are formatted.
When a domain has no reviewer's rating, the tables say its rating is the protocol rule's
suggestion, not yet confirmed by the reviewers.

The Summary of findings follows the Cochrane Handbook's layout (version 5.1 Figure 11.5.a;
version 6 Figure 14.1.a, GRADEpro's "Summary of findings" table): outcome, anticipated
absolute effects (risk with control, risk with the intervention), relative effect,
participants (studies), certainty, comments; footnotes explain each rating down.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

import pandas as pd

from sysreview.grade import LABELS, MEANINGS, SYMBOLS, DomainRating, SofRow, SummaryOfFindings
from sysreview.protocol import Protocol
from sysreview.protocol.certainty import Wording

from .blocks import Block, Paragraph, Section, Table
from .inputs import ReportInputs
from .sof_table import SofTable
from .statements import certainty_words, row_statement
from .words import fmt_count, fmt_num, fmt_p, lower_first, outcome_label, timepoint_label

NONE = "—"
GROUP = "Anticipated absolute effects* (95% CI)"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _same(label: str) -> str:
    return label


def cite_studies(text: str, labels: Iterable[str], cite: Callable[[str], str]) -> str:
    """``text`` with each study label it names replaced by ``cite(label)``.

    The labels are the studies of the outcome's evidence (the only studies a GRADE reason
    names); the longest label is tried first and a label matches only as a whole word, so
    "Delta 2016" is not found inside "Delta 2016a".

    Examples
    --------
    >>> refs = {"Delta 2016": "Delta 2016 [3]", "Delta 2016a": "Delta 2016a [4]"}
    >>> cite_studies("high risk (Delta 2016; Delta 2016a)", refs, refs.__getitem__)
    'high risk (Delta 2016 [3]; Delta 2016a [4])'
    """
    names = sorted({n for n in labels if n}, key=len, reverse=True)
    if not names:
        return text
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)")
    return pattern.sub(lambda m: cite(m.group(1)), text)


def _letter(i: int) -> str:
    return LETTERS[i % 26] * (i // 26 + 1)


def per_1000(risk: float) -> str:
    """A risk per 1000, rounded half up: ``0.0026 -> "3"``.

    Examples
    --------
    >>> per_1000(0.0026), per_1000(0.0025), per_1000(0.0004)
    ('3', '3', '0')
    """
    return str(math.floor(1000 * risk + 0.5 + 1e-9))


def methods_paragraphs(protocol: Protocol, sof: SummaryOfFindings) -> list[str]:
    """How certainty was assessed: the protocol's rules, and who confirmed them."""
    g = protocol.grade
    rob, inc, imp = g.risk_of_bias, g.inconsistency, g.imprecision
    first = (
        "We assessed the certainty of the evidence for each main outcome with GRADE (GRADE "
        "Working Group; Cochrane Handbook, chapter 14): evidence from randomised trials "
        f"started at {LABELS[g.start].lower()} certainty and was rated down one level for "
        "each serious and two for each very serious concern about risk of bias, "
        "inconsistency, indirectness, imprecision or publication bias."
    )
    mids = [f"{o.domain} {o.mid:g}" for o in g.outcome if o.mid is not None]
    rules = (
        "The protocol stated how each domain is suggested from the results. Risk of bias: "
        f"serious when more than {rob.serious_share:.0%} of the analysis weight came from "
        "studies at high or unclear risk of bias (some concerns, with RoB 2), very serious "
        f"when more than {rob.very_serious_share:.0%} came from studies at high risk. "
        f"Inconsistency: I² above {protocol.analysis.substantial_i2:g}% together with a "
        f"heterogeneity test p below {inc.q_p:g}, a prediction interval spanning no effect or "
        "studies whose confidence intervals do not overlap (very serious at I² of at least "
        f"{inc.considerable_i2:g}% with both of the first two). Indirectness was judged by "
        "the reviewers. Imprecision: the 95% confidence interval against no effect and an "
        f"appreciable effect (risk ratio {1 - imp.appreciable_rr:g} or "
        f"{1 + imp.appreciable_rr:g}; SMD ±{imp.smd_mid:g}"
        + (f"; mean differences by the outcome's minimal important difference: "
           f"{', '.join(mids)}" if mids else "")
        + "), and the number of participants against the optimal information size "
        f"(two-sided alpha {imp.alpha:g}, power {1 - imp.beta:.0%}; a relative risk "
        f"reduction of {imp.ois_rrr:.0%} from the assumed control risk, or {imp.ois_smd:g} "
        "standard deviations). Publication bias: Egger's test p below "
        f"{g.publication_bias.egger_p:g} when at least "
        f"{protocol.analysis.funnel_min_studies} studies were pooled."
    )  # fmt: skip
    rated = sum(d.confirmed for r in sof.rows for d in r.certainty.domains)
    total = sum(len(r.certainty.domains) for r in sof.rows)
    if not total:
        who = "No main outcome had data to rate."
    elif rated == 0:
        who = ("No reviewer has recorded a rating yet: every rating shown is the rules' "
               "suggestion, not yet confirmed by the review team.")  # fmt: skip
    elif rated < total:
        who = (f"Reviewers confirmed or changed {rated} of the {total} domain ratings, each "
               "with a justification; the others are shown as the rules' suggestions, not "
               "yet confirmed.")  # fmt: skip
    else:
        who = "Reviewers confirmed or changed every domain rating, each with a justification."
    how = "median" if g.assumed_risk.value == "median" else "pooled"
    words = {Wording.P_VALUE: "the protocol's p-value bands for the strength of evidence",
             Wording.GRADE: "GRADE's informative statements (Santesso et al., J Clin "
             "Epidemiol 2020;119:126-135)"}  # fmt: skip
    sof_text = (
        "The Summary of findings table follows the GRADEpro/Cochrane layout; for dichotomous "
        f"outcomes the assumed risk is the {how} control-group risk across the studies "
        "unless the protocol states illustrative risks. Findings are worded with "
        + " and ".join(words[w] for w in g.wording)
        + "."
    )
    return [first, rules, who, sof_text]


def _relative(row: SofRow) -> str:
    ev = row.certainty.evidence
    if not ev.dichotomous or ev.estimate is None or ev.ci_low is None or ev.ci_high is None:
        return NONE
    name = "Peto OR" if ev.measure == "PETO_OR" else ev.measure
    return f"{name} {fmt_num(ev.estimate)} ({fmt_num(ev.ci_low)} to {fmt_num(ev.ci_high)})"


def _absolute(inputs: ReportInputs, row: SofRow) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ev = row.certainty.evidence
    if not ev.pooled:
        return (NONE,), ("Not pooled",)
    if row.risks:
        many = len(row.risks) > 1
        control = tuple((f"{r.label}: " if many else "") + f"{per_1000(r.assumed)} per 1000"
                        for r in row.risks)  # fmt: skip
        treated = tuple(
            (f"{r.label}: " if many else "") + f"{per_1000(r.corresponding)} per 1000 "
            f"({per_1000(r.low)} to {per_1000(r.high)})"
            for r in row.risks
        )
        return control, treated
    c = row.continuous
    if c is None:
        return (NONE,), (NONE,)
    name = lower_first(outcome_label(inputs.protocol, ev.outcome))
    if c.measure == "MD":
        means: tuple[str, ...] = (NONE,)
        if c.control_means:
            lo, hi = min(c.control_means), max(c.control_means)
            means = (f"The mean {name} ranged across control groups from {fmt_num(lo)} to "
                       f"{fmt_num(hi)}",)  # fmt: skip
        way = "higher" if c.difference >= 0 else "lower"
        on = f" ({c.instrument})" if c.instrument else ""
        return means, (f"The mean {name}{on} in the intervention groups was on average "
                         f"{fmt_num(abs(c.difference))} {way} (95% CI {fmt_num(c.low)} to "
                         f"{fmt_num(c.high)})",)  # fmt: skip
    side = {True: f"in favour of {inputs.intervention_text}", False: "in favour of control",
            None: "from the control groups"}[row.benefit]  # fmt: skip
    text = (f"The mean {name} in the intervention groups was on average "
            f"{fmt_num(abs(c.difference))} standard deviations {side} (95% CI "
            f"{fmt_num(c.low)} to {fmt_num(c.high)})")  # fmt: skip
    return (NONE,), (text,)


def _comments(inputs: ReportInputs, row: SofRow) -> tuple[str, ...]:
    ev = row.certainty.evidence
    out: list[str] = []
    words = inputs.protocol.grade
    if not ev.pooled:
        out.append(f"Not pooled: {(ev.reason or 'too few studies').rstrip('. ')}.")
    if words.uses(Wording.P_VALUE) and ev.pooled and ev.p is not None and ev.evidence:
        plan = inputs.protocol.analysis
        size = f" of a {ev.magnitude} effect" if ev.magnitude else ""
        if ev.evidence == plan.evidence.labels[0]:
            size = " of an effect"
        out.append(f"{ev.evidence.capitalize()} evidence{size} "
                   f"({fmt_p(ev.p, plan.evidence.p_thresholds)}).")  # fmt: skip
    if words.uses(Wording.GRADE):
        said = row_statement(inputs, row)
        if said is not None:
            out.append(f"{said}.")
    c = row.continuous
    if c is not None and c.reexpressed is not None:
        name, sd, est, lo, hi = c.reexpressed
        out.append(f"Re-expressed on the {name} (SD {sd:g}): {fmt_num(est)} points (95% CI "
                   f"{fmt_num(lo)} to {fmt_num(hi)}).")  # fmt: skip
    if row.certainty.disputed:
        out.append("Certainty: reviewers disagree on a domain; no consensus yet.")
    return tuple(out) or ("",)


def _certainty_cell(row: SofRow) -> tuple[str, ...]:
    level = row.certainty.level
    text = f"{SYMBOLS[level]} {LABELS[level]}"
    return (text if row.certainty.confirmed else f"{text} (suggested)",)


def sof_table(
    inputs: ReportInputs,
    sof: SummaryOfFindings,
    label: str,
    cite: Callable[[str], str] = _same,
) -> SofTable:
    """The Summary of findings table, numbered ``label``.

    Footnotes name each study with ``cite`` (its label and reference numbers).
    """
    p = inputs.protocol
    columns = ["Outcomes", "Risk with control", f"Risk with {inputs.intervention_text}",
               "Relative effect (95% CI)", "№ of participants (studies)",
               "Certainty of the evidence (GRADE)", "Comments"]  # fmt: skip
    cells: list[tuple[tuple[str, ...], ...]] = []
    marks: list[tuple[tuple[str, ...], ...]] = []
    notes: list[tuple[str, str]] = []
    for row in sof.rows:
        ev = row.certainty.evidence
        letters = []
        names = [s.study for s in ev.studies]
        for _, text in row.certainty.footnotes():
            letters.append(_letter(len(notes)))
            notes.append((letters[-1], cite_studies(text, names, cite)))
        control, treated = _absolute(inputs, row)
        outcome = f"{outcome_label(p, ev.outcome)}, {timepoint_label(ev.timepoint)}"
        studies = f"{fmt_count(ev.participants)} ({ev.k} {'study' if ev.k == 1 else 'studies'})"
        line = ((outcome,), control, treated, (_relative(row),), (studies,),
                _certainty_cell(row), _comments(inputs, row))  # fmt: skip
        cells.append(line)
        marks.append(tuple(tuple(letters) if i == 5 else () for i in range(len(columns))))
    frame = pd.DataFrame(
        [["; ".join(c) + (f" ({', '.join(m)})" if m else "") for c, m in zip(r, mk, strict=True)]
         for r, mk in zip(cells, marks, strict=True)],
        columns=columns,
    )  # fmt: skip
    q = p.review.question
    preamble = (f"Patient or population: {q.population}", f"Intervention: {q.intervention}",
                f"Comparison: {q.comparator}")  # fmt: skip
    grades = " ".join(f"{LABELS[lv]} certainty: {MEANINGS[lv]}." for lv in SYMBOLS)
    extra = ""
    if any(r.continuous is not None and r.continuous.measure == "SMD" for r in sof.rows):
        extra += (" As a rule of thumb, a standardised mean difference of 0.2 is a small "
                  "difference, 0.5 moderate and 0.8 large.")  # fmt: skip
    if not sof.confirmed:
        extra += (" (suggested): a rating includes the protocol rule's suggestions for domains "
                  "no reviewer has rated yet.")  # fmt: skip
    note = ("*The risk in the intervention group (and its 95% CI) is based on the assumed risk "
            "in the control group and the relative effect of the intervention (and its 95% "
            "CI). CI: confidence interval; RR: risk ratio; OR: odds ratio; MD: mean "
            "difference; SMD: standardised mean difference. GRADE Working Group grades of "
            f"evidence. {grades}{extra}")  # fmt: skip
    caption = f"Summary of findings: {inputs.intervention_text} compared with control"
    return SofTable(label, caption, frame, note, tuple(cells), tuple(marks), GROUP, (1, 3),
                    tuple(notes), preamble)  # fmt: skip


def _rated(d: DomainRating) -> str:
    who = "suggested" if not d.confirmed else d.source
    return f"{d.rating.label} ({who})"


def profile_frame(inputs: ReportInputs, sof: SummaryOfFindings) -> pd.DataFrame:
    """The GRADE evidence profile: each domain's rating and who gave it, per outcome."""
    rows = []
    for row in sof.rows:
        c, ev = row.certainty, row.certainty.evidence
        rows.append({
            "Outcome": f"{outcome_label(inputs.protocol, ev.outcome)}, "
                       f"{timepoint_label(ev.timepoint)}",
            "Studies": str(ev.k),
            **{d.domain.label: _rated(d) for d in c.domains},
            "Certainty": f"{SYMBOLS[c.level]} {LABELS[c.level]}",
        })  # fmt: skip
    return pd.DataFrame(rows)


def methods_section(inputs: ReportInputs) -> list[Section]:
    """The "Certainty of the evidence" methods section (none without a certainty input)."""
    if inputs.certainty is None:
        return []
    paras = methods_paragraphs(inputs.protocol, inputs.certainty)
    return [Section("certainty-methods", "Certainty of the evidence", 2,
                    tuple(Paragraph(t) for t in paras))]  # fmt: skip


def results_section(
    inputs: ReportInputs, table_number: int, cite: Callable[[str], str] = _same
) -> tuple[list[Section], int]:
    """The certainty results, and the last table number used.

    The Summary of findings table and the evidence profile; tables are numbered from
    ``table_number + 1``; studies in the footnotes are named with ``cite``.
    """
    sof = inputs.certainty
    if sof is None:
        return [], table_number
    if not sof.rows:
        text = "No main outcome had data, so no Summary of findings table could be drawn."
        return [Section("certainty-results", "Certainty of the evidence", 2,
                        (Paragraph(text),))], table_number  # fmt: skip
    blocks: list[Block] = []
    lead = (f"Table {table_number + 1} summarises the main findings and the certainty of the "
            f"evidence; Table {table_number + 2} gives each GRADE domain's rating.")  # fmt: skip
    if not sof.confirmed:
        lead += (" Ratings marked “suggested” come from the protocol's rules and have not yet "
                 "been confirmed by the reviewers.")  # fmt: skip
    blocks.append(Paragraph(lead))
    for row in sof.rows:
        said = row_statement(inputs, row)
        if said is not None and inputs.protocol.grade.uses(Wording.GRADE):
            blocks.append(Paragraph(f"{said} ({certainty_words(row)})."))
    blocks.append(sof_table(inputs, sof, f"Table {table_number + 1}", cite))
    note = ("Ratings: not serious, serious (rated down one level), very serious (two levels); "
            "in brackets, who rated: a reviewer, the consensus, or “suggested” by the "
            "protocol's rule (not yet confirmed).")  # fmt: skip
    blocks.append(Table(f"Table {table_number + 2}", "Certainty assessment (GRADE evidence "
                        "profile)", profile_frame(inputs, sof), note))  # fmt: skip
    return [Section("certainty-results", "Certainty of the evidence and summary of findings",
                    2, tuple(blocks))], table_number + 2  # fmt: skip


__all__ = [
    "cite_studies",
    "methods_paragraphs",
    "methods_section",
    "per_1000",
    "profile_frame",
    "results_section",
    "sof_table",
]
