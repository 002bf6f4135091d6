"""Full texts in Debian's headless Chromium: attach a PDF beside the full-text card, see
pdf.js draw it (under the app's strict CSP), search a word and land on its page, find
and attach an open-access copy (saved responses, no network), read the PDF beside the
extraction form; axe finds no serious or critical violation on these screens.

Screenshots go to ``test-artifacts/web/``. Skipped when ``/usr/bin/chromium`` is
missing, except under ``CI=true`` (a failure); never a downloaded browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sysreview.project.opening import opened
from sysreview.project.storage.studies import Study, StudyReport
from sysreview.search.live import ApiClient
from sysreview.web import WebSettings, create_app
from sysreview.web.routers.fulltext import oa_client
from tests.unit.search.test_openaccess import OaServices
from tests.unit.web.conftest import SECRET, LiveServer, start_server, stop_server
from tests.unit.web.fulltext_pdfs import full_text_project, text_pdf
from tests.unit.web.test_browser import _page, _settled, _shot, browser
from tests.unit.web.test_browser_a11y import blocking

__all__ = ["browser"]  # the Chromium fixture, shared


def _answers(request: httpx.Request) -> httpx.Response:
    """The saved open-access answers; the repository's PDF link gives a real PDF."""
    if request.url.host == "repository.example.org":
        return httpx.Response(200, content=text_pdf(), headers={"content-type": "application/pdf"})
    return OaServices()(request)


@pytest.fixture
def ft_live(project: Path) -> Iterator[LiveServer]:
    """Records 3 and 7 (DOI) at full text; record 7 is the study Cook 2012's report."""
    full_text_project(project)
    with opened(project) as (_, store), store.session() as session:
        study = Study(label="Cook 2012")
        session.add(study)
        session.flush()
        session.add(StudyReport(study_id=study.id, record_id=7, is_primary=True))
    application = create_app(project, settings=WebSettings(secret_key=SECRET))

    def saved() -> Iterator[ApiClient]:
        transport = httpx.MockTransport(_answers)
        with ApiClient(
            email="r@example.org", transport=transport, sleep=lambda _: None, retries=0
        ) as client:
            yield client

    application.dependency_overrides[oa_client] = saved
    server = start_server(application)
    try:
        yield server
    finally:
        stop_server(server)
        application.state.project.close()


INK = """(selector) => {
  const canvas = document.querySelector(selector);
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] < 128 && data[i + 1] < 128 && data[i + 2] < 128) { ink += 1; }
  }
  return { ink, width: canvas.width, height: canvas.height };
}"""
"""Dark pixels of a canvas (text drawn in black on a white page)."""


def _rendered(page: Any, scope: str, number: int) -> dict[str, int]:
    page.wait_for_selector(f'{scope} .pdf-viewer[data-rendered="{number}"]', timeout=20000)
    drawn: dict[str, int] = page.evaluate(INK, f"{scope} .pdf-canvas")
    return drawn


def test_attach_view_and_search_a_pdf_beside_the_ft_card(
    browser: Any, ft_live: LiveServer, tmp_path: Path
) -> None:
    page, problems = _page(browser, ft_live, "R1", "/screen/ft")
    page.set_viewport_size({"width": 1400, "height": 1000})
    record = page.locator("article.record").get_attribute("id").removeprefix("record-")
    side = f"#ft-side-{record}"
    page.wait_for_selector(f"{side} h2")  # the panel came in with HTMX
    assert "No full text attached" in page.inner_text(side)
    pdf = tmp_path / "Cook 2012 trial.pdf"
    pdf.write_bytes(text_pdf())
    page.set_input_files(f"#ft-file-{record}", str(pdf))
    page.click(f"{side} form.ft-upload button[type=submit]")
    page.wait_for_selector("#ft-message")
    assert "Attached Cook 2012 trial.pdf (3 page(s))" in page.inner_text("#ft-message")
    assert "retrieved" in page.inner_text(f"#ft-status-{record}")

    first = _rendered(page, side, 1)  # pdf.js drew page 1 on the canvas
    assert first["width"] > 300 and first["ink"] > 200, first
    assert page.input_value(f"{side} .pdf-page") == "1"
    assert "Page 1 of 3" in page.inner_text(f"{side} .pdf-state")
    box = page.locator(side).bounding_box()
    card = page.locator("article.record").bounding_box()
    assert box["x"] >= card["x"] + card["width"] - 1  # beside the card, not below it
    _shot(page, "fulltext-01-ft-card-with-pdf")

    page.fill(f"{side} .pdf-q", "zebrafish")
    page.click(f"{side} form.pdf-search button[type=submit]")
    second = _rendered(page, side, 2)  # the viewer went to the page holding the word
    assert second["ink"] > 200 and page.input_value(f"{side} .pdf-page") == "2"
    assert "Page 2" in page.inner_text(f"{side} .pdf-hits")
    _shot(page, "fulltext-02-searched-to-page-2")

    page.click(f"{side} .pdf-prev")
    _rendered(page, side, 1)
    page.fill(f"{side} .pdf-q", "allocation concealment")
    page.click(f"{side} form.pdf-search button[type=submit]")
    _rendered(page, side, 3)

    assert blocking(page) == []

    # the PDF itself, as the browser gets it: inline, a PDF
    answer = page.request.get(page.locator(f"{side} .pdf-viewer").get_attribute("data-src"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("inline;")

    # the decision brings the next report, whose panel and viewer come with it
    page.select_option("#reason", index=1)
    page.click("#btn-exclude")
    page.wait_for_function(
        "(old) => document.querySelector('article.record')?.id !== old", arg=f"record-{record}"
    )
    following = page.locator("article.record").get_attribute("id").removeprefix("record-")
    page.wait_for_selector(f"#ft-side-{following} h2")
    assert "No full text attached" in page.inner_text(f"#ft-side-{following}")
    assert following == "7"  # the report with a DOI: its card links it
    doi = page.locator("#screen > .record-links a.record-link-doi")
    assert doi.get_attribute("href") == "https://doi.org/10.5555/synthetic.a"
    assert problems == []  # no script errors, no CSP refusals (worker, module, fonts)


def test_find_and_attach_an_open_access_copy(browser: Any, ft_live: LiveServer) -> None:
    page, problems = _page(browser, ft_live, "R2", "/records/7")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.wait_for_selector("#ft-side-7 h2")
    assert page.locator("#ft-side-7 a.record-link-doi").get_attribute("href") == (
        "https://doi.org/10.5555/synthetic.a"
    )
    assert page.locator("article.record ~ .record-links a.record-link-doi").count() == 1
    page.click("#ft-oa-find-7")
    page.wait_for_selector("#ft-side-7 .ft-findings")
    assert "https://repository.example.org/" in page.inner_text("#ft-side-7 .ft-findings")
    assert "No full text attached" in page.inner_text("#ft-side-7")
    _shot(page, "fulltext-03-open-access-found")
    assert blocking(page) == []

    _settled(page)
    page.click("#ft-oa-attach-7")
    page.locator("#ft-message", has_text="Attached").wait_for()
    assert "Attached an open-access copy from https://repository.example.org/" in page.inner_text(
        "#ft-message"
    )
    drawn = _rendered(page, "#ft-side-7", 1)
    assert drawn["ink"] > 200, drawn
    _shot(page, "fulltext-04-open-access-attached")
    assert blocking(page) == []
    assert problems == []


def test_not_retrieved_with_a_reason(browser: Any, ft_live: LiveServer) -> None:
    page, problems = _page(browser, ft_live, "R1", "/records/7")
    page.wait_for_selector("#ft-side-7 h2")
    page.select_option("#ft-retrieval-7", "not_retrieved")
    page.click("#ft-side-7 form.ft-retrieval button[type=submit]")
    page.wait_for_selector("#ft-error")
    assert "needs a reason" in page.inner_text("#ft-error")
    _settled(page)
    page.select_option("#ft-retrieval-7", "not_retrieved")
    page.fill("#ft-reason-7", "no library copy")
    page.click("#ft-side-7 form.ft-retrieval button[type=submit]")
    page.wait_for_selector("#ft-message")
    assert "not retrieved (no library copy)" in page.inner_text("#ft-status-7")
    assert blocking(page) == []
    assert problems == [] or all("422" in p for p in problems)  # the refused form's answer


def test_pdf_beside_the_extraction_form(browser: Any, ft_live: LiveServer, tmp_path: Path) -> None:
    page, problems = _page(browser, ft_live, "R1", "/records/7")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.wait_for_selector("#ft-side-7 h2")
    pdf = tmp_path / "cook.pdf"
    pdf.write_bytes(text_pdf())
    page.set_input_files("#ft-file-7", str(pdf))
    page.click("#ft-side-7 form.ft-upload button[type=submit]")
    page.wait_for_selector("#ft-message")

    page.goto("/extraction/form?study=Cook%202012")
    drawn = _rendered(page, "#ft-study-viewer", 1)
    assert drawn["ink"] > 200, drawn
    page.fill("#ft-study-viewer .pdf-q", "concealment")
    page.click("#ft-study-viewer form.pdf-search button[type=submit]")
    _rendered(page, "#ft-study-viewer", 3)
    form = page.locator("#extraction-form").bounding_box()
    dock = page.locator("#ft-study-viewer").bounding_box()
    assert dock["x"] >= form["x"] + form["width"] - 1
    _shot(page, "fulltext-05-extraction-form-with-pdf")
    assert blocking(page) == []

    page.goto("/extraction/grid?study=Cook%202012")  # the compact grid has it beside it too
    drawn = _rendered(page, "#ft-study-viewer", 1)
    assert drawn["ink"] > 200, drawn
    grid = page.locator("#grid-form").bounding_box()
    dock = page.locator("#ft-study-viewer").bounding_box()
    assert dock["x"] >= grid["x"] + grid["width"] - 1
    _shot(page, "fulltext-06-extraction-grid-with-pdf")
    assert blocking(page) == []
    assert problems == []
