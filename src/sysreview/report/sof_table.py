"""The Summary of findings table as a report block, and how HTML and DOCX draw it.

A :class:`SofTable` is a :class:`~sysreview.report.document.Table` (its ``frame`` is the
plain-text version, used by :meth:`Document.summary`) that also holds the layout of the
GRADEpro/Cochrane table: the "Anticipated absolute effects" header over the two risk
columns, cells of several lines, footnote letters as superscripts, and the footnotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocxDocument
from docx.shared import Pt

from .blocks import Table

Lines = tuple[str, ...]


@dataclass(frozen=True)
class SofTable(Table):
    """A Summary of findings table (see the module docstring).

    ``cells`` and ``marks`` are rows × columns: the lines of each cell and the footnote
    letters after it; ``group`` is the header spanning columns ``group_span``;
    ``footnotes`` are ``(letter, text)``; ``preamble`` the lines above the table
    (population, setting, intervention, comparison).
    """

    cells: tuple[tuple[Lines, ...], ...] = ()
    marks: tuple[tuple[Lines, ...], ...] = ()
    group: str = ""
    group_span: tuple[int, int] = (1, 3)
    footnotes: tuple[tuple[str, str], ...] = ()
    preamble: Lines = ()


def html_view(block: SofTable) -> dict[str, Any]:
    """What the HTML template draws (``kind`` ``"sof"``)."""
    columns = [str(c) for c in block.frame.columns]
    start, stop = block.group_span
    return {
        "kind": "sof",
        "anchor": block.anchor,
        "label": block.label,
        "caption": block.caption,
        "note": block.note,
        "preamble": list(block.preamble),
        "before": columns[:start],
        "group": block.group,
        "grouped": columns[start:stop],
        "after": columns[stop:],
        "rows": [
            [
                {"lines": list(lines), "marks": ", ".join(marks)}
                for lines, marks in zip(row, marked, strict=True)
            ]
            for row, marked in zip(block.cells, block.marks, strict=True)
        ],
        "footnotes": [{"letter": k, "text": t} for k, t in block.footnotes],
    }


def _shrink(table: Any) -> None:
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(8)


def render_docx(out: DocxDocument, block: SofTable) -> None:
    """Draw the table in Word: two header rows (the group merged), superscript letters."""
    out.add_paragraph(f"{block.label}. {block.caption}", style="Caption")
    for line in block.preamble:
        out.add_paragraph(line)
    columns = [str(c) for c in block.frame.columns]
    start, stop = block.group_span
    table = out.add_table(rows=2, cols=len(columns))
    table.style = "Table Grid"
    top, second = table.rows[0].cells, table.rows[1].cells
    for i, name in enumerate(columns):
        if start <= i < stop:
            second[i].text = name
        else:
            top[i].merge(second[i]).text = name
    top[start].merge(top[stop - 1]).text = block.group
    for row in table.rows[:2]:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True
    for lines_row, marks_row in zip(block.cells, block.marks, strict=True):
        cells = table.add_row().cells
        for cell, lines, marks in zip(cells, lines_row, marks_row, strict=True):
            para = cell.paragraphs[0]
            for j, line in enumerate(lines):
                para.add_run(("\n" if j else "") + line)
            if marks:
                para.add_run(" " + ", ".join(marks)).font.superscript = True
    _shrink(table)
    for letter, text in block.footnotes:
        para = out.add_paragraph()
        para.add_run(letter).font.superscript = True
        para.add_run(f" {text}")
    if block.note:
        out.add_paragraph(block.note)


__all__ = ["SofTable", "html_view", "render_docx"]
