"""Alembic, configured from Python: the migrations ship inside the package.

No ``alembic.ini`` is needed: :func:`alembic_config` points ``script_location`` at
``sysreview/project/storage/migrations``. To write a new migration after changing the models::

    from alembic import command
    from sysreview.project.storage.migrate import alembic_config
    command.revision(alembic_config("sqlite:////tmp/x.db"), "what changed",
                     autogenerate=True, rev_id="0002")

(upgrade ``/tmp/x.db`` to head first), then review the generated file by hand: it must
stand on its own, without importing the models, so that it means the same forever.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from sysreview.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

HEAD_REVISION = "0016"
"""The newest shipped migration. Opening a project compares the database with it, so
that an up-to-date project opens without importing Alembic (a fifth of a second on every
command); ``tests/unit/project/storage/test_migrations.py`` checks it against Alembic's own head."""

_PG_UPGRADE_LOCK = 0x53595352
"""Advisory lock key ("SYSR") serialising concurrent upgrades on PostgreSQL."""


def migrations_dir() -> Path:
    """The folder holding ``env.py`` and ``versions/`` (inside the installed package)."""
    folder = files("sysreview.project.storage").joinpath("migrations")
    if not isinstance(folder, Path) or not folder.joinpath("env.py").is_file():
        raise StoreError(f"the migrations folder is not a directory on disk: {folder}")
    return folder


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic configuration for the store's migrations.

    Parameters
    ----------
    url
        Database URL for Alembic to connect to itself (offline mode, developer commands).
    connection
        A connection (in a transaction) for the migrations to run on; wins over ``url``.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision among the shipped migrations."""
    return HEAD_REVISION


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the database (``None`` before the first migration).

    See :meth:`sysreview.project.storage.reads.Reads.schema_revision`.
    """
    from sysreview.project.storage.reads import Reads

    return Reads.of_connection(connection).schema_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision`` in a single transaction.

    Concurrent upgrades are serialised: by ``BEGIN IMMEDIATE`` on SQLite and by an
    advisory transaction lock on PostgreSQL; the second finds nothing left to do.
    """
    from alembic import command
    from alembic.util import CommandError
    from sqlalchemy import text

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK}
            )
        try:
            command.upgrade(alembic_config(connection=connection), revision)
        except CommandError as exc:
            found = current_revision(connection)
            raise StoreError(
                f"cannot upgrade the database (at revision {found!r}) to {revision!r}: {exc}"
            ) from None


def _run_on(connection: Connection) -> None:
    from alembic import context

    from sysreview.project.storage.models import full_metadata

    context.configure(
        connection=connection,
        target_metadata=full_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    """The body of ``env.py``: run the migrations Alembic asked for, online or offline."""
    from alembic import context

    from sysreview.project.storage.models import full_metadata

    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=full_metadata(),
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise StoreError("alembic_config() needs a url or a connection")
    from sysreview.project.storage.connecting import create_store_engine

    engine = create_store_engine(url)
    try:
        with engine.begin() as connection:
            _run_on(connection)
    finally:
        engine.dispose()
