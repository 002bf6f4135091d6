"""Bubble plots of a meta-regression, and plots drawn into a notebook's axes.

The bubble plot must show the result's own numbers (studies at their yi, sizes by the
model's weights, the line at the model's predictions) and refuse what it cannot draw;
``forest_plot(ax=)`` draws into a given axes."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

import sysreview as sr
from sysreview.errors import InputError


@pytest.fixture(scope="module")
def regression():
    dat = sr.datasets.bcg()
    es = sr.escalc("RR", data=dat, ai="tpos", bi="tneg", ci="cpos", di="cneg")
    return sr.meta_regression(es, "~ ablat + factor(alloc)", data=dat)


def test_points_and_line_are_the_results(regression) -> None:
    fig = sr.bubble_plot(regression, "ablat")
    ax = fig.axes[0]
    points = next(c for c in ax.collections if c.get_gid() == "studies")
    xy = points.get_offsets()
    np.testing.assert_allclose(xy[:, 0], regression.design.x[:, 1])
    np.testing.assert_allclose(xy[:, 1], np.exp(regression.effects.yi))
    sizes = points.get_sizes()
    assert np.argmax(sizes) == np.nanargmax(regression.weights)
    line = next(ln for ln in ax.lines if ln.get_gid() == "fit")
    x, y = line.get_data()
    means = regression.design.x.mean(axis=0)
    expected = regression.predict([[x[0], means[2], means[3]]]).pred
    assert y[0] == pytest.approx(float(np.exp(expected[0])), rel=1e-12)
    assert ax.get_yscale() == "log" and any(ln.get_gid() == "pi" for ln in ax.lines)


def test_refusals(regression) -> None:
    with pytest.raises(InputError, match="'alloc' is not one"):
        sr.bubble_plot(regression, "alloc")
    dat = sr.datasets.bcg()
    es = sr.escalc("RR", data=dat, ai="tpos", bi="tneg", ci="cpos", di="cneg")
    factors_only = sr.meta_regression(es, "~ factor(alloc)", data=dat)
    with pytest.raises(InputError, match="numeric moderators are none"):
        sr.bubble_plot(factors_only)
    with pytest.raises(InputError, match="name the moderator"):
        sr.bubble_plot(sr.meta_regression(es, "~ ablat + year", data=dat))


def test_plots_draw_into_given_axes(regression) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert sr.bubble_plot(regression, "ablat", ax=ax) is fig
    res = sr.meta_analysis(regression.effects)
    fig2 = Figure()
    ax2 = fig2.add_subplot()
    assert sr.forest_plot(res, ax=ax2) is fig2
    _, height = fig2.get_size_inches()
    assert height > 3 and ax2.get_position().bounds == (0.0, 0.0, 1.0, 1.0)
    studies = [t.get_text() for t in ax2.texts if t.get_gid() == "study:study"]
    assert studies[:2] == ["Study 1", "Study 2"]


def test_forest_plot_reads_proportions_back() -> None:
    dat = sr.datasets.pritz1997()
    res = sr.meta_analysis(sr.escalc("PFT", data=dat, xi="xi", ni="ni", slab="authors"))
    fig = sr.forest_plot(res)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Proportion" in texts
    # Giannotta: 16 of 17, read back with its own n (metafor: transf.ipft(yi, 17) = 0.941,
    # 0.765, 1.000 for the estimate and the limits of summary(escalc(...)))
    assert "0.94 [0.76, 1.00]" in texts
