"""Forest plots in RevMan's layout.

Columns, left to right: ``Study or Subgroup``, the per-arm data of the experimental and
control groups (``Mean SD Total`` or ``Events Total``), ``Weight``, the effect with its
confidence interval as text, and the plot: a square per study (area proportional to its
weight) with its confidence interval, a diamond per subtotal and total, a vertical line
at no effect and, under the axis, the "favours" labels. Subgroups get a heading, a
subtotal, heterogeneity and overall-effect lines; the total is followed by the test for
subgroup differences (Cochrane Handbook v5.1, section 11.3.2.1 and Box 11.3.a; RevMan 5).

The text of every line is decided by :func:`forest_table` (module
:mod:`sysreview.plots._forest_text`), so the figure and the table never disagree. Column
widths are measured with the Agg renderer from the longest string in each column, so no
two columns overlap, and the figure grows with the number of lines.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle

from sysreview.errors import InputError
from sysreview.meta.result import MetaAnalysis
from sysreview.plots._forest_extras import RobColumns, draw_rob, note_letters, relabel
from sysreview.plots._forest_text import (
    ARM_COLUMNS,
    POOLED,
    SPANNING,
    Layout,
    Row,
    build_layout,
    forest_table,
)
from sysreview.plots._save import figure_of
from sysreview.plots._text import FONT, TextMeasure

COLOURS: Final = {"continuous": "#2E8B57", "other": "#1F4FB4", "pooled": "black"}
"""RevMan's colours: green squares for continuous data, blue otherwise, black diamonds."""
_RATIO_TICKS: Final = {
    2.0: (0.5, 0.7, 1, 1.5, 2),
    5.0: (0.2, 0.5, 1, 2, 5),
    10.0: (0.1, 0.2, 0.5, 1, 2, 5, 10),
    20.0: (0.05, 0.2, 1, 5, 20),
    50.0: (0.02, 0.1, 1, 10, 50),
    100.0: (0.01, 0.1, 1, 10, 100),
    200.0: (0.005, 0.1, 1, 10, 200),
    500.0: (0.002, 0.1, 1, 10, 500),
    1000.0: (0.001, 0.1, 1, 10, 1000),
}
_PAD: Final = 8.0  # points between columns


class _Scale:
    """Maps effects (reporting scale) to x positions in inches across the plot column."""

    def __init__(self, log: bool, half: float, left: float, width: float) -> None:
        self.log, self.half, self.left, self.width = log, half, left, width

    def __call__(self, value: float) -> float:
        t = math.log(value) / math.log(self.half) if self.log else value / self.half
        return self.left + (t + 1.0) / 2.0 * self.width

    @property
    def ticks(self) -> tuple[float, ...]:
        if self.log:
            return tuple(float(t) for t in _RATIO_TICKS[self.half])
        h = self.half
        return (-h, -h / 2, 0.0, h / 2, h)


def _nice_half(values: Sequence[float], log: bool) -> float:
    """The smallest RevMan-like axis half-width (or upper ratio) covering ``values``."""
    finite = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
    if log:
        need = max((abs(math.log(v)) for v in finite), default=0.0)
        return next((r for r in _RATIO_TICKS if math.log(r) >= need), 1000.0)
    need = max((abs(v) for v in finite), default=0.0)
    if need == 0:
        return 1.0
    exponent = math.floor(math.log10(need))
    for base in (1.0, 2.0, 5.0, 10.0):
        half = base * 10.0**exponent
        if half >= need * (1 - 1e-12):
            return float(f"{half:.12g}")
    return 10.0 ** (exponent + 1)  # pragma: no cover (the loop always returns)


def _half(layout: Layout, xlim: float | None) -> float:
    if xlim is None:
        values = [v for r in layout.rows for v in (r.estimate, r.ci_low, r.ci_high)]
        return _nice_half(values, layout.log_scale)
    if layout.log_scale:
        if xlim not in _RATIO_TICKS:
            allowed = ", ".join(f"{r:g}" for r in _RATIO_TICKS)
            raise InputError(f"Invalid xlim {xlim!r} for a ratio measure; must be one of {allowed}")
    elif not (math.isfinite(xlim) and xlim > 0):
        raise InputError(f"Invalid xlim {xlim!r}; must be a positive axis half-width")
    return float(xlim)


def _column_widths(layout: Layout, measure: TextMeasure, plot_width: float) -> dict[str, float]:
    """Width of each column in points: its longest cell, padding, and room for spans."""
    keys = layout.columns
    widths = {k: 0.0 for k in keys}
    for row in layout.rows:
        for key, text in row.cells.items():
            if row.kind in SPANNING and key == "study":
                continue
            if row.kind == "header" and row is layout.rows[0] and key != "plot":
                continue  # group titles span their arm columns (below)
            widths[key] = max(widths[key], 72.0 * measure.width(text, row.bold))
    widths = {k: w + _PAD for k, w in widths.items()}
    widths["plot"] = max(widths["plot"], plot_width * 72.0)
    top = layout.rows[0].cells
    if layout.arm_kind:
        arm = ARM_COLUMNS[layout.arm_kind]
        for half in (arm[: len(arm) // 2], arm[len(arm) // 2 :]):
            need = 72.0 * measure.width(top[half[0]], True) + _PAD
            have = sum(widths[k] for k in half)
            for k in half:
                widths[k] += max(0.0, need - have) / len(half)
    for key in ("weight", "effect"):
        widths[key] = max(widths[key], 72.0 * measure.width(top[key], True) + _PAD)
    span = max(
        (72.0 * measure.width(r.cells["study"], r.bold) for r in layout.rows if r.kind in SPANNING),
        default=0.0,
    )
    table = sum(w for k, w in widths.items() if k != "plot")
    widths["study"] += max(0.0, span + _PAD - table)
    return widths


def _text(ax: Axes, x: float, y: float, s: str, ha: str, size: float, bold: bool, gid: str) -> None:
    ax.text(
        x,
        y,
        s,
        ha=ha,
        va="center",
        fontsize=size,
        family=FONT,
        fontweight="bold" if bold else "normal",
        parse_math=False,
        gid=gid,
    )


def _draw_interval(ax: Axes, scale: _Scale, row: Row, y: float, colour: str, side: float) -> None:
    left, right = scale.left, scale.left + scale.width
    lo, hi = scale(row.ci_low), scale(row.ci_high)
    ax.add_line(Line2D([max(lo, left), min(hi, right)], [y, y], color="black", lw=0.8))
    for beyond, marker in ((lo < left, "<"), (hi > right, ">")):
        if beyond:
            x = left if marker == "<" else right
            ax.add_line(Line2D([x], [y], marker=marker, color="black", markersize=3.5, lw=0))
    if row.kind == "prediction":
        for x in (lo, hi):
            if left <= x <= right:
                ax.add_line(Line2D([x, x], [y - 0.04, y + 0.04], color="black", lw=0.8))
        return
    x = scale(row.estimate)
    if left <= x <= right:
        ax.add_patch(
            Rectangle((x - side / 2, y - side / 2), side, side, facecolor=colour, edgecolor=colour)
        )


def _draw_diamond(ax: Axes, scale: _Scale, row: Row, y: float, height: float) -> None:
    xs = [scale(row.ci_low), scale(row.estimate), scale(row.ci_high), scale(row.estimate)]
    ys = [y, y - height / 2, y, y + height / 2]
    clip = Rectangle((scale.left, 0), scale.width, 1e3, transform=ax.transData)
    diamond = Polygon(list(zip(xs, ys, strict=True)), closed=True, facecolor="black", lw=0)
    ax.add_patch(diamond)
    diamond.set_clip_path(clip)


def _draw_axis(
    ax: Axes, scale: _Scale, y0: float, y1: float, size: float, labels: tuple[str, str]
) -> float:
    """Null line from ``y0`` to the axis at ``y1``; ticks; favours labels. Returns bottom."""
    null = scale(1.0) if scale.log else scale(0.0)
    ax.add_line(Line2D([null, null], [y0, y1], color="black", lw=0.6))
    ax.add_line(Line2D([scale.left, scale.left + scale.width], [y1, y1], color="black", lw=0.6))
    step = size / 72.0
    for t in scale.ticks:
        x = scale(t)
        ax.add_line(Line2D([x, x], [y1, y1 + 0.35 * step], color="black", lw=0.6))
        _text(ax, x, y1 + 1.1 * step, f"{t:g}", "center", size, False, "tick")
    y_lab = y1 + 2.5 * step
    _text(ax, null - 0.5 * step, y_lab, labels[0], "right", size, False, "favours_left")
    _text(ax, null + 0.5 * step, y_lab, labels[1], "left", size, False, "favours_right")
    return y_lab + step


def forest_plot(
    result: MetaAnalysis,
    arms: Any = None,
    *,
    labels: tuple[str, str] = ("Favours control", "Favours intervention"),
    title: str | None = None,
    groups: tuple[str, str] = ("Experimental", "Control"),
    measure_name: str | None = None,
    prediction: bool = False,
    overall: bool = True,
    xlim: float | None = None,
    plot_width: float = 2.4,
    fontsize: float = 8.0,
    ax: Axes | None = None,
    study_labels: Mapping[str, str] | None = None,
    notes: Mapping[str, Sequence[str]] | None = None,
    rob: RobColumns | None = None,
) -> Figure:
    """Forest plot of a pooled analysis in RevMan's layout.

    Parameters
    ----------
    result
        The analysis; with subgroups, each gets a heading, its studies and a subtotal.
    arms
        Per-arm data printed next to the studies, as for :func:`forest_table`:
        ``mean_e, sd_e, n_e, mean_c, sd_c, n_c`` or ``events_e, n_e, events_c, n_c``
        (or ``n_e, n_c``), one row per study in ``result.effects.studies`` order.
    labels
        Texts under the axis, left and right of the line of no effect.
    title
        Printed above the table.
    groups, measure_name, prediction, overall
        As for :func:`forest_table`.
    xlim
        Half-width of the (symmetric) axis; for ratio measures the upper limit of the
        log axis, one of 2, 5, 10, 20, 50, 100, 200, 500, 1000. Default: the smallest
        such value covering every interval (up to 1000 for ratios); intervals that run
        off the axis end in an arrow.
    plot_width
        Width of the plot column in inches.
    fontsize
        Font size in points (rows are 1.6 times as tall).
    ax
        Axes to draw into (e.g. from ``plt.subplots()`` in a notebook). The table is
        laid out in inches, so the axes should have the plot's natural size: when it is
        its figure's only axes, the figure is resized to that size; otherwise give the
        figure room yourself.
    study_labels
        ``study -> label printed`` (e.g. the study with its reference numbers).
    notes
        ``study -> footnotes`` on the values it contributes (a converted SD, combined
        arms): each distinct note gets a letter, printed after the study's label and listed
        under the plot.
    rob
        Risk-of-bias judgements drawn beside the plot (:class:`RobColumns`), as RevMan 5.3
        does, with their legend under the plot.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (``ax``'s, when given); its size follows from the columns' text and
        the number of lines.

    Raises
    ------
    InputError
        Bad ``arms`` (see :func:`forest_table`) or ``xlim``.

    Notes
    -----
    Squares have side ``0.8 h sqrt(w_i / max w)`` (``h`` the row height), so their areas
    are proportional to the weights; diamonds span the pooled confidence interval
    (Cochrane Handbook v5.1, Box 11.3.a). Nothing is recomputed: every value is read from
    ``result`` and ``arms``.

    Examples
    --------
    >>> from sysreview.effects import dichotomous_effects
    >>> from sysreview.meta import meta_analysis
    >>> es = dichotomous_effects([4, 9], [50, 60], [10, 12], [50, 61], "RR",
    ...                          studies=["Ames 2001", "Bell 2004"])
    >>> fig = forest_plot(meta_analysis(es), labels=("Favours treatment", "Favours control"))
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "favours_left"]
    ['Favours treatment']
    """
    layout = build_layout(
        result,
        arms,
        groups=groups,
        measure_name=measure_name,
        prediction=prediction,
        overall=overall,
    )
    studies = [r.cells["study"] for r in layout.rows if r.kind == "study"]
    marks, footnotes = note_letters(notes)
    layout = relabel(layout, study_labels, marks)
    half = _half(layout, xlim)
    measure = TextMeasure(fontsize)
    widths = _column_widths(layout, measure, plot_width)
    row_h = 1.6 * fontsize / 72.0
    margin = 0.1
    top = margin + (row_h * 1.5 if title else 0.0)
    n = len(layout.rows)
    lefts: dict[str, float] = {}
    x = margin
    for key in layout.columns:
        lefts[key] = x
        x += widths[key] / 72.0
    scale = _Scale(layout.log_scale, half, lefts["plot"], widths["plot"] / 72.0)
    null = scale(1.0) if scale.log else scale(0.0)
    favours_end = null + 0.5 * fontsize / 72.0 + measure.width(labels[1])
    rob_left = x + _PAD / 72.0
    rob_column = 1.9 * row_h
    if rob is not None:
        widest = max(measure.width(code, True) for code, _ in rob.domains)
        rob_column = max(rob_column, widest + 0.08)
    if rob is not None:
        x = rob_left + rob_column * len(rob.domains)
    below = (["Footnotes", *footnotes] if footnotes else []) + (rob.legend() if rob else [])
    width = max(x, favours_end, margin + max((measure.width(t) for t in below), default=0)) + margin
    axis_y = top + (n + 0.3) * row_h
    height = axis_y + 3.8 * fontsize / 72.0 + len(below) * row_h + margin

    if ax is None:
        fig = Figure(figsize=(width, height))
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    else:
        fig = figure_of(ax)
        if fig.axes == [ax]:
            fig.set_size_inches(width, height)
            ax.set_position((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0.0, width)
    ax.set_ylim(height, 0.0)
    ax.set_axis_off()
    if title:
        _text(ax, margin, margin + 0.5 * row_h, title, "left", fontsize * 1.2, True, "title")

    colour = COLOURS["continuous" if result.measure.is_continuous else "other"]
    weights = [r.weight for r in layout.rows if r.kind == "study" and math.isfinite(r.weight)]
    w_max = max(weights, default=1.0) or 1.0
    for i, row in enumerate(layout.rows):
        y = top + (i + 0.5) * row_h
        for key, text in row.cells.items():
            if not text:
                continue
            if row.kind in SPANNING or key == "study":
                _text(ax, lefts["study"], y, text, "left", fontsize, row.bold, f"{row.kind}:{key}")
                continue
            if row is layout.rows[0] and layout.arm_kind and key in ARM_COLUMNS[layout.arm_kind]:
                cols = ARM_COLUMNS[layout.arm_kind]
                group = cols[: len(cols) // 2] if key == cols[0] else cols[len(cols) // 2 :]
                centre = lefts[group[0]] + sum(widths[k] for k in group) / 144.0
            else:
                centre = lefts[key] + widths[key] / 144.0
            _text(ax, centre, y, text, "center", fontsize, row.bold, f"{row.kind}:{key}")
        if i == 1:
            rule = top + 2 * row_h
            ax.add_line(Line2D([margin, width - margin], [rule, rule], color="black", lw=0.6))
        if row.kind in POOLED and math.isfinite(row.estimate):
            _draw_diamond(ax, scale, row, y, 0.7 * row_h)
        elif row.kind in ("study", "prediction") and math.isfinite(row.ci_low):
            side = 0.8 * row_h * math.sqrt(max(row.weight, 0.0) / w_max)
            _draw_interval(ax, scale, row, y, colour, max(side, 0.12 * row_h))
    bottom = _draw_axis(ax, scale, top + 2 * row_h, axis_y, fontsize, labels)
    if rob is not None:
        draw_rob(ax, layout, rob, rob_left, rob_column, top, row_h, fontsize, studies)
    for i, line in enumerate(below):
        bold = line in ("Footnotes", "Risk of bias legend")
        _text(ax, margin, bottom + (i + 0.5) * row_h, line, "left", fontsize, bold, "footnote")
    return fig


__all__ = ["COLOURS", "RobColumns", "forest_plot", "forest_table"]
