"""``/api/docs`` in Debian's headless Chromium: Swagger UI served by the app itself (no
other origin, no CSP violation, no script error), listing every operation of the JSON
API; "Try it out" works, writes included (the CSRF token is sent). Screenshots go to
``test-artifacts/web/``. Skipped without ``/usr/bin/chromium`` (a failure under CI=true).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sysreview.project.selection.directory import screen_pending
from tests.unit.web.conftest import LiveServer
from tests.unit.web.test_browser import _page, _shot, browser, live
from tests.unit.web.test_browser_a11y import _axe, _blocking

__all__ = ["browser", "live"]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _operations(page: Any) -> list[tuple[str, str]]:
    """The (METHOD, path) of every operation in the app's OpenAPI schema."""
    schema = json.loads(page.request.get("/api/openapi.json").text())
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in HTTP_METHODS
    ]


def test_swagger_ui_lists_the_operations_and_tries_them(
    browser: Any, live: LiveServer, project: Path
) -> None:
    page, problems = _page(browser, live, "R1", "/dashboard")
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.click("nav >> text=JSON API")
    page.wait_for_url(f"{live.url}/api/docs")
    page.wait_for_selector(".opblock")
    page.wait_for_load_state("networkidle")
    operations = _operations(page)
    assert len(operations) >= 10
    shown = page.locator(".opblock-summary").all()
    listed = {
        (
            o.locator(".opblock-summary-method").inner_text().strip(),
            o.locator(".opblock-summary-path").get_attribute("data-path"),
        )
        for o in shown
    }
    assert listed == set(operations)
    assert ("POST", "/api/decisions") in listed and ("GET", "/api/queue") in listed
    _shot(page, "api-docs")

    # "Try it out": a read, then a write, which needs the session's CSRF token
    me = page.locator("#operations-api-me_api_me_get")
    me.locator(".opblock-summary").click()
    me.locator("button.try-out__btn").click()
    me.locator("button.execute").click()
    me.locator(".live-responses-table tbody .response-col_status").first.wait_for()
    assert '"name": "R1"' in me.locator(".live-responses-table").inner_text()

    decide = page.locator("[id^=operations-api-][id*=decisions_post]").first
    decide.locator(".opblock-summary").click()
    decide.locator("button.try-out__btn").click()
    body = {"stage": "ta", "record_id": 1, "decision": "include"}
    decide.locator("textarea.body-param__text").fill(json.dumps(body))
    decide.locator("button.execute").click()
    status = decide.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "201"
    assert next(c.id for c in screen_pending(project, "ta", "R1")) == 2  # stored
    _shot(page, "api-docs-tried")

    origins = {urlsplit(u)._replace(path="", query="", fragment="").geturl() for u in requested}
    assert origins == {live.url}, origins  # nothing from any other origin (data: is none)
    assert problems == []  # no script errors, no CSP violations
    # Swagger UI's own markup, with the app's fixes (static/swagger-ui/sysreview.css and
    # init.js: contrast, the body box's label, no links nested in buttons)
    assert _blocking({"api-docs": _axe(page)}) == ""
    # the app's table rules stay out of Swagger UI's tables, and still hold on the app's
    cell = "(c) => getComputedStyle(c).borderTopColor + ' ' + getComputedStyle(c).borderTopStyle"
    swagger_cell = page.locator("#swagger-ui .live-responses-table td").first.evaluate(cell)
    assert swagger_cell != "rgb(221, 221, 221) solid", swagger_cell
    page.goto("/dashboard")
    assert page.locator("td").first.evaluate(cell) == "rgb(221, 221, 221) solid"
