"""Measuring text for layouts: widths in inches from the Agg renderer, and word wrapping.

Layouts (forest plot columns, PRISMA boxes) are sized from the text they hold, measured
with the same font the figures use, so nothing overlaps whatever the labels are.
"""

from __future__ import annotations

from typing import Final

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

FONT: Final = "DejaVu Sans"
"""The font of every label (bundled with matplotlib, so output is the same everywhere)."""


class TextMeasure:
    """Widths of single-line strings at one font size, in inches.

    Examples
    --------
    >>> m = TextMeasure(8.0)
    >>> m.width("Heterogeneity") < m.width("Heterogeneity", bold=True)
    True
    >>> m.width("")
    0.0
    """

    def __init__(self, size: float) -> None:
        self.size = size
        self._renderer = RendererAgg(1, 1, 72)  # type: ignore[no-untyped-call]
        self._fonts = {
            bold: FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
            for bold in (False, True)
        }

    def width(self, text: str, bold: bool = False) -> float:
        """Width of ``text`` (one line, no mathtext) in inches."""
        if not text:
            return 0.0
        w, _, _ = self._renderer.get_text_width_height_descent(  # type: ignore[no-untyped-call]
            text, self._fonts[bold], ismath=False
        )
        return float(w) / 72.0


__all__ = ["FONT", "TextMeasure"]
