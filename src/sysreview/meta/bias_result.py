"""The result of a test for small-study effects, and the minimum number of studies.

:mod:`sysreview.meta.bias` runs the tests (Egger, Begg, Peters, Harbord and the other
forms of metafor's ``regtest``); :mod:`sysreview.meta.trimfill` shares the minimum.
Fewer than ``MIN_STUDIES`` estimable studies are refused (Cochrane Handbook v6.4 section
13.3.5.4; Sterne et al. 2011, BMJ 343:d4002): with fewer, the tests are too weak to
tell chance from asymmetry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from sysreview.errors import TooFewStudiesError

if TYPE_CHECKING:
    import pandas as pd

MIN_STUDIES = 10
"""Default minimum number of studies for a test of funnel-plot asymmetry."""


@dataclass(frozen=True)
class SmallStudyTest:
    """The result of a test for small-study effects.

    Attributes
    ----------
    test
        ``"Egger"``, ``"regression"`` (another predictor), ``"Peters"``,
        ``"Begg"`` or ``"Harbord"``.
    statistic
        z or t statistic of the tested coefficient; Kendall's tau for Begg's test.
    df
        Degrees of freedom of a t statistic; ``None`` for z (and for Begg).
    p
        Two-sided p-value.
    intercept, intercept_se, slope, slope_se
        Regression coefficients and standard errors (``None`` for Begg's test).
    tested
        Which coefficient ``statistic`` tests: ``"slope"`` (Egger, Peters and the
        other ``regtest`` forms) or ``"intercept"`` (Harbord); ``None`` for Begg.
    k
        Number of studies used.
    predictor
        The precision measure regressed on (metafor's codes, ``"sqrtV"`` for
        Harbord's score variance); ``None`` for Begg.
    model
        ``"rma"`` (meta-regression with the analysis's model), ``"lm"`` (weighted
        least squares with a dispersion factor), ``"ols"`` (Harbord) or ``"rank"``.
    tau2
        Residual tau² of an ``"rma"`` random-effects meta-regression (0 when fixed).
    level
        Confidence level of ``limit_ci`` in percent.
    limit_ci
        CI of the intercept when it estimates the effect in an infinitely large
        study (predictors ``sei``, ``vi``, ``ninv``, ``sqrtninv``), else ``None``.
    exact
        For Begg's test, whether the p-value is exact (no ties) or from the normal
        approximation; ``None`` otherwise.
    """

    test: str
    statistic: float
    df: int | None
    p: float
    intercept: float | None
    intercept_se: float | None
    slope: float | None
    slope_se: float | None
    tested: Literal["slope", "intercept"] | None
    k: int
    predictor: str | None
    model: str
    tau2: float | None = None
    level: float = 95.0
    limit_ci: tuple[float, float] | None = None
    exact: bool | None = None

    @property
    def statistic_name(self) -> str:
        """``"tau"`` (Begg), ``"t"`` or ``"z"``."""
        if self.model == "rank":
            return "tau"
        return "z" if self.df is None else "t"

    def to_frame(self) -> pd.DataFrame:
        """One tidy, unrounded row with every field (``limit_ci`` split in two)."""
        import pandas as pd

        row: dict[str, Any] = asdict(self)
        ci = row.pop("limit_ci")
        row["statistic_name"] = self.statistic_name
        row["limit_ci_low"], row["limit_ci_high"] = ci if ci is not None else (None, None)
        return pd.DataFrame([row])

    def summary(self) -> str:
        """A few lines naming the test, the coefficients and the p-value."""
        how = {"rma": "meta-regression", "lm": "weighted regression", "ols": "OLS"}
        head = f"{self.test}'s test for small-study effects (k = {self.k})"
        if self.model == "rank":
            kind = "exact" if self.exact else "normal approximation, ties"
            return f"{head}\n  Kendall's tau = {self.statistic:.4f}, p = {self.p:.4g} ({kind})"
        df = "" if self.df is None else f", df = {self.df}"
        lines = [
            f"{head}: {how.get(self.model, self.model)} on {self.predictor}",
            f"  intercept = {self.intercept:.4f} (SE {self.intercept_se:.4f})",
            f"  slope     = {self.slope:.4f} (SE {self.slope_se:.4f})",
            f"  test of the {self.tested}: {self.statistic_name} = {self.statistic:.4f}"
            f"{df}, p = {self.p:.4g}",
        ]
        if self.tau2 is not None and self.tau2 > 0:
            lines.insert(1, f"  residual tau² = {self.tau2:.4f}")
        if self.limit_ci is not None:
            lo, hi = self.limit_ci
            lines.append(
                f"  limit estimate = {self.intercept:.4f} [{self.level:g}% CI {lo:.4f}, {hi:.4f}]"
            )
        return "\n".join(lines)


def require_studies(k: int, min_studies: int, what: str) -> None:
    """Refuse an analysis of fewer than ``min_studies`` studies (and never fewer than 3).

    Raises
    ------
    TooFewStudiesError
        Naming the analysis, ``k`` and the minimum.
    """
    needed = max(min_studies, 3)
    if k < needed:
        raise TooFewStudiesError(
            f"{what} needs at least {needed} studies; this analysis has k = {k} "
            "(lower min_studies only if you accept a test with very little power)"
        )


__all__ = ["MIN_STUDIES", "SmallStudyTest", "require_studies"]
