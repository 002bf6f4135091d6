"""Where a project's database is: URLs, the SQLite default and its file.

Plain string work, so that naming a database costs no SQLAlchemy import; only
:func:`parse_url` (checking a URL given by the user) uses SQLAlchemy's URL parser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from sysreview.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

ENV_VAR = "SYSREVIEW_DATABASE_URL"
"""Environment variable naming the database when no URL is given explicitly."""
DB_FILE = "review.db"
"""File name of the SQLite database inside a project directory."""
BUSY_TIMEOUT_MS = 10_000
"""How long an SQLite writer waits for another writer's lock."""
DRIVERS = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg"}
"""The driver sysreview uses for each kind of database."""
_SQLITE_FILE = re.compile(r"sqlite(?:\+pysqlite)?:///(?P<path>[^?#]+)")


def sqlite_url(path: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL of an SQLite database file (made absolute).

    Quoted as SQLAlchemy's ``URL.render_as_string`` quotes a database (``quote`` keeping
    ``" +/"``), so that its URL parser gives the path back.

    Examples
    --------
    >>> sqlite_url("/data/review.db")
    'sqlite+pysqlite:////data/review.db'
    >>> sqlite_url("/data/a#b/review.db")
    'sqlite+pysqlite:////data/a%23b/review.db'
    """
    return "sqlite+pysqlite:///" + quote(str(Path(path).resolve()), safe=" +/")


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL without options; ``None`` for any other URL.

    Examples
    --------
    >>> sqlite_file("sqlite+pysqlite:////data/a%23b/review.db")
    PosixPath('/data/a#b/review.db')
    >>> sqlite_file("postgresql+psycopg://me@db/review") is None
    True
    """
    found = _SQLITE_FILE.fullmatch(url)
    return None if found is None else Path(unquote(found["path"]))


def backend_of(url: str) -> str:
    """The kind of database a URL names (``"sqlite"``, ``"postgresql"``).

    Examples
    --------
    >>> backend_of("postgresql+psycopg://me@db/review")
    'postgresql'
    """
    return url.split(":", 1)[0].split("+", 1)[0]


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
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

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
    if backend not in DRIVERS or url.drivername not in (backend, DRIVERS[backend]):
        allowed = ", ".join(f"{d}://" for d in DRIVERS.values())
        raise StoreError(
            f"Invalid database URL scheme {url.drivername!r}; must be one of {allowed}"
        )
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise StoreError("An in-memory SQLite database cannot hold a review; give a file")
    return url.set(drivername=DRIVERS[backend])


__all__ = [
    "BUSY_TIMEOUT_MS",
    "DB_FILE",
    "DRIVERS",
    "ENV_VAR",
    "backend_of",
    "database_url",
    "parse_url",
    "sqlite_file",
    "sqlite_url",
]
