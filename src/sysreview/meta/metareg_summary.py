"""Formatting of :class:`~sysreview.meta.metareg_result.MetaRegression`.

Metafor-like text, an HTML table for notebooks, a one-line ``repr`` and the JSON record.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sysreview.effects._html import fmt, fmt_p, table_html
from sysreview.vocab import Model

if TYPE_CHECKING:
    from sysreview.meta.metareg_result import MetaRegression


def regression_record(res: MetaRegression) -> dict[str, Any]:
    """The JSON-ready record of a meta-regression (see :meth:`MetaRegression.record`)."""

    def num(value: Any) -> float | None:
        x = float(value)
        return x if math.isfinite(x) else None

    return {
        "measure": res.effects.measure.value,
        "model": res.model.value,
        "tau2_method": None if res.tau2_method is None else res.tau2_method.value,
        "ci_method": res.ci_method.value,
        "convention": res.effects.convention.value,
        "level": res.level,
        "formula": res.design.formula,
        "k": res.k,
        "coefficients": [
            {
                "term": name,
                "estimate": num(res.coef[i]),
                "se": num(res.se[i]),
                "statistic": num(res.statistic[i]),
                "statistic_name": res.statistic_name,
                "p": num(res.p[i]),
                "ci_low": num(res.ci_low[i]),
                "ci_high": num(res.ci_high[i]),
            }
            for i, name in enumerate(res.names)
        ],
        "tau2": num(res.tau2),
        "i2": num(res.i2),
        "h2": num(res.h2),
        "r2": None if res.r2 is None else num(res.r2),
        "qm": num(res.qm),
        "qm_name": "QM" if res.df_inference is None else "F",
        "qm_df": list(res.qm_df),
        "qm_p": num(res.qm_p),
        "tested": [res.names[i] for i in res.btt],
        "qe": num(res.qe),
        "qe_df": res.qe_df,
        "qe_p": num(res.qe_p),
        "loglik": num(res.loglik),
        "studies": [
            {
                "study": study,
                "used": bool(res.used[i]),
                "reason": res.reasons[i],
                "yi": num(res.effects.yi[i]),
                "vi": num(res.effects.vi[i]),
                "fitted": num(res.fitted[i]),
                "hat": num(res.hat[i]),
                "weight": num(res.weights[i]),
            }
            for i, study in enumerate(res.effects.studies)
        ],
    }


def describe_model(res: MetaRegression) -> str:
    """``Mixed-effects meta-regression (k = 13; tau² REML; Wald z) ~ ablat``."""
    kind = "Fixed-effect" if res.model is Model.FIXED else "Mixed-effects"
    parts = [f"k = {res.k}"]
    if res.tau2_method is not None:
        parts.append(f"tau² {res.tau2_method.value}")
    parts.append("Knapp-Hartung t" if res.df_inference is not None else "Wald z")
    return f"{kind} meta-regression ({'; '.join(parts)}) {res.design.formula}"


def _qm_text(res: MetaRegression) -> str:
    which = ", ".join(res.names[i] for i in res.btt)
    if res.df_inference is None:
        stat = f"QM(df = {res.qm_df[0]}) = {res.qm:.4f}"
    else:
        stat = f"F(df1 = {res.qm_df[0]}, df2 = {res.qm_df[1]}) = {res.qm:.4f}"
    return f"Test of moderators ({which}): {stat}, p = {fmt_p(res.qm_p)}"


def heterogeneity_lines(res: MetaRegression) -> list[str]:
    """The residual heterogeneity lines of the summary: tau², I², H² and R²."""
    lines = []
    if res.model is Model.RANDOM:
        lines.append(f"tau² (residual heterogeneity): {res.tau2:.4f}; tau: {res.tau:.4f}")
    lines.append(f"I² (residual heterogeneity / unaccounted variability): {res.i2:.2f}%")
    lines.append(f"H² (unaccounted variability / sampling variability): {res.h2:.2f}")
    if res.r2 is not None:
        lines.append(f"R² (amount of heterogeneity accounted for): {res.r2:.2f}%")
    lines.append(
        f"Test for residual heterogeneity: QE(df = {res.qe_df}) = {res.qe:.4f}, "
        f"p = {fmt_p(res.qe_p)}"
    )
    lines.append(_qm_text(res))
    return lines


def regression_summary(res: MetaRegression) -> str:
    """metafor-like text: model, heterogeneity, tests, coefficient table."""
    head = [
        res.label or "Meta-regression",
        describe_model(res),
        *heterogeneity_lines(res),
    ]
    stat = f"{res.statistic_name}val"
    table = [
        f"{'':<24} {'estimate':>10} {'se':>9} {stat:>9} {'pval':>8} {'ci.lb':>10} {'ci.ub':>10}"
    ]
    for i, name in enumerate(res.names):
        table.append(
            f"{name:<24} {res.coef[i]:>10.4f} {res.se[i]:>9.4f} {res.statistic[i]:>9.4f} "
            f"{fmt_p(res.p[i]):>8} {res.ci_low[i]:>10.4f} {res.ci_high[i]:>10.4f}"
        )
    left = [f"  {s}: {r}" for s, r, u in zip(res.effects.studies, res.reasons, res.used,
                                               strict=True) if not u]  # fmt: skip
    tail = ["Not in the fit:", *left] if left else []
    return "\n".join([*head, "", *table, *tail])


def one_line(res: MetaRegression) -> str:
    """``<MetaRegression k=13 REML ~ ablat: QM(df = 1) = 16.36, p < .0001; R² = 75.63%>``."""
    method = "FE" if res.tau2_method is None else res.tau2_method.value
    p = "p < .0001" if res.qm_p < 1e-4 else f"p = {res.qm_p:.4f}"
    name = "QM" if res.df_inference is None else "F"
    df = (
        f"df = {res.qm_df[0]}"
        if res.df_inference is None
        else f"df = {res.qm_df[0]}, {res.qm_df[1]}"
    )
    r2 = "" if res.r2 is None else f"; R² = {res.r2:.2f}%"
    label = f" {res.label!r}" if res.label else ""
    return (
        f"<MetaRegression{label} k={res.k} {method} {res.design.formula}: "
        f"{name}({df}) = {res.qm:.2f}, {p}{r2}>"
    )


def regression_html(res: MetaRegression) -> str:
    """The coefficient table as HTML, the heterogeneity and tests as notes."""
    stat = f"{res.statistic_name}"
    rows = [
        [name, fmt(res.coef[i]), fmt(res.se[i]), fmt(res.statistic[i]), fmt_p(res.p[i]),
         fmt(res.ci_low[i]), fmt(res.ci_high[i])]
        for i, name in enumerate(res.names)
    ]  # fmt: skip
    columns = ["", "estimate", "se", stat, "p", "ci_low", "ci_high"]
    caption = f"{res.label or 'Meta-regression'}: {describe_model(res)}"
    return table_html(columns, rows, caption=caption, notes=heterogeneity_lines(res))


__all__ = [
    "describe_model",
    "heterogeneity_lines",
    "one_line",
    "regression_html",
    "regression_record",
    "regression_summary",
]
