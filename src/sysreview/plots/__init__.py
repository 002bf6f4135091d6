"""Figures drawn from results.

Forest, funnel, bubble (meta-regression), risk-of-bias and PRISMA 2020 flow diagrams.

Plot functions take a result and return a :class:`matplotlib.figure.Figure`; they never
recompute. No pyplot global state is used. :func:`save` writes any of them as PNG, SVG or
PDF, reproducibly.
"""

from __future__ import annotations

from sysreview.plots._forest_text import ARM_COLUMNS, forest_table
from sysreview.plots._save import save
from sysreview.plots.bubble import bubble_plot
from sysreview.plots.forest import RobColumns, forest_plot
from sysreview.plots.funnel import funnel_plot
from sysreview.plots.prisma_flow import prisma_flow
from sysreview.plots.rob import PALETTE, SYMBOLS, summary_bar, traffic_light

__all__ = [
    "ARM_COLUMNS",
    "PALETTE",
    "SYMBOLS",
    "RobColumns",
    "bubble_plot",
    "forest_plot",
    "forest_table",
    "funnel_plot",
    "prisma_flow",
    "save",
    "summary_bar",
    "traffic_light",
]
