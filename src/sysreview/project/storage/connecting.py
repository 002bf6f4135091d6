"""Engines with the right settings: SQLite's pragmas and transactions, PostgreSQL's pool.

SQLite (the default, ``DIR/review.db``) is opened with these pragmas on every connection:

``journal_mode = WAL``
    Readers do not block the writer and the writer does not block readers.
``synchronous = FULL``
    In WAL mode, ``NORMAL`` already survives a crash of the *process*, but a commit may be
    lost if the *machine* loses power before the next checkpoint. ``FULL`` syncs the WAL at
    every commit, so a committed decision survives both. The web server commits
    decisions that arrive together in one transaction
    (:mod:`sysreview.project.storage.group_commit`), so a burst pays one sync.
``foreign_keys = ON``
    SQLite does not check foreign keys unless asked to, per connection.
``busy_timeout = 10000``
    A writer waits up to 10 s for another writer's lock instead of failing at once.

Write transactions start with ``BEGIN IMMEDIATE``: the write lock is taken (or waited for)
at the start, so two writers never deadlock upgrading read locks, which SQLite would
report as ``database is locked`` without waiting. PostgreSQL needs none of this; its
engines keep a pool of :data:`POSTGRESQL_POOL` connections, checked with a ping when taken
from the pool, so that after a server restart the first request finds the dead
connections and the pool is renewed instead of the request failing
(:meth:`~sysreview.project.storage.engine.Store.read_row` has a pool of its own that
reconnects instead).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sysreview.errors import StoreError
from sysreview.project.storage.urls import BUSY_TIMEOUT_MS, parse_url

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine import URL

OPTION_READONLY = "sysreview_readonly"
"""The execution option that makes a transaction read-only (:func:`create_store_engine`)."""


def _with_lock_retry(action: Callable[[], Any]) -> Any:
    """Run ``action``, retrying while SQLite says "database is locked".

    Switching a brand-new file to WAL needs an exclusive lock, and SQLite can answer
    ``SQLITE_BUSY`` there without calling the busy handler when two processes open the
    same new database at once; so wait and retry, up to the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (_sqlite_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = _with_lock_retry(lambda: cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        if str(mode).lower() != "wal":
            raise StoreError(f"SQLite refused WAL journal mode (got {mode!r})")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    readonly = conn.get_execution_options().get(OPTION_READONLY, False)
    conn.exec_driver_sql(f"PRAGMA query_only = {int(readonly)}")
    conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def _postgresql_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(OPTION_READONLY, False):
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")


POSTGRESQL_POOL = {"pool_size": 20, "max_overflow": 20}
"""Connections kept open (and allowed on top) per PostgreSQL engine: a web server's
request threads each hold one, and a pool smaller than the requests in flight opens and
closes a connection per request (SQLAlchemy's default keeps 5)."""


def create_store_engine(url_or_path: str | os.PathLike[str] | URL) -> Engine:
    """An engine for ``url_or_path`` with the settings described in the module docstring."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL

    url = url_or_path if isinstance(url_or_path, URL) else parse_url(url_or_path)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, **POSTGRESQL_POOL)
        event.listen(engine, "begin", _postgresql_begin)
    return engine


__all__ = ["OPTION_READONLY", "POSTGRESQL_POOL", "create_store_engine"]
