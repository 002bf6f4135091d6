"""The report of a review built through the CLI from real exports, checked point by point.

The review (``e2e_project.py``) is built once per module the way a team builds one, then
its ``report.html`` (read as text, and in a real headless Chromium on screen and for
print), ``report.pdf`` (every page rendered to an image) and ``report.docx`` (opened with
python-docx) are checked for what an editor asks of a report: methods from the record
(sources, dates and hits from the import log, strategies as run, the selection as done
with kappa and AC1, the version and conventions, deviations from the protocol), every
study cited and its references formatted by the CSL style, the excluded, awaiting and
ongoing studies, the PRISMA diagram's other-methods column, every conversion footnoted,
studies left out and outcomes without data named, usable-data accounting, narrative
effects in both directions, Table 1 with one column per characteristic and nothing cut
off. Screenshots of each screenful and each PDF page are kept in
``test-artifacts/report-e2e/``.
"""

from __future__ import annotations

import html as html_lib
import io
import os
import re
from typing import Any

import pytest

from sysreview import __version__
from tests.conftest import PROJECT_ROOT
from tests.unit.report.e2e_project import EXPORTS, Built, build
from tests.unit.report.test_browser import CHROMIUM, _need_browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "report-e2e"
pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    if not EXPORTS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{EXPORTS} is missing; CI always has ../shared")
        pytest.skip(f"{EXPORTS} is missing (../shared is not next to the project)")
    return build(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="module")
def page(built: Built) -> str:
    return (built.out / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def text(page: str) -> str:
    """The report's text: tags removed, entities decoded, white space collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture(scope="module")
def review(built: Built) -> Any:
    """The report's inputs and synthesis, read through the services the command used."""
    from sysreview.project.reporting.report import analyse_inputs, report_inputs, review_inputs

    inputs = review_inputs(built.project)
    synthesis, _ = analyse_inputs(inputs, built.out.parent / "again")
    return synthesis, report_inputs(synthesis, inputs)


def _section(page: str, anchor: str) -> str:
    start = page.index(f'<section id="{anchor}"')
    return page[start : page.index("</section>", start)]


def test_the_command_writes_every_format(built: Built) -> None:
    for name in ("report.html", "report.docx", "report.pdf", "results.json"):
        assert (built.out / name).is_file(), name
    assert f"; {built.out / 'report.pdf'}" in built.stdout


def test_methods_come_from_the_record(text: str, page: str, built: Built) -> None:
    from sysreview.project.importing.searches import project_strategy
    from sysreview.project.selection.directory import screen_agreement
    from sysreview.report.words import fmt_num

    assert (
        "We searched the databases PsycINFO (Ovid; 13 July 2019; six records), MEDLINE "
        "(PubMed; 13 July 2019; six records) and Embase (Ovid; 14 July 2019; six records). "
        "Other methods: Forward citation search (Web of Science) (20 July 2019; ten records)."
    ) in text
    version = project_strategy(built.project, "group-peer-support").version
    search = _section(page, "appendix-search")
    assert f"strategy group-peer-support, version {version}. As run:" in search
    assert f"<pre># sysreview strategy group-peer-support version {version}\n" in search
    assert "\n1   peer-led.ti,ab.\n" in search
    assert "MEDLINE (PubMed), searched 13 July 2019, 6 records (file pubmed_zotero.ris). The " \
           "strategy as run was not imported with the results; the protocol's planned " \
           "strategy:" in html_lib.unescape(search)  # fmt: skip
    deviations = html_lib.unescape(_section(page, "deviations"))
    assert "Cochrane CENTRAL (Wiley) was planned but no search of it was imported" in deviations
    assert "MEDLINE was planned through Ovid and searched through PubMed." in deviations
    ta = screen_agreement(built.project, "ta").pairs[0][1]
    assert ("At title and abstract, 28 records were decided (by R1 and R2); 4 of them by two "
            "reviewers independently, 1 settled by resolution.") in text  # fmt: skip
    assert f"Gwet's AC1 {fmt_num(ta.ac1)}" in text and "Cohen's kappa" in text
    assert re.search(r"At full text, 10 reports were decided \(by R1 and R2\); \d+ of them", text)
    from sysreview.versions import library_versions

    used = ", ".join(f"{name} {version}" for name, version in library_versions())
    assert f"sysreview version {__version__} ({used}) following RevMan 5 conventions" in text
    assert "Data were extracted for four studies by R1 and R2; one was done by two" in text
    assert "Risk of bias was assessed for four studies by R1 and R2" in text


def test_every_included_study_is_cited_with_its_references(
    text: str, page: str, review: Any
) -> None:
    from sysreview import plots
    from sysreview.project.reporting.report import arm_rows
    from sysreview.report.figures import FigureContext

    assert ("Four trials were included (Alpha 2019 [1,2]; Beta 2018 [3]; Delta 2016 [4]; "
            "Gamma 2017 [5])") in text  # fmt: skip
    table1 = _section(page, "included-studies")
    for cited in ("Alpha 2019 [1,2]", "Beta 2018 [3]", "Delta 2016 [4]", "Gamma 2017 [5]"):
        assert f"<td>{cited}</td>" in table1
        assert f"<caption>{cited}</caption>" in _section(page, "characteristics-included")
        assert f"<td>{cited}</td>" in _section(page, "appendix-rob")
    # Participants: the diagnoses extracted (the sheet codes no population)
    assert "<td>Alpha 2019 [1,2]</td><td>UK</td><td>community mental health teams</td>" \
           "<td>severe mental illness</td>" in table1  # fmt: skip
    panels = html_lib.unescape(_section(page, "characteristics-included"))
    assert "Recovery: RAS (post-intervention). Depression: CES-D (post-intervention)" in panels
    refs = html_lib.unescape(_section(page, "references-included"))
    assert "<h4>Alpha 2019</h4>" in refs and '<li value="2">' in refs
    assert ('<li value="1">Trindade IA, Irons C, Ferreira C, Portela F, Pinto-Gouveia J. The '
            "influence of self-criticism on depression symptoms") in refs  # fmt: skip
    synthesis, inputs = review
    context = FigureContext.of(inputs)
    res = synthesis["recovery.post_intervention.main"]
    fig = plots.forest_plot(res.meta, arm_rows(res), **context.forest(res.analysis, res.favours))
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "study:study"]
    assert labels[0].startswith("Alpha 2019 [1,2] ") and labels[1].startswith("Beta 2018 [3] ")
    favours = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "favours_right"]
    assert favours == ["Favours group peer support"]
    assert any(p.get_gid() == "rob:Alpha 2019:C:high" for p in fig.axes[0].patches)


def test_excluded_awaiting_and_ongoing_studies(page: str) -> None:
    excluded = html_lib.unescape(_section(page, "characteristics-excluded"))
    assert re.search(r"<td>\w+ \d{4} \[\d+\]</td><td>Not a randomised controlled trial</td>",
                     excluded)  # fmt: skip
    assert "<td>Participants not eligible</td>" in excluded
    awaiting = _section(page, "characteristics-awaiting")
    assert "<td>eligibility unclear from the full text</td>" in awaiting
    assert "<td>full text not retrieved (Full text not available)</td>" in awaiting
    assert "<td>Ongoing study (no results yet)</td>" in _section(page, "characteristics-ongoing")
    for group in ("excluded", "awaiting", "ongoing"):
        assert "<li value=" in _section(page, f"references-{group}")


def test_prisma_diagram_has_the_other_methods_column(review: Any) -> None:
    from sysreview import plots
    from sysreview.prisma.arms import OtherMethodsFlow
    from sysreview.report.figures import FigureContext

    _, inputs = review
    other = FigureContext.of(inputs).other_methods
    assert other == OtherMethodsFlow(
        (("Forward citation search (Web of Science)", 10),), duplicates=0, ta_excluded=7,
        sought=3, not_retrieved=1, excluded=(("Participants not eligible", 1),), included=1,
    )  # fmt: skip
    main = other.main_arm(inputs.prisma)
    assert (main.records_databases, main.records_screened, main.reports_sought) == (18, 18, 7)
    assert main.reports_included == 4 and inputs.prisma.studies_included == 4
    fig = plots.prisma_flow(inputs.prisma, other=other)
    texts = {t.get_gid(): t.get_text() for t in fig.axes[0].texts}
    assert texts["text:other_sought:0"] == "Reports sought for retrieval (n = 3)"
    assert texts["text:other_not_retrieved:0"] == "Reports not retrieved (n = 1)"
    assert texts["text:screened:0"] == "Records screened (n = 18)"
    assert texts["text:included:0"] == "Studies included in review (n = 4)"


def test_every_conversion_and_omission_is_shown(text: str, page: str, review: Any) -> None:
    from sysreview.report.figures import FigureContext

    assert ("standard deviations obtained from standard errors (SD = SE × √n; Cochrane "
            "Handbook section 6.5.2.2) for Beta 2018") in text  # fmt: skip
    assert "Luo et al. 2018, standard deviations by Wan et al. 2014" in text
    assert "Table 6.5.a) for Alpha 2019" in text
    _, inputs = review
    notes = FigureContext.of(inputs).notes["recovery.post_intervention.main"]
    assert set(notes) == {"Alpha 2019", "Beta 2018", "Gamma 2017"}
    assert notes["Beta 2018"][0].startswith("SD from SE (Cochrane Handbook 6.5.2.2")
    data = _section(page, "appendix-data")
    assert re.search(r"<td>Beta 2018 \[3\]<sup>[a-z]</sup></td>", data)
    assert (
        "Gamma 2017 [5] reported means on the Herth Hope Index without a measure of spread" in text
    )
    assert "Delta 2016 [4] found a result favouring group peer support" in text
    assert "No included study reported connectedness, identity" in text
    assert "All four included trials had usable data (360 of 360 participants randomised, " \
           "100%) for at least one outcome." in text  # fmt: skip
    assert "the median of the trials' mean ages was 41.2 years (range 38.5 to 45.0); 3 of 4 " \
           "trials reported age" in text  # fmt: skip
    depression = html_lib.unescape(_section(page, "narrative-syntheses"))
    assert "<td>CES-D (lower is better)</td><td>MD −2.31 (95% CI −5.80 to 1.18)</td><td>MD " \
           "2.31 (95% CI −1.18 to 5.80)</td>" in depression  # fmt: skip


def test_checklist_names_sections_and_answers_what_it_can(page: str) -> None:
    checklist = html_lib.unescape(_section(page, "prisma-checklist"))
    rows = re.findall(r"<tr><td>[^<]*</td><td>([0-9a-f]+)</td>.*?</tr>", checklist)
    assert len(rows) == 42
    missing = re.findall(
        r"<tr><td>[^<]*</td><td>([0-9a-f]+)</td>(?:(?!</tr>).)*not reported in this report",
        checklist,
    )
    assert missing == ["3", "23a", "23b", "23c", "23d", "25", "26"]
    for title in (
        "Data collection process and data items",
        "Characteristics of excluded studies",
        "Deviations from the protocol",
        "Certainty of the evidence",
    ):
        assert f'">{title}</a></td>' in checklist, title  # fmt: skip


def _no_overflow(chromium_page: Any) -> list[str]:
    """Tables or preformatted blocks wider than the page (cut off), described."""
    return list(chromium_page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        for (const el of document.querySelectorAll('table, pre, figure img')) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 1 || el.scrollWidth > el.clientWidth + 1)
                out.push(el.tagName + ' ' + (el.closest('[id]') || {}).id + ' ' + box.right);
        }
        return out;
    }"""))  # fmt: skip


def test_readable_on_screen_and_for_print_in_chromium(built: Built, page: str) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("screen-*.png"):
        old.unlink()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            view = browser.new_page(viewport={"width": 1100, "height": 1400})
            view.goto((built.out / "report.html").as_uri(), wait_until="load")
            assert _no_overflow(view) == []
            header = view.eval_on_selector_all(
                "#table-1 thead th", "cells => cells.map(c => c.textContent)"
            )
            assert header == ["Study", "Country", "Setting", "Participants", "N randomised",
                              "Intervention", "Comparator", "Duration", "Outcomes"]  # fmt: skip
            height = view.evaluate("document.documentElement.scrollHeight")
            for i, top in enumerate(range(0, height, 1400)):
                view.evaluate(f"window.scrollTo(0, {top})")
                view.screenshot(path=str(ARTIFACTS / f"screen-{i + 1:02d}.png"))
            printed = browser.new_page(viewport={"width": 680, "height": 1000})
            printed.emulate_media(media="print")
            printed.goto((built.out / "report.html").as_uri(), wait_until="load")
            assert _no_overflow(printed) == []
        finally:
            browser.close()
    assert len(list(ARTIFACTS.glob("screen-*.png"))) >= 10


def test_pdf_pages(built: Built) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(built.out / "report.pdf"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("pdf-*.png"):
        old.unlink()
    words = []
    for i in range(len(pdf)):
        sheet = pdf[i]
        width, height = sheet.get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        words.append(sheet.get_textpage().get_text_range())
        sheet.render(scale=1.2).to_pil().save(ARTIFACTS / f"pdf-{i + 1:02d}.png")
    whole = " ".join(" ".join(w.split()) for w in words)
    for phrase in (
        "Characteristics of excluded studies",
        "References to studies included in this review",
        "Alpha 2019 [1,2]",
        f"sysreview version {__version__}",
    ):
        assert phrase in whole, phrase  # fmt: skip
    assert words[0].strip() and len(pdf) > 8
    assert f"1 / {len(pdf)}" in words[0].replace("\r\n", " ")


def test_docx_tables(built: Built) -> None:
    from docx import Document as open_docx
    from docx.oxml.ns import qn

    from sysreview.report.studies import TABLE1

    word = open_docx(io.BytesIO((built.out / "report.docx").read_bytes()))
    section = word.sections[0]
    room = section.page_width - section.left_margin - section.right_margin
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert "Table 1. Characteristics of included studies" in captions
    table1 = next(t for t in word.tables if [c.text for c in t.rows[0].cells] == list(TABLE1))
    assert len(table1.rows) == 5
    assert table1.rows[1].cells[0].text == "Alpha 2019 [1,2]"
    for table in word.tables:  # the grid Word lays the table out on fits the text width
        widths = [c.width for c in table.columns]
        assert all(w is not None for w in widths) and sum(widths) <= room, table.rows[0].cells
    assert table1.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    panels = [t for t in word.tables if [r.cells[0].text for r in t.rows][:1] == ["Methods"]]
    assert len(panels) == 4
    assert [r.cells[0].text for r in panels[0].rows] == [
        "Methods",
        "Participants",
        "Interventions",
        "Outcomes",
        "Notes",
    ]
    texts = [p.text for p in word.paragraphs]
    assert any(t.startswith("1. Trindade IA, Irons C") for t in texts)
