"""The arbiter's and administrator's screens in Debian's headless Chromium (Playwright):
resolve a conflict seeing the abstract and both reasons, reassign records in bulk with a
confirmation, review duplicate pairs with the keyboard. Each screen is checked with
axe-core (no serious or critical violation); screenshots go to ``test-artifacts/web/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sysreview.project.deduplicating.service import duplicate_queue
from sysreview.project.opening import opened
from sysreview.project.selection.directory import screen_conflicts, screen_decision, screen_pending
from sysreview.project.storage import current_duplicate_links
from tests.unit.web.admin_data import add_linked_record, add_screener, queue_pairs
from tests.unit.web.conftest import LiveServer, served
from tests.unit.web.test_browser import _page, _shot, browser, live
from tests.unit.web.test_browser_a11y import blocking

__all__ = ["browser", "live"]  # fixtures, used by name

REASON = "Participants not eligible"


@pytest.fixture
def project(seeded_sqlite_project: Path, tmp_path: Path) -> Path:
    """The seeded project with a third screener (R4) and record 7 (with DOI and PMID)."""
    copy = Path(shutil.copytree(seeded_sqlite_project, tmp_path / "review"))
    add_screener(copy)
    add_linked_record(copy)
    return copy


@pytest.fixture
def dedup_live(project: Path) -> Iterator[LiveServer]:
    """A server on :func:`project` after ``sysreview dedup`` queued uncertain pairs."""
    queue_pairs(project)
    with served(project) as server:
        yield server


def test_resolve_a_conflict_seeing_the_abstract_and_both_reasons(
    browser: Any, live: LiveServer, project: Path
) -> None:
    screen_decision(project, stage="ta", record_id=7, reviewer="R1", decision="include",
                    note="adults, randomised: eligible")  # fmt: skip
    screen_decision(project, stage="ta", record_id=7, reviewer="R2", decision="exclude",
                    reason=REASON, note="inpatients only?")  # fmt: skip
    page, problems = _page(browser, live, "R3", "/conflicts/ta")
    card = page.locator("#conflict-7")
    assert "Adults with schizophrenia were randomised" in card.locator(".abstract").inner_text()
    assert card.locator(".abstract mark.inc").count() >= 1
    assert card.locator("a[href='https://doi.org/10.1093/schbul/sbab001']").count() == 1
    assert "adults, randomised: eligible" in card.locator("tr.decision-R1").inner_text()
    r2 = card.locator("tr.decision-R2").inner_text()
    assert REASON in r2 and "inpatients only?" in r2
    assert blocking(page) == [], "conflicts-full"
    _shot(page, "admin-01-conflict-in-full")
    card.locator("input[name=note]").fill("R2's concern answered by the methods section")
    card.locator("button[value=include]").click()
    page.wait_for_selector("#no-conflicts")
    assert screen_conflicts(project, "ta") == []
    _shot(page, "admin-02-conflict-resolved")
    assert problems == []


def test_bulk_reassign_with_a_confirmation(browser: Any, live: LiveServer, project: Path) -> None:
    screen_decision(project, stage="ta", record_id=1, reviewer="R1", decision="include")
    page, problems = _page(browser, live, "boss", "/admin/assign")
    page.select_option("#f-from", "R1")
    page.click("#btn-filter")
    page.wait_for_selector("#reassign")
    assert page.locator("#pick-1").count() == 0  # decided by R1: it cannot move
    assert blocking(page) == [], "reassign-choose"
    page.check("#pick-2")
    page.check("#pick-3")
    page.select_option("#to-reviewer", "R4")
    _shot(page, "admin-03-reassign-choose")
    page.click("#btn-review-move")
    page.wait_for_selector("#summary")
    assert "2 records at title and abstract will move from R1 to R4" in page.inner_text("#summary")
    assert screen_pending(project, "ta", "R4") == []  # nothing moved yet
    assert blocking(page) == [], "reassign-confirm"
    _shot(page, "admin-04-reassign-confirm")
    page.click("#btn-move")
    page.wait_for_selector("#moved")
    assert "2 records at title and abstract moved from R1 to R4." in page.inner_text("#moved")
    assert [c.id for c in screen_pending(project, "ta", "R4")] == [2, 3]
    _shot(page, "admin-05-reassign-done")
    assert problems == []


def test_review_duplicate_pairs_with_the_keyboard(
    browser: Any, dedup_live: LiveServer, project: Path
) -> None:
    queue = duplicate_queue(project)
    first, second = queue[0].key, queue[1].key
    page, problems = _page(browser, dedup_live, "R3", "/duplicates")
    assert page.locator(f"[id='pair-{first}']").count() == 1
    assert f"0 of {len(queue)} decided" in page.inner_text("#dedup-count")
    assert blocking(page) == [], "duplicates"
    _shot(page, "admin-06-duplicate-pair")
    page.keyboard.press("a")
    page.wait_for_selector("#dedup-saved")
    assert f"Pair {first}: same record" in page.inner_text("#dedup-saved")
    assert page.locator(f"[id='pair-{second}']").count() == 1
    page.keyboard.press("r")
    page.wait_for_function(
        "text => document.querySelector('#dedup-saved')?.textContent.includes(text)",
        arg=f"Pair {second}: different records",
    )
    assert f"2 of {len(queue)} decided" in page.inner_text("#dedup-count")
    assert page.locator(f"[id='decided-{first}']").count() == 1  # to correct, if need be
    assert blocking(page) == [], "duplicates-after-keys"
    _shot(page, "admin-07-duplicates-after-keys")
    with opened(project) as (_, store), store.session(readonly=True) as s:
        status = {f"{x.record_a_id}-{x.record_b_id}": x.status for x in current_duplicate_links(s)}
    assert (status[first], status[second]) == ("confirmed", "rejected")
    assert problems == []
