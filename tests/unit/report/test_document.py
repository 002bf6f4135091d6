"""The report layout: sections in PRISMA order, numbered tables and figures, any inputs."""

from __future__ import annotations

import dataclasses
import importlib
import io

import pytest
from docx import Document as open_docx

import sysreview.report
from sysreview.extraction.dataset import ReviewData
from sysreview.report import ReportInputs, build_document
from sysreview.report.docx import render_docx
from sysreview.report.html import render_html


def test_public_names_resolve() -> None:
    assert sysreview.report.__all__
    for name in sysreview.report.__all__:
        assert hasattr(sysreview.report, name), name
    for module in ("text", "methods", "tables", "checklist", "words", "inputs", "records",
                   "document", "html", "docx", "build"):  # fmt: skip
        mod = importlib.import_module(f"sysreview.report.{module}")
        for name in mod.__all__:
            assert hasattr(mod, name), f"{module}.{name}"


def test_layout(inputs: ReportInputs) -> None:
    doc = build_document(inputs)
    anchors = [s.anchor for s in doc.sections]
    order = ["summary", "objectives", "methods", "eligibility", "information-sources",
             "selection-process", "data-collection", "risk-of-bias-methods",
             "synthesis-methods", "reporting-bias-methods", "results", "study-selection",
             "included-studies", "risk-of-bias-results", "main-results", "forest-plots",
             "sensitivity-analyses", "subgroup-analyses", "narrative-syntheses",
             "reporting-biases", "registration", "deviations", "availability",
             "characteristics-included", "characteristics-excluded", "characteristics-awaiting",
             "characteristics-ongoing", "references-included", "appendix-search",
             "prisma-checklist"]  # fmt: skip
    assert [a for a in anchors if a in order] == order
    assert len(set(anchors)) == len(anchors)
    text = doc.summary()
    labels = [line.split(".")[0] for line in text.splitlines()
              if line.startswith(("[Table", "[Figure"))]  # fmt: skip
    assert labels == [
        "[Figure 1", "[Table 1", "[Figure 2", "[Table 2", "[Figure 3", "[Table 3",
        "[Table 4", "[Table 5", "[Table A1", "[Table A2",
    ]  # fmt: skip
    assert "[Table 2. Results of the main analyses: 4 rows]" in text
    assert "[Table 4. Subgroup analyses: results: 2 rows]" in text
    assert "Egger's test p = 0.29" in text


def test_minimal_inputs_render(inputs: ReportInputs) -> None:
    bare = dataclasses.replace(
        inputs, data=ReviewData((), (), ()), results=(), prisma=None, narrative={}, rob=None,
        figures={},
    )  # fmt: skip
    doc = build_document(bare)
    text = doc.summary()
    assert "No trials were included." in text
    assert "Study selection counts were not derived for this report." in text
    assert "No meta-analysis was possible, so funnel plots were not drawn." in text
    assert "<img" not in render_html(doc)
    assert open_docx(io.BytesIO(render_docx(doc))).tables
    reported = {r.item for r in doc.checklist if r.location is not None}
    assert {"16a", "18", "20b", "20c", "20d"}.isdisjoint(reported)


@pytest.mark.parametrize("k", [10, 12])
def test_funnel_paragraph_when_large_analyses_lack_plots(inputs: ReportInputs, k: int) -> None:
    rec = dataclasses.replace(inputs.results[0], k=k)
    others = tuple(r for r in inputs.results[1:] if not r.small_study_tests)
    changed = dataclasses.replace(inputs, results=(rec, *others))
    section = next(s for s in build_document(changed).sections if s.anchor == "reporting-biases")
    assert not section.reported
    assert "Funnel plots were not provided for this report." in build_document(changed).summary()
