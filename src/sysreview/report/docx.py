"""The report as a Word document (python-docx): the same sections, tables and figures.

Figures are embedded from their PNG files; a figure given only as SVG is named instead
(Word cannot embed SVG through python-docx), pointing at its copy in ``figures/``.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Inches, Pt

from .document import Block, Document, Figure, Paragraph, Table
from .sof_table import SofTable
from .sof_table import render_docx as render_sof

FIGURE_WIDTH = Inches(6.0)


def _table(out: DocxDocument, block: Table) -> None:
    out.add_paragraph(f"{block.label}. {block.caption}", style="Caption")
    frame = block.frame
    table = out.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, frame.columns, strict=True):
        cell.text = str(name)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(8)
    if block.note:
        out.add_paragraph(block.note)


def _figure(out: DocxDocument, block: Figure, names: dict[str, str]) -> None:
    png = block.figure.file(".png")
    if png is not None:
        out.add_picture(str(png), width=FIGURE_WIDTH)
    else:
        where = names.get(block.figure_id, "the figures folder")
        out.add_paragraph(f"[{block.label} is provided as a vector file: {where}]")
    out.add_paragraph(f"{block.label}. {block.figure.caption}", style="Caption")


def _block(out: DocxDocument, block: Block, names: dict[str, str]) -> None:
    if isinstance(block, Paragraph):
        para = out.add_paragraph(block.text)
        if block.pre:
            for run in para.runs:
                run.font.name = "Courier New"
                run.font.size = Pt(8)
    elif isinstance(block, SofTable):
        render_sof(out, block)
    elif isinstance(block, Table):
        _table(out, block)
    else:
        _figure(out, block, names)


def render_docx(doc: Document, figure_names: dict[str, str] | None = None) -> bytes:
    """The report as DOCX bytes.

    Parameters
    ----------
    doc
        The laid-out report (:func:`~sysreview.report.document.build_document`).
    figure_names
        ``figure id -> path in the output folder``, named for figures without a PNG.
    """
    names = figure_names or {}
    out = new_docx()
    section = out.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    out.core_properties.title = doc.title
    out.add_heading(doc.title, level=0)
    out.add_paragraph(doc.subtitle)
    for s in doc.sections:
        out.add_heading(s.title, level=min(s.level, 3))
        for block in s.blocks:
            _block(out, block, names)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


__all__ = ["render_docx"]
