"""Sensitivity analyses that re-pool subsets of the studies: leave-one-out and cumulative.

Each subset is pooled again with the settings of the original analysis (method,
model, tau² estimator, CI method, level), as metafor's ``leave1out`` and ``cumul``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from sysreview.effects.base import BoolArray, FloatArray
from sysreview.errors import TooFewStudiesError
from sysreview.meta.analysis import meta_analysis
from sysreview.meta.result import MetaAnalysis

if TYPE_CHECKING:
    import pandas as pd


def refit(
    res: MetaAnalysis, mask: BoolArray | Sequence[int], label: str | None = None
) -> MetaAnalysis:
    """Pool the studies of ``res`` selected by ``mask`` with the settings of ``res``."""
    return meta_analysis(
        res.effects.subset(mask),
        method=res.method,
        model=res.model,
        tau2_method=res.tau2_method or "DL",
        ci_method=res.ci_method,
        level=res.level,
        label=label,
    )


@dataclass(frozen=True, eq=False)
class _Refits:
    """A sequence of re-pooled analyses, one per step, labelled by a study."""

    studies: tuple[str, ...]
    analyses: tuple[MetaAnalysis, ...]
    full: MetaAnalysis

    step: ClassVar[str] = "study"
    title: ClassVar[str] = "Sensitivity analysis"

    def _field(self, name: str) -> FloatArray:
        return np.array([float(getattr(a, name)) for a in self.analyses])

    @property
    def k(self) -> FloatArray:
        """Number of studies pooled at each step."""
        return self._field("k")

    @property
    def estimate(self) -> FloatArray:
        """Pooled estimates (analysis scale: log for ratio measures)."""
        return self._field("estimate")

    @property
    def se(self) -> FloatArray:
        """Standard errors of the pooled estimates."""
        return self._field("se")

    @property
    def ci_low(self) -> FloatArray:
        """Lower confidence limits (analysis scale)."""
        return self._field("ci_low")

    @property
    def ci_high(self) -> FloatArray:
        """Upper confidence limits (analysis scale)."""
        return self._field("ci_high")

    @property
    def p(self) -> FloatArray:
        """Two-sided p-values of the pooled effects."""
        return self._field("p")

    @property
    def tau2(self) -> FloatArray:
        """Between-study variances (0 for fixed-effect models)."""
        return self._field("tau2")

    @property
    def q(self) -> FloatArray:
        """Cochran's Q statistics."""
        return self._field("q")

    @property
    def i2(self) -> FloatArray:
        """I² statistics in percent (by the analysis's convention)."""
        return self._field("i2")

    def to_frame(self) -> pd.DataFrame:
        """One tidy, unrounded row per step.

        Columns: the step's study (``omitted`` or ``added``), ``k``, ``estimate``,
        ``se``, ``statistic``, ``p``, ``ci_low``, ``ci_high`` (analysis scale),
        ``estimate_display``, ``ci_low_display``, ``ci_high_display`` (reporting
        scale), ``tau2``, ``q``, ``df``, ``p_q``, ``i2``, ``h2``.
        """
        import pandas as pd

        rows: list[dict[str, Any]] = []
        for study, a in zip(self.studies, self.analyses, strict=True):
            rows.append(
                {
                    self.step: study,
                    "k": a.k,
                    "estimate": a.estimate,
                    "se": a.se,
                    "statistic": a.statistic,
                    "p": a.p,
                    "ci_low": a.ci_low,
                    "ci_high": a.ci_high,
                    "estimate_display": a.display(a.estimate),
                    "ci_low_display": a.display(a.ci_low),
                    "ci_high_display": a.display(a.ci_high),
                    "tau2": a.tau2,
                    "q": a.q,
                    "df": a.df,
                    "p_q": a.p_q,
                    "i2": a.i2,
                    "h2": a.h2,
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """A table of the pooled estimate at each step (reporting scale)."""
        full = self.full
        head = [
            f"{self.title}: {full.describe_model()}",
            f"{self.step.capitalize():<32} {'k':>3}  {full.measure.value} [{full.level:g}% CI]"
            f"{'p':>10} {'tau²':>8} {'I²':>6}",
        ]
        body = []
        for study, a in zip(self.studies, self.analyses, strict=True):
            est, lo, hi = (a.display(x) for x in (a.estimate, a.ci_low, a.ci_high))
            body.append(
                f"{study:<32} {a.k:>3}  {est:.4f} [{lo:.4f}, {hi:.4f}] {a.p:>9.4g} "
                f"{a.tau2:>8.4f} {a.i2:>5.1f}%"
            )
        return "\n".join(head + body)


@dataclass(frozen=True, eq=False)
class LeaveOneOut(_Refits):
    """Each estimable study left out in turn; ``studies`` names the omitted study."""

    step: ClassVar[str] = "omitted"
    title: ClassVar[str] = "Leave-one-out analysis"


@dataclass(frozen=True, eq=False)
class Cumulative(_Refits):
    """Studies added one at a time; ``studies`` names the study added at each step."""

    step: ClassVar[str] = "added"
    title: ClassVar[str] = "Cumulative meta-analysis"


def leave_one_out(res: MetaAnalysis) -> LeaveOneOut:
    """Pool the analysis again without each estimable study in turn.

    Notes
    -----
    Row ``i`` is the analysis of all estimable studies but study ``i``, pooled with
    the settings of ``res`` (Borenstein et al. 2009, *Introduction to
    Meta-Analysis*, ch. 33; metafor ``leave1out``). Studies that are not estimable
    contribute to no analysis and get no row.

    Raises
    ------
    TooFewStudiesError
        With fewer than two estimable studies.

    Examples
    --------
    >>> from sysreview.effects import generic_effects
    >>> res = meta_analysis(generic_effects([0.1, 0.3, 0.5], [0.1, 0.1, 0.1]), model="fixed")
    >>> leave_one_out(res).estimate.round(4).tolist()
    [0.4, 0.3, 0.2]
    """
    use = np.flatnonzero(res.effects.estimable)
    if use.size < 2:
        raise TooFewStudiesError(
            f"leave-one-out needs at least 2 estimable studies; k = {use.size}"
        )
    studies = tuple(res.effects.studies[i] for i in use)
    fits = tuple(
        refit(res, np.setdiff1d(use, [i]), label=f"without {res.effects.studies[i]}") for i in use
    )
    return LeaveOneOut(studies, fits, res)


def _order(res: MetaAnalysis, order: Sequence[int] | Sequence[str] | None) -> list[int]:
    """Indices of the estimable studies in the order they are added."""
    labels = res.effects.studies
    if order is None:
        index = list(range(len(labels)))
    else:
        index = [labels.index(o) if isinstance(o, str) else int(o) for o in order]
    if sorted(index) != list(range(len(labels))):
        raise ValueError(
            f"order must list each of the {len(labels)} studies once (by index or label)"
        )
    return [i for i in index if res.effects.estimable[i]]


def cumulative(res: MetaAnalysis, order: Sequence[int] | Sequence[str] | None = None) -> Cumulative:
    """Cumulative meta-analysis: add the studies one at a time and pool at each step.

    Parameters
    ----------
    res
        The full analysis.
    order
        The order in which the studies are added: every study once, by index or
        label (e.g. ``numpy.argsort(years)``); by default the input order.

    Notes
    -----
    Step ``j`` pools the first ``j`` estimable studies in ``order`` with the settings
    of ``res`` (Lau et al. 1992, NEJM 327:248; metafor ``cumul``); the last step is
    the full analysis. Not-estimable studies are skipped.

    Examples
    --------
    >>> from sysreview.effects import generic_effects
    >>> res = meta_analysis(generic_effects([0.1, 0.3, 0.5], [0.1, 0.1, 0.1]), model="fixed")
    >>> cumulative(res, order=[2, 1, 0]).estimate.round(4).tolist()
    [0.5, 0.4, 0.3]
    """
    index = _order(res, order)
    studies = tuple(res.effects.studies[i] for i in index)
    fits = tuple(refit(res, index[: j + 1], label=f"up to {studies[j]}") for j in range(len(index)))
    return Cumulative(studies, fits, res)


__all__ = ["Cumulative", "LeaveOneOut", "cumulative", "leave_one_out", "refit"]
