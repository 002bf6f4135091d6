"""Accessibility of the main screens: axe-core (vendored from npm, ``vendor/axe.min.js``,
MPL-2.0) run in Debian's headless Chromium on each screen, as the account that uses it.

A violation of impact "serious" or "critical" fails the test, listed by rule, target and
help; every violation found (of any impact) is written to
``test-artifacts/web/a11y-violations.json``, with a screenshot of each screen.
Skipped without ``/usr/bin/chromium`` (a failure under CI=true).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.web.conftest import (
    N_RECORDS,
    PASSWORDS,
    LiveServer,
    served,
)
from tests.unit.web.test_appraisal import add_attrition, add_studies
from tests.unit.web.test_browser import ARTIFACTS, _shot, browser

__all__ = ["browser"]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = frozenset({"serious", "critical"})
RESULTS = ARTIFACTS / "a11y-violations.json"


@pytest.fixture
def review_live(project: Path) -> Iterator[LiveServer]:
    """A project with studies (RoB 1 and extraction forms) and screening under way."""
    add_studies(project)
    add_attrition(project)
    with served(project) as server:
        yield server


def _axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on ``page`` as it stands (WCAG 2.x A/AA and best practice).

    The script is evaluated through the DevTools protocol, so the page's strict CSP
    stays as it is (an injected ``<script>`` would be refused).
    """
    if page.evaluate("() => typeof window.axe") != "object":
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def blocking(page: Any) -> list[str]:
    """The page's serious and critical axe-core violations, one line per element:
    rule (impact): help, at the element's selector."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {' '.join(map(str, n['target']))}"
        for v in _axe(page)
        if v["impact"] in BLOCKING
        for n in v["nodes"]
    ]


def _log_in(page: Any, live: LiveServer, name: str) -> None:
    page.goto(f"{live.url}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _decide(page: Any, stage: str, record: int, decision: str, reason: str | None = None) -> None:
    """A decision through the JSON API, with the browser's session and CSRF token."""
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    body = {"stage": stage, "record_id": record, "decision": decision, "reason": reason}
    answer = page.request.post("/api/decisions", data=body, headers={"X-CSRF-Token": token})
    assert answer.status == 201, answer.text()


def _focus_is_visible(page: Any) -> None:
    """Tabbing shows where the focus is: first the skip link, then every header link."""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0  # shown
    for _ in range(3):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        assert outline[0] != "none" and outline[1] >= 2, outline


def _blocking(found: dict[str, list[dict[str, Any]]]) -> str:
    """A readable list of the serious and critical violations, one line per element."""
    lines = []
    for screen, violations in found.items():
        for v in violations:
            if v["impact"] not in BLOCKING:
                continue
            for node in v["nodes"]:
                target = " ".join(map(str, node["target"]))
                lines.append(f"{screen}: {v['id']} ({v['impact']}) at {target}: {v['help']}")
    return "\n".join(lines)


def test_main_screens_have_no_serious_accessibility_violations(
    browser: Any, review_live: LiveServer
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}

    def check(page: Any, screen: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(path)
        page.wait_for_load_state("networkidle")
        _shot(page, f"a11y-{screen}")
        found[screen] = _axe(page)

    contexts = {name: browser.new_context(base_url=review_live.url) for name in PASSWORDS}
    pages = {name: context.new_page() for name, context in contexts.items()}
    problems: list[str] = []
    for page in pages.values():
        page.on("pageerror", lambda e: problems.append(str(e)))

    r1, r2, r3, boss = pages["R1"], pages["R2"], pages["R3"], pages["boss"]
    r1.goto(f"{review_live.url}/login")
    check(r1, "login")
    for name, page in pages.items():
        _log_in(page, review_live, name)

    # records 3 and 4 go on to full text; record 1 is a conflict; record 6 waits for R1
    r1.goto("/dashboard")
    r2.goto("/dashboard")
    for record in range(1, N_RECORDS):
        _decide(r1, "ta", record, "include" if record in (1, 3, 4) else "exclude")
    for record in range(1, N_RECORDS + 1):
        _decide(r2, "ta", record, "include" if record in (3, 4) else "exclude")

    check(r1, "dashboard", "/dashboard")
    check(r1, "screen-ta", "/screen/ta")
    assert r1.locator("#record-6").count() == 1
    check(r1, "screen-ft", "/screen/ft")
    assert r1.locator("[id^=record-]").count() >= 1
    check(r3, "conflicts", "/conflicts/ta")
    assert r3.locator("#conflict-1").count() == 1
    check(r3, "agreement", "/agreement")
    check(r1, "record", "/records/3")
    check(r1, "studies", "/studies")
    check(r1, "rob-list", "/appraisal")
    check(r1, "extraction-list", "/extraction")
    check(r1, "grade-list", "/grade")
    check(r1, "rob-form", "/appraisal/form?study=Smith%202019")
    check(r1, "extraction-form", "/extraction/form?study=Smith%202019")
    check(r1, "grade-form", "/grade/form?outcome=recovery&timepoint=post_intervention")
    assert r1.locator("form").count() >= 1
    check(r1, "error-page", "/records/999999")
    assert r1.locator("h1").count() == 1
    check(boss, "report", "/report")
    check(boss, "audit", "/audit")

    _focus_is_visible(boss)

    RESULTS.write_text(json.dumps(found, indent=1), encoding="utf-8")
    assert _blocking(found) == ""
    assert problems == []
    for context in contexts.values():
        context.close()


def test_a_serious_violation_fails_the_check(browser: Any, review_live: LiveServer) -> None:
    """The check can fail: a field without a label and a nameless button are reported."""
    page = browser.new_page(base_url=review_live.url)
    page.goto("/login")
    page.evaluate(
        "() => { const f = document.querySelector('form');"
        " f.insertAdjacentHTML('beforeend', '<input id=bare><button id=empty></button>'); }"
    )
    report = _blocking({"login": _axe(page)})
    assert "login: label (critical) at #bare: Form elements must have labels" in report
    assert "login: button-name (critical) at #empty: Buttons must have discernible text" in report
    page.close()
