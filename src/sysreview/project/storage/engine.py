"""Opening a store: database URLs, engines with the right settings, sessions and auditing.

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
(:meth:`Store.read_row` has a pool of its own that reconnects instead).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from sysreview.errors import StoreError
from sysreview.project.storage import migrate
from sysreview.project.storage.records import AuditEntry

ENV_VAR = "SYSREVIEW_DATABASE_URL"
"""Environment variable naming the database when no URL is given explicitly."""
DB_FILE = "review.db"
"""File name of the SQLite database inside a project directory."""
BUSY_TIMEOUT_MS = 10_000
"""How long an SQLite writer waits for another writer's lock."""
_DRIVERS = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg"}
_OPTION_READONLY = "sysreview_readonly"
_ACTIVE: ContextVar[tuple[tuple[Store, Session], ...]] = ContextVar(
    "sysreview_store_sessions", default=()
)


def sqlite_url(path: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL of an SQLite database file (made absolute).

    Examples
    --------
    >>> sqlite_url("/data/review.db")
    'sqlite+pysqlite:////data/review.db'
    """
    return URL.create("sqlite+pysqlite", database=str(Path(path).resolve())).render_as_string()


def database_url(project_dir: str | os.PathLike[str], explicit: str | None = None) -> str:
    """The database URL of a project: ``explicit``, else ``$SYSREVIEW_DATABASE_URL``, else SQLite.

    Parameters
    ----------
    project_dir
        The project directory; the SQLite default is ``project_dir/review.db``.
    explicit
        A URL given by the user (e.g. ``--database``); wins over the environment.

    Examples
    --------
    >>> database_url("/data/trial", "postgresql+psycopg://me@db/review")
    'postgresql+psycopg://me@db/review'
    """
    if explicit:
        return explicit
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return from_env
    return sqlite_url(Path(project_dir) / DB_FILE)


def parse_url(url_or_path: str | os.PathLike[str]) -> URL:
    """Turn a URL or a path (a database file, or a project directory) into a checked URL.

    ``postgresql://`` means ``postgresql+psycopg://``; in-memory SQLite is refused (a
    store must persist).

    Raises
    ------
    StoreError
        For other database kinds, malformed URLs and missing directories.
    """
    text = os.fspath(url_or_path)
    if "://" not in text:
        path = Path(text)
        if path.is_dir():
            path = path / DB_FILE
        if not path.parent.is_dir():
            raise StoreError(f"{path.parent}: no such directory for the database file")
        return make_url(sqlite_url(path))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise StoreError(f"Invalid database URL: {exc}") from None
    backend = url.get_backend_name()
    if backend not in _DRIVERS or url.drivername not in (backend, _DRIVERS[backend]):
        allowed = ", ".join(f"{d}://" for d in _DRIVERS.values())
        raise StoreError(
            f"Invalid database URL scheme {url.drivername!r}; must be one of {allowed}"
        )
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise StoreError("An in-memory SQLite database cannot hold a review; give a file")
    return url.set(drivername=_DRIVERS[backend])


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
    readonly = conn.get_execution_options().get(_OPTION_READONLY, False)
    conn.exec_driver_sql(f"PRAGMA query_only = {int(readonly)}")
    conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def _postgresql_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(_OPTION_READONLY, False):
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")


POSTGRESQL_POOL = {"pool_size": 20, "max_overflow": 20}
"""Connections kept open (and allowed on top) per PostgreSQL engine: a web server's
request threads each hold one, and a pool smaller than the requests in flight opens and
closes a connection per request (SQLAlchemy's default keeps 5)."""


def create_store_engine(url_or_path: str | os.PathLike[str] | URL) -> Engine:
    """An engine for ``url_or_path`` with the settings described in the module docstring."""
    url = url_or_path if isinstance(url_or_path, URL) else parse_url(url_or_path)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, **POSTGRESQL_POOL)
        event.listen(engine, "begin", _postgresql_begin)
    return engine


class Store:
    """A review's database: sessions, migrations and the audit log.

    Open one with :func:`open_store`, which brings the schema up to date first.

    Parameters
    ----------
    engine
        An engine made by :func:`create_store_engine`.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._readonly_engine = engine.execution_options(**{_OPTION_READONLY: True})
        self._compiled: dict[ClauseElement, SQLCompiler] = {}
        self._read_engine: Engine | None = None
        self._reader_lock = threading.Lock()

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error.

        Parameters
        ----------
        readonly
            Start a read-only transaction, in which writes fail (SQLite: a deferred
            ``BEGIN`` with ``PRAGMA query_only``, taking no write lock; PostgreSQL:
            ``SET TRANSACTION READ ONLY``).

        Notes
        -----
        Objects stay usable after the block (``expire_on_commit=False``), detached.
        Do not open a write session inside another one on SQLite: the inner one would
        wait for the outer one's write lock (and fail after the busy timeout).
        """
        session = Session(
            self._readonly_engine if readonly else self.engine, expire_on_commit=False
        )
        token = _ACTIVE.set((*_ACTIVE.get(), (self, session)))
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            _ACTIVE.reset(token)
            session.close()

    def read_row(
        self, statement: ClauseElement, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, ...] | None:
        """The first row of one ``SELECT``, read straight through the driver; or ``None``.

        For reads on a hot path, such as the web app's login check on every request:
        the statement is compiled once per store and run on a pooled connection with
        neither an ORM session nor the transaction set-up of :meth:`session`, about
        20 times faster on SQLite (~12 µs against ~270 µs). One statement reads a
        consistent snapshot on its own. Values come as the driver gives them (SQLite
        gives booleans as 0 or 1): convert them.

        Parameters
        ----------
        statement
            A ``select()``; its ``bindparam()`` values come from ``params``.
        params
            Values of the statement's bound parameters, by name.
        """
        compiled = self._compiled.get(statement)
        if compiled is None:
            made = statement.compile(dialect=self.engine.dialect)
            assert isinstance(made, SQLCompiler)
            compiled = self._compiled[statement] = made
        values = compiled.construct_params(dict(params or {}))
        assert values is not None
        args: Any = values
        if compiled.positiontup is not None:
            args = tuple(values[name] for name in compiled.positiontup)
        engine = self._reader()
        for attempt in (1, 2):
            connection = engine.raw_connection()
            try:
                cursor = connection.cursor()
                try:
                    cursor.execute(compiled.string, args)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            except engine.dialect.loaded_dbapi.Error as exc:
                if not engine.dialect.is_disconnect(exc, connection.dbapi_connection, None):
                    raise
                connection.invalidate(exc)
                if attempt == 2:
                    raise
                # The server restarted or dropped us: every idle pooled connection is as
                # dead as this one, so close them all and try once more, anew.
                engine.pool.dispose()
                continue
            finally:
                connection.close()
            return None if row is None else tuple(row)
        raise AssertionError("unreachable")

    def _reader(self) -> Engine:
        """The engine of :meth:`read_row`.

        PostgreSQL: a pool of its own without ``pool_pre_ping``, whose extra round trip
        per checkout would double the cost of a one-row read; :meth:`read_row` instead
        closes every idle connection of the pool when it finds one dead (after a server
        restart, all of them are) and retries once on a new connection. SQLite: the
        store's engine.
        """
        if self.backend == "sqlite":
            return self.engine
        with self._reader_lock:
            if self._read_engine is None:
                self._read_engine = create_engine(self.engine.url, **POSTGRESQL_POOL)
            return self._read_engine

    def audit(
        self,
        who: str,
        what: str,
        entity: str,
        entity_id: int | None = None,
        payload: dict[str, Any] | None = None,
        *,
        session: Session | None = None,
    ) -> AuditEntry:
        """Add an audit log entry to the current transaction.

        Parameters
        ----------
        who, what
            The actor (reviewer name or process) and the action, e.g. ``"import"``.
        entity, entity_id
            The table and row acted upon.
        payload
            JSON-serialisable details.
        session
            The session to write in; by default the innermost :meth:`session` of this
            store that is open in the current context.

        Raises
        ------
        StoreError
            Outside a session, or when ``payload`` is not JSON-serialisable.
        """
        if session is None:
            session = next((s for st, s in reversed(_ACTIVE.get()) if st is self), None)
            if session is None:
                raise StoreError("Store.audit needs an open Store.session() (or session=)")
        try:
            json.dumps(payload)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"audit payload is not JSON-serialisable: {exc}") from None
        entry = AuditEntry(who=who, what=what, entity=entity, entity_id=entity_id, payload=payload)
        session.add(entry)
        return entry

    def current_revision(self) -> str | None:
        """The schema revision of the database (``None`` when never migrated)."""
        with self._readonly_engine.connect() as conn:
            return migrate.current_revision(conn)

    def head_revision(self) -> str:
        """The newest schema revision this version of sysreview knows."""
        return migrate.head_revision()

    def upgrade(self, revision: str = "head") -> None:
        """Run the Alembic migrations up to ``revision``, in one transaction."""
        migrate.upgrade(self.engine, revision)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self._read_engine is not None:
            self._read_engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_store(url_or_path: str | os.PathLike[str], *, upgrade: bool = True) -> Store:
    """Open the store at a URL, a database file or a project directory.

    Parameters
    ----------
    url_or_path
        ``sqlite:///…``, ``postgresql+psycopg://…``, a file path, or a directory (meaning
        ``DIR/review.db``). See :func:`database_url` for the usual way to choose.
    upgrade
        Bring the schema to the newest revision before returning (the default; only a
        status report should pass ``False``).
    """
    store = Store(create_store_engine(url_or_path))
    try:
        if upgrade and store.current_revision() != store.head_revision():
            store.upgrade()
    except BaseException:
        store.close()
        raise
    return store
