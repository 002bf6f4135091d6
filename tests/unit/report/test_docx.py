"""The DOCX report opens with python-docx and holds the same headings, text and tables."""

from __future__ import annotations

import io

import pytest
from docx import Document as open_docx
from docx.document import Document as DocxDocument

from sysreview.report import ReportInputs, build_document
from sysreview.report.docx import render_docx

from .conftest import EVIL


@pytest.fixture(scope="module")
def word(inputs: ReportInputs) -> DocxDocument:
    payload = render_docx(build_document(inputs), {"prisma": "figures/prisma.svg"})
    return open_docx(io.BytesIO(payload))


def test_headings_and_text(word: DocxDocument) -> None:
    texts = [p.text for p in word.paragraphs]
    headings = [p.text for p in word.paragraphs if p.style is not None and
                p.style.name.startswith(("Heading", "Title"))]  # fmt: skip
    assert headings[0].startswith("Group peer support interventions")
    for title in ("Summary", "Methods", "Results of the main analyses", "PRISMA 2020 checklist"):
        assert title in headings
    assert any("p = 0.004; I² = 12%" in t for t in texts)
    assert "Table 1. Characteristics of included studies" in texts


def test_tables(word: DocxDocument) -> None:
    first = word.tables[0]
    assert [c.text for c in first.rows[0].cells][:3] == ["Study", "Country", "Setting"]
    assert [row.cells[0].text for row in first.rows[1:]][-1] == EVIL
    results = word.tables[1]
    assert [c.text for c in results.rows[1].cells][:6] == [
        "Hope", "post-intervention", "5", "612", "SMD", "0.22 (0.07 to 0.37)",
    ]  # fmt: skip
    checklist = word.tables[-1]
    assert len(checklist.rows) == 1 + 42


def test_figures(word: DocxDocument) -> None:
    assert len(word.inline_shapes) == 2  # the PNG traffic light and forest plot
    texts = [p.text for p in word.paragraphs]
    assert "[Figure 1 is provided as a vector file: figures/prisma.svg]" in texts
