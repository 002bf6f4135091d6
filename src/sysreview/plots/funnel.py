"""Funnel plots: each study's effect against its standard error, with pseudo confidence limits.

The y axis (standard error) is inverted, so the most precise studies are at the top; a
vertical line marks the pooled estimate and two lines the pseudo 95% confidence limits
``estimate ± z SE`` (Sterne & Egger 2001; Cochrane Handbook v6.4 section 13.3.5.2). For
ratio measures the x axis is logarithmic. Studies imputed by trim and fill
(:func:`sysreview.meta.trim_and_fill`) are drawn as open circles with the adjusted
estimate as a dashed line. Fewer than ``min_studies`` studies (10 by default) are refused:
with so few the plot cannot show asymmetry (Sterne et al. BMJ 2011;343:d4002).

References
----------
Sterne JAC, Egger M. Funnel plots for detecting bias in meta-analysis: guidelines on
choice of axis. J Clin Epidemiol 2001;54:1046-55.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sysreview.errors import InputError, TooFewStudiesError
from sysreview.meta.bias import MIN_STUDIES
from sysreview.meta.result import MetaAnalysis
from sysreview.meta.trimfill import TrimAndFill
from sysreview.plots._forest_text import MEASURE_NAMES
from sysreview.plots._save import figure_of
from sysreview.stats import z_critical


def funnel_plot(
    result: MetaAnalysis,
    trimfill: TrimAndFill | None = None,
    *,
    min_studies: int = MIN_STUDIES,
    level: float = 95.0,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Funnel plot of a pooled analysis, optionally with trim-and-fill's imputed studies.

    Parameters
    ----------
    result
        The analysis; its estimable studies are plotted.
    trimfill
        The trim-and-fill result of ``result`` (``trim_and_fill(result)``): its imputed
        studies and adjusted estimate are added.
    min_studies
        Refuse analyses with fewer estimable studies (default 10; never fewer than 3).
    level
        Level of the pseudo confidence limits, percent.
    title
        Axes title.
    ax
        Axes to draw into; a new figure is created when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the plot.

    Raises
    ------
    TooFewStudiesError
        Fewer than ``min_studies`` estimable studies.
    InputError
        ``trimfill`` belongs to another analysis; ``level`` not in (0, 100).

    Notes
    -----
    The pseudo limits at standard error ``s`` are ``theta ± z_{1-alpha/2} s`` around the
    pooled estimate ``theta`` of ``result`` (fixed or random effects, as fitted),
    back-transformed for ratio measures. Nothing is recomputed: points, estimate and
    imputed studies are read from the results.

    Examples
    --------
    >>> from sysreview.effects import generic_effects
    >>> from sysreview.meta import meta_analysis
    >>> es = generic_effects([0.1, 0.3, 0.2, 0.5, -0.1, 0.4, 0.25, 0.15, 0.6, 0.05],
    ...                      [0.1, 0.2, 0.15, 0.3, 0.12, 0.25, 0.18, 0.11, 0.35, 0.08])
    >>> fig = funnel_plot(meta_analysis(es, model="fixed"))
    >>> bool(fig.axes[0].yaxis_inverted())
    True
    >>> funnel_plot(meta_analysis(es.subset([0, 1, 2, 3, 4])))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sysreview.errors.TooFewStudiesError: a funnel plot needs at least 10 studies with an ...
    """
    needed = max(int(min_studies), 3)
    if result.k < needed:
        raise TooFewStudiesError(
            f"a funnel plot needs at least {needed} studies with an estimate; "
            f"this analysis has {result.k}"
        )
    if trimfill is not None and trimfill.original is not result:
        raise InputError("trimfill is the trim-and-fill result of another analysis")
    if not 0 < level < 100:
        raise InputError(f"Invalid level {level!r}; must be between 0 and 100 (e.g. 95)")
    es = result.effects
    use = es.estimable
    yi, sei = es.yi[use], es.sei[use]
    filled_yi = np.empty(0) if trimfill is None else np.asarray(trimfill.filled_yi)
    filled_se = np.empty(0) if trimfill is None else np.sqrt(trimfill.filled_vi)
    se_max = 1.05 * float(max(np.max(sei), np.max(filled_se, initial=0.0)))
    if not (math.isfinite(se_max) and se_max > 0):
        raise InputError("standard errors must be positive and finite for a funnel plot")

    if ax is None:
        fig = Figure(figsize=(5.5, 4.5), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = figure_of(ax)
    z = z_critical(level)
    s = np.linspace(0.0, se_max, 2)
    centre = result.estimate
    ax.plot(result.display(centre - z * s), s, color="grey", ls="--", lw=0.8, gid="limits")
    ax.plot(result.display(centre + z * s), s, color="grey", ls="--", lw=0.8)
    ax.axvline(float(result.display(centre)), color="black", lw=0.8, gid="estimate")
    ax.scatter(
        result.display(yi),
        sei,
        s=22,
        facecolor="black",
        edgecolor="black",
        label="Studies",
        gid="studies",
        zorder=3,
    )
    if trimfill is not None and trimfill.k0 > 0:
        ax.scatter(
            result.display(filled_yi),
            filled_se,
            s=22,
            facecolor="white",
            edgecolor="black",
            label="Imputed (trim and fill)",
            gid="filled",
            zorder=3,
        )
        adjusted = float(trimfill.result.display(trimfill.result.estimate))
        ax.axvline(
            adjusted, color="black", lw=0.8, ls=":", gid="adjusted", label="Adjusted estimate"
        )
    if result.log_scale:
        ax.set_xscale("log")
    ax.set_ylim(se_max, 0.0)
    name = result.measure.value
    ax.set_ylabel(f"SE(log[{name}])" if result.log_scale else f"SE({name})")
    ax.set_xlabel(MEASURE_NAMES[result.measure] + (" (log scale)" if result.log_scale else ""))
    if title:
        ax.set_title(title, loc="left")
    if trimfill is not None and trimfill.k0 > 0:
        ax.legend(frameon=False, fontsize=8, loc="best")
    return fig


__all__ = ["funnel_plot"]
