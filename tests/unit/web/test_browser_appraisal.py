"""In Debian's headless Chromium (Playwright): an appraiser fills a RoB 2 form, sees the
domain judgement proposed live by the server as the answers change, saves; then gets an
extraction problem shown next to its field. Screenshots go to ``test-artifacts/web/``.
Skipped without ``/usr/bin/chromium`` (a failure under CI=true).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sysreview.project.appraising.assessments import rob_assessments
from sysreview.project.opening import opened
from sysreview.protocol.appraisal import ROB1_DOMAINS
from tests.unit.web.conftest import LiveServer, served
from tests.unit.web.test_appraisal import (
    LOW_ANSWERS,
    STUDIES,
    add_attrition,
    add_studies,
    use_rob2,
)
from tests.unit.web.test_browser import _page, _shot, browser

__all__ = ["browser"]


@pytest.fixture
def rob2_live(project: Path) -> Iterator[LiveServer]:
    use_rob2(project)
    add_studies(project)
    with served(project) as server:
        yield server


@pytest.fixture
def rob1_live(project: Path) -> Iterator[LiveServer]:
    add_studies(project)
    add_attrition(project)
    with served(project) as server:
        yield server


def _proposed(page: Any, domain: str, expected: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(f"[id='proposed-{domain}']")).to_have_text(expected)


def test_fill_a_rob2_form_with_live_judgements(
    browser: Any, rob2_live: LiveServer, project: Path
) -> None:
    path = "/appraisal/form?study=Smith%202019"
    page, problems = _page(browser, rob2_live, "R1", path)
    domain = "randomisation_process"
    page.select_option(f"[id='answer.{domain}.1.1']", "Y")
    page.select_option(f"[id='answer.{domain}.1.2']", "N")
    page.select_option(f"[id='answer.{domain}.1.3']", "N")
    _proposed(page, domain, "high")
    page.select_option(f"[id='answer.{domain}.1.2']", "NI")
    _proposed(page, domain, "some concerns")
    page.select_option(f"[id='answer.{domain}.1.2']", "Y")
    _proposed(page, domain, "low")
    for other, answers in LOW_ANSWERS.items():
        for q, a in answers.items():
            page.select_option(f"[id='answer.{other}.{q}']", a)
    from playwright.sync_api import expect

    expect(page.locator("#overall")).to_have_text("low")
    _shot(page, "05-rob2-live-judgement")
    page.click("#save-rob")
    page.wait_for_selector("#saved")
    _shot(page, "06-rob2-saved")
    with opened(project) as (proj, store):
        (study,) = rob_assessments(store, proj.protocol)
    assert study.study == STUDIES[0] and study.overall == "low" and study.source == "R1"
    assert problems == []  # no script errors, no CSP violations

    page.goto("/extraction/form?study=Smith%202019")  # R1 extracts too
    page.fill("[id='arms.1.arm']", "peer group")
    page.select_option("[id='arms.1.arm_type']", "intervention")
    page.fill("[id='arms.1.n_randomised']", "forty")
    page.click("#save-extraction")
    page.wait_for_selector("#form-error")
    assert "is not a number" in page.inner_text("[id='arms-1']")
    _shot(page, "07-extraction-inline-problem")
    assert problems == [  # the page answered 422, as it should; nothing else went wrong
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]


def test_rob1_form_shows_the_attrition_suggestion_beside_the_domain(
    browser: Any, rob1_live: LiveServer, project: Path
) -> None:
    from playwright.sync_api import expect

    page, problems = _page(browser, rob1_live, "R1", "/appraisal/form?study=Smith%202019")
    domain = "incomplete_outcome_data"
    hint = page.locator(f"[id='domain-{domain}'] .suggestion")
    expect(hint).to_be_visible()
    expect(hint.locator("strong")).to_have_text("unclear")
    assert "overall attrition 28.0% is above 20%" in hint.inner_text()
    assert page.locator(".suggestion").count() == 1  # beside that domain only
    # the form proposes nothing for the domain until the appraiser chooses
    _proposed(page, domain, "none yet")
    for other in ROB1_DOMAINS:
        page.select_option(f"[id='judgement.{other}']", "low")
    page.select_option(f"[id='judgement.{domain}']", "high")  # the appraiser decides
    _proposed(page, domain, "high")
    _shot(page, "08-rob1-attrition-suggestion")
    page.click("#save-rob")
    page.wait_for_selector("#saved")
    expect(page.locator(f"[id='domain-{domain}'] .suggestion strong")).to_have_text("unclear")
    with opened(project) as (proj, store):
        (study,) = rob_assessments(store, proj.protocol)
    assert study.judgements[domain] == "high" and study.source == "R1"
    assert problems == []
