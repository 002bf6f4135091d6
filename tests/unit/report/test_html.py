"""The HTML report is one self-contained, escaped page with anchored sections."""

from __future__ import annotations

import base64
import dataclasses
import re
from pathlib import Path

import pytest

from sysreview.extraction.dataset import ReviewData
from sysreview.report import ReportFigure, ReportInputs, build_document
from sysreview.report.html import check_offline, data_uri, render_html

from .conftest import EVIL

ATTRS = re.compile(r"""\b(src|href)\s*=\s*["']([^"']*)["']""", re.I)


@pytest.fixture(scope="module")
def page(inputs: ReportInputs) -> str:
    return render_html(build_document(inputs))


def test_self_contained(page: str) -> None:
    attrs = ATTRS.findall(page)
    assert attrs
    assert not [v for _, v in attrs if v.lower().startswith(("http://", "https://", "//"))]
    assert all(v.startswith(("#", "data:image/")) for _, v in attrs)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page and "url(" not in page


def test_study_labels_are_escaped(page: str) -> None:
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt; 2020" in page
    assert EVIL not in page
    assert "Forest plot: hope &lt;b&gt;post&lt;/b&gt;" in page


def test_figures_are_embedded(page: str, inputs: ReportInputs) -> None:
    images = re.findall(r'<img src="data:(image/[a-z+]+);base64,([^"]+)"', page)
    assert [mime for mime, _ in images] == ["image/svg+xml", "image/png", "image/svg+xml"]
    forest = inputs.figures["forest:hope.post_intervention.main"].file(".svg")
    assert forest is not None
    assert base64.b64decode(images[2][1]) == forest.read_bytes()


def test_sections_contents_and_numbers(page: str, inputs: ReportInputs) -> None:
    doc = build_document(inputs)
    for anchor in doc.anchors:
        assert f'<section id="{anchor}"' in page
        if doc.sections[[s.anchor for s in doc.sections].index(anchor)].level <= 2:
            assert f'href="#{anchor}"' in page
    assert "<title>Group peer support interventions" in page
    assert "Table 1. Characteristics of included studies" in page
    assert "Table 2. Results of the main analyses" in page
    assert "Figure 1.</strong> PRISMA 2020 flow diagram" in page
    assert "p = 0.004; I² = 12%" in page
    assert "@media print" in page


@pytest.mark.parametrize(
    "snippet",
    [
        '<img src="https://example.org/x.png">',
        "<script src='//cdn.example.org/x.js'></script>",
        '<a href="http://example.org">x</a>',
        '<link href="style.css" rel="stylesheet">',
    ],
)
def test_offline_guard_refuses_external_references(snippet: str) -> None:
    with pytest.raises(RuntimeError, match="external resource"):
        check_offline(snippet)


def test_data_uri(tmp_path: Path) -> None:
    svg = tmp_path / "f.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>")
    uri = data_uri(ReportFigure("x", (svg,)))
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == svg.read_bytes()


def test_checklist_links_to_sections(page: str) -> None:
    assert '<td><a href="#study-selection">Study selection</a></td>' in page
    assert '<td class="not-reported">not reported in this report</td>' in page


def test_urls_in_text_stay_text(inputs: ReportInputs) -> None:
    label = '<img src="https://example.org/a.png"> Smith'
    data = inputs.data
    study = dataclasses.replace(data.studies[0], study_id=label)
    arms = tuple(
        dataclasses.replace(a, study_id=label) for a in data.arms_of(data.studies[0].study_id)
    )
    changed = dataclasses.replace(inputs, data=ReviewData((study,), arms, ()))
    page = render_html(build_document(changed))
    assert "&lt;img src=&#34;https://example.org/a.png&#34;&gt; Smith" in page
    assert '<img src="https' not in page
