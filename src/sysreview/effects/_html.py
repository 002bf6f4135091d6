"""Small HTML tables for notebooks (``_repr_html_`` of the result objects).

Hand-written rather than ``DataFrame.to_html``: the result objects render their
formatted summary (rounded, back-transformed, with heading and notes) and must not
import pandas to do so. Every text is escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence


def fmt(value: float | None, digits: int = 4) -> str:
    """A number for a table cell; ``—`` when missing or not finite."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}f}"


def fmt_p(p: float) -> str:
    """A p-value as metafor prints it: ``<.0001`` below 1e-4."""
    if not math.isfinite(p):
        return "—"
    return "<.0001" if p < 1e-4 else f"{p:.4f}"


def table_html(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    caption: str | None = None,
    notes: Sequence[str] = (),
    bold_rows: Sequence[int] = (),
) -> str:
    """An HTML table: a caption, a header row, body rows (all text) and notes below.

    Examples
    --------
    >>> table_html(["a", "b"], [["1", "<2>"]], caption="T")[:40]
    '<div><table><caption style="text-align:l'
    """
    esc = html.escape
    out = ["<div><table>"]
    if caption:
        out.append(f'<caption style="text-align:left"><b>{esc(caption)}</b></caption>')
    out.append("<thead><tr>")
    out += [f"<th>{esc(c)}</th>" for c in columns]
    out.append("</tr></thead><tbody>")
    bold = set(bold_rows)
    for i, row in enumerate(rows):
        cells = [f"<b>{esc(c)}</b>" if i in bold else esc(c) for c in row]
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    out += [f"<p>{esc(n)}</p>" for n in notes]
    out.append("</div>")
    return "".join(out)


__all__ = ["fmt", "fmt_p", "table_html"]
