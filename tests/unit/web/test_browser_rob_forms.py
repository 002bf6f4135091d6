"""In Debian's headless Chromium (Playwright): an appraiser opens the guidance of a domain
and of a RoB 2 signalling question, judges blinding of outcome assessment per outcome,
and sees the agreed (consensus) judgement beside their own once it is recorded; the
second appraiser does not see it before judging the domain. axe-core finds no serious or
critical violation on these screens. Screenshots go to ``test-artifacts/web/``.
Skipped without ``/usr/bin/chromium`` (a failure under CI=true).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from sysreview.appraisal import guidance
from sysreview.project.appraising.assessments import rob_assessments
from sysreview.project.opening import opened
from sysreview.protocol.appraisal import ROB1_DOMAINS
from tests.unit.web.conftest import LiveServer, served
from tests.unit.web.test_appraisal import STUDIES, add_studies, use_rob2
from tests.unit.web.test_appraisal_guidance import consensus, per_outcome
from tests.unit.web.test_browser import _page, _shot, browser
from tests.unit.web.test_browser_a11y import blocking

__all__ = ["browser"]
HOPE = "hope/blinding_outcome_assessment"


@pytest.fixture
def outcome_live(project: Path) -> Iterator[LiveServer]:
    per_outcome(project)
    add_studies(project)
    with served(project) as server:
        yield server


@pytest.fixture
def rob2_live(project: Path) -> Iterator[LiveServer]:
    use_rob2(project)
    add_studies(project)
    with served(project) as server:
        yield server


def test_guidance_per_outcome_and_consensus_beside_own(
    browser: Any, outcome_live: LiveServer, project: Path
) -> None:
    from playwright.sync_api import expect

    shared = STUDIES[1]  # both appraisers assess it (the protocol's random 10%)
    page, problems = _page(browser, outcome_live, "R1", f"/appraisal/form?study={quote(shared)}")
    # guidance: closed, opened with the keyboard, showing the Handbook's criteria
    domain = "blinding_outcome_assessment"
    details = page.locator(f"[id='guidance-{domain}']")
    body = details.locator("dl")
    expect(body).to_be_hidden()
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(body).to_be_visible()
    assert guidance.rob1_guidance(domain).high in body.inner_text()
    # judge every domain for the study, then blinding of outcome assessment for hope
    for d in ROB1_DOMAINS:
        page.select_option(f"[id='judgement.{d}']", "low")
    box = page.locator(f"[id='per-outcome-{domain}']")
    expect(box.get_by_label("Hope", exact=True)).to_be_hidden()  # folded until asked for
    box.locator("summary").click()
    expect(box.get_by_label("Hope", exact=True)).to_be_visible()
    box.get_by_label("Hope", exact=True).select_option("high")
    page.fill(f"[id='support.{HOPE}']", "self-rated hope scale; participants not blind")
    expect(page.locator("#overall")).to_have_text("low")  # live, from the server
    expect(page.locator("[id='overall-hope']")).to_have_text("unclear")
    assert blocking(page) == [], "rob1 form with guidance open"
    _shot(page, "20-rob1-guidance-and-per-outcome")
    page.click("#save-rob")
    page.wait_for_selector("#saved")
    expect(page.locator(f"[id='judgement.{HOPE}']")).to_have_value("high")  # open: judged
    expect(box.locator("summary")).to_contain_text("1 judged here")
    with opened(project) as (proj, store):
        (study,) = rob_assessments(store, proj.protocol)
    assert study.by_outcome == {"hope": {domain: "high"}}
    assert study.outcome_overall == {"hope": "unclear"}  # non-key domain high: otherwise

    # the team records a consensus; R1 (who judged) sees it beside their own
    consensus(project, shared, {**dict.fromkeys(ROB1_DOMAINS, "low"), HOPE: "high"})
    page.reload()
    agreed = page.locator(f"[id='agreed-{HOPE}']")
    expect(agreed).to_be_visible()
    expect(agreed.locator("strong")).to_have_text("high")
    assert "yours: high" in agreed.inner_text()
    expect(page.locator("#agreed-overall strong")).to_have_text("low")
    assert blocking(page) == [], "rob1 form with consensus"
    _shot(page, "21-rob1-consensus-beside-own")
    assert problems == []

    # the second appraiser has judged nothing: the consensus is held back
    page2, problems2 = _page(browser, outcome_live, "R2", f"/appraisal/form?study={quote(shared)}")
    expect(page2.locator("#consensus-hidden")).to_contain_text("8 consensus judgement(s)")
    assert page2.locator(".agreed").count() == 0
    page2.select_option("[id='judgement.allocation_concealment']", "unclear")
    page2.click("#save-rob")
    page2.wait_for_selector("#saved")
    expect(page2.locator("[id='agreed-allocation_concealment'] strong")).to_have_text("low")
    assert page2.locator(".agreed").count() == 1
    _shot(page2, "22-rob1-second-appraiser-consensus")
    assert problems2 == []


def test_rob2_question_guidance_opens(browser: Any, rob2_live: LiveServer) -> None:
    from playwright.sync_api import expect

    page, problems = _page(browser, rob2_live, "R1", "/appraisal/form?study=Smith%202019")
    box = page.locator("[id='guidance-missing_outcome_data-3.1']")
    text = box.locator("p")
    expect(text).to_be_hidden()
    box.locator("summary").click()
    expect(text).to_have_text(guidance.rob2_question_guidance("missing_outcome_data", "3.1"))
    expect(box.locator("summary")).to_have_accessible_name("Guidance for question 3.1")
    assert blocking(page) == [], "rob2 form with question guidance open"
    _shot(page, "23-rob2-question-guidance")
    assert problems == []
