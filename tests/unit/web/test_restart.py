"""PostgreSQL restarts while the web app serves: no request after the restart fails.

A restart drops every connection in the app's pools (the ORM's and the login check's).
The pools hold many connections here, as under load: twenty clients at once first. After
``pg_ctl restart`` (a clean ``fast`` shutdown, and an ``immediate`` one, i.e. a crash),
twenty clients at once read pages, the login check and the queue, and post decisions:
every answer must be a success.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from sysreview.web import WebSettings, create_app
from tests.pg import PgServer, find_bindir, missing_reason
from tests.unit.web.conftest import (
    N_RECORDS,
    PASSWORDS,
    SECRET,
    LiveServer,
    make_project,
    start_server,
    stop_server,
)

CLIENTS = 20


@pytest.fixture
def own_pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server of this test's own (the session's is shared: not restarted)."""
    reason = missing_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL is required)")
        pytest.skip(reason)
    bindir = find_bindir()
    assert bindir is not None
    server = PgServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


def _work(base: str, cookies: httpx.Cookies, token: str, number: int) -> list[int]:
    """One client's requests: the login check, a page, the queue, two decisions."""
    with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
        codes = [client.get("/api/me").status_code, client.get("/dashboard").status_code]
        codes.append(client.get("/api/queue").status_code)
        for i in range(2):
            body = {"stage": "ta", "record_id": 1 + (number + i) % N_RECORDS, "decision": "maybe"}
            answer = client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
            codes.append(answer.status_code)
    return codes


def _all_at_once(live: LiveServer, cookies: httpx.Cookies, token: str) -> set[int]:
    with ThreadPoolExecutor(CLIENTS) as pool:
        runs = pool.map(_work, [live.url] * CLIENTS, [cookies] * CLIENTS, [token] * CLIENTS,
                        range(CLIENTS))  # fmt: skip
        return {code for run in runs for code in run}


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_requests_after_a_restart_all_succeed(
    own_pg_server: PgServer, tmp_path: Path, mode: str
) -> None:
    url = own_pg_server.create_database("review")
    project = make_project(tmp_path / "review", url)
    application = create_app(project, url, settings=WebSettings(secret_key=SECRET))
    live = start_server(application)
    try:
        with httpx.Client(base_url=live.url, timeout=60) as person:
            login = {"name": "R1", "password": PASSWORDS["R1"]}
            token = person.post("/api/login", json=login).json()["csrf_token"]
            cookies = person.cookies
        assert _all_at_once(live, cookies, token) == {200, 201}  # the pools are full now
        own_pg_server.restart(mode)
        assert _all_at_once(live, cookies, token) == {200, 201}
        assert set(_work(live.url, cookies, token, 0)) == {200, 201}
    finally:
        stop_server(live)
        application.state.project.close()
