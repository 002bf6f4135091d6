"""Opening a review project: its directory, validated protocol and database.

Every function takes a project directory (holding ``review.toml``) and, where it needs
the database, an optional database URL (default: ``SYSREVIEW_DATABASE_URL``, else
SQLite at ``DIR/review.db``). Creating, upgrading, exporting and loading a project live
here too.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sysreview.errors import InputError
from sysreview.project.storage import Store, database_url, open_store
from sysreview.protocol import TEMPLATES, Protocol, load_protocol, template_text
from sysreview.protocol.templates import template_searches

if TYPE_CHECKING:
    from sysreview.project.storage.dump import DumpManifest

PROTOCOL_FILE = "review.toml"
DUMP_DATABASE = "database"

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class Project:
    """A review project: its directory, its validated protocol and its database URL."""

    directory: Path
    protocol: Protocol
    database_url: str

    @property
    def protocol_path(self) -> Path:
        """The protocol file, ``DIR/review.toml``."""
        return self.directory / PROTOCOL_FILE


def protocol_path(directory: PathLike) -> Path:
    """``DIR/review.toml``; raises :class:`InputError` when it does not exist."""
    path = Path(directory) / PROTOCOL_FILE
    if not path.is_file():
        raise InputError(
            f"no {PROTOCOL_FILE} here: not a sysreview project "
            "(create one with 'sysreview init DIR')",
            source=str(Path(directory)),
        )
    return path


def validate_protocol(directory: PathLike) -> Protocol:
    """Load and validate the project's protocol (raises ``ProtocolError`` on mistakes)."""
    return load_protocol(protocol_path(directory))


def load_project(directory: PathLike, db_url: str | None = None) -> Project:
    """The project in ``directory``, with its protocol validated."""
    directory = Path(directory)
    protocol = validate_protocol(directory)
    return Project(directory, protocol, database_url(directory, db_url))


@contextmanager
def opened(directory: PathLike, db_url: str | None = None) -> Iterator[tuple[Project, Store]]:
    """The project (protocol validated) and its database, upgraded; closed afterwards."""
    project = load_project(directory, db_url)
    with open_store(project.database_url) as store:
        yield project, store


@contextmanager
def project_store(directory: PathLike, db_url: str | None = None) -> Iterator[Store]:
    """The project's database, upgraded to the current schema, closed afterwards."""
    with opened(directory, db_url) as (_, store):
        yield store


def init_project(
    directory: PathLike, template: str = "blank", db_url: str | None = None
) -> Project:
    """Create a project: ``review.toml`` from a template and an upgraded database.

    Parameters
    ----------
    directory
        Created when missing; must not hold a ``review.toml`` yet.
    template
        ``group-peer-support`` (the seed review, ready to run) or ``blank``.
    db_url
        The database (default: SQLite at ``DIR/review.db``).

    Raises
    ------
    InputError
        For an unknown template or an existing project.
    """
    if template not in TEMPLATES:
        raise InputError(f"unknown template {template!r}; must be one of {', '.join(TEMPLATES)}")
    directory = Path(directory)
    path = directory / PROTOCOL_FILE
    if path.exists():
        raise InputError(f"{path} already exists: the project is already initialised")
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(template_text(template), encoding="utf-8")
    for file_name, text in template_searches(template).items():
        searches = directory / "searches"
        searches.mkdir(exist_ok=True)
        if not (searches / file_name).exists():
            (searches / file_name).write_text(text, encoding="utf-8")
    try:
        project = load_project(directory, db_url)
        with open_store(project.database_url) as store, store.session():
            store.audit("sysreview", "init project", "project", None, {"template": template})
    except BaseException:
        path.unlink()  # nothing half-made: the next 'init' starts clean
        raise
    return project


def upgrade_database(directory: PathLike, db_url: str | None = None) -> tuple[str | None, str]:
    """Migrate the project's database to the newest schema; ``(before, after)`` revisions."""
    project = load_project(directory, db_url)
    with open_store(project.database_url, upgrade=False) as store:
        before = store.current_revision()
        store.upgrade()
        return before, store.head_revision()


def export_project(
    directory: PathLike, out_dir: PathLike, db_url: str | None = None
) -> DumpManifest:
    """Write the whole project as plain files: ``review.toml`` and one file per table."""
    from sysreview.project.storage.dump import export_store

    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} is not empty: export into a new or empty folder")
    project = load_project(directory, db_url)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(project.protocol_path, out / PROTOCOL_FILE)
    with open_store(project.database_url) as store:
        return export_store(store, out / DUMP_DATABASE)


def load_project_dump(
    dump_dir: PathLike, directory: PathLike, db_url: str | None = None
) -> Project:
    """Restore an exported project into a new project directory (lossless round trip)."""
    from sysreview.project.storage.dump import check_dump, holds_data, load_store

    dump = Path(dump_dir)
    source = dump / PROTOCOL_FILE
    if not source.is_file() or not (dump / DUMP_DATABASE).is_dir():
        raise InputError(
            f"{dump} is not a sysreview export (no {PROTOCOL_FILE} or {DUMP_DATABASE}/)"
        )
    target = Path(directory)
    if (target / PROTOCOL_FILE).exists():
        raise InputError(f"{target / PROTOCOL_FILE} already exists: load into a new project folder")
    load_protocol(source)  # refuse an export whose protocol no longer validates
    manifest = check_dump(dump / DUMP_DATABASE)  # every row, before anything is created
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target / PROTOCOL_FILE)
    project = load_project(target, db_url)
    with open_store(project.database_url, upgrade=False) as store:
        if store.current_revision() is not None and holds_data(store):
            raise InputError(f"the database of {target} is not empty: load needs an empty one")
        store.upgrade(manifest.schema_revision)  # load at the dump's schema, then migrate
        load_store(dump / DUMP_DATABASE, store)
        store.upgrade()
    return project


__all__ = [
    "DUMP_DATABASE",
    "PROTOCOL_FILE",
    "PathLike",
    "Project",
    "export_project",
    "init_project",
    "load_project",
    "load_project_dump",
    "opened",
    "project_store",
    "protocol_path",
    "upgrade_database",
    "validate_protocol",
]
