"""The immutable result of a meta-analysis, with everything a forest plot needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sysreview.effects.base import EffectSizes, FloatArray
from sysreview.vocab import CIMethod, Convention, Measure, Method, Model, Tau2Method

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class SubgroupTest:
    """Test for subgroup differences (Deeks & Higgins 2010; Borenstein et al. 2009, ch. 19).

    ``q = sum w_j (theta_j - theta)^2`` over subgroup estimates with
    ``w_j = 1/se_j^2``, on ``df = J - 1``; ``i2 = 100 max(0, (q - df)/q)``.
    """

    q: float
    df: int
    p: float
    i2: float


@dataclass(frozen=True, eq=False)
class MetaAnalysis:
    """A pooled analysis: per-study inputs and weights, the summary, heterogeneity.

    Estimates are on the analysis scale (log ratios, logits, Fisher's z ...), as is
    ``se``; :meth:`display` reads a value back on the reporting scale (the measure's
    back-transformation, :mod:`sysreview.effects.transforms`). ``statistic`` is the
    test statistic of the pooled effect, named by :attr:`statistic_name` (``z`` or
    ``t``). ``weights`` are percent, NaN for studies that do not contribute.
    ``tau2_ci``, ``i2_ci`` and ``h2_ci`` are Q-profile confidence limits (Viechtbauer
    2007), NaN when not computed.
    """

    label: str | None
    effects: EffectSizes
    measure: Measure
    method: Method
    model: Model
    tau2_method: Tau2Method | None
    ci_method: CIMethod
    convention: Convention
    level: float
    weights: FloatArray
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    statistic: float
    p: float
    df_inference: float | None
    tau2: float
    q: float
    df: int
    p_q: float
    i2: float
    h2: float
    tau2_ci: tuple[float, float]
    i2_ci: tuple[float, float]
    h2_ci: tuple[float, float]
    pi_low: float
    pi_high: float
    converged: bool
    iterations: int
    subgroups: tuple[MetaAnalysis, ...] = ()
    subgroup_labels: tuple[str | None, ...] = ()
    subgroup_test: SubgroupTest | None = None

    @property
    def log_scale(self) -> bool:
        """Whether estimates are log ratios."""
        return self.effects.log_scale

    @property
    def reason(self) -> str | None:
        """Why there is no pooled estimate (RevMan's "Not estimable"); ``None`` if there is.

        The reason of each study is in ``effects.reasons``.
        """
        if self.k > 0:
            return None
        return "no studies" if self.effects.k == 0 else "no estimable studies"

    @property
    def tau(self) -> float:
        """Between-study standard deviation."""
        return float(np.sqrt(self.tau2))

    @property
    def statistic_name(self) -> str:
        """``"t"`` (Knapp-Hartung, on ``df_inference`` df) or ``"z"`` (Wald)."""
        return "z" if self.df_inference is None else "t"

    def display(self, value: Any) -> Any:
        """Back-transform a value (or array) to the reporting scale.

        Ratios are exponentiated, logits and Fisher's z inverted, and Freeman-Tukey
        values inverted with the harmonic mean of the studies' sizes (metafor's
        ``transf.ipft.hm``).
        """
        return self.effects.back_transform(value)

    def to_frame(self) -> pd.DataFrame:
        """Tidy, unrounded rows: one per study, then one per subgroup total and the total.

        Columns: ``row`` (study / subgroup / total), ``study``, ``subgroup``,
        ``estimable``, ``reason``, ``yi``, ``vi`` (analysis scale; for pooled rows the
        estimate and its variance), ``estimate``, ``ci_low``, ``ci_high`` (reporting
        scale), ``weight`` (percent), and for pooled rows ``k, se, statistic,
        statistic_name, p, tau2, tau2_ci_low, tau2_ci_high, i2, i2_ci_low, i2_ci_high,
        h2, h2_ci_low, h2_ci_high, q, df, p_q, pi_low, pi_high``.
        """
        import pandas as pd

        est, low, high = self.effects.reading(self.level)
        rows: list[dict[str, Any]] = []
        for i, study in enumerate(self.effects.studies):
            rows.append(
                {
                    "row": "study",
                    "study": study,
                    "subgroup": self.subgroup_labels[i] if self.subgroup_labels else None,
                    "estimable": self.effects.reasons[i] is None,
                    "reason": self.effects.reasons[i],
                    "yi": self.effects.yi[i],
                    "vi": self.effects.vi[i],
                    "estimate": est[i],
                    "ci_low": low[i],
                    "ci_high": high[i],
                    "weight": self.weights[i],
                }
            )
        for sub in self.subgroups:
            rows.append(sub._pooled_row("subgroup"))
        rows.append(self._pooled_row("total"))
        return pd.DataFrame(rows)

    def _pooled_row(self, kind: str) -> dict[str, Any]:
        return {
            "row": kind,
            "study": None,
            "subgroup": self.label if kind == "subgroup" else None,
            "estimable": self.k > 0,
            "reason": self.reason,
            "yi": self.estimate,
            "vi": self.se**2,
            "estimate": self.display(self.estimate),
            "ci_low": self.display(self.ci_low),
            "ci_high": self.display(self.ci_high),
            "weight": 100.0 if self.k > 0 else np.nan,
            "k": self.k,
            "se": self.se,
            "statistic": self.statistic,
            "statistic_name": self.statistic_name,
            "p": self.p,
            "tau2": self.tau2,
            "tau2_ci_low": self.tau2_ci[0],
            "tau2_ci_high": self.tau2_ci[1],
            "i2": self.i2,
            "i2_ci_low": self.i2_ci[0],
            "i2_ci_high": self.i2_ci[1],
            "h2": self.h2,
            "h2_ci_low": self.h2_ci[0],
            "h2_ci_high": self.h2_ci[1],
            "q": self.q,
            "df": self.df,
            "p_q": self.p_q,
            "pi_low": self.display(self.pi_low),
            "pi_high": self.display(self.pi_high),
        }

    def describe_model(self) -> str:
        """One line naming the method, model, estimator and inference."""
        parts = [f"{self.measure.value}", f"{self.method.value}", f"{self.model.value} effects"]
        if self.method is Method.PETO and self.model is Model.RANDOM:
            parts[1] = "Peto log odds ratios pooled by inverse variance"
        if self.model is Model.RANDOM and self.tau2_method is not None:
            parts.append(f"tau² {self.tau2_method.value}")
        parts.append("HKSJ t" if self.ci_method is CIMethod.HKSJ else "Wald z")
        parts.append(f"{self.convention.value} convention")
        return ", ".join(parts)

    def summary(self) -> str:
        """A RevMan-like text table: studies, weights, totals, heterogeneity, tests."""
        from sysreview.meta.summary import format_summary

        return format_summary(self)

    def __repr__(self) -> str:
        """One line: ``<MetaAnalysis k=13 IV random REML RR=0.49 [0.34, 0.70]>``."""
        from sysreview.meta.summary import one_line

        return one_line(self)

    def _repr_html_(self) -> str:
        """The summary table, as HTML (Jupyter)."""
        from sysreview.meta.summary import summary_html

        return summary_html(self)
