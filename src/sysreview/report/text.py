"""Drafted methods and results paragraphs, in the words of the seed review.

Methods come from the protocol; results from the results records, the PRISMA counts, the
study data and the risk-of-bias judgements. Nothing is computed here: every number in a
sentence is a value of the inputs, formatted (:mod:`sysreview.report.words`). The methods
paragraphs are written in :mod:`sysreview.report.methods` and the description of the
studies (selection, included studies, risk of bias) in :mod:`sysreview.report.description`;
both are importable from here too. This module writes the effects of the interventions.

The results style follows Lyons, Cooper & Lloyd-Evans (BMC Psychiatry 2021;21:315): the
number of trials and participants, then the strength of evidence (from the p value bands
of the protocol) and the magnitude of the effect, with the estimate, its confidence
interval, p and I² in brackets::

    Five trials (n = 612) reported hope at post-intervention; there was strong evidence
    for a small effect favouring group peer support (SMD 0.22, 95% CI 0.07 to 0.37,
    p = 0.004; I² = 12%).
"""

from __future__ import annotations

from collections.abc import Callable

from .description import (
    data_files_sentence,
    rob_results_paragraph,
    studies_paragraph,
    study_selection_paragraph,
)
from .inputs import Direction, NarrativeRow, ReportInputs, ResultRecord
from .methods import (
    rob_methods_paragraph,
    screening_paragraph,
    search_paragraph,
    sensitivity_paragraph,
    subgroup_paragraph,
    synthesis_paragraphs,
)
from .statements import grade_clause, uses_p_values
from .words import (
    STUDY,
    analysis_label,
    article,
    fmt_ci,
    fmt_count,
    fmt_effect,
    fmt_i2,
    fmt_num,
    fmt_p,
    join_words,
    lower_first,
    number_word,
    outcome_label,
    plural,
    timepoint_label,
)

RATIO_MEASURES = ("RR", "OR", "PETO_OR")


def _whom(inputs: ReportInputs, label: str) -> str | None:
    """Who a "Favours ..." label names: the intervention, ``control``, or nobody.

    ``"Favours intervention"`` → the intervention; ``"Favours control"`` → ``control``;
    other labels (``"Fewer events with intervention"``) name nobody.
    """
    words = label.strip()
    if words.lower() == "favours intervention":
        return inputs.intervention_text
    if words.lower().startswith("favours "):
        return words[len("favours ") :]
    return None


def _favouring(inputs: ReportInputs, rec: ResultRecord, estimate: float) -> str | None:
    """Whom the pooled estimate favours.

    With the record's ``favours`` labels (below and above the null line, as on the
    forest plot), the label on the estimate's side. Without them, for a difference (MD,
    SMD, RD) the sign of the estimate against the protocol's benefit sign; for a ratio
    nobody, since whether a ratio below 1 is good depends on the event.
    """
    null = 1.0 if rec.measure in RATIO_MEASURES else 0.0
    if estimate == null:
        return "neither group"
    if rec.favours is not None:
        return _whom(inputs, rec.favours[0 if estimate < null else 1])
    if rec.measure in RATIO_MEASURES:
        return None
    benefit_positive = inputs.protocol.analysis.benefit_sign.value == "positive"
    return inputs.intervention_text if (estimate > 0) == benefit_positive else "control"


def _stats(inputs: ReportInputs, rec: ResultRecord) -> str:
    plan = inputs.protocol.analysis
    p = fmt_p(rec.p, plan.evidence.p_thresholds) if rec.p is not None else "p not reported"
    text = f"{fmt_effect(rec, plan.level)}, {p}"
    return text if rec.i2 is None else f"{text}; {fmt_i2(rec.i2)}"


def finding(inputs: ReportInputs, rec: ResultRecord) -> str:
    """What a pooled analysis found, without the lead-in: ``there was strong evidence ...``.

    ``evidence`` and ``magnitude`` are the record's own labels; the protocol's first
    evidence label (``no``) reads "no evidence of an effect". Substantial heterogeneity
    (I² above the protocol's threshold) is said.
    """
    plan = inputs.protocol.analysis
    if rec.estimate is None or rec.p is None:
        raise ValueError(f"results record {rec.analysis!r} has no pooled estimate")
    if rec.evidence == plan.evidence.labels[0]:
        text = f"there was no evidence of an effect ({_stats(inputs, rec)})"
    else:
        size = f"{rec.magnitude} effect" if rec.magnitude else "effect"
        whom = _favouring(inputs, rec, rec.estimate)
        favouring = "" if whom is None else f" favouring {whom}"
        text = (
            f"there was {rec.evidence} evidence for {article(size)} {size}{favouring} "
            f"({_stats(inputs, rec)})"
        )
    if rec.i2 is not None and rec.i2 > plan.substantial_i2:
        text += ", and heterogeneity was substantial"
    return text


def _trials(rec: ResultRecord, capital: bool, inside: bool = False) -> str:
    """``Five trials (n = 612)``; ``five trials, n = 612`` when already in brackets."""
    k = rec.k if rec.k is not None else len(rec.studies)
    if rec.participants is None:
        return plural(k, STUDY, capital)
    n = fmt_count(rec.participants)
    return f"{plural(k, STUDY, capital)}{f', n = {n}' if inside else f' (n = {n})'}"


def _what(inputs: ReportInputs, rec: ResultRecord) -> str:
    outcome = lower_first(outcome_label(inputs.protocol, rec.outcome))
    return f"{outcome} at {timepoint_label(rec.timepoint)}"


def result_sentence(inputs: ReportInputs, rec: ResultRecord) -> str:
    """One sentence per analysis: pooled, not possible (with its reason) or sensitivity.

    Examples (see the module docstring and ``tests/unit/report/test_text.py``).
    """
    what = _what(inputs, rec)
    label = analysis_label(inputs.protocol, rec)
    if rec.reason is not None:
        reason = rec.reason.rstrip(". ")
        if rec.kind == "main":
            return f"A meta-analysis of {what} was not possible: {reason}."
        return f"The planned {rec.kind} analysis “{label}” of {what} was not possible: {reason}."
    if rec.kind == "main":
        grade = grade_clause(inputs, rec)
        if grade is None:
            return f"{_trials(rec, True)} reported {what}; {finding(inputs, rec)}."
        if uses_p_values(inputs):
            return f"{_trials(rec, True)} reported {what}; {finding(inputs, rec)}. {grade}."
        stats = _stats(inputs, rec)
        return f"{_trials(rec, True)} reported {what}: {lower_first(grade)} ({stats})."
    if rec.subgroups:
        return _subgroups_sentence(inputs, rec, label, what)
    return (
        f"In the {rec.kind} analysis “{label}”, {_trials(rec, False)} contributed to {what}; "
        f"{finding(inputs, rec)}."
    )


def _subgroups_sentence(inputs: ReportInputs, rec: ResultRecord, label: str, what: str) -> str:
    plan = inputs.protocol.analysis
    levels = []
    for sub in rec.subgroups:
        text = f"{sub.subgroup}, {plural(sub.k or 0, STUDY)}"
        if sub.estimate is not None and sub.ci_low is not None and sub.ci_high is not None:
            text += (
                f", {rec.measure} {fmt_num(sub.estimate)} "
                f"({fmt_ci(sub.ci_low, sub.ci_high, plan.level)})"
            )
        levels.append(text)
    out = (
        f"In the subgroup analysis “{label}” of {what} ({_trials(rec, False, True)}): "
        f"{'; '.join(levels)}."
    )
    test = rec.subgroup_test
    if test is not None and test.p is not None:
        ev = "no" if test.evidence in (None, plan.evidence.labels[0]) else test.evidence
        stats = [] if test.q is None else [f"Chi² = {fmt_num(test.q)}"]
        stats += [] if test.df is None else [f"df = {test.df}"]
        stats.append(fmt_p(test.p, plan.evidence.p_thresholds))
        out += f" There was {ev} evidence of a difference between subgroups ({', '.join(stats)})."
    return out


def small_study_sentence(inputs: ReportInputs, rec: ResultRecord) -> str | None:
    """The funnel-plot asymmetry tests of one analysis, or ``None`` when it has none."""
    if not rec.small_study_tests:
        return None
    thresholds = inputs.protocol.analysis.evidence.p_thresholds
    variants = {"rma": " (meta-regression on the standard error, z test)",
                "lm": " (weighted regression on the standard error, t test)"}  # fmt: skip
    tests = [
        f"{t.test}'s test{variants.get(t.model or '', '') if t.test == 'Egger' else ''} "
        f"{'p not reported' if t.p is None else fmt_p(t.p, thresholds)}"
        for t in rec.small_study_tests
    ]
    lead = f"Funnel-plot asymmetry in {_what(inputs, rec)} ({_trials(rec, False, True)})"
    text = f"{lead}: {join_words(tests)}."
    tf = rec.trim_fill
    if tf is not None:
        if tf.k0 == 0:
            text += (f" Trim and fill ({tf.estimator}) estimated no missing studies, so the "
                     "estimate is unchanged.")  # fmt: skip
        elif tf.estimate is not None and tf.ci_low is not None and tf.ci_high is not None:
            level = inputs.protocol.analysis.level
            text += (
                f" Trim and fill ({tf.estimator}) imputed {plural(tf.k0, 'study', nouns='studies')}"
                f" on the {tf.side} of the funnel; with them the estimate would be "
                f"{rec.measure} {fmt_num(tf.estimate)} ({fmt_ci(tf.ci_low, tf.ci_high, level)})."
            )
    return text


_DIRECTION = {
    Direction.NONE: "no clear difference between groups",
    Direction.CONTROL: "a result favouring control",
    Direction.UNKNOWN: "a result whose direction could not be determined",
}


def _same(label: str) -> str:
    return label


def narrative_paragraph(
    inputs: ReportInputs,
    rec: ResultRecord,
    rows: tuple[NarrativeRow, ...],
    cite: Callable[[str], str] = _same,
) -> str:
    """The narrative summary of an outcome that was not pooled, study by study.

    Each study is named by ``cite`` (with its reference numbers).
    """
    k = rec.k if rec.k is not None else (len(rec.studies) or len(rows))
    k += sum(1 for row in rows if row.direction is Direction.NOT_USABLE)
    lead = f"{plural(k, STUDY, True)} reported {_what(inputs, rec)}"
    if rec.reason is not None:
        lead += f"; a meta-analysis was not possible because {rec.reason.rstrip('. ')}"
    else:
        need = number_word(inputs.protocol.analysis.min_studies)
        lead += f", too few to pool (at least {need} are needed)"
    lead += ", so findings are summarised narratively."
    parts = []
    for row in rows:
        measure = f" on the {row.measure}" if row.measure else ""
        if row.direction is Direction.NOT_USABLE:
            means = row.effect.removeprefix("means as reported: ")
            parts.append(f"{cite(row.study)} reported means{measure} without a measure of spread "
                         f"({means}), which could not be used")  # fmt: skip
            continue
        found = _DIRECTION.get(row.direction, f"a result favouring {inputs.intervention_text}")
        parts.append(f"{cite(row.study)} found {found}{measure} ({row.effect}; "
                     f"{row.significance})")  # fmt: skip
    return lead if not parts else f"{lead} {'; '.join(parts)}."


def not_usable_sentence(
    inputs: ReportInputs, rec: ResultRecord, cite: Callable[[str], str] = _same
) -> str | None:
    """The studies a pooled analysis left out for reporting means without any spread.

    With those means; ``None`` when there are none.
    """
    if not rec.not_usable or not rec.pooled:
        return None
    items = [
        f"{cite(u.study)}{f' on the {u.measure}' if u.measure else ''} ({u.means})"
        for u in rec.not_usable
    ]
    who = STUDY if len(items) == 1 else f"{STUDY}s"
    return (
        f"{number_word(len(items), True)} further {who} reported {_what(inputs, rec)} only as "
        "means without a measure of spread (SD, SE or confidence interval), which could not "
        f"be pooled: {'; '.join(items)}."
    )


__all__ = [
    "RATIO_MEASURES",
    "STUDY",
    "data_files_sentence",
    "finding",
    "narrative_paragraph",
    "not_usable_sentence",
    "result_sentence",
    "rob_methods_paragraph",
    "rob_results_paragraph",
    "screening_paragraph",
    "search_paragraph",
    "sensitivity_paragraph",
    "small_study_sentence",
    "studies_paragraph",
    "study_selection_paragraph",
    "subgroup_paragraph",
    "synthesis_paragraphs",
]
