"""The report as ONE self-contained HTML file: inline CSS, figures as ``data:`` URIs.

The page loads nothing: no scripts, stylesheets, fonts or images from anywhere (it works
offline and from an e-mail attachment). Jinja2 autoescaping is on, so text from the
inputs (study labels, captions, protocol text) cannot inject markup. A final check refuses
to return a page whose ``src``/``href`` attributes point anywhere but an anchor or a
``data:`` URI.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import jinja2

from sysreview import __version__

from .blocks import Block, Document, Figure, Panel, Paragraph, ReferenceList, Table
from .checklist import NOT_REPORTED
from .inputs import ReportFigure, ReportInputError
from .sof_table import SofTable
from .sof_table import html_view as sof_view

_MIME = {".svg": "image/svg+xml", ".png": "image/png"}
_EXTERNAL = re.compile(
    r"""<[^>]*?\s(?:src|href|xlink:href|action|poster|srcset)\s*=\s*(?!["']?(?:#|data:))""",
    re.I,
)
"""A tag attribute that would load or link to something outside the page."""


def data_uri(figure: ReportFigure, raster: bool = False) -> str:
    """The figure's file as a base64 ``data:`` URI.

    Its SVG (else PNG) file; with ``raster``, its PNG (else SVG).
    """
    path = (figure.file(".png") or figure.web) if raster else figure.web
    if path is None:
        raise ReportInputError(f"figure {figure.caption!r} has no SVG or PNG file")
    payload = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{_MIME[path.suffix.lower()]};base64,{payload}"


LINKED_COLUMNS = ("Location in this report",)
"""Columns whose cells name a section of the report (linked to it by its title)."""


def _cell(value: object, column: str, sections: dict[str, str]) -> dict[str, str | None]:
    text = str(value)
    anchor = sections.get(text) if column in LINKED_COLUMNS else None
    return {"text": text, "href": None if anchor is None else f"#{anchor}"}


def _table_view(block: Table, sections: dict[str, str]) -> dict[str, Any]:
    frame = block.frame
    columns = [str(c) for c in frame.columns]
    rows = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = [_cell(v, c, sections) for v, c in zip(row, columns, strict=True)]
        rows.append({"cells": cells, "marks": ", ".join(block.letters(i))})
    return {
        "kind": "table",
        "marked": block.marked_index(columns),
        "anchor": block.anchor,
        "label": block.label,
        "caption": block.caption,
        "note": block.note,
        "wide": block.wide or len(columns) > 8,
        "columns": columns,
        "rows": rows,
        "footnotes": [{"letter": k, "text": t} for k, t in block.notes],
    }


def _view(block: Block, sections: dict[str, str], raster: bool = False) -> dict[str, Any]:
    if isinstance(block, SofTable):
        return sof_view(block)
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text, "pre": block.pre}
    if isinstance(block, Table):
        return _table_view(block, sections)
    if isinstance(block, Panel):
        return {"kind": "panel", "title": block.title, "anchor": block.anchor,
                "rows": [{"field": k, "text": v} for k, v in block.rows]}  # fmt: skip
    if isinstance(block, ReferenceList):
        return {
            "kind": "references",
            "studies": [
                {"label": e.label, "refs": [{"number": i.number, "text": i.text}
                                             for i in e.items]}
                for e in block.studies
            ],
        }  # fmt: skip
    if isinstance(block, Figure):
        return {
            "kind": "figure",
            "anchor": block.anchor,
            "label": block.label,
            "caption": block.figure.caption,
            "src": data_uri(block.figure, raster),
        }
    raise TypeError(f"unknown block {block!r}")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sysreview.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_html(doc: Document, *, raster: bool = False) -> str:
    """The report as a self-contained HTML page.

    ``raster`` embeds each figure's PNG rather than its SVG (for the PDF: WeasyPrint draws
    matplotlib's SVG glyph paths slowly, and the PNGs are 200 dpi).

    Raises
    ------
    ReportInputError
        When a figure file cannot be embedded.
    RuntimeError
        When the page would reference anything outside itself (a bug, never input).
    """
    titles = {s.title: s.anchor for s in doc.sections}
    titles.setdefault("Title", "title")
    sections = [
        {
            "anchor": s.anchor,
            "title": s.title,
            "level": s.level,
            "blocks": [_view(b, titles, raster) for b in s.blocks],
        }
        for s in doc.sections
    ]
    view = {"title": doc.title, "subtitle": doc.subtitle, "sections": sections}
    template = _environment().get_template("report.html.j2")
    page = template.render(doc=view, version=__version__, not_reported=NOT_REPORTED)
    check_offline(page)
    return page


def check_offline(page: str) -> None:
    """Refuse a page with a link that points anywhere but ``#`` or ``data:``.

    A link is a ``src``/``href`` (or similar) attribute.

    Raises
    ------
    RuntimeError
        Naming the offending attribute.

    Examples
    --------
    >>> check_offline('<a href="#results">Results</a>')
    >>> check_offline('<p>text about src="https://example.org"</p>')
    >>> check_offline('<img alt="x" src="https://example.org/x.png">')
    Traceback (most recent call last):
    ...
    RuntimeError: the report would load an external resource: '<img alt="x" src="https://example.org/x.png">'
    """
    bad = _EXTERNAL.search(page)
    if bad is not None:
        end = page.find(">", bad.end())
        raise RuntimeError(
            f"the report would load an external resource: {page[bad.start() : end + 1]!r}"
        )


__all__ = ["check_offline", "data_uri", "render_html"]
