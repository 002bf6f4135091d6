"""The effect measure, the per-study effects and the pooled result of one planned analysis.

The effect measure is chosen per analysis (``[analysis] effect_measure``): the
same-instrument measure (MD) when every study used one instrument, else the
different-instruments one (SMD); the dichotomous measure for counts. The planned method
applies where it can (Mantel-Haenszel and Peto only to counts; continuous outcomes are
pooled by inverse variance); model, tau² estimator, inference and level are the plan's.
:mod:`sysreview.synthesis.plan` runs every analysis of the protocol through these.
"""

from __future__ import annotations

from collections.abc import Sequence

from sysreview.effects import EffectSizes
from sysreview.effects.registry import MEASURES, compute_effects
from sysreview.extraction.comparisons import Comparison
from sysreview.extraction.dataset import DatasetError
from sysreview.meta import meta_analysis
from sysreview.meta.result import MetaAnalysis
from sysreview.protocol.analysis import AnalysisPlan
from sysreview.vocab import Measure, Method


def choose_measure(comparisons: Sequence[Comparison], plan: AnalysisPlan) -> Measure:
    """The effect measure of an analysis (see the module notes).

    Raises
    ------
    DatasetError
        When some studies report counts and others means for the same analysis.
    """
    kinds = {c.is_dichotomous for c in comparisons}
    if len(kinds) > 1:
        counts = ", ".join(c.study_id for c in comparisons if c.is_dichotomous)
        c0 = comparisons[0]
        raise DatasetError(
            f"{c0.domain} ({c0.timepoint}): studies {counts} report events while the others "
            "report means; one analysis needs one kind of data"
        )
    if kinds.pop():
        return plan.effect_measure.dichotomous
    if len({c.measure for c in comparisons}) == 1:
        return plan.effect_measure.same_instrument
    return plan.effect_measure.different_instruments


def effects_of(
    comparisons: Sequence[Comparison], measure: Measure, plan: AnalysisPlan
) -> EffectSizes:
    """Per-study effect sizes of the comparisons (intervention minus control).

    Computed through the registry of measures (:mod:`sysreview.effects.registry`), as
    ``sysreview pool`` and :func:`sysreview.escalc` compute them.
    """
    labels = [c.study_id for c in comparisons]
    spec = MEASURES[measure]
    columns = [[float(getattr(c, name)) for c in comparisons] for name in spec.family.columns]
    return compute_effects(measure, *columns, studies=labels, convention=plan.convention)


def _method(plan: AnalysisPlan, measure: Measure) -> Method | None:
    """The planned method where it applies to the measure, else the measure's default.

    Means are pooled by inverse variance and Peto's OR by Peto's method whatever the
    plan says; RR, OR and RD take the planned IV or MH (Peto's method needs PETO_OR).
    """
    if plan.method is None or not measure.is_dichotomous or measure is Measure.PETO_OR:
        return None
    return None if plan.method is Method.PETO else plan.method


def _pool(
    effects: EffectSizes, plan: AnalysisPlan, label: str, groups: Sequence[str] | None = None
) -> MetaAnalysis:
    return meta_analysis(
        effects,
        method=_method(plan, effects.measure),
        model=plan.model,
        tau2_method=plan.tau2_method,
        ci_method=plan.ci_method,
        level=plan.level,
        subgroups=groups,
        label=label,
    )


__all__ = ["choose_measure", "effects_of"]
