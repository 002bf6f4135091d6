"""The immutable result of a meta-regression: coefficients, tests, heterogeneity, predictions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sysreview.effects._html import fmt, fmt_p, table_html
from sysreview.effects.base import BoolArray, EffectSizes, FloatArray, frozen
from sysreview.errors import InputError
from sysreview.meta.design import Design
from sysreview.stats import chi2_sf, normal_two_sided_p, t_quantile, t_two_sided_p, z_critical
from sysreview.vocab import CIMethod, Model, Tau2Method

if TYPE_CHECKING:
    import pandas as pd

    from sysreview.meta.metareg import ModelFit


def _f_sf(f: float, df1: int, df2: int) -> float:
    """Upper tail of the F distribution (SciPy, imported on first use)."""
    from scipy.stats import f as f_dist

    return float(f_dist.sf(f, df1, df2))


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
        """One row per prediction: ``pred, se, ci_low, ci_high, pi_low, pi_high`` and the
        same on the reading scale (``*_display``), unrounded."""
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
            qm, qm_df, qm_p = qm / m, (m, df), _f_sf(qm / m, m, df)
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
        """The coefficient table, unrounded: ``term, estimate, se, statistic,
        statistic_name, p, ci_low, ci_high`` (analysis scale)."""
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

        def num(value: Any) -> float | None:
            x = float(value)
            return x if math.isfinite(x) else None

        return {
            "measure": self.effects.measure.value,
            "model": self.model.value,
            "tau2_method": None if self.tau2_method is None else self.tau2_method.value,
            "ci_method": self.ci_method.value,
            "convention": self.effects.convention.value,
            "level": self.level,
            "formula": self.design.formula,
            "k": self.k,
            "coefficients": [
                {
                    "term": name,
                    "estimate": num(self.coef[i]),
                    "se": num(self.se[i]),
                    "statistic": num(self.statistic[i]),
                    "statistic_name": self.statistic_name,
                    "p": num(self.p[i]),
                    "ci_low": num(self.ci_low[i]),
                    "ci_high": num(self.ci_high[i]),
                }
                for i, name in enumerate(self.names)
            ],
            "tau2": num(self.tau2),
            "i2": num(self.i2),
            "h2": num(self.h2),
            "r2": None if self.r2 is None else num(self.r2),
            "qm": num(self.qm),
            "qm_name": "QM" if self.df_inference is None else "F",
            "qm_df": list(self.qm_df),
            "qm_p": num(self.qm_p),
            "tested": [self.names[i] for i in self.btt],
            "qe": num(self.qe),
            "qe_df": self.qe_df,
            "qe_p": num(self.qe_p),
            "loglik": num(self.loglik),
            "studies": [
                {
                    "study": study,
                    "used": bool(self.used[i]),
                    "reason": self.reasons[i],
                    "yi": num(self.effects.yi[i]),
                    "vi": num(self.effects.vi[i]),
                    "fitted": num(self.fitted[i]),
                    "hat": num(self.hat[i]),
                    "weight": num(self.weights[i]),
                }
                for i, study in enumerate(self.effects.studies)
            ],
        }

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
        kind = "Fixed-effect" if self.model is Model.FIXED else "Mixed-effects"
        parts = [f"k = {self.k}"]
        if self.tau2_method is not None:
            parts.append(f"tau² {self.tau2_method.value}")
        parts.append("Knapp-Hartung t" if self.df_inference is not None else "Wald z")
        return f"{kind} meta-regression ({'; '.join(parts)}) {self.design.formula}"

    def _qm_text(self) -> str:
        which = ", ".join(self.names[i] for i in self.btt)
        if self.df_inference is None:
            stat = f"QM(df = {self.qm_df[0]}) = {self.qm:.4f}"
        else:
            stat = f"F(df1 = {self.qm_df[0]}, df2 = {self.qm_df[1]}) = {self.qm:.4f}"
        return f"Test of moderators ({which}): {stat}, p = {fmt_p(self.qm_p)}"

    def _heterogeneity_lines(self) -> list[str]:
        lines = []
        if self.model is Model.RANDOM:
            lines.append(f"tau² (residual heterogeneity): {self.tau2:.4f}; tau: {self.tau:.4f}")
        lines.append(f"I² (residual heterogeneity / unaccounted variability): {self.i2:.2f}%")
        lines.append(f"H² (unaccounted variability / sampling variability): {self.h2:.2f}")
        if self.r2 is not None:
            lines.append(f"R² (amount of heterogeneity accounted for): {self.r2:.2f}%")
        lines.append(
            f"Test for residual heterogeneity: QE(df = {self.qe_df}) = {self.qe:.4f}, "
            f"p = {fmt_p(self.qe_p)}"
        )
        lines.append(self._qm_text())
        return lines

    def summary(self) -> str:
        """metafor-like text: model, heterogeneity, tests, coefficient table."""
        head = [
            self.label or "Meta-regression",
            self.describe_model(),
            *self._heterogeneity_lines(),
        ]
        stat = f"{self.statistic_name}val"
        table = [
            f"{'':<24} {'estimate':>10} {'se':>9} {stat:>9} {'pval':>8} {'ci.lb':>10} {'ci.ub':>10}"
        ]
        for i, name in enumerate(self.names):
            table.append(
                f"{name:<24} {self.coef[i]:>10.4f} {self.se[i]:>9.4f} {self.statistic[i]:>9.4f} "
                f"{fmt_p(self.p[i]):>8} {self.ci_low[i]:>10.4f} {self.ci_high[i]:>10.4f}"
            )
        left = [f"  {s}: {r}" for s, r, u in zip(self.effects.studies, self.reasons, self.used,
                                                   strict=True) if not u]  # fmt: skip
        tail = ["Not in the fit:", *left] if left else []
        return "\n".join([*head, "", *table, *tail])

    def __repr__(self) -> str:
        method = "FE" if self.tau2_method is None else self.tau2_method.value
        p = "p < .0001" if self.qm_p < 1e-4 else f"p = {self.qm_p:.4f}"
        name = "QM" if self.df_inference is None else "F"
        df = (
            f"df = {self.qm_df[0]}"
            if self.df_inference is None
            else f"df = {self.qm_df[0]}, {self.qm_df[1]}"
        )
        r2 = "" if self.r2 is None else f"; R² = {self.r2:.2f}%"
        label = f" {self.label!r}" if self.label else ""
        return (
            f"<MetaRegression{label} k={self.k} {method} {self.design.formula}: "
            f"{name}({df}) = {self.qm:.2f}, {p}{r2}>"
        )

    def _repr_html_(self) -> str:
        stat = f"{self.statistic_name}"
        rows = [
            [name, fmt(self.coef[i]), fmt(self.se[i]), fmt(self.statistic[i]), fmt_p(self.p[i]),
             fmt(self.ci_low[i]), fmt(self.ci_high[i])]
            for i, name in enumerate(self.names)
        ]  # fmt: skip
        columns = ["", "estimate", "se", stat, "p", "ci_low", "ci_high"]
        caption = f"{self.label or 'Meta-regression'}: {self.describe_model()}"
        return table_html(columns, rows, caption=caption, notes=self._heterogeneity_lines())


__all__ = ["MetaRegression", "Prediction"]
