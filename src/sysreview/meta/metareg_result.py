"""The immutable result of a meta-regression: coefficients, tests, heterogeneity, predictions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sysreview.effects.base import BoolArray, EffectSizes, FloatArray, frozen
from sysreview.errors import InputError
from sysreview.meta.design import Design
from sysreview.stats import (
    chi2_sf,
    f_sf,
    normal_two_sided_p,
    t_quantile,
    t_two_sided_p,
    z_critical,
)
from sysreview.vocab import CIMethod, Model, Tau2Method

if TYPE_CHECKING:
    import pandas as pd

    from sysreview.meta.metareg import ModelFit


@dataclass(frozen=True, eq=False)
class Prediction:
    """Predicted effects for given moderator values, on the analysis scale.

    ``pi_low``/``pi_high`` is the prediction interval (mixed-effects models only);
    :meth:`to_frame` adds the reading scale (ratios, proportions, correlations).
    """

    x: FloatArray
    pred: FloatArray
    se: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    pi_low: FloatArray
    pi_high: FloatArray
    effects: EffectSizes

    def to_frame(self) -> pd.DataFrame:
        """One row per prediction, unrounded.

        ``pred, se, ci_low, ci_high, pi_low, pi_high`` and the same on the reading scale
        (``*_display``).
        """
        import pandas as pd

        cols = {
            n: getattr(self, n) for n in ("pred", "se", "ci_low", "ci_high", "pi_low", "pi_high")
        }
        for n in ("pred", "ci_low", "ci_high", "pi_low", "pi_high"):
            cols[f"{n}_display"] = np.asarray(self.effects.back_transform(cols[n]), dtype=float)
        return pd.DataFrame(cols)


@dataclass(frozen=True, eq=False)
class MetaRegression:
    """A fitted meta-regression (see :func:`sysreview.meta.meta_regression`).

    Attributes
    ----------
    effects, design
        The effect sizes and the design matrix (all studies; ``used`` marks those in the
        fit, ``reasons`` says why the others are not).
    coef, se, statistic, p, ci_low, ci_high
        Per coefficient (named ``design.names``): estimate, SE, z or t statistic
        (:attr:`statistic_name`), p-value and confidence limits (analysis scale).
    vb
        Covariance matrix of the coefficients.
    df_inference
        ``k - p`` for Knapp-Hartung t tests; ``None`` for Wald z.
    tau2
        Residual between-study variance (0 for the fixed-effect model).
    qm, qm_df, qm_p, btt
        Omnibus test of the coefficients ``btt``: chi² on ``qm_df[0]`` df, or with
        Knapp-Hartung ``F`` on ``qm_df`` = (m, k - p) df.
    qe, qe_df, qe_p
        Test for residual heterogeneity (chi² on ``k - p`` df).
    i2, h2
        Residual I² (percent) and H².
    r2
        Proportion of heterogeneity accounted for, percent (``None`` without an
        intercept and moderators).
    fitted, hat, weights
        Per study (NaN where not used): ``x_i' b``, leverages, weights in percent.
    loglik
        Log-likelihood (restricted for REML).
    """

    label: str | None
    effects: EffectSizes
    design: Design
    used: BoolArray
    reasons: tuple[str | None, ...]
    model: Model
    tau2_method: Tau2Method | None
    ci_method: CIMethod
    level: float
    coef: FloatArray
    se: FloatArray
    statistic: FloatArray
    p: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    vb: FloatArray
    df_inference: int | None
    tau2: float
    s2w: float
    qm: float
    qm_df: tuple[int, int | None]
    qm_p: float
    btt: tuple[int, ...]
    qe: float
    qe_df: int
    qe_p: float
    i2: float
    h2: float
    r2: float | None
    fitted: FloatArray
    hat: FloatArray
    weights: FloatArray
    loglik: float

    @classmethod
    def from_fit(
        cls,
        *,
        effects: EffectSizes,
        design: Design,
        used: BoolArray,
        reasons: tuple[str | None, ...],
        fit: ModelFit,
        model: Model,
        tau2_method: Tau2Method | None,
        ci_method: CIMethod,
        level: float,
        btt: tuple[int, ...],
        r2: float | None,
        loglik: float,
        label: str | None,
    ) -> MetaRegression:
        """Tests, intervals and per-study values from a :class:`ModelFit`.

        Notes
        -----
        ``QM = b' V^-1 b`` over the tested coefficients, chi² on m df; with
        Knapp-Hartung ``QM/m`` on F(m, k - p) and t tests on ``k - p`` df (metafor).
        Residual ``I² = 100 tau2/(tau2 + s²)`` and ``H² = tau2/s² + 1`` with the typical
        variance ``s² = (k - p)/tr(P)``; for the fixed-effect model from QE:
        ``I² = 100 max(0, (QE - (k - p))/QE)``, ``H² = QE/(k - p)`` (Higgins &
        Thompson 2002, as metafor). Leverages ``diag(X (X'WX)^-1 X'W)``.
        """
        x = design.x[used]
        k, p = x.shape
        se = np.sqrt(np.diag(fit.vb))
        with np.errstate(divide="ignore", invalid="ignore"):
            statistic = fit.coef / se
        idx = list(btt)
        sub = fit.vb[np.ix_(idx, idx)]
        b = fit.coef[idx]
        try:
            qm = float(b @ np.linalg.solve(sub, b))
        except np.linalg.LinAlgError:
            qm = math.nan
        m = len(idx)
        df = k - p
        if ci_method is CIMethod.HKSJ:
            crit = float(t_quantile(0.5 + level / 200, df))
            pvalues = np.asarray(t_two_sided_p(statistic, df), dtype=float)
            qm, qm_df, qm_p = qm / m, (m, df), float(f_sf(qm / m, m, df))
        else:
            crit = z_critical(level)
            pvalues = np.asarray(normal_two_sided_p(statistic), dtype=float)
            qm_df, qm_p = (m, None), float(chi2_sf(qm, m))
        qe_df = k - p
        qe = fit.qe if qe_df > 0 else 0.0
        qe_p = float(chi2_sf(qe, qe_df)) if qe_df > 0 else 1.0
        if qe_df <= 0:
            i2, h2 = 0.0, 1.0
        elif model is Model.FIXED:
            i2 = max(0.0, 100 * (qe - qe_df) / qe) if qe > 0 else 0.0
            h2 = qe / qe_df
        else:
            vt = qe_df / fit.tr_p
            i2, h2 = 100 * fit.tau2 / (vt + fit.tau2), fit.tau2 / vt + 1
        full = np.full(effects.k, np.nan)
        fitted, hat, weights = full.copy(), full.copy(), full.copy()
        fitted[used] = x @ fit.coef
        hat[used] = np.einsum("ij,jk,ik->i", x, fit.vb_unscaled, x) * fit.w
        weights[used] = 100 * fit.w / fit.w.sum()
        return cls(
            label=label,
            effects=effects,
            design=design,
            used=frozen(used.copy()),
            reasons=reasons,
            model=model,
            tau2_method=tau2_method,
            ci_method=ci_method,
            level=level,
            coef=frozen(fit.coef),
            se=frozen(se),
            statistic=frozen(statistic),
            p=frozen(pvalues),
            ci_low=frozen(fit.coef - crit * se),
            ci_high=frozen(fit.coef + crit * se),
            vb=frozen(fit.vb),
            df_inference=df if ci_method is CIMethod.HKSJ else None,
            tau2=fit.tau2,
            s2w=fit.s2w,
            qm=qm,
            qm_df=qm_df,
            qm_p=qm_p,
            btt=btt,
            qe=qe,
            qe_df=qe_df,
            qe_p=qe_p,
            i2=i2,
            h2=h2,
            r2=r2,
            fitted=frozen(fitted),
            hat=frozen(hat),
            weights=frozen(weights),
            loglik=loglik,
        )

    @property
    def k(self) -> int:
        """Number of studies in the fit."""
        return int(self.used.sum())

    @property
    def names(self) -> tuple[str, ...]:
        """Coefficient names (``intrcpt``, covariates, ``factor[level]``)."""
        return self.design.names

    @property
    def statistic_name(self) -> str:
        """``"t"`` (Knapp-Hartung) or ``"z"``; the omnibus test is ``F`` or ``QM``."""
        return "z" if self.df_inference is None else "t"

    @property
    def tau(self) -> float:
        """Residual between-study standard deviation."""
        return math.sqrt(self.tau2)

    def _crit(self) -> float:
        if self.df_inference is None:
            return z_critical(self.level)
        return float(t_quantile(0.5 + self.level / 200, self.df_inference))

    def predict(self, newmods: Any) -> Prediction:
        """Predicted effects at new moderator values (metafor ``predict(res, newmods=)``).

        Parameters
        ----------
        newmods
            One mapping ``{moderator: value}`` (a level for factors) or a list of them;
            or the design columns without the intercept, one row per prediction (as
            metafor's ``newmods``).

        Notes
        -----
        ``pred = x0' b``, ``se = sqrt(x0' V x0)``, CI ``pred ± c se`` and, for mixed-
        effects models, prediction interval ``pred ± c sqrt(se² + tau2)``, with ``c``
        the normal quantile or, under Knapp-Hartung, the t quantile on ``k - p`` df
        (metafor ``predict.rma``).
        """
        rows = self._rows(newmods)
        pred = rows @ self.coef
        se = np.sqrt(np.einsum("ij,jk,ik->i", rows, self.vb, rows))
        crit = self._crit()
        if self.model is Model.RANDOM:
            half = crit * np.sqrt(se**2 + self.tau2)
            pi_low, pi_high = pred - half, pred + half
        else:
            pi_low = pi_high = np.full(pred.shape, np.nan)
        return Prediction(
            rows, pred, se, pred - crit * se, pred + crit * se, pi_low, pi_high, self.effects
        )

    def _rows(self, newmods: Any) -> FloatArray:
        if isinstance(newmods, dict):
            newmods = [newmods]
        if isinstance(newmods, list | tuple) and newmods and isinstance(newmods[0], dict):
            return np.array([self.design.row(m) for m in newmods])
        values = np.atleast_2d(np.asarray(newmods, dtype=float))
        width = len(self.names) - (1 if self.design.intercept else 0)
        if values.shape[1] != width and values.shape[0] == width and values.shape[1] == 1:
            values = values.T
        if values.shape[1] != width:
            raise InputError(
                f"newmods needs {width} values per row ({', '.join(self.names)} without "
                f"the intercept); got {values.shape[1]}"
            )
        if self.design.intercept:
            values = np.column_stack([np.ones(values.shape[0]), values])
        return values

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table, unrounded (analysis scale).

        Columns: ``term, estimate, se, statistic, statistic_name, p, ci_low, ci_high``.
        """
        import pandas as pd

        return pd.DataFrame(
            {
                "term": list(self.names),
                "estimate": self.coef,
                "se": self.se,
                "statistic": self.statistic,
                "statistic_name": self.statistic_name,
                "p": self.p,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
            }
        )

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``sysreview metareg --format json`` contract).

        Coefficients on the analysis scale; ``qm_name`` is ``QM`` (chi²) or ``F``
        (Knapp-Hartung, ``qm_df = [m, k - p]``); non-finite numbers are ``None``.
        """
        from sysreview.meta.metareg_summary import regression_record

        return regression_record(self)

    def studies_frame(self) -> pd.DataFrame:
        """Per study: ``study, yi, vi, used, reason, fitted, residual, hat, weight``."""
        import pandas as pd

        return pd.DataFrame(
            {
                "study": list(self.effects.studies),
                "yi": self.effects.yi,
                "vi": self.effects.vi,
                "used": self.used,
                "reason": list(self.reasons),
                "fitted": self.fitted,
                "residual": self.effects.yi - self.fitted,
                "hat": self.hat,
                "weight": self.weights,
            }
        )

    def describe_model(self) -> str:
        """``Mixed-effects meta-regression (k = 13; tau² REML; Wald z) ~ ablat``."""
        from sysreview.meta.metareg_summary import describe_model

        return describe_model(self)

    def summary(self) -> str:
        """metafor-like text: model, heterogeneity, tests, coefficient table."""
        from sysreview.meta.metareg_summary import regression_summary

        return regression_summary(self)

    def __repr__(self) -> str:
        """One line: ``<MetaRegression k=13 REML ~ ablat: QM(df = 1) = 16.36, ...>``."""
        from sysreview.meta.metareg_summary import one_line

        return one_line(self)

    def _repr_html_(self) -> str:
        from sysreview.meta.metareg_summary import regression_html

        return regression_html(self)


__all__ = ["MetaRegression", "Prediction"]
