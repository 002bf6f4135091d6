"""Run the protocol's analysis plan over extracted data.

For every outcome domain and timepoint of the protocol with data:

* **main**: the studies with usable data (an estimable effect) under the protocol's
  multi-arm rule; with at least ``min_studies`` they are pooled with the planned model,
  estimator and inference, else a **narrative** summary lists each study's effect,
  direction and its own reported p. Studies that reported means without any measure of
  spread are *reported, not usable*: left out with that reason and their means
  (``AnalysisResult.not_usable``), and narrated; when no study of a domain and timepoint
  has usable data but some reported such means, the narrative holds them alone.
* **sensitivity** (after a pooled main analysis): the comparisons matching each
  planned filter, built under the analysis's own multi-arm rule when it has one
  (e.g. the TAU arm only); pooled when enough remain, else not run, with the reason
  ("only two studies had low overall risk of bias (at least three needed)").
* **subgroup**: each study goes to the first level whose filter it matches; the
  levels are pooled separately and compared by the test for subgroup differences
  (:func:`sysreview.meta.subgroup_test`). It needs studies in at least two levels.
* **metaregression**: the main analysis's effects regressed on study attributes
  (:mod:`sysreview.synthesis.metaregression`), with enough studies per moderator.

The effect measure is chosen per analysis (``[analysis] effect_measure``): the
same-instrument measure (MD) when every study used one instrument, else the
different-instruments one (SMD); the dichotomous measure for counts. A domain's own
``analysis`` (measure, method, model) replaces the plan's for that domain
(:meth:`~sysreview.protocol.AnalysisPlan.for_domain`). The planned
method applies where it can (Mantel-Haenszel and Peto only to counts; continuous
outcomes are pooled by inverse variance); :mod:`sysreview.synthesis.pooling` chooses the
measure and method and pools. Evidence words come from the Z test's p,
magnitude words from standardised effects only (SMD, SMDH), and funnel-plot asymmetry
tests (Egger's regression, Begg's rank correlation) run only when a main analysis
has at least ``funnel_min_studies`` studies (Cochrane Handbook v6.4 section 13.3.5.4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sysreview.effects import EffectSizes
from sysreview.errors import SysreviewError
from sysreview.extraction.analysis_ready import analysis_ready
from sysreview.extraction.comparisons import AnalysisReady, Comparison
from sysreview.extraction.dataset import ReviewData
from sysreview.meta import begg_test, egger_test
from sysreview.meta.bias import SmallStudyTest
from sysreview.meta.result import MetaAnalysis
from sysreview.meta.trimfill import TrimAndFill, trim_and_fill
from sysreview.protocol.analysis import AnalysisPlan, BenefitSign, Sensitivity, Subgroup
from sysreview.protocol.filters import TIMEPOINTS, matches
from sysreview.protocol.models import Protocol
from sysreview.protocol.outcomes import Domain
from sysreview.synthesis import wording
from sysreview.synthesis.metaregression import run_metaregression
from sysreview.synthesis.pooling import _pool, choose_measure, effects_of
from sysreview.synthesis.result import AnalysisResult, NarrativeRow, Synthesis
from sysreview.vocab import Method


def run_plan(data: ReviewData, protocol: Protocol) -> Synthesis:
    """Run the protocol's whole analysis plan on extracted data.

    Parameters
    ----------
    data
        Extracted studies, arms and outcomes.
    protocol
        The review protocol (outcomes, timepoints, comparators, analysis plan).

    Returns
    -------
    Synthesis

    Raises
    ------
    DatasetError
        For unusable data (see :func:`sysreview.extraction.analysis_ready`).

    Examples
    --------
    >>> from sysreview.extraction.dataset import ArmEntry, OutcomeEntry, StudyEntry
    >>> from sysreview.protocol import parse_protocol, template_text
    >>> protocol = parse_protocol(template_text("group-peer-support"))
    >>> arms = (ArmEntry("S", "peer", "intervention"), ArmEntry("S", "usual", "TAU"))
    >>> rows = (OutcomeEntry("S", "peer", "hope", "Herth Hope Index", 0, mean=36, sd=5, n=40),
    ...         OutcomeEntry("S", "usual", "hope", "Herth Hope Index", 0, mean=34, sd=5, n=40))
    >>> result = run_plan(ReviewData((StudyEntry("S"),), arms, rows), protocol)
    >>> result.ids(), result.results[0].reason
    (['hope.post_intervention.narrative'], 'only one study had usable data (at least three needed)')
    """
    plan = protocol.analysis
    main = analysis_ready(data, protocol)
    rules = {
        s.name: analysis_ready(data, protocol, s.multi_arm) for s in plan.sensitivity if s.multi_arm
    }
    results: list[AnalysisResult] = []
    empty: list[tuple[str, str]] = []
    for _, domain in protocol.outcomes.domains():
        plan = protocol.analysis.for_domain(domain)  # the domain's own measure, method, model
        for timepoint in TIMEPOINTS:
            comparisons = main.select(domain.name, timepoint)
            if not comparisons:
                if any(e.not_usable for e in main.excluded(domain.name, timepoint)):
                    results.append(_reported_only(domain, timepoint, main, plan))
                else:
                    empty.append((domain.name, timepoint))
                continue
            first = _main(domain, timepoint, comparisons, main, plan)
            results.append(first)
            if first.meta is None:
                continue
            for s in plan.sensitivity:
                ready = rules.get(s.name, main)
                results.append(_sensitivity(domain, timepoint, s, ready, plan))
            for g in plan.subgroups:
                results.append(_subgroup(domain, timepoint, g, comparisons, main, plan))
            for m in plan.metaregression:
                base = _Id(domain, timepoint, "metaregression", m.name, m.label, m.describe())
                results.append(run_metaregression(base, m, first, plan))
    return Synthesis(tuple(results), main.exclusions, tuple(empty))


def _favours(comparisons: Sequence[Comparison], plan: AnalysisPlan) -> tuple[str, str]:
    """Labels for below and above the null line, once directions are aligned."""
    up = ("Favours control", "Favours intervention")
    if comparisons[0].is_dichotomous:
        higher = {c.higher_is_better for c in comparisons}
        if higher == {True}:
            return up
        if higher == {False}:
            return (up[1], up[0])
        return ("Fewer events with intervention", "More events with intervention")
    return up if plan.benefit_sign is BenefitSign.POSITIVE else (up[1], up[0])


def _words(m: MetaAnalysis, plan: AnalysisPlan) -> dict[str, Any]:
    return {
        "evidence": plan.evidence.band(m.p),
        "magnitude": plan.magnitude.band(m.estimate) if m.measure.is_standardised else None,
        "substantial_heterogeneity": bool(m.i2 > plan.substantial_i2),
    }


@dataclass(frozen=True)
class _Id:
    """The identifying fields of an analysis; :meth:`result` adds the rest."""

    domain: Domain
    timepoint: str
    kind: str
    name: str | None
    what: str
    description: str

    @property
    def label(self) -> str:
        when = wording.timepoint_label(self.timepoint)
        return f"{self.domain.label}, {when} — {self.what}"

    def result(self, **fields: Any) -> AnalysisResult:
        ident = f"{self.domain.name}.{self.timepoint}.{self.kind}"
        return AnalysisResult(
            analysis=ident if self.name is None else f"{ident}.{self.name}",
            outcome=self.domain.name,
            outcome_label=self.domain.label,
            timepoint=self.timepoint,
            kind=self.kind,
            name=self.name,
            label=self.label,
            description=self.description,
            **fields,
        )


def _main(
    domain: Domain,
    timepoint: str,
    comparisons: tuple[Comparison, ...],
    ready: AnalysisReady,
    plan: AnalysisPlan,
) -> AnalysisResult:
    measure = choose_measure(comparisons, plan)
    effects = effects_of(comparisons, measure, plan)
    k = int(effects.estimable.sum())
    excluded = ready.excluded(domain.name, timepoint)
    favours = _favours(comparisons, plan)
    if k < plan.min_studies:
        rows = _narrative(comparisons, effects, plan)
        what = ready.multi_arm.describe()
        return _Id(domain, timepoint, "narrative", None, "narrative summary", what).result(
            comparisons=comparisons,
            favours=favours,
            narrative=rows,
            reason=wording.too_few(k, "had usable data", plan.min_studies),
            excluded=excluded,
        )
    base = _Id(domain, timepoint, "main", None, "main analysis", ready.multi_arm.describe())
    m = _pool(effects, plan, base.label)
    tests, why = _small_study(m, plan)
    return base.result(
        comparisons=comparisons,
        meta=m,
        favours=favours,
        small_study_tests=tests,
        small_study_reason=why,
        trim_fill=_trim_and_fill(m, plan),
        excluded=excluded,
        **_words(m, plan),
    )


def _reported_only(
    domain: Domain, timepoint: str, ready: AnalysisReady, plan: AnalysisPlan
) -> AnalysisResult:
    """A narrative of studies that reported means without any measure of spread only."""
    what = ready.multi_arm.describe()
    return _Id(domain, timepoint, "narrative", None, "narrative summary", what).result(
        comparisons=(),
        reason=wording.too_few(0, "had usable data", plan.min_studies),
        excluded=ready.excluded(domain.name, timepoint),
    )


def _trim_and_fill(m: MetaAnalysis, plan: AnalysisPlan) -> TrimAndFill | None:
    """Duval & Tweedie's trim and fill of an inverse-variance analysis.

    L0 estimator, side from Egger's regression, as metafor's ``trimfill``; run at
    ``funnel_min_studies`` or more studies. ``None`` when it cannot run (too few studies,
    MH or Peto pooling, equal standard errors).
    """
    if m.k < plan.funnel_min_studies or m.method is not Method.IV:
        return None
    try:
        return trim_and_fill(m, min_studies=plan.funnel_min_studies)
    except (SysreviewError, ValueError):
        return None


def _small_study(
    m: MetaAnalysis, plan: AnalysisPlan
) -> tuple[tuple[SmallStudyTest, ...], str | None]:
    """Egger's and Begg's tests at ``funnel_min_studies`` or more studies, or why not."""
    need = plan.funnel_min_studies
    if m.k < need:
        return (), (
            f"funnel-plot asymmetry tests need at least {wording.studies(need)}; "
            f"this analysis has {wording.number(m.k)}"
        )
    tests: list[SmallStudyTest] = []
    problems: list[str] = []
    for test in (egger_test, begg_test):
        try:
            tests.append(test(m, min_studies=need))
        except (SysreviewError, ValueError) as exc:
            problems.append(str(exc))
    return tuple(tests), "; ".join(problems) or None


def _narrative(
    comparisons: Sequence[Comparison], effects: EffectSizes, plan: AnalysisPlan
) -> tuple[NarrativeRow, ...]:
    """Each study's own effect (aligned), its direction and its reported p."""
    low, high = effects.ci(plan.level)
    left, right = _favours(comparisons, plan)
    rows = []
    for i, c in enumerate(comparisons):
        reason = effects.reasons[i]
        y = float(effects.yi[i])
        if reason is not None:
            direction = f"not estimable: {reason}"
        elif y == 0:
            direction = "no difference"
        else:
            direction = (right if y > 0 else left).lower()
        show = np.exp if effects.log_scale else float
        rows.append(
            NarrativeRow(
                study=c.study_id,
                measure=c.measure,
                effect_measure=effects.measure.value,
                participants=c.participants,
                estimate=None if reason else float(show(y)),
                ci_low=None if reason else float(show(low[i])),
                ci_high=None if reason else float(show(high[i])),
                direction=direction,
                reported_p=c.reported_p,
            )
        )
    return tuple(rows)


def _sensitivity(
    domain: Domain, timepoint: str, s: Sensitivity, ready: AnalysisReady, plan: AnalysisPlan
) -> AnalysisResult:
    base = _Id(domain, timepoint, "sensitivity", s.name, s.label, s.describe())
    chosen = tuple(
        c for c in ready.select(domain.name, timepoint) if matches(s.where, c.attributes)
    )
    excluded = ready.excluded(domain.name, timepoint) if s.multi_arm else ()
    if not chosen:
        reason = wording.too_few(0, wording.condition_phrase(s.where), plan.min_studies)
        return base.result(comparisons=(), reason=reason, excluded=excluded)
    effects = effects_of(chosen, choose_measure(chosen, plan), plan)
    k = int(effects.estimable.sum())
    if k < plan.min_studies:
        reason = wording.too_few(k, wording.condition_phrase(s.where), plan.min_studies)
        return base.result(comparisons=chosen, reason=reason, excluded=excluded)
    m = _pool(effects, plan, base.label)
    return base.result(
        comparisons=chosen,
        meta=m,
        favours=_favours(chosen, plan),
        excluded=excluded,
        **_words(m, plan),
    )


def _subgroup(
    domain: Domain,
    timepoint: str,
    g: Subgroup,
    comparisons: tuple[Comparison, ...],
    ready: AnalysisReady,
    plan: AnalysisPlan,
) -> AnalysisResult:
    base = _Id(domain, timepoint, "subgroup", g.name, g.label, g.describe())
    levels: list[str | None] = [
        next((lv.label for lv in g.levels if matches(lv.where, c.attributes)), None)
        for c in comparisons
    ]
    chosen = tuple(c for c, lv in zip(comparisons, levels, strict=True) if lv is not None)
    labels = tuple(lv for lv in levels if lv is not None)
    missing = tuple(c.study_id for c, lv in zip(comparisons, levels, strict=True) if lv is None)
    effects = effects_of(chosen, choose_measure(chosen, plan), plan) if chosen else None
    counts = {lv.label: 0 for lv in g.levels}
    if effects is not None:
        for label, ok in zip(labels, effects.estimable, strict=True):
            counts[label] += int(ok)
    filled = [label for label, n in counts.items() if n > 0]
    if len(filled) < 2:
        reason = wording.subgroup_reason(counts, len(missing))
        return base.result(
            comparisons=chosen,
            subgroup_levels=labels,
            reason=reason,
            not_classified=missing,
        )
    assert effects is not None
    m = _pool(effects, plan, base.label, groups=labels)
    test = m.subgroup_test
    return base.result(
        comparisons=chosen,
        subgroup_levels=labels,
        meta=m,
        favours=_favours(chosen, plan),
        not_classified=missing,
        evidence_subgroups=None if test is None else plan.evidence.band(test.p),
        **_words(m, plan),
    )


__all__ = ["choose_measure", "effects_of", "run_plan"]
