"""In headless Chromium: logging out in one browser ends the session in the other.

Two browser contexts (two browsers, cookie jars of their own) log in as R1 through the
login form; the first clicks "Log out"; the second's next page is the login page.
"""

from __future__ import annotations

from typing import Any

from tests.unit.web.conftest import LiveServer
from tests.unit.web.test_browser import _page, _shot, browser, live

__all__ = ["browser", "live"]  # fixtures


def test_logging_out_in_one_browser_ends_the_other(browser: Any, live: LiveServer) -> None:
    laptop, laptop_problems = _page(browser, live, "R1", "/screen/ta")
    phone, phone_problems = _page(browser, live, "R1", "/dashboard")
    laptop.click("form.logout button[type=submit]")
    laptop.wait_for_url(f"{live.url}/login")
    phone.goto("/screen/ta")
    assert phone.url == f"{live.url}/login?next=/screen/ta"
    assert phone.locator("input[name=password]").is_visible()
    _shot(phone, "logged-out-elsewhere")
    assert laptop_problems == phone_problems == []
    phone.goto("/dashboard")  # the session stays ended
    assert phone.url == f"{live.url}/login?next=/dashboard"
