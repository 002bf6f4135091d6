"""The description of the studies in words: their selection, who they are, their risk of bias.

The results paragraphs that come before the effects of interventions, as a Cochrane
review orders them: the study selection from the PRISMA counts
(:func:`study_selection_paragraph`), the included studies and how many were randomised
(:func:`studies_paragraph`), where the extracted data came from when an outside file was
loaded (:func:`data_files_sentence`), and the overall risk-of-bias judgements
(:func:`rob_results_paragraph`). Nothing is computed here: every number is a value of the
inputs, formatted (:mod:`sysreview.report.words`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sysreview.prisma.result import PrismaCounts
from sysreview.protocol import Protocol

from .inputs import ReportInputs, RobSummary
from .words import STUDY, join_words, lower_first, number_word, plural


def study_selection_paragraph(prisma: PrismaCounts | None) -> str:
    """Study selection in words, from the PRISMA counts."""
    if prisma is None:
        return "Study selection counts were not derived for this report."
    c = prisma
    text = (
        f"The searches identified {c.records_identified} records ({c.records_databases} "
        f"from databases, {c.records_registers} from registers and "
        f"{c.records_other_methods} from other methods). "
    )
    removed = [f"{c.duplicates_removed} duplicates"]
    if c.removed_by_automation:
        removed.append(f"{c.removed_by_automation} marked ineligible by automation tools")
    if c.removed_other_reasons:
        removed.append(f"{c.removed_other_reasons} for other reasons")
    text += (
        f"After removing {join_words(removed)}, {c.records_screened} records were screened "
        f"by title and abstract and {c.records_excluded} were excluded. "
        f"Of {c.reports_sought} reports sought for retrieval, {c.reports_not_retrieved} "
        f"could not be retrieved; {c.reports_assessed} were assessed in full text and "
        f"{c.reports_excluded} were excluded"
    )
    if c.reports_excluded_by_reason:
        reasons = "; ".join(f"{lower_first(r)}, {n}" for r, n in c.reports_excluded_by_reason)
        text += f" ({reasons})"
    text += ". "
    pending = []
    if c.awaiting_screening or c.awaiting_full_text:
        waiting = c.awaiting_screening + c.awaiting_full_text
        pending.append(f"{waiting} {'awaits' if waiting == 1 else 'await'} a decision")
    if c.conflicts:
        one = c.conflicts == 1
        said = "has an unresolved disagreement" if one else "have unresolved disagreements"
        pending.append(f"{c.conflicts} {said}")
    if pending:
        text += f"Of the records and reports, {join_words(pending)}. "
    new = "new " if c.is_update else ""
    text += (
        f"{plural(c.studies_included, new + 'study', True, new + 'studies')}"
        f" ({plural(c.reports_included, 'report')}) "
        f"{'was' if c.studies_included == 1 else 'were'} included"
    )
    if c.is_update:  # PRISMA 2020 Fig. 1, template for updated reviews
        text += (
            f"; with the {plural(c.previous_studies, 'study', nouns='studies')} "
            f"({plural(c.previous_reports, 'report')}) included in the previous version of "
            f"the review, the review includes {plural(c.total_studies, 'study', nouns='studies')}"
            f" ({plural(c.total_reports, 'report')}) in total"
        )
    text += "."
    if c.other_sources:
        which = "; ".join(c.other_sources)
        whose = "its source" if len(c.other_sources) == 1 else "their sources"
        text += (
            " These counts include counts of identification and screening done outside this "
            f"review, as reported by {whose} rather than derived from the review's own "
            f"records and decisions: {which}."
        )
    return text


def data_files_sentence(files: Sequence[str]) -> str | None:
    """Where the extracted data came from, when data files of outside formats were loaded.

    ``None`` when every value was entered through the review's sheets and forms.

    Examples
    --------
    >>> print(data_files_sentence(["data.csv (Metapsy format; consensus values of R1)"]))
    ... # doctest: +NORMALIZE_WHITESPACE
    Study data were loaded from a data file of another format rather than extracted from
    the reports with the review's forms: data.csv (Metapsy format; consensus values of R1).
    """
    if not files:
        return None
    which = "a data file" if len(files) == 1 else "data files"
    return (
        f"Study data were loaded from {which} of another format rather than extracted from "
        f"the reports with the review's forms: {'; '.join(files)}."
    )


def studies_paragraph(
    inputs: ReportInputs,
    participants: dict[str, int | None],
    cite: Callable[[str], str] | None = None,
) -> str:
    """The included studies in one sentence: how many, which, and how many were randomised.

    Each study is cited with ``cite``, when given.

    ``participants`` is ``study id -> N randomised`` (``None`` when not reported), as in
    Table 1.
    """
    k = len(inputs.data.studies)
    if k == 0:
        return f"No {STUDY}s were included."
    known = [n for n in participants.values() if n is not None]
    text = f"{plural(k, STUDY, True)} {'was' if k == 1 else 'were'} included"
    if cite is not None:
        text += f" ({'; '.join(cite(s.study_id) for s in inputs.data.studies)})"
    if known and len(known) == k:
        return f"{text}, with {sum(known)} participants randomised (Table 1)."
    if known:
        return (
            f"{text}; {sum(known)} participants were randomised in the "
            f"{plural(len(known), STUDY)} that reported it (Table 1)."
        )
    return f"{text} (Table 1)."


_ROB_PHRASE = {
    "low": "at low risk",
    "unclear": "at unclear risk",
    "some_concerns": "judged to raise some concerns",
    "high": "at high risk",
}


def rob_results_paragraph(protocol: Protocol, rob: RobSummary | None) -> str:
    """Overall risk of bias in words: how many studies at each overall judgement."""
    if rob is None or not rob.studies:
        return "Risk-of-bias judgements were not available for this report."
    counts = rob.counts()
    levels = [lv for lv in protocol.risk_of_bias.tool.judgements if counts.get(lv)]
    first = levels[0]
    phrase = _ROB_PHRASE[first] + (" of bias" if first != "some_concerns" else "")
    head = f"{plural(counts[first], STUDY)} {'was' if counts[first] == 1 else 'were'} {phrase}"
    rest = [f"{number_word(counts[lv])} {_ROB_PHRASE[lv]}" for lv in levels[1:]]
    return f"Overall, {join_words([head, *rest])}."


__all__ = [
    "data_files_sentence",
    "rob_results_paragraph",
    "studies_paragraph",
    "study_selection_paragraph",
]
