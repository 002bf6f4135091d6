"""In Debian's headless Chromium (Playwright): log in, screen with the keyboard, see that
record markup stays inert, resolve a conflict. Screenshots go to ``test-artifacts/web/``.

Skipped when ``/usr/bin/chromium`` is missing, except under ``CI=true`` (a failure).
Never a downloaded browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sysreview.project.selection.directory import screen_conflicts, screen_pending
from tests.conftest import PROJECT_ROOT
from tests.unit.web.conftest import PASSWORDS, LiveServer, served

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "web"


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing (CI=true: Debian's chromium package is required)")
        pytest.skip(f"{CHROMIUM} is absent: install Debian's 'chromium' package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def live(project: Path) -> Iterator[LiveServer]:
    with served(project) as server:
        yield server


def _page(browser: Any, live: LiveServer, name: str, path: str) -> tuple[Any, list[str]]:
    """A new page logged in as ``name`` (through the login form), at ``path``."""
    context = browser.new_context(base_url=live.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(path)
    assert page.url.startswith(f"{live.url}/login?next=")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(f"{live.url}{path}")
    return page, problems


def _settled(page: Any) -> None:
    """Wait until HTMX has settled the last swap (its new forms are wired: a key pressed
    before would submit the form without HTMX)."""
    page.wait_for_function("() => document.querySelector('.htmx-added, .htmx-settling') === null")


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_screen_with_keys_and_resolve_a_conflict(
    browser: Any, live: LiveServer, project: Path
) -> None:
    page, problems = _page(browser, live, "R1", "/screen/ta")
    assert (
        page.locator("#record-1 .title")
        .inner_text()
        .startswith("Peer groups <script>window.__pwned = 1</script>")
    )
    assert page.locator("#record-1 .title mark.inc").count() >= 1  # highlighted, still inert
    assert page.evaluate("window.__pwned") is None  # neither the <script> nor <img onerror>
    _shot(page, "01-screen-record-1")

    page.keyboard.press("i")
    page.wait_for_selector("#record-2")
    assert page.locator("#progress").get_attribute("value") == "1"
    assert "Saved: Record 1: include" in page.inner_text("#screen")
    page.keyboard.press("m")  # include and maybe only: the ranking is not trained yet,
    page.wait_for_selector("#record-3")  # so R2 below gets the records in their order
    assert page.evaluate("window.__pwned") is None
    _shot(page, "02-screen-after-two-keys")
    assert [c.id for c in screen_pending(project, "ta", "R1")] == [3, 4, 5, 6]

    page2, problems2 = _page(browser, live, "R2", "/screen/ta")
    assert page2.locator("#record-1").count() == 1
    page2.keyboard.press("e")  # R2 excludes record 1, which R1 included: a conflict
    page2.wait_for_selector("#record-2")
    assert [c.record_id for c in screen_conflicts(project, "ta")] == [1]

    page3, problems3 = _page(browser, live, "R3", "/conflicts/ta")
    row = page3.locator("#conflict-1")
    assert "R1: include; R2: exclude" in row.inner_text()
    _shot(page3, "03-conflict")
    row.locator("button[value=include]").click()
    page3.wait_for_selector("#no-conflicts")
    _shot(page3, "04-conflict-resolved")
    assert screen_conflicts(project, "ta") == []
    assert problems == problems2 == problems3 == []  # no script errors, no CSP violations


def test_blinding_undo_and_a_revealed_change_in_the_browser(
    browser: Any, live: LiveServer, project: Path
) -> None:
    r1, problems1 = _page(browser, live, "R1", "/screen/ta")
    r1.keyboard.press("i")  # R1 includes record 1
    r1.wait_for_selector("#record-2")

    r2, problems2 = _page(browser, live, "R2", "/records/1")
    assert r2.locator("tr.seen-decision").count() == 0  # blind: R1's decision is hidden
    assert "None you may see yet" in r2.inner_text("main")
    _shot(r2, "05-blind-record-page")
    r2.goto("/dashboard")
    assert "Your progress" in r2.inner_text("main")
    assert "R1" not in r2.inner_text(".progress-table")  # not even R1's pace
    r2.goto("/screen/ta")
    r2.keyboard.press("e")  # R2 excludes record 1: a conflict
    r2.wait_for_selector("#record-2")
    _settled(r2)
    r2.keyboard.press("u")  # ...and takes it back: record 1 is shown again
    r2.wait_for_selector("#record-1")
    assert "Undone: Record 1: exclude" in r2.inner_text("#screen")
    _shot(r2, "06-undo")
    r2.goto("/records/1")  # having decided once, R2 may now see R1's decision
    assert "include" in r2.inner_text("tr.seen-decision")
    r2.goto("/screen/ta")
    r2.keyboard.press("i")  # R2 aligns after seeing R1: marked, not independent
    r2.wait_for_selector("#record-2")

    r3, problems3 = _page(browser, live, "R3", "/conflicts/ta")
    row = r3.locator("#conflict-1")
    assert "R2: include (changed after seeing the other's; was exclude)" in row.inner_text()
    _shot(r3, "07-conflict-after-reveal")
    assert problems1 == problems2 == problems3 == []
