"""What the report's figures take from the record: citations, footnotes, risk of bias.

:class:`FigureContext` gathers, once, what every figure of the report adds to the plot of
a result: each study's label with its reference numbers (the same numbering as the text,
:func:`~.studies.reference_lists`), the footnotes on the values an analysis used (the
project's record of conversions and combined arms), the risk-of-bias judgements to draw
beside a forest plot, and the "favours" labels naming the intervention. The figures are
drawn by :mod:`sysreview.plots`; nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sysreview.appraisal.rob1 import DOMAINS as ROB1_DOMAINS
from sysreview.plots.forest import RobColumns
from sysreview.plots.rob import ROB2_DOMAIN_NAMES
from sysreview.prisma.arms import OtherMethodsFlow
from sysreview.prisma.result import PrismaBalanceError
from sysreview.protocol import Protocol

from .inputs import ReportInputs, RobSummary
from .studies import reference_lists
from .transparency import footnotes

ROB1_CODES = "ABCDEFG"
"""RevMan 5's letters for the RoB 1 domains, in the tool's order."""


def rob_columns(protocol: Protocol, rob: RobSummary | None) -> RobColumns | None:
    """The judgements to draw beside forest plots.

    RoB 1 domains as A ... G (RevMan 5.3), RoB 2 domains as D1 ... D5 and Overall; ``None``
    without judgements.
    """
    if rob is None or not rob.studies or protocol.risk_of_bias is None:
        return None
    tool = protocol.risk_of_bias.tool
    if tool.value == "RoB1":
        names = {d.id: d.name for d in ROB1_DOMAINS}
        codes = dict(zip(tool.domains, ROB1_CODES, strict=False))
        domains = tuple((codes[d], names.get(d, d)) for d in tool.domains)
    else:
        codes = {d: f"D{i}" for i, d in enumerate(tool.domains, start=1)}
        domains = tuple((codes[d], ROB2_DOMAIN_NAMES.get(d, d)) for d in tool.domains)
        domains += (("Overall", "Overall risk of bias"),)
    judged: dict[str, dict[str, str]] = {}
    for s in rob.studies:
        marks = {codes[d]: j for d, j in s.judgements.items() if d in codes}
        if tool.value != "RoB1":
            marks["Overall"] = s.overall
        judged[s.study] = marks
    return RobColumns(domains, judged)


def favours(labels: tuple[str, str], intervention: str) -> tuple[str, str]:
    """The synthesis's labels with the intervention named.

    ``"Favours intervention"`` → ``"Favours group peer support"`` (the direction is the
    synthesis's, from the outcome's measures and the protocol's benefit sign).

    Examples
    --------
    >>> favours(("Favours control", "Favours intervention"), "peer support")
    ('Favours control', 'Favours peer support')
    """
    out = []
    for label in labels:
        head, sep, tail = label.rpartition(" ")
        out.append(f"{head}{sep}{intervention}" if tail == "intervention" else label)
    return out[0], out[1]


@dataclass(frozen=True)
class FigureContext:
    """Citations, footnotes and risk of bias for the report's figures (see the module)."""

    labels: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    rob: RobColumns | None = None
    intervention: str = "intervention"
    other_methods: OtherMethodsFlow | None = None

    @classmethod
    def of(cls, inputs: ReportInputs) -> FigureContext:
        """The context of a report's inputs (``figures`` are not needed)."""
        refs = reference_lists(inputs)
        labels = {s.study_id: refs.cited(s.study_id) for s in inputs.data.studies}
        notes: dict[str, dict[str, tuple[str, ...]]] = {}
        for rec in inputs.results:
            marks, texts = footnotes(inputs, rec.analysis)
            by_letter = dict(texts)
            notes[rec.analysis] = {
                study: tuple(by_letter[m] for m in letters) for study, letters in marks.items()
            }
        other = inputs.conduct.other_methods if inputs.conduct is not None else None
        if other is not None and inputs.prisma is not None:
            try:
                other.main_arm(inputs.prisma)
            except PrismaBalanceError:  # the counts are not this project's own stream
                other = None
        return cls(labels, notes, rob_columns(inputs.protocol, inputs.rob),
                   inputs.intervention_text, other)  # fmt: skip

    def forest(self, analysis: str, favours_labels: tuple[str, str]) -> dict[str, object]:
        """Keyword arguments of :func:`sysreview.plots.forest_plot` for one analysis."""
        return {
            "labels": favours(favours_labels, self.intervention),
            "study_labels": self.labels,
            "notes": self.notes.get(analysis, {}),
            "rob": self.rob,
        }


__all__ = ["ROB1_CODES", "FigureContext", "favours", "rob_columns"]
