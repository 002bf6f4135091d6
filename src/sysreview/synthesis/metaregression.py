"""Planned meta-regressions: the main analysis's effects regressed on study attributes.

For each pooled main analysis and each ``[[analysis.metaregression]]`` of the plan, the
studies of the main analysis (same effect sizes, same alignment) are regressed on the
planned moderators, read from each study's attributes. The regression is run only when
enough studies report every moderator (``studies_per_moderator`` per moderator); it is
otherwise not run, with the reason. A bad model (a factor reported at one level only,
collinear moderators) is not run either, with the problem as the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sysreview.errors import SysreviewError
from sysreview.meta import meta_regression
from sysreview.protocol.analysis import AnalysisPlan, MetaRegressionPlan
from sysreview.synthesis import wording

if TYPE_CHECKING:
    from sysreview.synthesis.plan import _Id
    from sysreview.synthesis.result import AnalysisResult


def _missing_phrase(moderators: tuple[str, ...]) -> str:
    names = " and ".join(m.replace("_", " ") for m in moderators)
    return f"had an effect and reported {names}"


def run_metaregression(
    base: _Id, entry: MetaRegressionPlan, main: AnalysisResult, plan: AnalysisPlan
) -> AnalysisResult:
    """The planned meta-regression ``entry`` of a pooled main analysis ``main``."""
    assert main.meta is not None
    effects = main.meta.effects
    data = {m: [c.attributes.get(m) for c in main.comparisons] for m in entry.moderators}
    reported = np.array(
        [all(data[m][i] is not None for m in entry.moderators) for i in range(effects.k)]
    )
    k = int((effects.estimable & reported).sum())
    needed = entry.studies_per_moderator * len(entry.moderators)
    if k < needed:
        reason = wording.too_few(k, _missing_phrase(entry.moderators), needed)
        return base.result(comparisons=main.comparisons, reason=reason, favours=main.favours)
    try:
        fit = meta_regression(
            effects,
            entry.formula(),
            data,
            model=entry.model,
            tau2_method=entry.tau2_method,
            ci_method=entry.ci_method,
            level=plan.level,
            label=base.label,
        )
    except SysreviewError as exc:
        return base.result(comparisons=main.comparisons, reason=str(exc), favours=main.favours)
    return base.result(
        comparisons=main.comparisons,
        regression=fit,
        favours=main.favours,
        evidence=plan.evidence.band(fit.qm_p),
    )


__all__ = ["run_metaregression"]
