"""The PRISMA 2020 flow diagram, drawn from derived :class:`~sysreview.prisma.PrismaCounts`.

Layout of the PRISMA 2020 template for new reviews (Page et al. BMJ 2021;372:n71, Fig. 1):
a main column (records identified from databases and registers → screened → reports
sought → assessed → studies included), a column of the boxes that leave the flow
(removed before screening, excluded, not retrieved, excluded with reasons) and, only when
records came from other methods (websites, citation searching, ...), a third column for
them. Section labels (Identification, Screening, Included) run down the left side. For an
updated review (counts with studies of the previous version), the included section is
that of the template for updated reviews: new studies, the previous version's studies
beside the total, and the total of both.

sysreview deduplicates and screens records from every source together, so the
other-methods column holds their identification box only; its arrow joins the main flow
before screening. Boxes that would show unfinished work (records awaiting a decision,
unresolved conflicts) list those counts inside the exclusion boxes so every box balances.

Every string is measured with the Agg renderer and wrapped to its box, and each box is
sized to its text; the layout depends on nothing but the counts.
"""

from __future__ import annotations

import itertools
from typing import Final

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from sysreview.plots._prisma_boxes import Line, arm_box_lines, box_lines
from sysreview.plots._text import FONT, TextMeasure
from sysreview.prisma.arms import OtherMethodsFlow
from sysreview.prisma.result import PrismaCounts

COLOURS: Final = {"header": "#FFC000", "other": "#D9D9D9", "section": "#A9CBEB"}
"""Fills of the template: yellow and grey column headers, blue section labels."""
_BOX_W: Final = 3.0  # inches
_GAP_X: Final = 0.45
_GAP_Y: Final = 0.4
_PAD: Final = 0.08
_STRIP: Final = 0.32
_INDENT: Final = 0.16


# (box, column, row); column 0 main flow, 1 exclusions, 2 other methods, 3 its exclusions
_PLACES: Final = (
    ("identified", 0, 0),
    ("removed", 1, 0),
    ("other", 2, 0),
    ("other_removed", 3, 0),
    ("other_sought", 2, 2),
    ("other_not_retrieved", 3, 2),
    ("other_assessed", 2, 3),
    ("other_excluded", 3, 3),
    ("screened", 0, 1),
    ("excluded_screening", 1, 1),
    ("sought", 0, 2),
    ("not_retrieved", 1, 2),
    ("assessed", 0, 3),
    ("excluded_full_text", 1, 3),
    ("included", 0, 4),
    ("total", 0, 5),
    ("previous", 1, 5),
)


class _Text(TextMeasure):
    """Measures (inches) and wraps the diagram's text."""

    def __init__(self, size: float) -> None:
        super().__init__(size)
        self.line_h = 1.35 * size / 72.0

    def wrap(self, line: Line, width: float) -> list[Line]:
        """Greedy word wrap; continuation lines are indented one step further."""
        out: list[Line] = []
        words = line.text.split(" ")
        current = ""
        for word in words:
            trial = f"{current} {word}" if current else word
            room = width - (line.indent + (1 if out else 0)) * _INDENT
            if current and self.width(trial, line.bold) > room:
                out.append(Line(current, line.indent + (1 if out else 0), line.bold))
                current = word
            else:
                current = trial
        out.append(Line(current, line.indent + (1 if out else 0), line.bold))
        return out


def _label(ax: Axes, x: float, y: float, text: str, size: float, gid: str, **kw: object) -> None:
    ax.text(x, y, text, fontsize=size, family=FONT, parse_math=False, gid=gid, **kw)  # type: ignore[arg-type]


def _arrow(ax: Axes, points: list[tuple[float, float]]) -> None:
    for (x0, y0), (x1, y1) in itertools.pairwise(points[:-1]):
        ax.plot([x0, x1], [y0, y1], color="black", lw=0.9)
    ax.add_patch(
        FancyArrowPatch(
            points[-2],
            points[-1],
            arrowstyle="-|>",
            mutation_scale=9,
            color="black",
            lw=0.9,
            shrinkA=0,
            shrinkB=0,
        )
    )


def prisma_flow(
    counts: PrismaCounts,
    *,
    fontsize: float = 8.0,
    title: str | None = None,
    other: OtherMethodsFlow | None = None,
) -> Figure:
    """The PRISMA 2020 flow diagram of ``counts``.

    Parameters
    ----------
    counts
        Balanced PRISMA boxes, derived from the records and decisions
        (:func:`sysreview.prisma.derive_counts`).
    fontsize
        Font size in points.
    title
        Printed above the diagram.
    other
        The records found by other methods as a column of their own (identified, not
        sought, sought, not retrieved, assessed, excluded with reasons), as the template
        draws them; the main column then counts databases and registers only
        (:meth:`~sysreview.prisma.arms.OtherMethodsFlow.main_arm`) and the included box
        the review's total.

    Returns
    -------
    matplotlib.figure.Figure
        The diagram. Each box is a patch with gid ``box:<name>`` and its lines are texts
        with gid ``text:<name>:<i>`` (names: ``identified``, ``removed``, ``other``,
        ``screened``, ``excluded_screening``, ``sought``, ``not_retrieved``,
        ``assessed``, ``excluded_full_text``, ``included``; for an update also
        ``previous`` and ``total``).

    Notes
    -----
    Boxes and wording as Page et al. 2021, Fig. 1 (PRISMA 2020 flow diagram for new
    systematic reviews which included searches of databases, registers and other
    sources); counts appear as ``(n = k)``. Exclusion reasons are listed largest first,
    wrapped to the box. The "other methods" column is drawn only when
    ``counts.records_other_methods > 0``. The boxes of the template for updated reviews
    (studies and reports of the previous version, and the totals) are drawn only when
    ``counts.is_update``.

    Examples
    --------
    >>> from sysreview.prisma import PrismaInputs, SourceCount, derive_counts
    >>> counts = derive_counts(PrismaInputs(sources=(SourceCount("database", "MEDLINE", 3),)))
    >>> fig = prisma_flow(counts)
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "text:screened:0"]
    ['Records screened (n = 3)']
    """
    text = _Text(fontsize)
    inner = _BOX_W - 2 * _PAD
    lines = box_lines(counts if other is None else other.main_arm(counts))
    if other is not None:
        lines.update(arm_box_lines(other))
        full = box_lines(counts)
        lines.update({k: full[k] for k in ("included", "previous", "total") if k in full})
    boxes = {
        name: [w for line in box_lines for w in text.wrap(line, inner)]
        for name, box_lines in lines.items()
    }
    n_cols = 4 if other is not None else 3 if "other" in boxes else 2
    heights = {name: len(lines) * text.line_h + 2 * _PAD for name, lines in boxes.items()}
    n_rows = 6 if "total" in boxes else 5
    sections = (("Identification", 0, 0), ("Screening", 1, 3), ("Included", 4, n_rows - 1))
    row_h = [0.0] * n_rows
    for name, _, row in _PLACES:
        if name in heights:
            row_h[row] = max(row_h[row], heights[name])
    for label, first, last in sections:  # a section label must fit along its rows
        need = text.width(label, True) + 2 * _PAD
        have = sum(row_h[first : last + 1]) + _GAP_Y * (last - first)
        row_h[last] += max(0.0, need - have)

    margin = 0.1
    col_x = [margin + _STRIP + _GAP_X / 2 + i * (_BOX_W + _GAP_X) for i in range(n_cols)]
    width = col_x[-1] + _BOX_W + margin
    top = margin + (2 * text.line_h if title else 0.0)
    header_lines = {
        "header_main": text.wrap(
            Line("Identification of studies via databases and registers", bold=True),
            2 * _BOX_W + _GAP_X - 2 * _PAD,
        ),
        "header_other": text.wrap(
            Line("Identification of studies via other methods", bold=True),
            (inner if n_cols == 3 else 2 * _BOX_W + _GAP_X - 2 * _PAD),
        ),
    }
    header_h = max(len(v) for v in header_lines.values()) * text.line_h + 2 * _PAD
    row_y = [top + header_h + _GAP_Y]
    for h in row_h[:-1]:
        row_y.append(row_y[-1] + h + _GAP_Y)
    height = row_y[-1] + row_h[-1] + margin

    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0.0, width)
    ax.set_ylim(height, 0.0)
    ax.set_axis_off()
    if title:
        _label(
            ax,
            margin,
            margin + text.line_h / 2,
            title,
            fontsize * 1.2,
            "title",
            va="center",
            fontweight="bold",
        )

    def box(
        name: str,
        x: float,
        y: float,
        w: float,
        h: float,
        lines: list[Line],
        fill: str = "white",
        centre: bool = False,
    ) -> None:
        ax.add_patch(
            FancyBboxPatch(
                (x, y),
                w,
                h,
                boxstyle="square,pad=0",
                facecolor=fill,
                edgecolor="black",
                lw=0.9,
                gid=f"box:{name}",
            )
        )
        for i, line in enumerate(lines):
            ly = y + _PAD + (i + 0.5) * text.line_h
            lx = x + w / 2 if centre else x + _PAD + line.indent * _INDENT
            _label(
                ax,
                lx,
                ly,
                line.text,
                fontsize,
                f"text:{name}:{i}",
                va="center",
                ha="center" if centre else "left",
                fontweight="bold" if line.bold else "normal",
            )

    header_w = 2 * _BOX_W + _GAP_X
    box(
        "header_main",
        col_x[0],
        top,
        header_w,
        header_h,
        header_lines["header_main"],
        COLOURS["header"],
        centre=True,
    )
    if n_cols >= 3:
        box(
            "header_other",
            col_x[2],
            top,
            _BOX_W if n_cols == 3 else header_w,
            header_h,
            header_lines["header_other"],
            COLOURS["other"],
            centre=True,
        )
    for label, first, last in sections:
        y0, y1 = row_y[first], row_y[last] + row_h[last]
        ax.add_patch(
            FancyBboxPatch(
                (margin, y0),
                _STRIP,
                y1 - y0,
                boxstyle="round,pad=0,rounding_size=0.06",
                facecolor=COLOURS["section"],
                edgecolor="none",
                gid=f"box:{label}",
            )
        )
        _label(
            ax,
            margin + _STRIP / 2,
            (y0 + y1) / 2,
            label,
            fontsize,
            f"text:{label}:0",
            rotation=90,
            ha="center",
            va="center",
            fontweight="bold",
        )

    places = {name: (col, row) for name, col, row in _PLACES if name in boxes}
    for name, (col, row) in places.items():
        box(name, col_x[col], row_y[row], _BOX_W, heights[name], boxes[name])
    centre_x = col_x[0] + _BOX_W / 2
    for row in range(n_rows - 1):
        main = next(n for n, (c, r) in places.items() if c == 0 and r == row)
        _arrow(ax, [(centre_x, row_y[row] + heights[main]), (centre_x, row_y[row + 1])])
        if row > 3:  # below the last exclusion box
            continue
        side = next(n for n, (c, r) in places.items() if c == 1 and r == row)
        y = row_y[row] + min(heights[main], heights[side]) / 2
        _arrow(ax, [(col_x[0] + _BOX_W, y), (col_x[1], y)])
    if "previous" in places:  # the previous version's studies join the total
        y = row_y[5] + min(heights["total"], heights["previous"]) / 2
        _arrow(ax, [(col_x[1], y), (col_x[0] + _BOX_W, y)])
    ox = col_x[2] + _BOX_W / 2 if n_cols >= 3 else 0.0
    if "other_sought" in places:
        _arrow(ax, [(ox, row_y[0] + heights["other"]), (ox, row_y[2])])
        _arrow(ax, [(ox, row_y[2] + heights["other_sought"]), (ox, row_y[3])])
        for row, main, side in ((0, "other", "other_removed"),
                                (2, "other_sought", "other_not_retrieved"),
                                (3, "other_assessed", "other_excluded")):  # fmt: skip
            y = row_y[row] + min(heights[main], heights[side]) / 2
            _arrow(ax, [(col_x[2] + _BOX_W, y), (col_x[3], y)])
        y = row_y[4] + heights["included"] / 2
        _arrow(ax, [(ox, row_y[3] + heights["other_assessed"]), (ox, y),
                    (col_x[0] + _BOX_W, y)])  # fmt: skip
    elif "other" in places:
        below = row_y[0] + row_h[0] + _GAP_Y / 2
        _arrow(ax, [(ox, row_y[0] + heights["other"]), (ox, below), (centre_x + 0.02, below)])
    return fig


__all__ = ["COLOURS", "prisma_flow"]
