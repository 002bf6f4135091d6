"""Formatting of :class:`~sysreview.meta.result.MetaAnalysis` as a RevMan-like text table."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sysreview.meta.result import MetaAnalysis


def _num(x: float, digits: int = 2) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def _p(p: float) -> str:
    """``P = 0.0123`` or ``P < 0.00001``, as RevMan prints it."""
    if not math.isfinite(p):
        return "P = —"
    return "P < 0.00001" if p < 1e-5 else f"P = {p:.5f}".rstrip("0").rstrip(".")


def _interval(res: MetaAnalysis, est: float, low: float, high: float) -> str:
    return f"{_num(res.display(est))} [{_num(res.display(low))}, {_num(res.display(high))}]"


def _pooled_lines(res: MetaAnalysis, title: str, weight: float = 100.0) -> list[str]:
    if res.k == 0:
        return [f"{title:<32} {'':>8}  Not estimable ({res.reason})"]
    share = f"{weight:.1f}%"
    lines = [f"{title:<32} {share:>8}  {_interval(res, res.estimate, res.ci_low, res.ci_high)}"]
    if res.df == 0:
        lines.append("  Heterogeneity: Not applicable")
    else:
        chi2 = f"Chi² = {_num(res.q)}, df = {res.df} ({_p(res.p_q)}); I² = {_num(res.i2, 0)}%"
        tau2 = f"Tau² = {_num(res.tau2, 4)}; " if res.model.value == "random" else ""
        lines.append(f"  Heterogeneity: {tau2}{chi2}")
    name = "t" if res.df_inference is not None else "Z"
    lines.append(f"  Test for overall effect: {name} = {_num(abs(res.statistic))} ({_p(res.p)})")
    if math.isfinite(res.pi_low):
        low, high = _num(res.display(res.pi_low)), _num(res.display(res.pi_high))
        lines.append(f"  {res.level:g}% prediction interval: [{low}, {high}]")
    return lines


def _study_lines(res: MetaAnalysis, index: list[int]) -> list[str]:
    low, high = res.effects.ci(res.level)
    lines = []
    for i in index:
        study = res.effects.studies[i]
        if res.effects.reasons[i] is not None:
            lines.append(f"{study:<32} {'':>8}  Not estimable ({res.effects.reasons[i]})")
            continue
        weight = f"{res.weights[i]:.1f}%"
        lines.append(
            f"{study:<32} {weight:>8}  {_interval(res, res.effects.yi[i], low[i], high[i])}"
        )
    return lines


def format_summary(res: MetaAnalysis) -> str:
    """Render studies, weights, subtotals, total, heterogeneity and tests as text."""
    header = [
        res.label or "Meta-analysis",
        res.describe_model(),
        f"{'Study or subgroup':<32} {'Weight':>8}  {res.measure.value} [{res.level:g}% CI]",
    ]
    body: list[str] = []
    if res.subgroups:
        for sub in res.subgroups:
            body.append(f"{sub.label}")
            idx = [i for i, g in enumerate(res.subgroup_labels) if g == sub.label]
            body += _study_lines(res, idx)
            weight = float(np.nansum(res.weights[idx])) if idx else 0.0
            body += _pooled_lines(sub, "Subtotal", weight)
            body.append("")
    else:
        body += _study_lines(res, list(range(res.effects.k)))
    body += _pooled_lines(res, f"Total (k = {res.k})")
    test = res.subgroup_test
    if test is not None and test.df == 0:
        body.append("  Test for subgroup differences: Not applicable")
    elif test is not None:
        body.append(
            f"  Test for subgroup differences: Chi² = {_num(test.q)}, df = {test.df} "
            f"({_p(test.p)}), I² = {_num(test.i2, 1)}%"
        )
    return "\n".join(header + body)
