"""Bubble plots of a meta-regression: each study's effect against a moderator.

Points are the studies of the fit, their areas proportional to their weights in the
model; the line is the model's prediction along the moderator with its confidence band
and, for mixed-effects models, its prediction interval (dashed), the other moderators
held at their means over the studies (metafor's ``regplot``; Thompson & Higgins 2002,
How should meta-regression analyses be undertaken and interpreted? Stat Med
21:1559-1573). Every value comes from the result: the predictions are
:meth:`MetaRegression.predict`'s. Ratios are drawn on a log axis, labelled as ratios;
proportions and correlations on their own scale.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sysreview.effects.transforms import Transform
from sysreview.errors import InputError
from sysreview.meta.metareg_result import MetaRegression
from sysreview.plots._forest_text import MEASURE_NAMES
from sysreview.plots._save import figure_of


def _moderator(result: MetaRegression, moderator: str | None) -> int:
    """The design column of the numeric moderator to plot against."""
    numeric = [t for t in result.design.terms if t.kind == "numeric"]
    if moderator is None:
        if len(numeric) != 1:
            names = ", ".join(t.name for t in numeric) or "none"
            raise InputError(
                f"name the moderator to plot against: the model's numeric moderators are {names}"
            )
        return numeric[0].columns[0]
    term = next((t for t in result.design.terms if t.name == moderator), None)
    if term is None or term.kind != "numeric":
        names = ", ".join(t.name for t in numeric) or "none"
        raise InputError(
            f"a bubble plot needs a numeric moderator; {moderator!r} is not one ({names})"
        )
    return term.columns[0]


def bubble_plot(
    result: MetaRegression,
    moderator: str | None = None,
    *,
    prediction: bool = True,
    points: int = 100,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Bubble plot of a meta-regression against one numeric moderator.

    Parameters
    ----------
    result
        The meta-regression (:func:`sysreview.meta_regression`).
    moderator
        The numeric moderator on the x axis (default: the model's only one).
    prediction
        Draw the prediction interval (mixed-effects models).
    points
        Number of points along the moderator at which the line is predicted.
    title
        Printed above the plot.
    ax
        Axes to draw into; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InputError
        Without a numeric moderator to plot against.

    Examples
    --------
    >>> from sysreview.datasets import bcg
    >>> from sysreview.effects import escalc
    >>> from sysreview.meta import meta_regression
    >>> dat = bcg()
    >>> es = escalc("RR", data=dat, ai="tpos", bi="tneg", ci="cpos", di="cneg")
    >>> fig = bubble_plot(meta_regression(es, "~ ablat", data=dat))
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_yscale()
    ('ablat', 'log')
    """
    column = _moderator(result, moderator)
    x_all = result.design.x[result.used]
    xs = x_all[:, column]
    grid_x = np.linspace(xs.min(), xs.max(), max(points, 2))
    rows = np.tile(x_all.mean(axis=0), (grid_x.size, 1))
    rows[:, column] = grid_x
    pred = result.predict(rows[:, 1:] if result.design.intercept else rows)
    es = result.effects
    show = es.back_transform
    yi = es.yi[result.used]
    weights = result.weights[result.used]
    if ax is None:
        fig = Figure(figsize=(6.0, 4.5))
        ax = fig.add_subplot()
    else:
        fig = figure_of(ax)
    sizes = 400 * weights / weights.max()
    ax.scatter(xs, show(yi), s=sizes, facecolor="lightgrey", edgecolor="black", lw=0.6,
               zorder=3, gid="studies")  # fmt: skip
    ax.plot(grid_x, show(pred.pred), color="black", lw=1.2, gid="fit")
    ax.fill_between(grid_x, show(pred.ci_low), show(pred.ci_high), color="grey", alpha=0.3,
                    lw=0, gid="ci")  # fmt: skip
    if prediction and np.isfinite(pred.pi_low).all():
        ax.plot(grid_x, show(pred.pi_low), color="black", ls="--", lw=0.8, gid="pi")
        ax.plot(grid_x, show(pred.pi_high), color="black", ls="--", lw=0.8)
    name = MEASURE_NAMES.get(result.effects.measure, result.effects.measure.value)
    if es.transform is Transform.EXP:
        ax.set_yscale("log")
        ax.axhline(1.0, color="grey", lw=0.6)
    elif es.transform is Transform.IDENTITY:
        ax.axhline(0.0, color="grey", lw=0.6)
    ax.set_xlabel(result.design.names[column])
    ax.set_ylabel(name + (" (log scale)" if es.transform is Transform.EXP else ""))
    if title:
        ax.set_title(title)
    return fig


__all__ = ["bubble_plot"]
