"""Login throttling per name and per address, bounded state, and a bounded number of hashes.

The clock is the test's own: nothing here waits for real time to pass.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

from sysreview.project.accounts import service as account_service
from sysreview.project.accounts import users as accounts
from sysreview.web.throttle import LoginRefused, LoginThrottle, Rate, address_key
from tests.unit.web.conftest import (
    CHEAP,
    PASSWORDS,
    TestClient,
    form_token,
    start_server,
    stop_server,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _fail(throttle: LoginThrottle, name: str, address: str, times: int = 1) -> None:
    for _ in range(times):
        throttle.admit(name, address)
        throttle.done(name, address, succeeded=False)


def _refused(throttle: LoginThrottle, name: str, address: str) -> LoginRefused:
    with pytest.raises(LoginRefused) as caught:
        throttle.admit(name, address)
    return caught.value


def test_a_name_is_throttled_from_any_address_then_allowed_again() -> None:
    clock = Clock()
    throttle = LoginThrottle(per_name=Rate(3, 60), clock=clock)
    _fail(throttle, "R1", "192.0.2.1", 3)
    refused = _refused(throttle, "R1", "198.51.100.9")  # another address: the same name
    assert (refused.status, refused.retry_after) == (429, 60)
    assert _refused(throttle, " r1", "192.0.2.1").status == 429  # trimmed, case-folded
    throttle.admit("R2", "192.0.2.1")  # other names are not affected
    throttle.done("R2", "192.0.2.1", succeeded=True)
    clock.now += 59.5
    assert _refused(throttle, "R1", "192.0.2.1").retry_after == 1
    clock.now += 0.5
    throttle.admit("R1", "192.0.2.1")  # one more attempt per minute
    throttle.done("R1", "192.0.2.1", succeeded=False)
    assert _refused(throttle, "R1", "192.0.2.1").retry_after == 60


def test_an_address_is_throttled_across_names() -> None:
    clock = Clock()
    throttle = LoginThrottle(per_address=Rate(5, 10), clock=clock)
    for i in range(5):
        _fail(throttle, f"guess{i}", "192.0.2.1")
    refused = _refused(throttle, "R1", "192.0.2.1")
    assert (refused.status, refused.retry_after) == (429, 10)
    throttle.admit("R1", "192.0.2.2")  # another address is not affected


def test_ipv6_clients_are_counted_by_their_64_network() -> None:
    throttle = LoginThrottle(per_address=Rate(2, 10), clock=Clock())
    _fail(throttle, "a", "2001:db8:0:1::1")
    _fail(throttle, "b", "2001:db8:0:1:ffff::2")
    assert _refused(throttle, "c", "2001:db8:0:1::3").status == 429
    throttle.admit("d", "2001:db8:0:2::1")
    assert address_key("2001:db8:0:1::3") == "2001:db8:0:1::/64"


def test_successful_logins_use_no_tokens() -> None:
    throttle = LoginThrottle(per_name=Rate(2, 60), per_address=Rate(2, 60), clock=Clock())
    for _ in range(20):  # a whole office behind one address logging in
        throttle.admit("R1", "192.0.2.1")
        throttle.done("R1", "192.0.2.1", succeeded=True)
    _fail(throttle, "R1", "192.0.2.1", 2)
    assert _refused(throttle, "R1", "192.0.2.1").status == 429


def test_the_message_does_not_say_which_limit_or_whether_the_name_exists() -> None:
    throttle = LoginThrottle(per_name=Rate(1, 60), per_address=Rate(1, 60), clock=Clock())
    _fail(throttle, "R1", "192.0.2.1")
    by_name = _refused(throttle, "R1", "192.0.2.2")
    by_address = _refused(throttle, "nobody", "192.0.2.1")
    assert (
        by_name.message == by_address.message == "Too many login attempts. Try again in 60 seconds."
    )


def test_a_flood_of_names_and_addresses_cannot_grow_the_state() -> None:
    throttle = LoginThrottle(max_keys=1000, clock=Clock())
    for i in range(20_000):
        _fail(throttle, f"made-up-{i}", f"10.{i // 65536}.{i // 256 % 256}.{i % 256}")
    assert throttle.remembered() == (1000, 1000)


def test_logins_checked_at_once_are_bounded() -> None:
    throttle = LoginThrottle(in_flight=2, clock=Clock())
    throttle.admit("a", "192.0.2.1")
    throttle.admit("b", "192.0.2.2")
    busy = _refused(throttle, "c", "192.0.2.3")
    assert (busy.status, busy.retry_after) == (503, 1)
    throttle.done("a", "192.0.2.1", succeeded=False)
    throttle.admit("c", "192.0.2.3")


def _throttled_app(app: FastAPI, clock: Clock) -> None:
    app.state.login_throttle = LoginThrottle(per_name=Rate(3, 60), clock=clock)


def test_the_login_page_and_the_api_answer_429_with_retry_after(
    client: TestClient, app: FastAPI
) -> None:
    clock = Clock()
    _throttled_app(app, clock)
    token = form_token(client.get("/login").text)
    wrong = {"name": "R1", "password": "wrong-password", "csrf_token": token, "next": "/x"}
    assert [client.post("/login", data=wrong).status_code for _ in range(3)] == [401] * 3
    page = client.post("/login", data={**wrong, "password": PASSWORDS["R1"]})
    assert page.status_code == 429 and page.headers["retry-after"] == "60"
    assert "Too many login attempts. Try again in 60 seconds." in page.text
    assert 'name="next" value="/x"' in page.text
    assert page.headers["content-security-policy"]
    api = client.post("/api/login", json={"name": "R1", "password": PASSWORDS["R1"]})
    assert api.status_code == 429 and api.headers["retry-after"] == "60"
    assert api.json() == {"detail": "Too many login attempts. Try again in 60 seconds."}
    assert client.get("/api/me").status_code == 401  # the right password did not log in
    clock.now += 60
    assert (
        client.post("/api/login", json={"name": "R1", "password": PASSWORDS["R1"]}).status_code
        == 200
    )


def test_an_oversized_login_request_is_refused_unread(client: TestClient) -> None:
    body = {"name": "R1", "password": "x" * 1000, "padding": "y" * 20_000}
    assert client.post("/api/login", json=body).status_code == 413
    token = form_token(client.get("/login").text)
    form = {"name": "R1", "password": "p" * 20_000, "csrf_token": token}
    assert client.post("/login", data=form).status_code == 413


class CountingHasher(PasswordHasher):
    """The cheap hasher, counting how many verify at the same time."""

    def __init__(self) -> None:
        super().__init__(CHEAP.time_cost, CHEAP.memory_cost, CHEAP.parallelism)
        self.now = 0
        self.most = 0
        self.lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            time.sleep(0.05)  # long enough for the others to pile up, if they could
            return super().verify(hash, password)
        finally:
            with self.lock:
                self.now -= 1


def test_concurrent_logins_hash_at_most_two_at_once(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Separate event loops (one per test client): the accounts service's own bound."""
    hasher = CountingHasher()
    monkeypatch.setattr(accounts, "_hasher", lambda: hasher)

    def attempt(i: int) -> int:
        with TestClient(app, base_url="https://testserver") as c:
            body: dict[str, Any] = {"name": f"nobody-{i}", "password": "wrong-password"}
            return c.post("/api/login", json=body).status_code

    with ThreadPoolExecutor(24) as pool:
        codes = list(pool.map(attempt, range(24)))
    assert codes == [401] * 24
    assert hasher.most == accounts.HASHING_SLOTS == 2


def test_waiting_logins_hold_no_server_thread(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One server (one event loop): logins wait for their turn there, not in threads."""
    hasher = CountingHasher()
    monkeypatch.setattr(accounts, "_hasher", lambda: hasher)
    inside = CountingHasher()  # used as a counter of threads inside authenticate
    real = account_service.authenticate

    def authenticate(*args: Any) -> Any:
        with inside.lock:
            inside.now += 1
            inside.most = max(inside.most, inside.now)
        try:
            return real(*args)
        finally:
            with inside.lock:
                inside.now -= 1

    monkeypatch.setattr(account_service, "authenticate", authenticate)
    live = start_server(app)
    try:

        def attempt(i: int) -> int:
            with httpx.Client(base_url=live.url, timeout=60) as c:
                body = {"name": f"nobody-{i}", "password": "wrong-password"}
                return c.post("/api/login", json=body).status_code

        with ThreadPoolExecutor(24) as pool:
            codes = list(pool.map(attempt, range(24)))
    finally:
        stop_server(live)
    assert codes == [401] * 24  # all admitted: they queue, nobody is told to come back
    assert hasher.most == inside.most == accounts.HASHING_SLOTS
