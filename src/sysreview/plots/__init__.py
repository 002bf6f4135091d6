"""Figures drawn from results: risk-of-bias traffic-light and summary plots.

Plot functions take a result (here: risk-of-bias assessments) and an optional ``ax=``, return
the :class:`matplotlib.figure.Figure` and never recompute. No pyplot global state is used.
"""

from __future__ import annotations

from sysreview.plots.rob import PALETTE, SYMBOLS, save, summary_bar, traffic_light

__all__ = ["PALETTE", "SYMBOLS", "save", "summary_bar", "traffic_light"]
