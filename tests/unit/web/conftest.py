"""Fixtures for the web app tests: a seeded project, accounts, logged-in clients, a server.

The project is the seed review's protocol with every title/abstract record screened by
both R1 and R2 (``dual_fraction = 1.0``), so that conflicts and blinding can be shown
on a handful of records. Records 1 and 2 carry markup in their title and abstract.
Passwords are hashed with argon2's cheapest profile here (the real one takes ~0.3 s).
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from argon2 import PasswordHasher, profiles
from fastapi import FastAPI

from sysreview.project.accounts import users as accounts
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, opened
from sysreview.web import WebSettings, create_app

with warnings.catch_warnings():  # starlette warns that it prefers httpx2 (not installed)
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["TestClient"]

SCRIPT_TITLE = "Peer groups <script>window.__pwned = 1</script> trial"
IMG_ABSTRACT = 'A randomised trial <img src=x onerror="window.__pwned = 2"> & <b>bold</b> claims.'
PASSWORDS = {"R1": "r1-password", "R2": "r2-password", "R3": "r3-password", "boss": "boss-pass"}
ROLES = {"R1": "reviewer", "R2": "reviewer", "R3": "adjudicator", "boss": "admin"}
N_RECORDS = 6
SECRET = "test-secret-" + "x" * 20


CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
CHEAP_DUMMY = CHEAP.hash("dummy password")


def _cheap(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(accounts, "_hasher", lambda: CHEAP)
    patch.setattr(accounts, "_dummy_hash", lambda: CHEAP_DUMMY)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash passwords with argon2's cheapest parameters (tests only)."""
    _cheap(monkeypatch)


def ris(n: int, first: int = 1) -> str:
    """``n`` RIS records; the first two hold markup."""
    out = []
    for i in range(first, first + n):
        title = SCRIPT_TITLE if i == 1 else f"Group peer support trial {i}"
        abstract = IMG_ABSTRACT if i in (1, 2) else f"Randomised trial number {i} of peer groups."
        out.append(
            f"TY  - JOUR\nTI  - {title}\nAB  - {abstract}\nPY  - 2020\nAU  - Doe, A\nER  - \n"
        )
    return "\n".join(out)


def make_project(directory: Path, db_url: str | None, n: int = N_RECORDS) -> Path:
    """A seed-review project with ``n`` records, everything dual-screened, four accounts."""
    init_project(directory, "group-peer-support", db_url)
    protocol = directory / "review.toml"
    text = protocol.read_text(encoding="utf-8")
    protocol.write_text(text.replace("dual_fraction = 0.10", "dual_fraction = 1.0"), "utf-8")
    (directory / "search.ris").write_text(ris(n), encoding="utf-8")
    import_files(directory, [directory / "search.ris"], source="MEDLINE", db_url=db_url)
    with opened(directory, db_url) as (_, store):
        for name, role in ROLES.items():
            accounts.create_account(store, name, role=role, password=PASSWORDS[name])
    return directory


@pytest.fixture(scope="session")
def seeded_sqlite_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded project on SQLite, made once (copied by :func:`project`)."""
    with pytest.MonkeyPatch.context() as patch:
        _cheap(patch)
        return make_project(tmp_path_factory.mktemp("template") / "review", None)


@pytest.fixture
def project(seeded_sqlite_project: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeded project on SQLite."""
    return Path(shutil.copytree(seeded_sqlite_project, tmp_path / "review"))


@pytest.fixture
def app(project: Path) -> Iterator[FastAPI]:
    """The web app of :func:`project`."""
    application = create_app(project, settings=WebSettings(secret_key=SECRET))
    yield application
    application.state.project.close()


def form_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


def login(client: TestClient, name: str) -> str:
    """Log ``name`` in through the login form; returns the session's CSRF token."""
    token = form_token(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"name": name, "password": PASSWORDS[name], "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return form_token(client.get("/login").text)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client that is not logged in."""
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def clients_of(app: FastAPI) -> Iterator[Callable[[str], tuple[TestClient, str]]]:
    """``make(name) -> (client, csrf token)``: clients of ``app`` logged in, closed after."""
    opened: list[TestClient] = []

    def make(name: str) -> tuple[TestClient, str]:
        c = TestClient(app, base_url="https://testserver")
        c.__enter__()
        opened.append(c)
        return c, login(c, name)

    yield make
    for c in opened:
        c.__exit__(None, None, None)


def clients_for(project: Path) -> Iterator[Callable[[str], tuple[TestClient, str]]]:
    """:func:`clients_of` a web app opened on ``project`` now (closed after)."""
    application = create_app(project, settings=WebSettings(secret_key=SECRET))
    yield from clients_of(application)
    application.state.project.close()


@pytest.fixture
def clients(app: FastAPI) -> Iterator[Callable[[str], tuple[TestClient, str]]]:
    """``clients(name) -> (client, csrf token)``: a client logged in as ``name``."""
    yield from clients_of(app)


@dataclass
class LiveServer:
    """A uvicorn server on 127.0.0.1 in a thread."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(application: Any) -> LiveServer:
    """Serve ``application`` on a free port of 127.0.0.1 until :func:`stop_server`."""
    port = free_port()
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread)


def stop_server(live: LiveServer) -> None:
    live.server.should_exit = True
    live.thread.join(timeout=20)


@contextmanager
def served(project: Path) -> Iterator[LiveServer]:
    """The project's web app served by :func:`start_server`; stopped, and the project
    closed, at the end of the block."""
    application = create_app(project, settings=WebSettings(secret_key=SECRET))
    server = start_server(application)
    try:
        yield server
    finally:
        stop_server(server)
        application.state.project.close()
