"""What the GRADE rules read about one outcome: the synthesis's result and its studies' RoB.

:class:`OutcomeEvidence` holds, for one outcome domain at one timepoint, the pooled result
(or, for a narrative summary, none), each study's share of the analysis, its overall risk
of bias, its own effect and its control arm, and the small-study tests. It is built from a
:class:`~sysreview.synthesis.AnalysisResult` (:func:`outcome_evidence`): values are read,
not recomputed, except each study's confidence interval from its effect and variance
(:meth:`~sysreview.effects.base.EffectSizes.ci`, as the forest plot draws it).

Each study's overall risk of bias is its assessment for this outcome: an assessment whose
result names the outcome's instrument or domain (RoB 2 is per result), else the study's
only assessment or one for all its results, else the worst of its assessments (said in
``rob_note``); a study without any assessment takes the ``overall_rob`` attribute the
extraction gave it, else it is "not assessed".
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sysreview.extraction.comparisons import Comparison
from sysreview.synthesis.result import AnalysisResult

RobEntries = Mapping[str, Sequence[tuple[str | None, str]]]
"""``study -> [(result label or None, overall judgement), ...]``: the RoB assessments."""
ORDER = ("low", "some_concerns", "unclear", "high")
"""Overall judgements from best to worst (RoB 1 and RoB 2 together)."""


@dataclass(frozen=True)
class StudyEvidence:
    """One study of an outcome: its share, risk of bias, effect and control arm.

    ``weight`` is the study's percentage of the pooled analysis's weight (``None`` in a
    narrative summary); ``rob`` its overall risk of bias for this outcome (``None``: not
    assessed); ``estimate`` and the CI are on the reporting scale (ratios as ratios),
    aligned so that the intervention's benefit has the protocol's sign.
    """

    study: str
    participants: float
    weight: float | None
    rob: str | None
    rob_note: str | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    instrument: str
    flipped: bool
    control_events: float | None = None
    control_n: float | None = None
    control_mean: float | None = None
    control_sd: float | None = None

    @property
    def control_risk(self) -> float | None:
        """Events over participants in the control arm (dichotomous outcomes)."""
        if self.control_events is None or not self.control_n:
            return None
        return self.control_events / self.control_n


@dataclass(frozen=True)
class OutcomeEvidence:
    """One outcome (domain × timepoint) as the GRADE rules see it.

    Pooled values are on the reporting scale (ratios as ratios); all are ``None`` for a
    narrative summary (``pooled`` False, ``reason`` says why). ``favours`` are the labels
    below and above the null line; ``egger_p`` is Egger's test when the synthesis ran it.
    """

    analysis: str
    outcome: str
    outcome_label: str
    timepoint: str
    measure: str | None
    pooled: bool
    k: int
    participants: float
    level: float
    studies: tuple[StudyEvidence, ...]
    favours: tuple[str, str]
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p: float | None = None
    i2: float | None = None
    q: float | None = None
    p_q: float | None = None
    pi_low: float | None = None
    pi_high: float | None = None
    magnitude: str | None = None
    evidence: str | None = None
    egger_p: float | None = None
    small_study_reason: str | None = None
    reason: str | None = None

    @property
    def ratio(self) -> bool:
        """Whether the measure is a ratio (null 1, compared on the log scale)."""
        return self.measure in ("RR", "OR", "PETO_OR")

    @property
    def dichotomous(self) -> bool:
        """Whether the outcome counts events."""
        return self.measure in ("RR", "OR", "PETO_OR", "RD")

    @property
    def null(self) -> float:
        """The value of no effect."""
        return 1.0 if self.ratio else 0.0

    def control_risks(self) -> tuple[float, ...]:
        """The control arms' risks, study by study (dichotomous outcomes)."""
        return tuple(r for s in self.studies if (r := s.control_risk) is not None)

    def assumed_risk(self, how: str) -> float | None:
        """The control risk a Summary of findings table assumes.

        The ``median`` of the control groups' risks, or the ``pooled`` risk (all control
        events over all control participants); ``None`` without control arms.
        """
        if how == "pooled":
            events = sum(s.control_events or 0.0 for s in self.studies if s.control_n)
            total = sum(s.control_n or 0.0 for s in self.studies if s.control_n)
            return events / total if total else None
        risks = self.control_risks()
        return statistics.median(risks) if risks else None

    def control_sd(self) -> float | None:
        """The control arms' pooled standard deviation (continuous outcomes).

        ``sqrt(sum (n - 1) sd^2 / sum (n - 1))``.
        """
        pairs = [(s.control_n, s.control_sd) for s in self.studies
                 if s.control_n and s.control_n > 1 and s.control_sd]  # fmt: skip
        if not pairs:
            return None
        df = sum(n - 1 for n, _ in pairs)
        return math.sqrt(sum((n - 1) * sd**2 for n, sd in pairs) / df)


def study_rob(comparison: Comparison, entries: RobEntries) -> tuple[str | None, str | None]:
    """A study's overall risk of bias for this comparison's outcome, and how it was chosen.

    See the module docstring.
    """
    found = list(entries.get(comparison.study_id, ()))
    if not found:
        attr = comparison.attributes.get("overall_rob")
        return (str(attr), None) if isinstance(attr, str) and attr else (None, None)
    names = {comparison.measure.casefold(), comparison.domain.casefold()}
    exact = [j for result, j in found if result is not None and result.casefold() in names]
    if exact:
        return exact[0], None
    if len(found) == 1:
        return found[0][1], None
    general = [j for result, j in found if result is None or "all" in result.casefold()]
    if general:
        return general[0], None
    worst = max((j for _, j in found), key=lambda j: ORDER.index(j) if j in ORDER else 0)
    return worst, f"no assessment names {comparison.measure}: the worst of the study's {len(found)}"


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _studies(result: AnalysisResult, rob: RobEntries) -> tuple[StudyEvidence, ...]:
    comparisons = result.comparisons
    n = len(comparisons)
    weights: list[float | None] = [None] * n
    est: list[float | None] = [None] * n
    lo: list[float | None] = [None] * n
    hi: list[float | None] = [None] * n
    keep = [True] * n
    m = result.meta
    if m is not None:
        low, high = m.effects.ci(m.level)
        for i in range(n):
            w = float(m.weights[i])
            keep[i] = math.isfinite(w) and bool(m.effects.estimable[i])
            weights[i] = w if keep[i] else None
            est[i] = _num(float(m.display(m.effects.yi[i])))
            lo[i], hi[i] = _num(float(m.display(low[i]))), _num(float(m.display(high[i])))
    elif result.narrative:
        for i, row in enumerate(result.narrative):
            keep[i] = row.estimate is not None
            est[i], lo[i], hi[i] = row.estimate, row.ci_low, row.ci_high
    out = []
    for i, c in enumerate(comparisons):
        if not keep[i]:
            continue
        judgement, note = study_rob(c, rob)
        out.append(StudyEvidence(
            c.study_id, c.participants, weights[i], judgement, note, est[i], lo[i], hi[i],
            c.measure, c.flipped, c.events_c, c.n_c, c.mean_c, c.sd_c,
        ))  # fmt: skip
    return tuple(out)


def outcome_evidence(
    result: AnalysisResult, rob: RobEntries, level: float = 95.0
) -> OutcomeEvidence:
    """The evidence of a main or narrative analysis (see the module docstring).

    ``level`` is the confidence level of a narrative summary's study intervals (the plan's).

    Raises
    ------
    ValueError
        For a sensitivity or subgroup analysis (GRADE rates the main evidence).
    """
    if result.kind not in ("main", "narrative"):
        raise ValueError(f"{result.analysis}: GRADE rates main and narrative analyses only")
    studies = _studies(result, rob)
    measure = None if result.measure is None else result.measure.value
    m = result.meta
    common: dict[str, Any] = {
        "analysis": result.analysis, "outcome": result.outcome,
        "outcome_label": result.outcome_label, "timepoint": result.timepoint,
        "measure": measure, "k": len(studies),
        "participants": float(sum(s.participants for s in studies)),
        "studies": studies, "favours": result.favours, "reason": result.reason,
        "small_study_reason": result.small_study_reason,
    }  # fmt: skip
    if m is None:
        return OutcomeEvidence(pooled=False, level=level, **common)
    egger = next((t.p for t in result.small_study_tests if t.test == "Egger"), None)
    return OutcomeEvidence(
        pooled=True, level=m.level, estimate=_num(float(m.display(m.estimate))),
        ci_low=_num(float(m.display(m.ci_low))), ci_high=_num(float(m.display(m.ci_high))),
        p=_num(m.p), i2=_num(m.i2), q=_num(m.q), p_q=_num(m.p_q),
        pi_low=_num(float(m.display(m.pi_low))), pi_high=_num(float(m.display(m.pi_high))),
        magnitude=result.magnitude, evidence=result.evidence, egger_p=_num(egger), **common,
    )  # fmt: skip


__all__ = ["ORDER", "OutcomeEvidence", "RobEntries", "StudyEvidence", "outcome_evidence",
           "study_rob"]  # fmt: skip
