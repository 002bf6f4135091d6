"""The text of a RevMan-style forest plot: rows, cells and RevMan's number formats.

Everything printed by :func:`sysreview.plots.forest_plot` is decided here, as a list of
:class:`Row` objects; :func:`forest_table` exposes them as a DataFrame. Nothing is
recomputed: estimates, limits, weights and statistics are read off the
:class:`~sysreview.meta.result.MetaAnalysis`; participant and event totals are sums of
the per-arm data given (which are inputs, not results).

Number formats follow RevMan 5 (Review Manager 5.4, The Cochrane Collaboration 2020;
Cochrane Handbook v5.1 section 11.3.2.1, "Forest plots in RevMan"): estimates and limits
with 2 decimals, ``0.12 [-0.05, 0.29]``; weights with 1 decimal and a percent sign;
Tau², Chi², Z with 2 decimals; I² as a whole percent (1 decimal in the test for
subgroup differences); P with 2 decimals, or 1 significant digit below 0.01, and
``P < 0.00001`` below that.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from sysreview.errors import InputError
from sysreview.meta.result import MetaAnalysis
from sysreview.plots._forest_arms import ARM_COLUMNS, arm_values
from sysreview.vocab import CIMethod, Measure, Method, Model

if TYPE_CHECKING:
    import pandas as pd

ARM_HEADERS: Final = MappingProxyType(
    {"mean": "Mean", "sd": "SD", "n": "Total", "events": "Events"}
)
MEASURE_NAMES: Final = MappingProxyType(
    {
        Measure.MD: "Mean Difference",
        Measure.SMD: "Std. Mean Difference",
        Measure.RR: "Risk Ratio",
        Measure.OR: "Odds Ratio",
        Measure.RD: "Risk Difference",
        Measure.PETO_OR: "Peto Odds Ratio",
        Measure.GIV: "Effect",
        Measure.SMDH: "Std. Mean Difference (H)",
        Measure.ROM: "Ratio of Means",
        Measure.IRR: "Rate Ratio",
        Measure.PR: "Proportion",
        Measure.PLO: "Proportion",
        Measure.PFT: "Proportion",
        Measure.ZCOR: "Correlation",
    }
)
"""Measure → RevMan's column title."""
METHOD_NAMES: Final = MappingProxyType({Method.IV: "IV", Method.MH: "M-H", Method.PETO: "Peto"})

SPANNING: Final = frozenset({"subgroup", "heterogeneity", "overall_effect", "subgroup_test"})
"""Row kinds whose text, in the ``study`` column, runs across the data columns."""
POOLED: Final = frozenset({"subtotal", "total"})


def fmt_number(x: float, digits: int = 2) -> str:
    """``x`` with ``digits`` decimals (empty for NaN)."""
    return "" if not math.isfinite(x) else f"{x:.{digits}f}"


def fmt_p(p: float) -> str:
    """A P value as RevMan prints it.

    Examples
    --------
    >>> [fmt_p(p) for p in (0.7512, 0.0449, 0.00349, 0.000412, 3e-7)]
    ['P = 0.75', 'P = 0.04', 'P = 0.003', 'P = 0.0004', 'P < 0.00001']
    """
    if not math.isfinite(p):
        return "P = NaN"
    p = min(max(p, 0.0), 1.0)
    if p < 1e-5:
        return "P < 0.00001"
    digits = 2 if p >= 0.01 else -math.floor(math.log10(p))
    return f"P = {p:.{digits}f}"


def fmt_value(x: float) -> str:
    """Per-arm data: integers without decimals, else at most 4 significant digits.

    Values as entered (``4.63``, ``60.9``) print unchanged; values derived by a conversion or
    by combining arms (``0.696491206``) print as ``0.6965`` rather than at full precision.
    """
    if not math.isfinite(x):
        return ""
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else f"{x:.4g}"


def fmt_weight(w: float) -> str:
    """``12.3%`` (empty for NaN)."""
    return "" if not math.isfinite(w) else f"{w:.1f}%"


def fmt_i2_subgroups(i2: float) -> str:
    """I² of the test for subgroup differences: 1 decimal, ``0%`` when nil."""
    text = f"{i2:.1f}"
    return "0%" if float(text) == 0 else f"{text}%"


@dataclass(frozen=True)
class Row:
    """One printed line: its kind, its cells, and what is drawn in the plot column.

    ``estimate``/``ci_low``/``ci_high`` are on the reporting scale (ratios
    back-transformed); ``weight`` is percent, sizing study squares.
    """

    kind: str
    cells: Mapping[str, str]
    estimate: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    weight: float = math.nan
    bold: bool = False
    subgroup: str | None = field(default=None)


@dataclass(frozen=True)
class Layout:
    """The rows of a forest plot with its column keys and headers."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    arm_kind: str | None
    groups: tuple[str, str]
    log_scale: bool


def _model_line(result: MetaAnalysis) -> str:
    model = "Random" if result.model is Model.RANDOM else "Fixed"
    return f"{METHOD_NAMES[result.method]}, {model}, {result.level:g}% CI"


def _heterogeneity(res: MetaAnalysis) -> str:
    if res.k < 2 or res.df < 1:
        return "Heterogeneity: Not applicable"
    tau2 = f"Tau² = {fmt_number(res.tau2)}; " if res.model is Model.RANDOM else ""
    chi2 = f"Chi² = {fmt_number(res.q)}, df = {res.df} ({fmt_p(res.p_q)})"
    return f"Heterogeneity: {tau2}{chi2}; I² = {res.i2:.0f}%"


def _overall_effect(res: MetaAnalysis) -> str:
    if res.k < 1 or not math.isfinite(res.statistic):
        return "Test for overall effect: Not applicable"
    name = "t" if res.ci_method is CIMethod.HKSJ else "Z"
    return f"Test for overall effect: {name} = {abs(res.statistic):.2f} ({fmt_p(res.p)})"


class _Builder:
    def __init__(self, result: MetaAnalysis, kind: str | None, arms: list[dict[str, float]]):
        self.res = result
        self.kind = kind
        self.arms = arms
        self.arm_cols = ARM_COLUMNS[kind] if kind else ()
        self.rows: list[Row] = []

    def cells(self, **given: str) -> dict[str, str]:
        keys = ("study", *self.arm_cols, "weight", "effect", "plot")
        return {k: given.get(k, "") for k in keys}

    def text(self, kind: str, text: str, *, bold: bool = False) -> None:
        self.rows.append(Row(kind, self.cells(study=text), bold=bold))

    def study(self, i: int, weight: float, group: str | None) -> None:
        es, res = self.res.effects, self.res
        data = {c: fmt_value(self.arms[i][c]) for c in self.arm_cols}
        if es.reasons[i] is not None:
            cells = self.cells(study=es.studies[i], effect="Not estimable", **data)
            self.rows.append(Row("study", cells, subgroup=group))
            return
        reading = es.reading(res.level)  # each study on its own scale (PFT: its own n)
        est, lo, hi = (float(values[i]) for values in reading)
        effect = f"{fmt_number(est)} [{fmt_number(lo)}, {fmt_number(hi)}]"
        cells = self.cells(study=es.studies[i], weight=fmt_weight(weight), effect=effect, **data)
        self.rows.append(Row("study", cells, est, lo, hi, weight, subgroup=group))

    def pooled(self, kind: str, sub: MetaAnalysis, idx: list[int], weight: float) -> None:
        title = "Subtotal" if kind == "subtotal" else "Total"
        sums = {
            c: fmt_value(float(np.nansum([self.arms[i][c] for i in idx])))
            if any(math.isfinite(self.arms[i][c]) for i in idx)
            else ""
            for c in self.arm_cols
        }
        totals = {c: v for c, v in sums.items() if c.startswith("n_")}
        label = f"{title} ({sub.level:g}% CI)"
        group = sub.label if kind == "subtotal" else None
        if sub.k < 1:
            cells = self.cells(study=label, effect="Not estimable", **totals)
            self.rows.append(Row(kind, cells, bold=True, subgroup=group))
        else:
            est, lo, hi = (float(sub.display(v)) for v in (sub.estimate, sub.ci_low, sub.ci_high))
            effect = f"{fmt_number(est)} [{fmt_number(lo)}, {fmt_number(hi)}]"
            cells = self.cells(study=label, weight=fmt_weight(weight), effect=effect, **totals)
            self.rows.append(Row(kind, cells, est, lo, hi, weight, bold=True, subgroup=group))
        if self.kind == "dichotomous":
            events = {c: v for c, v in sums.items() if c.startswith("events_")}
            self.rows.append(Row("events", self.cells(study="Total events", **events)))
        self.text("heterogeneity", _heterogeneity(sub))
        self.text("overall_effect", _overall_effect(sub))

    def prediction(self) -> None:
        res = self.res
        if res.k < 1 or not math.isfinite(res.pi_low):
            return
        lo, hi = float(res.display(res.pi_low)), float(res.display(res.pi_high))
        cells = self.cells(
            study="Prediction interval", effect=f"[{fmt_number(lo)}, {fmt_number(hi)}]"
        )
        self.rows.append(Row("prediction", cells, math.nan, lo, hi))

    def header(self, groups: tuple[str, str], measure_name: str) -> None:
        top = self.cells(effect=measure_name, plot=measure_name)
        bottom = self.cells(
            study="Study or Subgroup", weight="Weight", effect=_model_line(self.res)
        )
        bottom["plot"] = bottom["effect"]
        for c in self.arm_cols:
            bottom[c] = ARM_HEADERS[c.rsplit("_", 1)[0]]
        if self.arm_cols:
            top[self.arm_cols[0]] = groups[0]
            top[self.arm_cols[len(self.arm_cols) // 2]] = groups[1]
        if self.res.weights.size == 0 or not np.any(np.isfinite(self.res.weights)):
            bottom["weight"] = ""
        self.rows += [Row("header", top, bold=True), Row("header", bottom, bold=True)]


def _subgroup_index(res: MetaAnalysis, sub: MetaAnalysis) -> list[int]:
    idx = [i for i, g in enumerate(res.subgroup_labels) if g == sub.label]
    if tuple(res.effects.studies[i] for i in idx) != sub.effects.studies:
        raise InputError(f"subgroup {sub.label!r} does not hold the studies labelled with it")
    return idx


def build_layout(
    result: MetaAnalysis,
    arms: Any = None,
    *,
    groups: tuple[str, str] = ("Experimental", "Control"),
    measure_name: str | None = None,
    prediction: bool = False,
    overall: bool = True,
) -> Layout:
    """The rows of the forest plot of ``result`` (see :func:`forest_table`)."""
    if not overall and not result.subgroups:
        raise InputError("overall=False (subtotals only) needs an analysis with subgroups")
    kind, values = arm_values(result, arms)
    b = _Builder(result, kind, values)
    b.header(groups, measure_name or MEASURE_NAMES[result.measure])
    if result.subgroups:
        for sub in result.subgroups:
            idx = _subgroup_index(result, sub)
            b.text("subgroup", str(sub.label), bold=True)
            own = sub.weights if not overall else result.weights[idx]
            for i, w in zip(idx, own, strict=True):
                b.study(i, float(w), sub.label)
            total = float(np.nansum(own)) if sub.k > 0 else math.nan
            b.pooled("subtotal", sub, idx, total)
            b.text("blank", "")
    else:
        for i in range(result.effects.k):
            b.study(i, float(result.weights[i]), None)
        b.text("blank", "")
    if overall:
        b.pooled("total", result, list(range(result.effects.k)), 100.0)
        if prediction:
            b.prediction()
        test = result.subgroup_test
        if test is not None:
            b.text(
                "subgroup_test",
                f"Test for subgroup differences: Chi² = {fmt_number(test.q)}, df = {test.df} "
                f"({fmt_p(test.p)}), I² = {fmt_i2_subgroups(test.i2)}",
            )
    columns = tuple(b.cells())
    return Layout(columns, tuple(b.rows), kind, groups, result.log_scale)


def forest_table(
    result: MetaAnalysis,
    arms: Any = None,
    *,
    groups: tuple[str, str] = ("Experimental", "Control"),
    measure_name: str | None = None,
    prediction: bool = False,
    overall: bool = True,
) -> pd.DataFrame:
    """The text of the forest plot of ``result``, exactly as printed, one row per line.

    Parameters
    ----------
    result
        A pooled analysis (with subgroups, subtotals are shown).
    arms
        Optional per-arm data, one row per study in ``result.effects.studies`` order: a
        DataFrame or a sequence of mappings with the columns
        ``mean_e, sd_e, n_e, mean_c, sd_c, n_c`` (continuous),
        ``events_e, n_e, events_c, n_c`` (dichotomous) or ``n_e, n_c`` (sizes only);
        ``_e`` is the experimental arm, ``_c`` the control arm. A ``study`` column, if
        present, must match the analysis's study labels. Missing values print empty.
        Default: the analysis's 2x2 tables, else its group sizes, else no arm columns.
    groups
        Names of the experimental and control arms, printed over their columns.
    measure_name
        Title of the effect column (default RevMan's name for the measure, e.g.
        ``Mean Difference``; for generic inverse variance give the measure's name).
    prediction
        Add a ``Prediction interval`` line under the total (random effects).
    overall
        Show the total and the test for subgroup differences. ``False`` (RevMan's
        "subtotals only") needs subgroups; study weights are then within subgroup.

    Returns
    -------
    pandas.DataFrame
        Column ``row`` (``header``, ``subgroup``, ``study``, ``subtotal``, ``events``,
        ``heterogeneity``, ``overall_effect``, ``blank``, ``total``, ``prediction``,
        ``subgroup_test``), then one column per printed column: ``study``, the arm
        columns, ``weight``, ``effect`` and ``plot`` (the plot's title). Text of
        ``subgroup``, ``heterogeneity``, ``overall_effect`` and ``subgroup_test`` lines
        is in ``study`` and runs across the data columns.

    Raises
    ------
    InputError
        ``arms`` has the wrong number of rows, lacks columns, holds non-numbers or
        negative counts, names another study, or does not fit the measure.

    Examples
    --------
    >>> from sysreview.effects import mean_difference
    >>> from sysreview.meta import meta_analysis
    >>> es = mean_difference([5.0, 6.1], [2.0, 2.2], [20, 25], [4.0, 4.9], [2.1, 2.0], [20, 24],
    ...                      studies=["Ames 2001", "Bell 2004"])
    >>> table = forest_table(meta_analysis(es, model="fixed"))
    >>> for _, row in table[table.row.isin(["study", "total"])].iterrows():
    ...     print(row.study, row.n_e, row.n_c, row.weight, row.effect, sep=" | ")
    Ames 2001 | 20 | 20 | 46.1% | 1.00 [-0.27, 2.27]
    Bell 2004 | 25 | 24 | 53.9% | 1.20 [0.02, 2.38]
    Total (95% CI) | 45 | 44 | 100.0% | 1.11 [0.24, 1.97]
    >>> table.study[table.row == "heterogeneity"].item()
    'Heterogeneity: Chi² = 0.05, df = 1 (P = 0.82); I² = 0%'
    """
    import pandas as pd

    layout = build_layout(
        result,
        arms,
        groups=groups,
        measure_name=measure_name,
        prediction=prediction,
        overall=overall,
    )
    data = [{"row": r.kind, **r.cells} for r in layout.rows]
    return pd.DataFrame(data, columns=["row", *layout.columns])


__all__ = ["ARM_COLUMNS", "MEASURE_NAMES", "Layout", "Row", "build_layout", "fmt_p", "forest_table"]
