"""Reading the store with SQL through the database driver, in one read-only transaction.

The screening state, the status counts and the PRISMA flow are read on every
``sysreview status``, ``prisma`` and ``screen conflicts``, each a new process. Importing
SQLAlchemy and tearing it down again takes about 0.17 s, more than these commands'
own work, so their queries are SQL text run on a DB-API 2.0 connection (PEP 249):
Python's own :mod:`sqlite3` when the command only reads an SQLite project, a pooled
connection of the store's engine when it has one (the web app; PostgreSQL), or the
connection of an open ORM session (:meth:`Reads.of_session`, which sees the session's
own writes). Each query is written once and runs the same way on every route.

SQLAlchemy has no lighter layer to use here (its Core needs the same import), hence
this small one: queries take ``:name`` parameters (rewritten to ``%(name)s`` for
drivers with the ``pyformat`` style, such as psycopg) and come back as tuples, values as
the driver gives them (SQLite gives booleans as 0 or 1: convert them).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sysreview.errors import StoreError
from sysreview.project.storage.urls import BUSY_TIMEOUT_MS

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

_CHUNK = 500
"""Values per ``IN (...)`` list: well under SQLite's limit on a statement's parameters."""
_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    """``sql`` with ``:name`` parameters as ``%(name)s`` (and a literal ``%`` doubled).

    Examples
    --------
    >>> _pyformat("SELECT id FROM record WHERE id > :after AND title LIKE '5%'")
    "SELECT id FROM record WHERE id > %(after)s AND title LIKE '5%%'"
    """
    return _PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%"))


class Reads:
    """SQL queries on one driver connection, in the transaction it is in.

    Parameters
    ----------
    connection
        A DB-API 2.0 connection (or SQLAlchemy's proxy of one).
    paramstyle
        The driver's parameter style (PEP 249): ``"qmark"`` or ``"named"`` (sqlite3
        takes ``:name`` either way), ``"pyformat"`` (psycopg).
    backend
        ``"sqlite"`` or ``"postgresql"``.
    """

    def __init__(self, connection: Any, paramstyle: str, backend: str) -> None:
        self._connection = connection
        self._pyformat = paramstyle in ("pyformat", "format")
        self.backend = backend

    @classmethod
    def of_session(cls, session: Session) -> Reads:
        """Reads in ``session``'s transaction, seeing its writes (pending ones flushed)."""
        session.flush()
        return cls.of_connection(session.connection())

    @classmethod
    def of_connection(cls, connection: Connection) -> Reads:
        """Reads on the driver connection behind a SQLAlchemy ``connection``."""
        dialect = connection.dialect
        return cls(connection.connection, dialect.paramstyle, dialect.name)

    def rows(self, sql: str, **params: object) -> list[tuple[Any, ...]]:
        """Every row ``sql`` gives, as tuples."""
        cursor = self._connection.cursor()
        try:
            cursor.execute(_pyformat(sql) if self._pyformat else sql, params)
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def column(self, sql: str, **params: object) -> list[Any]:
        """The first value of every row ``sql`` gives."""
        return [row[0] for row in self.rows(sql, **params)]

    def scalar(self, sql: str, **params: object) -> Any:
        """The first value of the first row (``None`` when there is no row)."""
        found = self.rows(sql, **params)
        return found[0][0] if found else None

    def rows_in(
        self, sql: str, values: Sequence[object], **params: object
    ) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` whose ``{values}`` (an ``IN`` list) takes each of ``values``.

        Run in chunks of :data:`_CHUNK` values, each one query.
        """
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(values), _CHUNK):
            chunk = values[start : start + _CHUNK]
            names = {f"v{i}": value for i, value in enumerate(chunk)}
            listed = sql.replace("{values}", ", ".join(f":{name}" for name in names))
            found += self.rows(listed, **params, **names)
        return found

    def schema_revision(self) -> str | None:
        """The schema revision recorded by Alembic (``None`` before the first migration).

        Read from Alembic's ``alembic_version`` table, as Alembic's
        ``MigrationContext.get_current_revision`` does.

        Raises
        ------
        StoreError
            When the table holds several revisions.
        """
        exists = (
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            if self.backend == "sqlite"
            else "SELECT to_regclass('alembic_version') IS NOT NULL"
        )
        if not self.scalar(exists):
            return None
        found = self.column("SELECT version_num FROM alembic_version")
        if len(found) > 1:
            raise StoreError(f"the database has several schema heads: {sorted(found)}")
        return found[0] if found else None


@contextmanager
def sqlite_reads(path: Path) -> Iterator[Reads]:
    """Reads of the SQLite database at ``path`` on a connection of their own.

    One deferred transaction (a consistent snapshot, taking no write lock) with
    ``PRAGMA query_only``, rolled back at the end; the connection is then closed.
    """
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only = 1")
        connection.execute("BEGIN")
        try:
            yield Reads(connection, sqlite3.paramstyle, "sqlite")
        finally:
            connection.rollback()
    finally:
        connection.close()


@contextmanager
def pooled_reads(connection: Any, backend: str, paramstyle: str) -> Iterator[Reads]:
    """Reads on a connection taken from an engine's pool, in one read-only transaction.

    SQLite: a deferred ``BEGIN`` (the pool's connections run without the driver's own
    transaction handling). PostgreSQL: ``REPEATABLE READ, READ ONLY``, so every query
    sees the same snapshot. Rolled back at the end; the connection goes back to the pool.
    """
    try:
        cursor = connection.cursor()
        try:
            if backend == "sqlite":  # each session's BEGIN sets query_only again
                cursor.execute("PRAGMA query_only = 1")
                cursor.execute("BEGIN")
            else:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        finally:
            cursor.close()
        try:
            yield Reads(connection, paramstyle, backend)
        finally:
            connection.rollback()
    finally:
        connection.close()


__all__ = ["Reads", "pooled_reads", "sqlite_reads"]
