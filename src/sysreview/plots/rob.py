"""Risk-of-bias figures: traffic-light plot and weighted summary bar chart.

The figures follow robvis (McGuinness & Higgins 2021) and RevMan: a traffic-light grid of
studies by domains, and horizontal stacked bars of the proportion of studies at each
judgement per domain. They read the judgements stored in (or derived by) the assessment
objects — :class:`~sysreview.appraisal.rob1.Rob1Assessment` and
:class:`~sysreview.appraisal.rob2.Rob2Assessment` — and never re-derive them.

Figures are created with :class:`matplotlib.figure.Figure` directly, so no pyplot global
state or interactive backend is involved; pass ``ax=`` to draw into an existing figure.

Palette
-------
robvis's ``"cochrane"`` colour scheme (``robvis::rob_traffic_light(colour = "cochrane")``):

==================  =========  ======  =================================================
judgement           colour     symbol  used by
==================  =========  ======  =================================================
low                 #02C100    ``+``   RoB 1, RoB 2
some concerns       #E2DF07    ``-``   RoB 2
unclear             #E2DF07    ``?``   RoB 1
high                #BF0000    ``X``   RoB 1, RoB 2
no information      #4EA1F7    ``?``   (robvis level; neither tool here produces it)
==================  =========  ======  =================================================

The symbols are robvis's; its ``!`` marks ROBINS-I "critical", a level neither tool has.

References
----------
McGuinness LA, Higgins JPT. Risk-of-bias VISualization (robvis): an R package and Shiny web
app for visualizing risk-of-bias assessments. Res Syn Meth 2021;12:55-61.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.ticker import PercentFormatter

from sysreview.errors import InputError
from sysreview.plots._rob_grid import ROB2_DOMAIN_NAMES, _grid
from sysreview.plots._rob_grid import Assessments as Assessments  # re-exported
from sysreview.plots._save import save

PALETTE: Final = MappingProxyType(
    {
        "low": "#02C100",
        "some_concerns": "#E2DF07",
        "unclear": "#E2DF07",
        "high": "#BF0000",
        "no_information": "#4EA1F7",
    }
)
"""Judgement → colour (robvis ``"cochrane"`` palette)."""

SYMBOLS: Final = MappingProxyType(
    {"low": "+", "some_concerns": "-", "unclear": "?", "high": "X", "no_information": "?"}
)
"""Judgement → symbol drawn in the traffic-light circle (robvis)."""

LABELS: Final = MappingProxyType(
    {
        "low": "Low",
        "some_concerns": "Some concerns",
        "unclear": "Unclear",
        "high": "High",
        "no_information": "No information",
    }
)
"""Judgement → legend label."""


def _figure_of(ax: Axes) -> Figure:
    fig = ax.get_figure(root=True)
    if not isinstance(fig, Figure):  # pragma: no cover (an Axes always has a figure)
        raise InputError("ax is not attached to a figure")
    return fig


def _legend_handles(levels: Sequence[str]) -> list[Line2D]:
    return [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=9,
            markerfacecolor=PALETTE[j],
            markeredgecolor="none",
            label=f"{SYMBOLS[j]}  {LABELS[j]}",
        )
        for j in levels
    ]


def traffic_light(
    assessments: Assessments,
    *,
    ax: Axes | None = None,
    overall: bool = True,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Traffic-light plot: one coloured circle with a symbol per study and domain.

    Parameters
    ----------
    assessments
        RoB 1 or RoB 2 assessments (one kind only), one row each, drawn top to bottom.
    ax
        Axes to draw into; a new figure is created when omitted.
    overall
        Add a final "Overall" column with each assessment's overall judgement.
    labels
        ``study -> label printed`` (e.g. the study with its reference numbers).

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the plot.

    Raises
    ------
    InputError
        ``assessments`` is empty, or mixes RoB 1 and RoB 2 (or holds other objects).

    Notes
    -----
    Columns are labelled ``D1`` … ``Dn`` (and ``Overall``); a caption under the grid names
    the domains (a RoB 1 domain judged per outcome has a column per outcome after the
    study's, as RevMan's summary has; the overall column is the study's), and the legend
    gives the judgement for each colour and symbol (see the module's palette table). Layout
    as ``robvis::rob_traffic_light`` (McGuinness & Higgins 2021).

    Examples
    --------
    >>> from sysreview.appraisal import DomainJudgement, Rob1Assessment
    >>> from sysreview.protocol.appraisal import ROB1_DOMAINS
    >>> a = Rob1Assessment("Smith 2010", tuple(DomainJudgement(d, "low") for d in ROB1_DOMAINS))
    >>> fig = traffic_light([a, a])
    >>> len(fig.axes[0].patches)  # 2 studies x (7 domains + overall)
    16
    """
    grid = _grid(assessments)
    n_dom, n_rows = len(grid.domain_names), len(grid.studies)
    if ax is None:
        width = 3.0 + 0.55 * (n_dom + overall) + 1.6
        height = 1.6 + 0.45 * n_rows + 0.17 * n_dom
        fig = Figure(figsize=(width, height), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = _figure_of(ax)

    columns = [*(f"D{i}" for i in range(1, n_dom + 1)), *(["Overall"] if overall else [])]
    for row, (study_js, study_overall) in enumerate(
        zip(grid.judgements, grid.overall, strict=True)
    ):
        cells = [*study_js, *([study_overall] if overall else [])]
        for col, judgement in enumerate(cells):
            ax.add_patch(
                Circle(
                    (col, row),
                    0.4,
                    facecolor=PALETTE[judgement],
                    edgecolor="black",
                    linewidth=0.5,
                    gid=f"{grid.studies[row]}|{columns[col]}|{judgement}",
                )
            )
            ax.text(col, row, SYMBOLS[judgement], ha="center", va="center", fontsize=11)
    if overall:
        ax.axvline(n_dom - 0.5, color="grey", linewidth=0.8)

    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(n_rows - 0.4, -0.6)
    ax.set_aspect("equal")
    ax.xaxis.tick_top()
    ax.set_xticks(range(len(columns)), columns)
    ax.set_yticks(range(n_rows), [(labels or {}).get(s, s) for s in grid.studies])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(f"Risk of bias ({grid.tool})", loc="left")
    ax.set_ylabel("Study")

    caption = "Domains:\n" + "\n".join(
        f"D{i}: {name}" for i, name in enumerate(grid.domain_names, start=1)
    )
    ax.text(
        0.0, -0.04, caption, transform=ax.transAxes, ha="left", va="top", fontsize=8, gid="caption"
    )
    ax.legend(
        handles=_legend_handles(grid.levels),
        title="Judgement",
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        frameon=False,
        fontsize=8,
    )
    return fig


def _weights(weights: Sequence[float] | None, n: int) -> np.ndarray:
    if weights is None:
        return np.full(n, 1.0 / n)
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size != n:
        raise InputError(f"need one weight per assessment ({n}); got {w.size}", column="weights")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise InputError("weights must be finite and non-negative", column="weights")
    total = float(w.sum())
    if total <= 0:
        raise InputError("weights must not all be zero", column="weights")
    return w / total


def summary_bar(
    assessments: Assessments,
    *,
    weights: Sequence[float] | None = None,
    ax: Axes | None = None,
    overall: bool = True,
) -> Figure:
    r"""Summary plot: per domain, the proportion of studies at each judgement as stacked bars.

    Parameters
    ----------
    assessments
        RoB 1 or RoB 2 assessments (one kind only).
    weights
        One non-negative weight per assessment (e.g. the studies' meta-analysis weights);
        proportions are then of the total weight. Default: every study counts equally.
    ax
        Axes to draw into; a new figure is created when omitted.
    overall
        Add a bar for the overall judgement below the domains.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the plot.

    Raises
    ------
    InputError
        Empty or mixed ``assessments``; ``weights`` not one per assessment, negative, not
        finite, or all zero.

    Notes
    -----
    For domain :math:`d` and judgement :math:`j` the bar segment has width
    :math:`p_{dj} = \sum_i w_i [J_{id} = j] / \sum_i w_i` with :math:`w_i = 1` unless
    weights are given (``robvis::rob_summary(weighted = ...)``; McGuinness & Higgins 2021).
    Bars are ordered best judgement first from the left.

    Examples
    --------
    >>> from sysreview.appraisal import DomainJudgement, Rob1Assessment
    >>> from sysreview.protocol.appraisal import ROB1_DOMAINS
    >>> low = Rob1Assessment("A", tuple(DomainJudgement(d, "low") for d in ROB1_DOMAINS))
    >>> high = Rob1Assessment(
    ...     "B", tuple(DomainJudgement(d, "high") for d in ROB1_DOMAINS))
    >>> fig = summary_bar([low, high], weights=[3.0, 1.0])
    >>> [round(float(p.get_width()), 2) for p in fig.axes[0].patches][:2]
    [0.75, 0.75]
    """
    grid = _grid(assessments)
    w = _weights(weights, len(grid.studies))
    names = [*grid.domain_names, *(["Overall risk of bias"] if overall else [])]
    columns = [list(col) for col in zip(*grid.judgements, strict=True)]
    if overall:
        columns.append(list(grid.overall))
    if ax is None:
        fig = Figure(figsize=(9.0, 1.2 + 0.4 * len(names)), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = _figure_of(ax)

    y = np.arange(len(names))
    left = np.zeros(len(names))
    for level in grid.levels:
        share = np.array([float(w[np.array(col) == level].sum()) for col in columns])
        ax.barh(
            y,
            share,
            left=left,
            height=0.7,
            color=PALETTE[level],
            edgecolor="black",
            linewidth=0.5,
            label=LABELS[level],
        )
        left += share

    ax.set_yticks(y, names)
    ax.invert_yaxis()
    if overall:
        ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.set_xlim(0.0, 1.0)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    what = "weight" if weights is not None else "studies"
    ax.set_xlabel(f"Proportion of {what}")
    ax.set_title(f"Risk of bias ({grid.tool})", loc="left")
    ax.legend(
        title="Judgement",
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18 if len(names) > 4 else -0.3),
        ncols=len(grid.levels),
        frameon=False,
    )
    return fig


__all__ = [
    "LABELS",
    "PALETTE",
    "ROB2_DOMAIN_NAMES",
    "SYMBOLS",
    "save",
    "summary_bar",
    "traffic_light",
]
