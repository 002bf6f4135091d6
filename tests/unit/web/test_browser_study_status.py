"""Study listings and the author-contact log in Debian's headless Chromium.

From the studies page: list a study as ongoing with its registration, log a contact
with its authors and then their reply, and see each listed; axe finds no serious or
critical violation on either screen. Screenshots go to ``test-artifacts/web/``. Skipped
when ``/usr/bin/chromium`` is missing, except under ``CI=true`` (a failure).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sysreview.project.opening import open_project
from tests.unit.web.conftest import LiveServer, served
from tests.unit.web.test_browser import _page, _shot, browser
from tests.unit.web.test_browser_a11y import blocking

__all__ = ["browser"]  # the Chromium fixture, shared


@pytest.fixture
def studies_live(project: Path) -> Iterator[LiveServer]:
    """The seeded project with the studies Smith 2019 and Jones 2021."""
    with open_project(project) as review:
        for label in ("Smith 2019", "Jones 2021"):
            review.screening.add_study(label)
    with served(project) as server:
        yield server


def test_list_an_ongoing_study_and_log_a_contact_and_its_reply(
    browser: Any, studies_live: LiveServer
) -> None:
    page, problems = _page(browser, studies_live, "R1", "/studies")
    page.click("a[href='/studies/status']")
    page.wait_for_url(f"{studies_live.url}/studies/status")
    assert "No study listed as ongoing." in page.inner_text("main")

    # a field ongoing studies do not keep: refused, named, and the form kept
    page.fill("#ss-study", "Smith 2019")
    page.select_option("#ss-status", "ongoing")
    page.fill("#ss-reason", "abstract only")
    page.click("#ss-save")
    page.wait_for_selector("#ss-error")
    assert "keeps no 'reason'" in page.inner_text("#ss-error")
    assert page.input_value("#ss-study") == "Smith 2019"
    page.fill("#ss-reason", "")
    page.fill("#ss-study_name", "PEER-1")
    page.fill("#ss-registration", "NCT01234567")
    page.fill("#ss-starting_date", "2023-01")
    page.click("#ss-save")
    page.wait_for_selector("#ss-message")
    assert "Smith 2019 listed as ongoing" in page.inner_text("#ss-message")
    row = page.locator("table[aria-labelledby='ss-ongoing'] tr", has_text="Smith 2019")
    assert "NCT01234567" in row.inner_text() and "PEER-1" in row.inner_text()
    _shot(page, "study-status-01-ongoing")
    assert blocking(page) == []

    page.click("a[href='/studies/contacts']")
    page.wait_for_url(f"{studies_live.url}/studies/contacts")
    assert "No author contacted yet." in page.inner_text("main")
    page.fill("#ac-study", "Jones 2021")
    page.fill("#ac-contact", "B. Jones <b.jones@example.org>")
    page.fill("#ac-contacted-on", "2024-03-01")
    page.fill("#ac-asked", "Were outcome assessors blinded?")
    page.click("#ac-log-new")
    page.wait_for_selector("#ac-message")
    assert "Contact 1 logged for Jones 2021" in page.inner_text("#ac-message")
    assert "awaiting reply" in page.inner_text("#contact-1")

    page.fill("#ac-reply-1", "Yes, by an independent assessor")
    page.fill("#ac-replied-1", "2024-03-12")
    page.click("#ac-save-1")
    page.wait_for_selector("#ac-message")
    thread = page.inner_text("#contact-1")
    assert "Contact 1 updated" in page.inner_text("#ac-message")
    assert "Yes, by an independent assessor" in thread and "answered" in thread
    assert "Were outcome assessors blinded?" in thread and "2024-03-01" in thread
    page.click("#contact-1 a")  # the study's contacts only
    page.wait_for_url(f"{studies_live.url}/studies/contacts?study=Jones%202021")
    assert page.locator("tr[id^=contact-]").count() == 1
    _shot(page, "study-status-02-contact-log")
    assert blocking(page) == []
    # the one console error is the browser noting the refused listing's answer (422)
    assert problems == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
