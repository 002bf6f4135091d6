"""The HTML report in a real headless Chromium: it renders, figures load, no errors.

Needs Debian's ``chromium`` at ``/usr/bin/chromium`` and Playwright for Python. Skipped
with the reason when either is missing, except under ``CI=true``, where it fails (CI always
provides both). A screenshot is kept in ``test-artifacts/report.png``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sysreview.report import ReportInputs, write_report
from tests.conftest import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def _missing_reason() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing; install Debian's 'chromium' package"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    return None


def _need_browser() -> None:
    reason = _missing_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI always provides it")
    pytest.skip(reason)


def test_report_in_headless_chromium(inputs: ReportInputs, tmp_path: Path) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    files = write_report(inputs, tmp_path / "out")
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(files.html.as_uri(), wait_until="load")
            assert page.title().startswith("Group peer support interventions")
            assert page.locator("h1").is_visible()
            assert page.locator("#main-results table").is_visible()
            images = page.evaluate(
                "Array.from(document.images).map(i => [i.complete, i.naturalWidth])"
            )
            assert len(images) == 3
            assert all(done and width > 0 for done, width in images), images
            assert page.locator("script").count() == 0
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert (ARTIFACTS / "report.png").stat().st_size > 0
