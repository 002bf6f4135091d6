"""Findings in GRADE's words, for the results text and the Summary of findings comments.

The protocol's ``[grade] wording`` chooses: ``p_value`` keeps the seed review's strength of
evidence from the p-value bands; ``grade`` words each main finding as an informative
statement (Santesso et al. 2020, :mod:`sysreview.grade.statements`) with its certainty;
both gives both. Nothing is computed here: the certainty, the size of the effect and its
direction are the values of the :class:`~sysreview.grade.SummaryOfFindings` the report was
given.
"""

from __future__ import annotations

from sysreview.grade import LABELS, SofRow, statement
from sysreview.protocol.certainty import Wording

from .inputs import ReportInputs, ResultRecord
from .words import lower_first, outcome_label


def sof_row(inputs: ReportInputs, rec: ResultRecord) -> SofRow | None:
    """The Summary of findings row of a main (or narrative) analysis, if it has one."""
    if inputs.certainty is None:
        return None
    return next((r for r in inputs.certainty.rows if r.analysis == rec.analysis), None)


def certainty_words(row: SofRow) -> str:
    """``"low-certainty evidence"``, saying when ratings are only suggestions."""
    level = LABELS[row.certainty.level].lower()
    text = f"{level}-certainty evidence"
    if not row.certainty.confirmed:
        text += "; suggested rating, not yet confirmed by the reviewers"
    return text


def row_statement(inputs: ReportInputs, row: SofRow) -> str | None:
    """The informative statement of a row.

    ``None`` when there is no pooled effect and the certainty is not very low: Santesso's
    statements need the size of the effect.
    """
    ev = row.certainty.evidence
    outcome = lower_first(outcome_label(inputs.protocol, ev.outcome))
    level = row.certainty.level
    if row.size is None and level.value != "very_low":
        return None
    increase = None if ev.estimate is None else ev.estimate > ev.null
    return statement(level, row.size, row.benefit, inputs.intervention_text, outcome,
                     increase=increase)  # fmt: skip


def grade_clause(inputs: ReportInputs, rec: ResultRecord) -> str | None:
    """The GRADE clause of a main analysis's finding, else ``None``.

    For example ``"Group peer support may improve recovery (low-certainty evidence)"``, when
    the protocol words findings with GRADE.
    """
    if not inputs.protocol.grade.uses(Wording.GRADE):
        return None
    row = sof_row(inputs, rec)
    if row is None:
        return None
    said = row_statement(inputs, row)
    return None if said is None else f"{said} ({certainty_words(row)})"


def uses_p_values(inputs: ReportInputs) -> bool:
    """Whether the protocol keeps the seed's p-value wording."""
    return inputs.protocol.grade.uses(Wording.P_VALUE)


__all__ = ["certainty_words", "grade_clause", "row_statement", "sof_row", "uses_p_values"]
