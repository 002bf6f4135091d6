"""Fixtures for the store tests: the same tests run on SQLite and on PostgreSQL.

PostgreSQL comes from a throw-away server (:mod:`tests.pg`), one per test session; each
test gets a fresh database copied from a template (already migrated, or blank). When
the server binaries are missing the PostgreSQL cases are skipped, saying why, except
under ``CI=true``, where a missing component is a failure.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sysreview.project.storage import Store, open_store, sqlite_url
from tests.pg import PgServer, find_bindir, missing_reason

BACKENDS = ["sqlite", "postgresql"]
HEAD_TEMPLATE = "sysreview_head"
_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for the whole session, with a migrated template database."""
    reason = missing_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL is required)")
        pytest.skip(reason)
    bindir = find_bindir()
    assert bindir is not None
    server = PgServer(bindir).start()
    try:
        with open_store(server.create_database(HEAD_TEMPLATE)):
            pass  # migrated to head, then every connection closed (a template must be idle)
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgresql"``."""
    return str(request.param)


@pytest.fixture
def new_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., str]]:
    """A factory of fresh databases on ``backend``: ``new_url(blank=False) -> url``.

    ``blank=True`` gives a database without any schema; otherwise it is at head.
    PostgreSQL databases are dropped after the test.
    """
    made: list[str] = []

    def make(blank: bool = False) -> str:
        name = f"test_{next(_numbers)}"
        if backend == "sqlite":
            url = sqlite_url(tmp_path / f"{name}.db")
            if not blank:
                open_store(url).close()
            return url
        server: PgServer = request.getfixturevalue("pg_server")
        made.append(name)
        return server.create_database(name, "template0" if blank else HEAD_TEMPLATE)

    yield make
    if made:
        server: PgServer = request.getfixturevalue("pg_server")
        for name in made:
            server.drop_database(name)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh PostgreSQL database at head (for PostgreSQL-only tests), dropped afterwards."""
    name = f"test_{next(_numbers)}"
    yield pg_server.create_database(name, HEAD_TEMPLATE)
    pg_server.drop_database(name)


@pytest.fixture
def store_url(new_url: Callable[..., str]) -> str:
    """The URL of a fresh database at the newest schema revision."""
    return new_url()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open store on a fresh database, closed after the test."""
    with open_store(store_url) as opened:
        yield opened
