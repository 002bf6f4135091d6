"""The report as a Word document (python-docx): the same sections, tables and figures.

Pages are A4 landscape with narrow margins; every table spans the text width, its header
row repeats on each page, rows do not break across pages, and column widths follow the
length of each column's text, so that nothing runs off the page. Figures are embedded
from their PNG files; a figure given only as SVG is named instead (Word cannot embed SVG
through python-docx), pointing at its copy in ``figures/``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docx.table import Table as DocxTable

from .blocks import Block, Document, Figure, Panel, Paragraph, ReferenceList, Table
from .sof_table import SofTable
from .sof_table import render_docx as render_sof

MARGIN = Cm(1.5)


def _length(value: int | None) -> int:
    return int(value or 0)


def _text_width(out: DocxDocument) -> int:
    s = out.sections[0]
    return _length(s.page_width) - _length(s.left_margin) - _length(s.right_margin)


def _repeat_header(table: DocxTable) -> None:
    """The first row repeats on every page; no row breaks across pages."""
    for i, row in enumerate(table.rows):
        props = row._tr.get_or_add_trPr()
        if i == 0:
            props.append(OxmlElement("w:tblHeader"))
        props.append(OxmlElement("w:cantSplit"))


def _widths(out: DocxDocument, table: DocxTable, texts: Sequence[Sequence[str]]) -> None:
    """Column widths in proportion to each column's text, summing to the text width.

    A column's text is measured by its longest word and average line; autofit is off so
    Word keeps the widths.
    """
    n = len(texts[0]) if texts else 0
    if not n:
        return
    need = []
    for j in range(n):
        column = [row[j] for row in texts]
        longest_word = max((len(w) for t in column for w in t.split()), default=1)
        mean = sum(len(t) for t in column) / len(column)
        need.append(max(4.0, longest_word * 1.1, min(mean, 60.0)))
    total = sum(need)
    width = _text_width(out)
    table.autofit = False
    twip = 635  # Word stores widths in twentieths of a point: round down to whole ones
    for j, cell_width in enumerate(Emu(int(width * w / total) // twip * twip) for w in need):
        table.columns[j].width = cell_width
        for cell in table.columns[j].cells:
            cell.width = cell_width


def _small(table: DocxTable, size: float) -> None:
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(size)


def _table(out: DocxDocument, block: Table) -> None:
    out.add_paragraph(f"{block.label}. {block.caption}", style="Caption")
    frame = block.frame
    columns = [str(c) for c in frame.columns]
    table = out.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, columns, strict=True):
        cell.text = name
        for run in cell.paragraphs[0].runs:
            run.bold = True
    texts = [columns]
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = table.add_row().cells
        values = [str(v) for v in row]
        texts.append(values)
        for j, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.text = value
            marks = block.letters(i)
            if j == block.marked_index(columns) and marks:
                cell.paragraphs[0].add_run(" " + ", ".join(marks)).font.superscript = True
    _small(table, 7 if block.wide or len(columns) > 8 else 8)
    _widths(out, table, texts)
    _repeat_header(table)
    for letter, text in block.notes:
        para = out.add_paragraph()
        para.add_run(letter).font.superscript = True
        para.add_run(f" {text}").font.size = Pt(8)
    if block.note:
        out.add_paragraph(block.note).runs[0].font.size = Pt(8)


def _panel(out: DocxDocument, block: Panel) -> None:
    out.add_paragraph(block.title, style="Heading 4")
    table = out.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for name, value in block.rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = name, value
        for run in cells[0].paragraphs[0].runs:
            run.bold = True
    _small(table, 8)
    width = _text_width(out)
    table.autofit = False
    for j, share in enumerate((0.16, 0.84)):
        for cell in table.columns[j].cells:
            cell.width = Emu(int(width * share) // 635 * 635)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _references(out: DocxDocument, block: ReferenceList) -> None:
    for study in block.studies:
        out.add_paragraph(study.label, style="Heading 4")
        for item in study.items:
            para = out.add_paragraph(f"{item.number}. {item.text}")
            para.paragraph_format.left_indent = Cm(0.8)
            para.paragraph_format.first_line_indent = Cm(-0.8)


def _figure(out: DocxDocument, block: Figure, names: dict[str, str]) -> None:
    png = block.figure.file(".png")
    if png is not None:
        out.add_picture(str(png), width=Emu(_text_width(out)))
        _fit_picture(out)
    else:
        where = names.get(block.figure_id, "the figures folder")
        out.add_paragraph(f"[{block.label} is provided as a vector file: {where}]")
    out.add_paragraph(f"{block.label}. {block.figure.caption}", style="Caption")


def _fit_picture(out: DocxDocument) -> None:
    """Shrink the last picture to the text height when it is taller (a long forest plot)."""
    shape = out.inline_shapes[-1]
    section = out.sections[0]
    height = _length(section.page_height)
    room = height - _length(section.top_margin) - _length(section.bottom_margin) - Cm(2)
    if shape.height > room:
        scale = room / shape.height
        shape.height = Emu(int(room))
        shape.width = Emu(int(shape.width * scale))


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
    elif isinstance(block, Panel):
        _panel(out, block)
    elif isinstance(block, ReferenceList):
        _references(out, block)
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
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    out.core_properties.title = doc.title
    out.add_heading(doc.title, level=0)
    out.add_paragraph(doc.subtitle)
    for s in doc.sections:
        out.add_heading(s.title, level=min(s.level, 3))
        for block in s.blocks:
            _block(out, block, names)
    _fit_tables(out)
    _lang(out)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _fit_tables(out: DocxDocument) -> None:
    """Shrink any table wider than the text width, keeping its columns' proportions.

    A table is too wide when its columns add up to more than the text width (every table
    is laid out on its grid).
    """
    room = _text_width(out)
    for table in out.tables:
        widths = [_length(c.width) for c in table.columns]
        total = sum(widths)
        if total <= room or not all(widths):
            continue
        for column, w in zip(table.columns, widths, strict=True):
            column.width = Emu(int(room * w / total) // 635 * 635)


def _lang(out: DocxDocument) -> None:
    """Mark the text as British English (hyphenation and spelling in Word)."""
    styles = out.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is not None and rpr.find(qn("w:lang")) is None:
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-GB")
        rpr.append(lang)


__all__ = ["render_docx"]
