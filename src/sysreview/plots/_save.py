"""Writing figures to PNG, SVG or PDF, reproducibly.

Every figure of :mod:`sysreview.plots` is written by :func:`save`. The output is
byte-for-byte reproducible for a given matplotlib version: SVG element ids come from a
fixed hash salt instead of random UUIDs, and no creation date is written into SVG or PDF
metadata.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Final

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sysreview.errors import InputError

FORMATS: Final = (".png", ".svg", ".pdf")
"""The file extensions :func:`save` writes."""

_METADATA: Final[dict[str, dict[str, Any]]] = {
    ".png": {},
    ".svg": {"Date": None},
    ".pdf": {"CreationDate": None},
}


def figure_of(ax: Axes) -> Figure:
    """The figure an axes belongs to (plot functions drawing into a given ``ax``)."""
    fig = ax.get_figure(root=True)
    if not isinstance(fig, Figure):  # pragma: no cover (an Axes always has a figure)
        raise InputError("ax is not attached to a figure")
    return fig


def save(fig: Figure, path: str | os.PathLike[str]) -> Path:
    """Write ``fig`` to ``path`` as PNG, SVG or PDF, chosen by the file extension.

    Parameters
    ----------
    fig
        A figure, e.g. from :func:`~sysreview.plots.forest_plot` or
        :func:`~sysreview.plots.traffic_light`.
    path
        Destination ending in ``.png``, ``.svg`` or ``.pdf`` (any case).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        Unknown extension.

    Notes
    -----
    Writing the same figure twice gives identical files: SVG ids use a fixed
    ``svg.hashsalt``, text is drawn as paths, and SVG/PDF carry no creation date.

    Examples
    --------
    >>> save(Figure(), "figure.tiff")
    Traceback (most recent call last):
    ...
    sysreview.errors.InputError: unsupported figure format '.tiff'; must be one of .png, .svg, .pdf
    """
    target = Path(path)
    ext = target.suffix.lower()
    if ext not in FORMATS:
        raise InputError(
            f"unsupported figure format {ext or target.name!r}; must be one of "
            + ", ".join(FORMATS)
        )
    with mpl.rc_context({"svg.hashsalt": "sysreview", "svg.fonttype": "path"}):
        fig.savefig(target, format=ext[1:], dpi=200, bbox_inches="tight", metadata=_METADATA[ext])
    return target


__all__ = ["FORMATS", "save"]
