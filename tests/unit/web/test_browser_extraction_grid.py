"""In Debian's headless Chromium (Playwright): an extractor fills the extraction grid with
the keyboard (Tab, arrows, Enter; Ctrl+S saves in place), gets problems next to the cells
and in the error summary, whose links focus the cell (opening its disclosure), fixes them,
saves, reloads and sees the values; axe finds no serious or critical violation on the
grid, blank or showing errors. Screenshots go to ``test-artifacts/web/``.
Skipped without ``/usr/bin/chromium`` (a failure under CI=true).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sysreview.project.extracting.values import review_data
from sysreview.project.opening import opened
from tests.unit.web.conftest import LiveServer, served
from tests.unit.web.test_appraisal import add_studies
from tests.unit.web.test_browser import _page, _settled, _shot, browser
from tests.unit.web.test_browser_a11y import blocking

__all__ = ["browser"]
PATH = "/extraction/grid?study=Smith%202019"


@pytest.fixture
def grid_live(project: Path) -> Iterator[LiveServer]:
    add_studies(project)
    with served(project) as server:
        yield server


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id"))


def save(page: Any, status: int) -> None:
    """Ctrl+S in the grid: the HTMX post of the whole grid, swapped in place.

    Returns once the answer's grid has replaced the old one and settled: the response
    can arrive before HTMX starts the swap, when no element is marked as settling yet.
    """
    page.evaluate("document.getElementById('grid-form').dataset.replaced = 'no'")
    with page.expect_response(lambda r: r.url.endswith("/extraction/grid")) as answer:
        page.keyboard.press("Control+s")
    assert answer.value.status == status
    page.wait_for_function("() => document.getElementById('grid-form')?.dataset.replaced !== 'no'")
    _settled(page)


def test_fill_the_grid_by_keyboard_fix_errors_and_reload(
    browser: Any, grid_live: LiveServer, project: Path
) -> None:
    page, problems = _page(browser, grid_live, "R1", PATH)
    page.set_viewport_size({"width": 1500, "height": 1000})
    assert blocking(page) == []
    page.focus("#g-study-country")
    page.keyboard.type("UK")
    page.keyboard.press("Enter")  # the next study field, never a submit
    assert focused(page) == "g-study-setting"
    page.focus("#g-arm-1-arm")
    page.keyboard.type("peer group")
    page.keyboard.press("ArrowDown")
    assert focused(page) == "g-arm-1-arm_type"
    page.select_option("#g-arm-1-arm_type", "intervention")
    page.keyboard.press("ArrowDown")
    assert focused(page) == "g-arm-1-n_randomised"
    page.keyboard.type("40")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline  # a visible focus
    save(page, 200)
    assert "Saved Smith 2019" in page.inner_text("#grid-saved")
    assert focused(page) == "g-arm-1-n_randomised"  # the focus stays where it was
    assert page.inner_text("#h-arm-1") == "peer group" and page.inner_text("#h-arm-2") == "New arm"

    page.focus("#g-arm-2-arm")
    page.keyboard.type("usual care")
    page.keyboard.press("ArrowDown")
    page.select_option("#g-arm-2-arm_type", "TAU")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("40")
    page.select_option("#g-block-1-outcome", "hope::Herth Hope Index")
    page.focus("#g-block-1-weeks")
    page.keyboard.type("0")
    page.focus("#g-out-1-1-n")
    page.keyboard.type("38")
    page.keyboard.press("Tab")  # across the arms
    assert focused(page) == "g-out-1-2-n"
    page.keyboard.type("36")
    page.keyboard.press("ArrowDown")
    assert focused(page) == "g-out-1-2-mean"
    page.keyboard.type("31")
    page.keyboard.press("ArrowLeft")  # inside the text first: the caret moves
    assert focused(page) == "g-out-1-2-mean"
    page.keyboard.press("Home")
    page.keyboard.press("ArrowLeft")  # at its start: the cell to the left
    assert focused(page) == "g-out-1-1-mean"
    page.keyboard.type("35.2")
    page.keyboard.press("Enter")  # Enter moves down
    assert focused(page) == "g-out-1-1-sd"
    page.keyboard.type("0")  # SD = 0: refused
    page.keyboard.press("ArrowRight")
    assert focused(page) == "g-out-1-2-sd"
    page.keyboard.type("6.4")
    page.click("#add-outcome")  # a second new outcome row, without a round trip
    assert focused(page) == "g-block-2-outcome"
    page.select_option("#g-block-2-outcome", "hope::Herth Hope Index")
    page.keyboard.press("ArrowDown")
    assert focused(page) == "g-block-2-weeks"
    page.keyboard.type("26")
    for cell, value in (("1-n", "30"), ("1-mean", "34"), ("1-sd", "5"), ("2-n", "31"),
                        ("2-mean", "32"), ("2-sd", "6")):  # fmt: skip
        page.fill(f"#g-out-2-{cell}", value)
    assert page.get_attribute("#g-out-2-2-sd", "aria-labelledby") == "h-block-2 h-b2-sd h-arm-2"
    page.click("#more-1-button")
    page.focus("#g-out-1-2-se")
    page.keyboard.type("-1")  # SE not above 0: refused too
    save(page, 422)

    assert focused(page) == "grid-errors"  # the summary takes the focus
    assert page.inner_text("#g-out-1-1-sd-e") == "must be greater than 0, not 0"
    assert page.get_attribute("#g-out-1-1-sd", "aria-invalid") == "true"
    assert page.get_attribute("#g-out-1-1-sd", "aria-describedby") == "g-out-1-1-sd-e"
    assert page.input_value("#g-out-1-1-mean") == "35.2"  # what was typed is kept
    _shot(page, "extraction-grid-errors")
    assert blocking(page) == []
    page.click("#more-1-button")  # closed again by the reviewer
    assert page.is_hidden("#g-out-1-2-se")
    page.click("#grid-errors a[href='#g-out-1-2-se']")  # opens the disclosure, focuses the cell
    assert focused(page) == "g-out-1-2-se" and page.is_visible("#g-out-1-2-se")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.click("#grid-errors a[href='#g-out-1-1-sd']")
    assert focused(page) == "g-out-1-1-sd"
    page.keyboard.press("Control+a")
    page.keyboard.type("5.1")
    save(page, 200)
    assert "Saved Smith 2019" in page.inner_text("#grid-saved")
    assert page.locator("#grid-errors").count() == 0

    page.reload()
    assert page.input_value("#g-study-country") == "UK"
    assert [page.inner_text(f"#h-arm-{j}") for j in (1, 2, 3)] == [
        "peer group", "usual care", "New arm"
    ]  # fmt: skip
    assert page.inner_text("#h-block-1") == "hope / Herth Hope Index, 0 weeks after the end"
    assert page.inner_text("#h-block-2") == "hope / Herth Hope Index, 26 weeks after the end"
    values = {c: page.input_value(f"#g-out-1-{c}") for c in ("1-n", "1-mean", "1-sd", "2-sd")}
    assert values == {"1-n": "38", "1-mean": "35.2", "1-sd": "5.1", "2-sd": "6.4"}
    _shot(page, "extraction-grid-saved")
    assert blocking(page) == []
    refused = "the server responded with a status of 422"  # the refused save, on purpose
    assert [p for p in problems if refused not in p] == []
    with opened(project) as (proj, store):
        data = review_data(store, proj.protocol)
    rows = sorted((o.weeks_after_end, o.arm, o.n, o.mean, o.sd) for o in data.outcomes)
    assert rows == [
        (0, "peer group", 38, 35.2, 5.1),
        (0, "usual care", 36, 31.0, 6.4),
        (26, "peer group", 30, 34.0, 5.0),
        (26, "usual care", 31, 32.0, 6.0),
    ]
