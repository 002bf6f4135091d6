"""Revocable sessions: a copied cookie dies with logout, a new password, role or deactivation.

The session cookie is signed, not stored: without the account's session generation a
copy would keep working until it expires. These tests replay copies of a cookie.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from sysreview.project.accounts.users import authenticate, get_account, update_account
from sysreview.web import WebSettings, create_app
from sysreview.web.app import SESSION_COOKIE
from tests.unit.web.conftest import (
    PASSWORDS,
    SECRET,
    TestClient,
    login,
    make_project,
    start_server,
    stop_server,
)

Clients = Callable[[str], tuple[TestClient, str]]


def _replay(app: FastAPI, cookie: str) -> tuple[int, int]:
    """A stranger with a copy of ``cookie``: the statuses of ``/api/me`` and ``/screen/ta``."""
    with TestClient(app, base_url="https://testserver") as stranger:
        stranger.cookies.set(SESSION_COOKIE, cookie)
        api = stranger.get("/api/me").status_code
        page = stranger.get("/screen/ta", follow_redirects=False)
        if page.status_code == 303:
            assert page.headers["location"].startswith("/login")
        return api, page.status_code


def test_a_copied_cookie_is_refused_after_logout(clients: Clients, app: FastAPI) -> None:
    client, token = clients("R1")
    cookie = client.cookies[SESSION_COOKIE]
    assert _replay(app, cookie) == (200, 200)  # a copy works while the session lives
    answer = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    assert _replay(app, cookie) == (401, 303)
    body = {"stage": "ta", "record_id": 1, "decision": "include"}
    with TestClient(app, base_url="https://testserver") as stranger:
        stranger.cookies.set(SESSION_COOKIE, cookie)
        posted = stranger.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
    assert posted.status_code == 401


def test_a_replayed_cookie_cannot_log_out_the_sessions_begun_since(
    clients: Clients, app: FastAPI
) -> None:
    client, token = clients("R1")
    stale = client.cookies[SESSION_COOKIE]
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    login(client, "R1")  # a new session
    with TestClient(app, base_url="https://testserver") as attacker:
        attacker.cookies.set(SESSION_COOKIE, stale)
        attacker.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert client.get("/api/me").status_code == 200


def test_logout_in_one_browser_ends_the_other(clients: Clients) -> None:
    laptop, laptop_token = clients("R1")
    phone, _ = clients("R1")
    other, _ = clients("R2")
    assert phone.get("/api/me").status_code == 200
    answer = laptop.post("/api/logout", headers={"X-CSRF-Token": laptop_token})
    assert answer.status_code == 204
    assert laptop.get("/api/me").status_code == 401
    assert phone.get("/api/me").status_code == 401
    assert other.get("/api/me").json()["name"] == "R2"  # other accounts are untouched
    login(phone, "R1")  # logging in again works
    assert phone.get("/api/me").json()["name"] == "R1"


@pytest.mark.parametrize(
    "change",
    [{"password": "a new password"}, {"role": "admin"}, {"active": False}, {"end_sessions": True}],
    ids=["password", "role", "deactivation", "end-sessions"],
)
def test_an_account_change_ends_its_sessions(
    clients: Clients, app: FastAPI, change: dict[str, object]
) -> None:
    client, _ = clients("R1")
    cookie = client.cookies[SESSION_COOKIE]
    update_account(app.state.project.store, "R1", **change)  # type: ignore[arg-type]
    assert client.get("/api/me").status_code == 401
    assert _replay(app, cookie) == (401, 303)


def test_reactivation_does_not_revive_old_cookies(clients: Clients, app: FastAPI) -> None:
    client, _ = clients("R2")
    cookie = client.cookies[SESSION_COOKIE]
    store = app.state.project.store
    update_account(store, "R2", active=False)
    update_account(store, "R2", active=True)
    assert _replay(app, cookie) == (401, 303)
    login(client, "R2")
    assert client.get("/api/me").status_code == 200


def test_a_changed_nothing_and_a_rehash_keep_the_sessions(
    clients: Clients, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argon2 import PasswordHasher

    from sysreview.project.accounts import users as accounts

    client, _ = clients("R1")
    store = app.state.project.store
    update_account(store, "R1", role="reviewer")  # its role already
    stronger = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: stronger)
    before = authenticate(store, "R1", PASSWORDS["R1"])
    assert before is not None
    assert get_account(store, before.id) == before  # rehashed, same generation
    assert client.get("/api/me").status_code == 200


def _sysreview(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The ``sysreview`` command, in a process of its own."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("sysreview")), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_cli_ends_sessions_of_a_running_server(tmp_path: Path, store_url: str) -> None:
    """``sysreview user set --password`` and ``user logout`` from another process."""
    project = make_project(tmp_path / "review", store_url)
    application = create_app(project, store_url, settings=WebSettings(secret_key=SECRET))
    live = start_server(application)
    try:
        with httpx.Client(base_url=live.url, timeout=30) as browser:
            answer = browser.post("/api/login", json={"name": "R1", "password": PASSWORDS["R1"]})
            assert answer.status_code == 200
            cookie = browser.cookies[SESSION_COOKIE]
            changed = _sysreview(
                "user", "set", "R1", "--password-stdin", "-p", str(project), "--db", store_url,
                stdin="a brand new password\n",
            )  # fmt: skip
            assert changed.returncode == 0, changed.stderr
            assert browser.get("/api/me").status_code == 401
            with httpx.Client(base_url=live.url, timeout=30) as copy:
                copy.cookies.set(SESSION_COOKIE, cookie)
                assert copy.get("/api/me").status_code == 401
            old = {"name": "R1", "password": PASSWORDS["R1"]}
            assert browser.post("/api/login", json=old).status_code == 401
            new = {"name": "R1", "password": "a brand new password"}
            assert browser.post("/api/login", json=new).status_code == 200
            assert browser.get("/api/me").status_code == 200
            ended = _sysreview("user", "logout", "R1", "-p", str(project), "--db", store_url)
            assert ended.returncode == 0, ended.stderr
            assert "every web session ended" in ended.stdout
            assert browser.get("/api/me").status_code == 401
    finally:
        stop_server(live)
    application.state.project.close()


def test_user_logout_of_an_unknown_account_is_a_clear_error(project: Path) -> None:
    done = _sysreview("user", "logout", "R9", "-p", str(project))
    assert done.returncode == 2
    assert "no account 'R9'" in done.stderr and "Traceback" not in done.stderr
