"""Formatting of :class:`~sysreview.meta.result.MetaAnalysis`.

A RevMan-like text table, the same table as HTML (notebooks) and a one-line ``repr``.
"""

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
    limits = heterogeneity_limits(res)
    if limits:
        lines.append(f"  {limits}")
    name = "t" if res.df_inference is not None else "Z"
    lines.append(f"  Test for overall effect: {name} = {_num(abs(res.statistic))} ({_p(res.p)})")
    if math.isfinite(res.pi_low):
        low, high = _num(res.display(res.pi_low)), _num(res.display(res.pi_high))
        lines.append(f"  {res.level:g}% prediction interval: [{low}, {high}]")
    return lines


def heterogeneity_limits(res: MetaAnalysis) -> str | None:
    """The Q-profile confidence limits of tau², I² and H², or ``None`` when not computed.

    Not computed for fixed-effect models, fewer than two studies, or ``tau2_ci=False``.
    """
    if res.model.value != "random" or not all(math.isfinite(x) for x in res.tau2_ci):
        return None
    (t0, t1), (i0, i1), (h0, h1) = res.tau2_ci, res.i2_ci, res.h2_ci
    return (
        f"{res.level:g}% CI: Tau² [{_num(t0, 4)}, {_num(t1, 4)}]; I² [{_num(i0, 1)}%, "
        f"{_num(i1, 1)}%]; H² [{_num(h0)}, {_num(h1)}] (Q-profile)"
    )


def one_line(res: MetaAnalysis) -> str:
    """``<MetaAnalysis k=13 IV random REML RR=0.49 [0.34, 0.70]>`` (reporting scale).

    >>> from sysreview.effects import generic_effects
    >>> from sysreview.meta import meta_analysis
    >>> meta_analysis(generic_effects([0.1, 0.3], [0.1, 0.1]), model="fixed")
    <MetaAnalysis k=2 IV fixed GIV=0.20 [0.06, 0.34]>
    """
    name = f" {res.label!r}" if res.label else ""
    model = f"{res.method.value} {res.model.value}"
    if res.model.value == "random" and res.tau2_method is not None:
        model += f" {res.tau2_method.value}"
    if res.df_inference is not None:
        model += " HKSJ"
    if res.k == 0:
        return f"<MetaAnalysis{name} k=0 {res.measure.value} not estimable: {res.reason}>"
    est, lo, hi = (float(res.display(x)) for x in (res.estimate, res.ci_low, res.ci_high))
    subs = f" {len(res.subgroups)} subgroups" if res.subgroups else ""
    return (
        f"<MetaAnalysis{name} k={res.k} {model} {res.measure.value}={est:.2f} "
        f"[{lo:.2f}, {hi:.2f}]{subs}>"
    )


def summary_html(res: MetaAnalysis) -> str:
    """The :func:`format_summary` table as HTML.

    Studies, subtotals, total, then the heterogeneity and test lines as notes.
    """
    from sysreview.effects._html import table_html

    rows: list[list[str]] = []
    bold: list[int] = []
    est, low, high = res.effects.reading(res.level)

    def study_rows(index: list[int]) -> None:
        for i in index:
            reason = res.effects.reasons[i]
            if reason is not None:
                rows.append([res.effects.studies[i], "", f"Not estimable ({reason})"])
            else:
                interval = f"{_num(est[i])} [{_num(low[i])}, {_num(high[i])}]"
                rows.append([res.effects.studies[i], f"{res.weights[i]:.1f}%", interval])

    def pooled_row(sub: MetaAnalysis, title: str, weight: float) -> None:
        bold.append(len(rows))
        if sub.k == 0:
            rows.append([title, "", f"Not estimable ({sub.reason})"])
        else:
            rows.append([title, f"{weight:.1f}%", _interval(sub, sub.estimate, sub.ci_low,
                                                           sub.ci_high)])  # fmt: skip

    if res.subgroups:
        for sub in res.subgroups:
            bold.append(len(rows))
            rows.append([str(sub.label), "", ""])
            idx = [i for i, g in enumerate(res.subgroup_labels) if g == sub.label]
            study_rows(idx)
            pooled_row(sub, "Subtotal", float(np.nansum(res.weights[idx])) if idx else 0.0)
    else:
        study_rows(list(range(res.effects.k)))
    pooled_row(res, f"Total (k = {res.k})", 100.0)
    notes = [line.strip() for line in _pooled_lines(res, "")[1:]]
    test = res.subgroup_test
    if test is not None and test.df > 0:
        notes.append(
            f"Test for subgroup differences: Chi² = {_num(test.q)}, df = {test.df} "
            f"({_p(test.p)}), I² = {_num(test.i2, 1)}%"
        )
    columns = ["Study or subgroup", "Weight", f"{res.measure.value} [{res.level:g}% CI]"]
    caption = f"{res.label or 'Meta-analysis'}: {res.describe_model()}"
    return table_html(columns, rows, caption=caption, notes=notes, bold_rows=bold)


def _study_lines(res: MetaAnalysis, index: list[int]) -> list[str]:
    est, low, high = res.effects.reading(res.level)
    lines = []
    for i in index:
        study = res.effects.studies[i]
        if res.effects.reasons[i] is not None:
            lines.append(f"{study:<32} {'':>8}  Not estimable ({res.effects.reasons[i]})")
            continue
        weight = f"{res.weights[i]:.1f}%"
        interval = f"{_num(est[i])} [{_num(low[i])}, {_num(high[i])}]"
        lines.append(f"{study:<32} {weight:>8}  {interval}")
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
