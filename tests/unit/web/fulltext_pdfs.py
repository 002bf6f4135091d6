"""Test PDFs written by matplotlib's PDF backend, and a project with reports at full text.

Each page of :func:`text_pdf` shows its lines in DejaVu Sans, embedded as a TrueType
font (``pdf.fonttype = 42``) with a ToUnicode map, so pypdf extracts the words and pdf.js
draws them. The project (:func:`full_text_project`) is the web tests' seeded project with
a seventh record that has a DOI (the one the saved open-access responses describe),
records 3 and 7 included at title/abstract by R1 and R2 (so at full text), the others
excluded.
"""

from __future__ import annotations

import io
from pathlib import Path

from sysreview.project.importing.service import import_files
from sysreview.project.opening import open_project

DOI = "10.5555/synthetic.a"
"""The DOI of ``tests/fixtures/live/*_oa.json`` (the saved open-access answers)."""
PAGES = [
    ["Peer support for depression", "Methods: a cluster randomised trial"],
    ["Results", "The zebrafish outcome improved in the peer group"],
    ["Discussion", "Allocation concealment was adequate"],
]


def text_pdf(pages: list[list[str]] = PAGES, title: str = "Peer support trial") -> bytes:
    """A PDF (A4 pages) showing ``pages``, each a list of lines, made by matplotlib."""
    import matplotlib

    matplotlib.use("pdf", force=True)
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    out = io.BytesIO()
    with (
        matplotlib.rc_context({"pdf.fonttype": 42}),
        PdfPages(out, metadata={"Title": title, "CreationDate": None}) as pdf,
    ):
        for lines in pages:
            figure = Figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                figure.text(0.1, 0.9 - 0.05 * i, line, fontsize=20 if i == 0 else 14)
            pdf.savefig(figure)
    return out.getvalue()


RIS_WITH_DOI = (
    "TY  - JOUR\nTI  - Synthetic trial A of group peer support\nAB  - A synthetic abstract.\n"
    f"PY  - 2021\nAU  - Roe, B\nDO  - {DOI}\nUR  - https://example.org/a\nER  - \n"
)


def full_text_project(directory: Path, at_full_text: tuple[int, ...] = (3, 7)) -> Path:
    """Add the DOI record (7) to the seeded project in ``directory``; screen TA by R1 and R2."""
    extra = directory / "doi.ris"
    extra.write_text(RIS_WITH_DOI, encoding="utf-8")
    import_files(directory, [extra], source="MEDLINE")
    with open_project(directory) as project:
        for record in range(1, 8):
            verdict = "include" if record in at_full_text else "exclude"
            for reviewer in ("R1", "R2"):
                project.screening.decide(stage="ta", record_id=record, reviewer=reviewer,
                                         decision=verdict, source="test")  # fmt: skip
    return directory
