"""The certainty of every main outcome and its Summary of findings, from a synthesis.

:func:`summary_of_findings` takes the synthesis (the same results ``results.json`` holds),
the studies' risk-of-bias assessments, the reviewers' current ratings and the protocol,
and gives a :class:`SummaryOfFindings`: one row per main outcome (the protocol's
``[grade] sof_outcomes``, default every domain with a main or narrative analysis) at each
timepoint (``sof_timepoints``, default all), in protocol order.

Examples
--------
>>> from sysreview.protocol import parse_protocol, template_text
>>> from sysreview.synthesis import Synthesis
>>> sof = summary_of_findings(Synthesis((), (), ()), parse_protocol(template_text("blank")))
>>> sof.rows, sof.summary()
((), 'Summary of findings: no main outcome has data yet')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from typing import Protocol as Typing

from sysreview.grade.assess import ReviewerRating, assess, resolve
from sysreview.grade.evidence import RobEntries, outcome_evidence
from sysreview.grade.ratings import LABELS, SYMBOLS, Level
from sysreview.grade.sof import SofRow, sof_row
from sysreview.protocol.review import Role
from sysreview.synthesis.result import Synthesis

if TYPE_CHECKING:
    import pandas as pd

    from sysreview.protocol import Protocol


class Assessed(Typing):
    """What :func:`rob_entries` reads of a risk-of-bias assessment (RoB 1 or RoB 2)."""

    @property
    def study(self) -> str: ...

    @property
    def overall(self) -> str: ...


def rob_entries(assessments: Iterable[Assessed]) -> RobEntries:
    """``study -> [(result, overall)]`` from RoB 1 or RoB 2 assessments (RoB 2 per result).

    A RoB 1 assessment with outcome-level judgements adds ``(outcome, overall)`` for each
    such outcome (:attr:`~sysreview.appraisal.rob1.Rob1Assessment.outcome_overall`), so
    that outcome's GRADE rating reads it (:func:`~sysreview.grade.evidence.study_rob`)
    and the others the study's.
    """
    out: dict[str, list[tuple[str | None, str]]] = {}
    for a in assessments:
        out.setdefault(a.study, []).append((getattr(a, "result", None), a.overall))
        for outcome, overall in getattr(a, "outcome_overall", {}).items():
            out[a.study].append((outcome, overall))
    return out


def raters(protocol: Protocol) -> tuple[str, ...]:
    """The reviewers who rate certainty: the protocol's appraisers and analysts, in order."""
    return tuple(r.id for r in protocol.review.reviewers
                 if r.has(Role.APPRAISER) or r.has(Role.ANALYST))  # fmt: skip


@dataclass(frozen=True)
class SummaryOfFindings:
    """Every main outcome's certainty and Summary of findings row.

    ``confirmed`` is True when reviewers rated every domain of every row; otherwise the
    report labels the unconfirmed ratings as suggestions.
    """

    rows: tuple[SofRow, ...]
    start: Level
    wording: tuple[str, ...]

    @property
    def confirmed(self) -> bool:
        """Whether every domain of every row was rated by a reviewer."""
        return all(r.certainty.confirmed for r in self.rows)

    def row(self, outcome: str, timepoint: str) -> SofRow:
        """The row of one outcome and timepoint.

        Raises
        ------
        KeyError
            When there is none.
        """
        for r in self.rows:
            ev = r.certainty.evidence
            if (ev.outcome, ev.timepoint) == (outcome, timepoint):
                return r
        raise KeyError(f"no Summary of findings row for {outcome} at {timepoint}")

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per row."""
        return [r.record() for r in self.rows]

    def to_frame(self) -> pd.DataFrame:
        """One row per outcome and domain: rating, source, reason (tidy)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "outcome": r.certainty.evidence.outcome,
                    "timepoint": r.certainty.evidence.timepoint,
                    "domain": d.domain.value,
                    "rating": d.rating.value,
                    "source": d.source,
                    "assessed": d.assessed,
                    "reason": d.reason,
                    "certainty": r.certainty.level.value,
                }
                for r in self.rows
                for d in r.certainty.domains
            ]
        )

    def summary(self) -> str:
        """Each outcome's certainty and its domains, one line each."""
        if not self.rows:
            return "Summary of findings: no main outcome has data yet"
        lines = []
        for r in self.rows:
            c, ev = r.certainty, r.certainty.evidence
            flag = "" if c.confirmed else " (includes suggestions not yet confirmed)"
            lines.append(f"{ev.outcome_label}, {ev.timepoint.replace('_', '-')} "
                         f"[{ev.outcome}.{ev.timepoint}]: {SYMBOLS[c.level]} "
                         f"{LABELS[c.level]}{flag}; {ev.k} studies, {ev.participants:g} "
                         "participants")  # fmt: skip
            for d in c.domains:
                lines.append(f"  {d.domain.value:<17} {d.rating.label:<13} {d.source:<10} "
                             f"{d.reason}")  # fmt: skip
        return "\n".join(lines)


def _wanted(protocol: Protocol, results: Sequence[Any]) -> list[Any]:
    g = protocol.grade
    main = [r for r in results if r.kind in ("main", "narrative")]
    if g.sof_timepoints:
        main = [r for r in main if r.timepoint in g.sof_timepoints]
    if not g.sof_outcomes:
        return main
    order = {name: i for i, name in enumerate(g.sof_outcomes)}
    return sorted((r for r in main if r.outcome in order), key=lambda r: order[r.outcome])


def summary_of_findings(
    synthesis: Synthesis,
    protocol: Protocol,
    rob: RobEntries | None = None,
    ratings: Iterable[ReviewerRating] = (),
) -> SummaryOfFindings:
    """The certainty and Summary of findings row of every main outcome (module docstring).

    ``ratings`` are the reviewers' current ratings (each reviewer's latest per outcome,
    timepoint and domain); :func:`~sysreview.grade.assess.resolve` picks the one that
    counts.
    """
    plan = protocol.analysis
    resolved = resolve(ratings, raters(protocol))
    rows = []
    for result in _wanted(protocol, synthesis.results):
        if not result.used:
            continue
        ev = outcome_evidence(result, rob or {}, plan.level)
        certainty = assess(ev, protocol.grade, plan.substantial_i2, resolved)
        rows.append(sof_row(certainty, protocol.grade, plan.magnitude))
    wording = tuple(w.value for w in protocol.grade.wording)
    return SummaryOfFindings(tuple(rows), protocol.grade.start, wording)


def known_outcomes(sof: SummaryOfFindings) -> Mapping[str, tuple[str, ...]]:
    """``outcome domain -> timepoints`` with a row (what a rating may name)."""
    out: dict[str, list[str]] = {}
    for r in sof.rows:
        ev = r.certainty.evidence
        out.setdefault(ev.outcome, []).append(ev.timepoint)
    return {k: tuple(v) for k, v in out.items()}


__all__ = [
    "SummaryOfFindings",
    "known_outcomes",
    "raters",
    "rob_entries",
    "summary_of_findings",
]
