"""The record list, labels, keyword highlighting and going back to a decision, in Debian's
headless Chromium (Playwright); screenshots in ``test-artifacts/web/``, axe-core on each
screen (no serious or critical violation).

Skipped without ``/usr/bin/chromium`` (a failure under CI=true). Never a downloaded browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sysreview.project.selection.directory import screen_decision
from tests.unit.web.conftest import LiveServer
from tests.unit.web.test_browser import _page, _settled, _shot, browser, live
from tests.unit.web.test_browser_a11y import blocking

__all__ = ["browser", "live"]


def _no_blocking(page: Any, screen: str) -> None:
    page.wait_for_load_state("networkidle")
    assert blocking(page) == [], screen


def _colour(page: Any, selector: str) -> tuple[str, str]:
    """The background colour and underline style of the first element matching ``selector``."""
    style = page.evaluate(
        "s => { const c = getComputedStyle(document.querySelector(s));"
        " return [c.backgroundColor, c.textDecorationStyle]; }",
        selector,
    )
    return style[0], style[1]


def test_keywords_highlight_green_and_red_with_a_legend(
    browser: Any, live: LiveServer, project: Path
) -> None:
    page, problems = _page(browser, live, "R1", "/keywords")
    page.fill("#keyword-word", "trial")
    page.select_option("#keyword-kind", "exclude")
    page.click("#btn-add-keyword")
    page.wait_for_selector("#own-keywords")
    _shot(page, "records-01-keywords")
    _no_blocking(page, "keywords")
    page.goto("/screen/ta")
    include = "#record-1 .title mark.inc"
    exclude = "#record-1 .title mark.exc"
    assert page.locator(include).first.inner_text() == "Peer"  # review.toml's keyword
    assert page.locator(exclude).first.inner_text() == "trial"  # R1's own
    green, solid = _colour(page, include)
    red, wavy = _colour(page, exclude)
    assert green == "rgb(212, 245, 212)" and red == "rgb(251, 211, 211)"
    assert (solid, wavy) == ("solid", "wavy")  # not by colour alone
    assert page.locator("#keyword-legend mark.inc").count() == 1
    assert page.evaluate("window.__pwned") is None  # the record's markup stays inert
    _shot(page, "records-02-highlights")
    _no_blocking(page, "screen-with-keywords")
    assert problems == []


def test_filter_label_and_change_a_decision(browser: Any, live: LiveServer, project: Path) -> None:
    for record in (2, 3):
        screen_decision(project, stage="ta", record_id=record, reviewer="R2", decision="exclude")
    boss, boss_problems = _page(browser, live, "boss", "/labels")
    boss.fill("#label-name", "RCT")
    boss.fill("#label-description", "a randomised controlled trial")
    boss.click("#btn-define-label")
    boss.wait_for_selector("#label-list")
    _shot(boss, "records-03-labels")
    _no_blocking(boss, "labels")

    page, problems = _page(browser, live, "R1", "/screen/ta")
    page.keyboard.press("i")  # record 1 included
    page.wait_for_selector("#record-2")
    _settled(page)
    page.keyboard.press("e")  # record 2 excluded
    page.wait_for_selector("#record-3")
    _settled(page)
    page.click("#previous-decisions")  # back to the latest decision: record 2
    page.wait_for_selector("#record-2")
    assert page.inner_text("#own-decision") == "exclude"
    assert "R2" in page.inner_text("main")  # R1 decided it: R2's decision may be seen now
    page.select_option("#label-choice", "RCT")
    page.click("#btn-add-label")
    page.wait_for_selector("#record-labels .label-tag")
    page.click("#btn-include")  # change the decision after seeing R2's
    page.wait_for_selector("#changed")
    assert page.inner_text("#own-decision") == "include"
    assert "made after seeing another" in page.inner_text("main")
    _shot(page, "records-04-changed-decision")
    _no_blocking(page, "review")

    page.goto("/records?stage=ta")
    assert page.locator("#record-list tbody tr").count() == 6
    assert page.inner_text("#row-3 .status") == "hidden"  # R2 decided, R1 has not
    _shot(page, "records-05-list")
    _no_blocking(page, "record-list")
    page.select_option("#filter-status", "exclude")
    page.click("#filter-apply")
    page.wait_for_selector("#no-records")  # R2's exclusion of 3 does not show
    page.goto("/records?stage=ta")
    page.select_option("#filter-label", "RCT")
    page.click("#filter-apply")
    page.wait_for_selector("#record-list")
    assert page.locator("#record-list tbody tr").count() == 1
    assert page.inner_text("#row-2 .labels") == "RCT"
    page.fill("#filter-q", "number 4")
    page.select_option("#filter-label", "")
    page.click("#filter-apply")
    page.wait_for_selector("#row-4")
    assert page.locator("#record-list tbody tr").count() == 1
    _shot(page, "records-06-search")
    assert problems == boss_problems == []
