"""Write the report: ``report.html``, ``report.docx``, ``report.pdf`` and ``figures/``.

Everything is rendered in memory first; files are then written to temporary names in the
output folder and renamed into place (``os.replace``, atomic on one file system), figures
first and ``report.html`` last. A failure while rendering writes nothing, and no file is
ever left half-written under its final name.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .document import Document, build_document
from .docx import render_docx
from .html import render_html
from .inputs import ReportInputs
from .narrative_rows import NarrativeRow, narrative_from_json
from .pdf import render_pdf
from .records import ReportInputError, ResultRecord, records_from_json


@dataclass(frozen=True)
class ReportFiles:
    """The files written: the HTML, DOCX and PDF reports and the copied figure files.

    ``pdf`` is ``None`` when the PDF could not be rendered; ``pdf_note`` then says why.
    """

    html: Path
    docx: Path
    figures: tuple[Path, ...]
    pdf: Path | None = None
    pdf_note: str | None = None

    def summary(self) -> str:
        """One line per file written (and why the PDF was not, when it was not)."""
        files = (self.html, self.docx, *((self.pdf,) if self.pdf else ()), *self.figures)
        lines = [str(p) for p in files]
        return "\n".join(lines + ([self.pdf_note] if self.pdf_note else []))


def read_results(
    path: str | os.PathLike[str], level: float = 95.0
) -> tuple[tuple[ResultRecord, ...], dict[str, tuple[NarrativeRow, ...]]]:
    """Read a ``results.json`` written by ``sysreview analyse``: records and narrative rows.

    Raises
    ------
    ReportInputError
        When the file cannot be read, is not JSON (with its line and column), is not a
        list of records, or a record is malformed (naming the analysis and key).
    """
    source = Path(path)
    try:
        items = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportInputError(f"{source}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ReportInputError(f"{source}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ReportInputError(
            f"{source}, line {exc.lineno}, column {exc.colno}: not JSON: {exc.msg}"
        ) from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ReportInputError(f"{source}: must be a JSON list of results records")
    try:
        return records_from_json(items), narrative_from_json(items, level)
    except ReportInputError as exc:
        raise ReportInputError(f"{source}: {exc}") from None


def figure_file_name(figure_id: str, source: Path) -> str:
    """The name of a figure's copy in ``figures/``: the id made file-safe, the suffix kept.

    Examples
    --------
    >>> figure_file_name("forest:hope.post_intervention.main", Path("x/f.svg"))
    'forest-hope.post_intervention.main.svg'
    """
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", figure_id).strip("-.") or "figure"
    return stem + source.suffix.lower()


def _copies(inputs: ReportInputs) -> list[tuple[Path, str]]:
    return [
        (src, f"figures/{figure_file_name(fid, src)}")
        for fid, fig in inputs.figures.items()
        for src in fig.files
    ]


def _replace_all(staged: list[tuple[Path, Path]]) -> None:
    for tmp, final in staged:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)


def write_report(
    inputs: ReportInputs, out_dir: str | os.PathLike[str], document: Document | None = None
) -> ReportFiles:
    """Render the report and write it into ``out_dir`` (created when missing).

    Parameters
    ----------
    inputs
        The checked report inputs.
    out_dir
        The output folder; ``report.html``, ``report.docx``, ``report.pdf`` and
        ``figures/`` are replaced (a stale ``report.pdf`` is removed when no PDF could be
        rendered).
    document
        The laid-out report, when already built (default: :func:`build_document`).

    Returns
    -------
    ReportFiles
        The paths written.
    """
    out = Path(out_dir)
    doc = document if document is not None else build_document(inputs)
    copies = _copies(inputs)
    names = {
        fid: f"figures/{figure_file_name(fid, fig.web or fig.files[0])}"
        for fid, fig in inputs.figures.items()
    }
    page = render_html(doc)
    html = page.encode("utf-8")
    docx = render_docx(doc, names)
    pdf = render_pdf(render_html(doc, raster=True))
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        staged: list[tuple[Path, Path]] = []
        for i, (src, rel) in enumerate(copies):
            tmp = stage / f"figure-{i}"
            shutil.copyfile(src, tmp)
            staged.append((tmp, out / rel))
        written = [("report.docx", docx), ("report.html", html)]
        if pdf.data is not None:
            written.insert(1, ("report.pdf", pdf.data))
        for name, payload in written:
            tmp = stage / name
            tmp.write_bytes(payload)
            staged.append((tmp, out / name))
        _replace_all(staged)
        if pdf.data is None:
            (out / "report.pdf").unlink(missing_ok=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return ReportFiles(
        out / "report.html",
        out / "report.docx",
        tuple(out / r for _, r in copies),
        out / "report.pdf" if pdf.data is not None else None,
        pdf.reason,
    )


__all__ = ["ReportFiles", "figure_file_name", "read_results", "write_report"]
