"""In Debian's headless Chromium (Playwright): an appraiser opens the certainty page, rates
an outcome's domains with justifications, sees a refused domain explained next to its field
and nothing saved, then saves and sees the certainty change. Screenshots go to
``test-artifacts/web/``. Skipped without ``/usr/bin/chromium`` (a failure under CI=true).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.project.grading.test_ratings import extract
from tests.unit.web.conftest import LiveServer, served
from tests.unit.web.test_browser import _page, _shot, browser
from tests.unit.web.test_grade import stored

__all__ = ["browser"]


@pytest.fixture
def graded_live(project: Path) -> Iterator[LiveServer]:
    extract(project, None)
    with served(project) as server:
        yield server


def test_rate_an_outcome_in_the_browser(
    browser: Any, graded_live: LiveServer, project: Path
) -> None:
    from playwright.sync_api import expect

    page, problems = _page(browser, graded_live, "R1", "/grade")
    row = page.locator("#row-recovery-post_intervention")
    expect(row.locator(".certainty")).to_contain_text("Low")
    _shot(page, "grade-01-list")
    row.get_by_role("link", name="Rate").click()
    page.wait_for_url("**/grade/form?outcome=recovery&timepoint=post_intervention")
    expect(page.locator("#suggestion-indirectness")).to_contain_text("not assessed automatically")
    page.select_option("[id='rating.indirectness']", "serious")
    page.fill("[id='reason.indirectness']", "All three trials recruited older adults only.")
    page.select_option("[id='rating.imprecision']", "very_serious")  # no justification yet
    page.click("#save-grade")
    expect(page.locator("#form-error")).to_contain_text("Nothing was saved")
    expect(page.locator("[id='error-reason.imprecision']")).to_contain_text("justification")
    _shot(page, "grade-02-refused")
    assert stored(project) == []
    page.fill("[id='reason.imprecision']", "The CI spans an appreciable benefit and harm.")
    page.click("#save-grade")
    expect(page.locator("#saved")).to_contain_text("Saved your ratings")
    expect(page.locator("#certainty")).to_contain_text("Very low")
    _shot(page, "grade-03-saved")
    assert [r[:2] for r in stored(project)] == [("indirectness", "serious"),
                                                 ("imprecision", "very_serious")]  # fmt: skip
    page.goto("/grade")
    expect(page.locator("#row-recovery-post_intervention")).to_contain_text("R1")
    assert [p for p in problems if "status of 422" not in p] == []  # the refused form
