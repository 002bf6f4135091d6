"""write_report: the files, the figure copies, and nothing half-written on failure."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from docx import Document as open_docx

from sysreview.report import ReportInputError, ReportInputs, read_results, write_report
from sysreview.report import build as build_module
from sysreview.report.build import figure_file_name

from .conftest import RECORDS


def test_writes_html_docx_and_figures(inputs: ReportInputs, tmp_path: Path) -> None:
    files = write_report(inputs, tmp_path / "out")
    assert files.html == tmp_path / "out" / "report.html"
    assert files.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert open_docx(io.BytesIO(files.docx.read_bytes())).tables
    names = sorted(p.name for p in (tmp_path / "out" / "figures").iterdir())
    assert names == [
        "forest-hope.post_intervention.main.pdf", "forest-hope.post_intervention.main.png",
        "forest-hope.post_intervention.main.svg", "prisma.svg", "rob_traffic_light.png",
    ]  # fmt: skip
    assert sorted(p.name for p in files.figures) == names
    forest = inputs.figures["forest:hope.post_intervention.main"].file(".pdf")
    assert forest is not None
    assert (tmp_path / "out/figures/forest-hope.post_intervention.main.pdf").read_bytes() == (
        forest.read_bytes()
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "figures", "report.docx", "report.html", "report.pdf",
    ]  # fmt: skip
    assert files.pdf == tmp_path / "out" / "report.pdf" and files.pdf_note is None
    assert files.pdf.read_bytes().startswith(b"%PDF-")
    assert str(files.html) in files.summary() and str(files.pdf) in files.summary()


def test_without_a_pdf_renderer_the_rest_is_written_and_the_reason_given(
    inputs: ReportInputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    out = tmp_path / "out"
    out.mkdir()
    (out / "report.pdf").write_bytes(b"%PDF- stale")
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without Pango
    files = write_report(inputs, out)
    assert files.pdf is None and files.pdf_note is not None
    assert files.pdf_note.startswith("report.pdf not written: WeasyPrint could not be loaded")
    assert "Pango" in files.pdf_note and files.pdf_note in files.summary()
    assert sorted(p.name for p in out.iterdir()) == ["figures", "report.docx", "report.html"]


def test_failure_leaves_the_old_report(
    inputs: ReportInputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("old report")

    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "render_docx", broken)
    with pytest.raises(OSError, match="disk full"):
        write_report(inputs, out)
    assert (out / "report.html").read_text() == "old report"
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]


def test_failure_while_copying_removes_the_staging_folder(
    inputs: ReportInputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(src: object, dst: object) -> None:
        raise OSError("cannot copy")

    monkeypatch.setattr(build_module.shutil, "copyfile", broken)
    with pytest.raises(OSError, match="cannot copy"):
        write_report(inputs, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_figure_file_names() -> None:
    assert figure_file_name("funnel:a/b c", Path("x.PNG")) == "funnel-a-b-c.png"
    assert figure_file_name("::", Path("x.svg")) == "figure.svg"


def test_read_results(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(RECORDS, indent=2), encoding="utf-8")
    records, narrative = read_results(path)
    assert [r.analysis for r in records] == [r["analysis"] for r in RECORDS]
    assert list(narrative) == ["connectedness.post_intervention.narrative"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"analysis": 1}', "results.json, line 1, column 17: not JSON"),
        ('{"analysis": "x"}', "results.json: must be a JSON list of results records"),
        ('[{"analysis": "x", "outcome": "hope"}]', "results.json: results record 'x': 'timepoint'"),
    ],
)
def test_read_results_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReportInputError, match=re.escape(message)):
        read_results(path)
    with pytest.raises(ReportInputError, match="cannot read"):
        read_results(tmp_path / "missing.json")
