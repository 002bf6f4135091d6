"""Opening a review project: its directory, validated protocol and database.

Every function takes a project directory (holding ``review.toml``) and, where it needs
the database, an optional database URL (default: ``SYSREVIEW_DATABASE_URL``, else
SQLite at ``DIR/review.db``). Creating, upgrading, exporting and loading a project live
here too.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sysreview.errors import InputError
from sysreview.protocol import TEMPLATES, Protocol, load_protocol, template_text
from sysreview.protocol.templates import template_searches

if TYPE_CHECKING:
    from sysreview.project.accounts.service import AccountsService
    from sysreview.project.analysing.service import AnalysisService
    from sysreview.project.appraising.service import AppraisalService
    from sysreview.project.audit.service import AuditService
    from sysreview.project.deduplicating.service import DuplicatesService
    from sysreview.project.exchanging.service import ExchangeService
    from sysreview.project.extracting.service import ExtractionService
    from sysreview.project.grading.service import GradingService
    from sysreview.project.importing.service import RecordsService
    from sysreview.project.reporting.service import ReportService
    from sysreview.project.retrieving.service import RetrievalService
    from sysreview.project.selection.service import ScreeningService
    from sysreview.project.storage import Store
    from sysreview.project.storage.dump import DumpManifest
    from sysreview.project.storage.group_commit import GroupCommit

PROTOCOL_FILE = "review.toml"
DUMP_DATABASE = "database"

PathLike = str | os.PathLike[str]

_WRITER_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class Project:
    """A review project, opened once: its directory, validated protocol and database.

    The database is opened (and upgraded) on first use and stays open until
    :meth:`close` (or the end of a ``with`` block): the command line opens a project
    for each command (:func:`open_project`), the web app holds one for its life. The
    use cases are the methods of its services, one per area::

        with open_project("my-review") as project:
            project.screening.conflicts("ta")

    Writes of the web app's request threads take turns on :attr:`write_lock` (SQLite);
    screening decisions coming many a second go through :attr:`writer`, which commits
    the decisions waiting together (:class:`~sysreview.project.storage.group_commit.GroupCommit`).
    """

    directory: Path
    protocol: Protocol
    database_url: str

    @property
    def protocol_path(self) -> Path:
        """The protocol file, ``DIR/review.toml``."""
        return self.directory / PROTOCOL_FILE

    @cached_property
    def store(self) -> Store:
        """The project's database, upgraded to the current schema when first opened."""
        from sysreview.project.storage import open_store

        return open_store(self.database_url)

    @cached_property
    def write_lock(self) -> AbstractContextManager[object]:
        """The lock this process's writers take turns on (SQLite); none on PostgreSQL.

        One writer at a time is all SQLite allows anyway, and a queue on a lock is served
        promptly and in turn, where writers waiting in SQLite's busy handler poll with
        growing sleeps (tail latencies of seconds under load; ``benchmarks/WEB.md``).
        """
        return threading.Lock() if self.store.backend == "sqlite" else nullcontext()

    @property
    def writer(self) -> GroupCommit:
        """The group-commit writer of screening decisions.

        Made once, on first use, by whichever request thread comes first.
        """
        from sysreview.project.storage.group_commit import GroupCommit

        with _WRITER_LOCK:
            if "_writer" not in self.__dict__:
                self.__dict__["_writer"] = GroupCommit(self.store, lock=self.write_lock)
        writer: GroupCommit = self.__dict__["_writer"]
        return writer

    def close(self) -> None:
        """Commit the writes still queued, then close the database's connections."""
        if "_writer" in self.__dict__:
            self.__dict__["_writer"].close()
        if "store" in self.__dict__:
            self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the services, one per area (imported on first use: commands stay lean) ----

    @cached_property
    def records(self) -> RecordsService:
        """Importing search results."""
        from sysreview.project.importing.service import RecordsService

        return RecordsService(self)

    @cached_property
    def duplicates(self) -> DuplicatesService:
        """De-duplication and its review queue."""
        from sysreview.project.deduplicating.service import DuplicatesService

        return DuplicatesService(self)

    @cached_property
    def screening(self) -> ScreeningService:
        """Screening: decisions, queues, conflicts, links (:mod:`sysreview.project.selection`)."""
        from sysreview.project.selection.service import ScreeningService

        return ScreeningService(self)

    @cached_property
    def accounts(self) -> AccountsService:
        """Web accounts, logins and sessions."""
        from sysreview.project.accounts.service import AccountsService

        return AccountsService(self)

    @cached_property
    def analysis(self) -> AnalysisService:
        """The analysis plan run on the project's data."""
        from sysreview.project.analysing.service import AnalysisService

        return AnalysisService(self)

    @cached_property
    def report(self) -> ReportService:
        """PRISMA counts and the review's status."""
        from sysreview.project.reporting.service import ReportService

        return ReportService(self)

    @cached_property
    def appraisal(self) -> AppraisalService:
        """Risk of bias."""
        from sysreview.project.appraising.service import AppraisalService

        return AppraisalService(self)

    @cached_property
    def extraction(self) -> ExtractionService:
        """Data extraction."""
        from sysreview.project.extracting.service import ExtractionService

        return ExtractionService(self)

    @cached_property
    def grading(self) -> GradingService:
        """Certainty of the evidence."""
        from sysreview.project.grading.service import GradingService

        return GradingService(self)

    @cached_property
    def audit(self) -> AuditService:
        """The audit trail (:mod:`sysreview.project.audit`)."""
        from sysreview.project.audit.service import AuditService

        return AuditService(self)

    @cached_property
    def retrieval(self) -> RetrievalService:
        """Full texts, their retrieval, study listings and author contacts."""
        from sysreview.project.retrieving.service import RetrievalService

        return RetrievalService(self)

    @cached_property
    def exchange(self) -> ExchangeService:
        """Files exchanged with other tools: RevMan 5, references, PRISMA2020, decisions."""
        from sysreview.project.exchanging.service import ExchangeService

        return ExchangeService(self)


class Service:
    """A service of an open :class:`Project`: its methods are one area's use cases."""

    def __init__(self, project: Project) -> None:
        self.project = project

    @property
    def store(self) -> Store:
        """The project's database."""
        return self.project.store

    @property
    def protocol(self) -> Protocol:
        """The project's validated protocol."""
        return self.project.protocol

    @property
    def directory(self) -> Path:
        """The project folder (``review.toml``, ``fulltexts/``)."""
        return self.project.directory


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
    """The project in ``directory``, with its protocol validated.

    The database is opened on first use; close the project when done, or use
    :func:`open_project`.
    """
    from sysreview.project.storage import database_url

    directory = Path(directory)
    protocol = validate_protocol(directory)
    return Project(directory, protocol, database_url(directory, db_url))


def open_project(directory: PathLike, db_url: str | None = None) -> Project:
    """Open the project in ``directory`` (protocol validated); use it in a ``with`` block.

    ``db_url`` is the database (default: ``SYSREVIEW_DATABASE_URL``, else SQLite at
    ``DIR/review.db``), opened and upgraded on first use, closed with the project.
    """
    return load_project(directory, db_url)


@contextmanager
def opened(directory: PathLike, db_url: str | None = None) -> Iterator[tuple[Project, Store]]:
    """The project (protocol validated) and its database, upgraded; closed afterwards."""
    with open_project(directory, db_url) as project:
        yield project, project.store


@contextmanager
def project_store(directory: PathLike, db_url: str | None = None) -> Iterator[Store]:
    """The project's database, upgraded to the current schema, closed afterwards."""
    with opened(directory, db_url) as (_, store):
        yield store


def init_project(
    directory: PathLike,
    template: str = "blank",
    db_url: str | None = None,
    *,
    text: str | None = None,
    source: str | None = None,
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
    text, source
        A protocol written from another file (``sysreview init --from-revman``) instead
        of the template's text, and that file's name (recorded in the audit trail).

    Raises
    ------
    InputError
        For an unknown template or an existing project.
    """
    from sysreview.project.storage import open_store

    if template not in TEMPLATES:
        raise InputError(f"unknown template {template!r}; must be one of {', '.join(TEMPLATES)}")
    directory = Path(directory)
    path = directory / PROTOCOL_FILE
    if path.exists():
        raise InputError(f"{path} already exists: the project is already initialised")
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(template_text(template) if text is None else text, encoding="utf-8")
    for file_name, text in template_searches(template).items():
        searches = directory / "searches"
        searches.mkdir(exist_ok=True)
        if not (searches / file_name).exists():
            (searches / file_name).write_text(text, encoding="utf-8")
    try:
        project = load_project(directory, db_url)
        with open_store(project.database_url) as store, store.session():
            made = {"template": template} if source is None else {"from": source}
            store.audit("sysreview", "init project", "project", None, made)
    except BaseException:
        path.unlink()  # nothing half-made: the next 'init' starts clean
        raise
    return project


def upgrade_database(directory: PathLike, db_url: str | None = None) -> tuple[str | None, str]:
    """Migrate the project's database to the newest schema; ``(before, after)`` revisions."""
    from sysreview.project.storage import open_store

    project = load_project(directory, db_url)
    with open_store(project.database_url, upgrade=False) as store:
        before = store.current_revision()
        store.upgrade()
        return before, store.head_revision()


def export_project(
    directory: PathLike, out_dir: PathLike, db_url: str | None = None
) -> DumpManifest:
    """Write the whole project as plain files.

    ``review.toml``, one file per table and the full texts (``fulltexts/<sha256>.pdf``).
    """
    from sysreview.project.retrieving.files import export_fulltexts
    from sysreview.project.storage import open_store
    from sysreview.project.storage.dump import export_store

    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} is not empty: export into a new or empty folder")
    project = load_project(directory, db_url)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(project.protocol_path, out / PROTOCOL_FILE)
    with open_store(project.database_url) as store:
        manifest = export_store(store, out / DUMP_DATABASE)
    export_fulltexts(project.directory, out)  # fulltexts/<sha256>.pdf
    return manifest


def load_project_dump(
    dump_dir: PathLike, directory: PathLike, db_url: str | None = None
) -> Project:
    """Restore an exported project into a new project directory (lossless round trip)."""
    from sysreview.project.retrieving.files import check_exported_fulltexts, restore_fulltexts
    from sysreview.project.storage import open_store
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
    pdfs = check_exported_fulltexts(dump)  # each file against its SHA-256 name
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target / PROTOCOL_FILE)
    project = load_project(target, db_url)
    with open_store(project.database_url, upgrade=False) as store:
        if store.current_revision() is not None and holds_data(store):
            raise InputError(f"the database of {target} is not empty: load needs an empty one")
        store.upgrade(manifest.schema_revision)  # load at the dump's schema, then migrate
        load_store(dump / DUMP_DATABASE, store)
        store.upgrade()
    restore_fulltexts(pdfs, target)
    return project


__all__ = [
    "DUMP_DATABASE",
    "PROTOCOL_FILE",
    "PathLike",
    "Project",
    "Service",
    "export_project",
    "init_project",
    "load_project",
    "load_project_dump",
    "open_project",
    "opened",
    "project_store",
    "protocol_path",
    "upgrade_database",
    "validate_protocol",
]
