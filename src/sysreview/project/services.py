"""The review project's use cases, shared by the command line and the web app.

Every function takes a project directory (holding ``review.toml``) and, where it needs
the database, an optional database URL (default: ``SYSREVIEW_DATABASE_URL``, else
SQLite at ``DIR/review.db``). The CLI and the web layer call these functions and
nothing below them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.prisma import PrismaCounts
from sysreview.prisma.decisions import duplicate_groups
from sysreview.project import screening, screening_sheets
from sysreview.project.deduplicating import (
    DedupRun,
    QueuedPair,
    decide_pair,
    deduplicate_store,
    review_queue,
)
from sysreview.project.importing import ImportedFile, ImportProgress, import_into
from sysreview.project.prisma_data import confirmed_pairs, prisma_counts
from sysreview.project.screening_state import StageState, screening_state, store_assignments
from sysreview.project.sheet_import import ImportResult
from sysreview.project.store import (
    ImportBatch,
    Record,
    Reviewer,
    Store,
    Study,
    database_url,
    open_store,
)
from sysreview.protocol import TEMPLATES, Protocol, load_protocol, template_text
from sysreview.protocol.templates import template_searches
from sysreview.text import storable

if TYPE_CHECKING:
    from sysreview.project.store.dump import DumpManifest
    from sysreview.screening.interrater import PairwiseAgreement

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


def import_files(
    directory: PathLike,
    files: Sequence[PathLike],
    *,
    source: str,
    source_kind: str = "database",
    interface: str | None = None,
    search_date: date | None = None,
    query_file: PathLike | None = None,
    db_url: str | None = None,
    progress: ImportProgress | None = None,
) -> list[ImportedFile]:
    """Import search-result files into the project, one import batch per file.

    Every file is read and checked before anything is written; each file is then stored
    in its own transaction. See :mod:`sysreview.project.importing`.
    """
    query_text = None
    if query_file is not None:
        try:
            query_text = Path(query_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(
                f"cannot read the query file: {exc.strerror}", source=str(query_file)
            ) from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"the query file is not UTF-8 text (byte {exc.start + 1})", source=str(query_file)
            ) from None
        query_text = storable(query_text)
    with opened(directory, db_url) as (project, store):
        imported = import_into(
            store,
            files,
            source=source,
            source_kind=source_kind,
            interface=interface,
            search_date=search_date,
            query_text=query_text,
            progress=progress,
        )
        assign_records(store, project.protocol)
        from sysreview.project.prioritising import after_import

        after_import(store)  # embeddings, when the ranking model reads them
        return imported


def assign_records(store: Store, protocol: Protocol) -> int:
    """Store the screening assignments the protocol's rules call for now; how many were stored.

    For example a new round of title/abstract records, or a full-text sample now due.
    """
    with store.session() as session:
        screening.sync_reviewers(session, protocol)
        return store_assignments(store, protocol, session)


def deduplicate_project(
    directory: PathLike,
    db_url: str | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> DedupRun:
    """Link the project's duplicate records (never deleting any); queue uncertain pairs."""
    with opened(directory, db_url) as (project, store):
        run = deduplicate_store(store, progress=progress)[0]
        assign_records(store, project.protocol)
        return run


def duplicate_queue(directory: PathLike, db_url: str | None = None) -> list[QueuedPair]:
    """The pairs waiting for a reviewer's accept or reject."""
    with opened(directory, db_url) as (_, store):
        return review_queue(store)


def decide_duplicate(
    directory: PathLike, pair: str, *, accept: bool, reviewer: str, db_url: str | None = None
) -> None:
    """Accept (confirm) or reject a queued pair ``A-B``, as a new link event."""
    with opened(directory, db_url) as (_, store):
        decide_pair(store, pair, accept=accept, reviewer=reviewer)


def prisma_flow(directory: PathLike, db_url: str | None = None) -> PrismaCounts:
    """The PRISMA 2020 flow diagram's counts, from records and decision events.

    Plus the counts from other sources the project recorded
    (:func:`sysreview.project.prisma_data.prisma_counts`).

    Whether a title/abstract "maybe" goes forward is the protocol's
    ``screening.maybe_goes_forward``.
    """
    with opened(directory, db_url) as (project, store):
        return prisma_counts(store, protocol=project.protocol)


def screen_decision(
    directory: PathLike,
    *,
    db_url: str | None = None,
    **fields: Unpack[screening.DecisionFields],
) -> int:
    """Record a screening decision (or an arbiter's resolution); the event's id.

    ``fields`` are those of :class:`~sysreview.project.screening.DecisionFields`.
    """
    with opened(directory, db_url) as (project, store):
        return screening.record_decision(store, project.protocol, **fields)


def screen_undo(
    directory: PathLike,
    *,
    stage: str,
    reviewer: str,
    record_id: int | None = None,
    db_url: str | None = None,
) -> screening.NewDecision:
    """Take back a reviewer's latest decision at ``stage`` (or theirs on ``record_id``)."""
    with opened(directory, db_url) as (project, store):
        return screening.undo_decision(
            store, project.protocol, stage=stage, reviewer=reviewer, record_id=record_id,
            source="cli",
        )  # fmt: skip


def screen_reassign(
    directory: PathLike,
    *,
    stage: str,
    from_reviewer: str,
    to_reviewer: str,
    by: str,
    records: list[int] | None = None,
    db_url: str | None = None,
) -> int:
    """Move a reviewer's undecided records to another reviewer; how many moved."""
    with opened(directory, db_url) as (project, store):
        return screening.reassign(
            store, project.protocol, stage=stage, from_reviewer=from_reviewer,
            to_reviewer=to_reviewer, by=by, records=records,
        )  # fmt: skip


def screen_pending(
    directory: PathLike, stage: str, reviewer: str, db_url: str | None = None
) -> list[screening.RecordCard]:
    """The records ``reviewer`` still has to screen at ``stage``, in screening order."""
    return screen_queue(directory, stage, reviewer, db_url)[0]


def screen_queue(
    directory: PathLike, stage: str, reviewer: str, db_url: str | None = None
) -> tuple[list[screening.RecordCard], str | None]:
    """Pending records as cards, prioritised at title/abstract, and the stopping advice."""
    with opened(directory, db_url) as (project, store):
        queue = screening.prioritised_queue(
            store, project.protocol, stage=stage, reviewer=reviewer, wait=True
        )
        return [screening.record_card(store, i) for i in queue.records], queue.advice


def screen_export(
    directory: PathLike, out: PathLike, *, stage: str, reviewer: str, db_url: str | None = None
) -> int:
    """Write a reviewer's assigned records to a CSV/XLSX sheet for screening; row count."""
    with opened(directory, db_url) as (project, store):
        return screening_sheets.export_sheet(
            store, project.protocol, out, stage=stage, reviewer=reviewer
        )


def screen_import(
    directory: PathLike,
    sheet: PathLike,
    *,
    stage: str,
    reviewer: str,
    force: bool = False,
    db_url: str | None = None,
) -> ImportResult:
    """Store the new and corrected decisions of a screened sheet (all or nothing).

    See :func:`sysreview.project.screening_sheets.import_sheet` (``force`` overrides
    decisions made after the sheet was exported).
    """
    with opened(directory, db_url) as (project, store):
        return screening_sheets.import_sheet(
            store, project.protocol, sheet, stage=stage, reviewer=reviewer, force=force
        )


def link_study_report(
    directory: PathLike,
    record_id: int,
    study: str,
    *,
    primary: bool = False,
    db_url: str | None = None,
) -> tuple[int, bool]:
    """Link an included report to its study (created on first use); ``(study id, new)``."""
    with opened(directory, db_url) as (project, store):
        return screening.link_report(
            store, project.protocol, record_id=record_id, study=study, primary=primary
        )


def unlink_study_report(directory: PathLike, record_id: int, db_url: str | None = None) -> str:
    """Undo a report's link to its study; the study's label."""
    with opened(directory, db_url) as (_, store):
        return screening.unlink_report(store, record_id=record_id)


def screen_conflicts(
    directory: PathLike, stage: str, db_url: str | None = None
) -> list[screening.Conflict]:
    """Records whose reviewers disagree, not yet resolved by an arbiter."""
    with opened(directory, db_url) as (project, store):
        return screening.conflicts(store, project.protocol, stage)


def screen_agreement(
    directory: PathLike, stage: str, db_url: str | None = None
) -> PairwiseAgreement:
    """Agreement (percent, Cohen's kappa with CI, Gwet's AC1) per pair of reviewers.

    Compares each reviewer's independent decisions (made before seeing the other's).
    """
    with opened(directory, db_url) as (project, store):
        triples = screening.decision_triples(store, project.protocol, stage)
    if not triples:
        raise InputError(f"no {stage} decisions yet: nothing to compare")
    from sysreview.screening.interrater import pairwise_agreement  # NumPy, SciPy

    return pairwise_agreement(triples)


def upgrade_database(directory: PathLike, db_url: str | None = None) -> tuple[str | None, str]:
    """Migrate the project's database to the newest schema; ``(before, after)`` revisions."""
    project = load_project(directory, db_url)
    with open_store(project.database_url, upgrade=False) as store:
        before = store.current_revision()
        store.upgrade()
        return before, store.head_revision()


@dataclass(frozen=True)
class StageCounts:
    """Screening units of one stage by status (:class:`sysreview.screening.status.State`)."""

    units: int
    awaiting_first: int
    awaiting_second: int
    conflicts: int
    included: int
    excluded: int
    maybe: int

    @classmethod
    def of(cls, stage: StageState) -> StageCounts:
        """Count ``stage``'s units by status and settled decision."""
        from sysreview.screening.status import State

        settled = {d: len(stage.settled(d)) for d in ("include", "exclude", "maybe")}
        return cls(
            units=len(stage.units),
            awaiting_first=stage.count(State.AWAITING_FIRST),
            awaiting_second=stage.count(State.AWAITING_SECOND),
            conflicts=stage.count(State.CONFLICT),
            included=settled["include"],
            excluded=settled["exclude"],
            maybe=settled["maybe"],
        )

    @property
    def settled(self) -> int:
        """Units whose decision is settled (final or resolved)."""
        return self.included + self.excluded + self.maybe


@dataclass(frozen=True)
class ProjectStatus:
    """How far the review has come, derived from the records and the event logs.

    Screening counts are the units' statuses under the protocol's assignments (the same
    status PRISMA, the queues and the web app read): a unit is screened only once its
    decision is settled.
    """

    title: str
    database: str
    schema_revision: str | None
    import_batches: int
    records: int
    duplicates: int
    unique_records: int
    reviewers: int
    title_abstract: StageCounts
    full_text: StageCounts
    included_studies: int

    def to_dict(self) -> dict[str, Any]:
        """The status as plain JSON-ready values."""
        return asdict(self)

    def summary(self) -> str:
        """A readable block of the counts."""
        rows: list[tuple[str, int]] = [
            ("Import batches", self.import_batches),
            ("Records", self.records),
            ("Duplicates", self.duplicates),
            ("Unique records", self.unique_records),
            ("Reviewers", self.reviewers),
        ]
        for name, stage in (("title/abstract", self.title_abstract), ("full text", self.full_text)):
            rows += [
                (f"Screened ({name})", stage.settled),
                ("  included", stage.included),
                ("  excluded", stage.excluded),
                *([("  maybe", stage.maybe)] if stage.maybe else []),
                ("  awaiting first decision", stage.awaiting_first),
                ("  awaiting second decision", stage.awaiting_second),
                ("  in conflict", stage.conflicts),
            ]
        rows.append(("Included studies", self.included_studies))
        width = max(len(name) for name, _ in rows)
        body = [f"  {name:<{width}}  {value:>7}" for name, value in rows]
        head = [self.title, f"  database: {self.database} (schema {self.schema_revision})"]
        return "\n".join(head + body)


def project_status(directory: PathLike, db_url: str | None = None) -> ProjectStatus:
    """How far the review has come: records, duplicates, screening, included studies."""
    with opened(directory, db_url) as (project, store):
        state = screening_state(store, project.protocol)
        with store.session(readonly=True) as session:
            records = session.scalar(select(func.count()).select_from(Record)) or 0
            groups = duplicate_groups(confirmed_pairs(session))
            duplicates = len(groups) - len(set(groups.values()))
            return ProjectStatus(
                title=project.protocol.review.title,
                database=store.backend,
                schema_revision=store.current_revision(),
                import_batches=session.scalar(select(func.count()).select_from(ImportBatch)) or 0,
                records=records,
                duplicates=duplicates,
                unique_records=records - duplicates,
                reviewers=session.scalar(select(func.count()).select_from(Reviewer)) or 0,
                title_abstract=StageCounts.of(state.ta),
                full_text=StageCounts.of(state.ft),
                included_studies=session.scalar(select(func.count()).select_from(Study)) or 0,
            )


def export_project(
    directory: PathLike, out_dir: PathLike, db_url: str | None = None
) -> DumpManifest:
    """Write the whole project as plain files.

    ``review.toml``, one file per table and the full texts (``fulltexts/<sha256>.pdf``).
    """
    from sysreview.project.fulltexts import export_fulltexts
    from sysreview.project.store.dump import export_store

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
    from sysreview.project.fulltexts import check_exported_fulltexts, restore_fulltexts
    from sysreview.project.store.dump import check_dump, holds_data, load_store

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
    "DedupRun",
    "ImportedFile",
    "Project",
    "ProjectStatus",
    "QueuedPair",
    "StageCounts",
    "assign_records",
    "decide_duplicate",
    "deduplicate_project",
    "duplicate_queue",
    "export_project",
    "import_files",
    "init_project",
    "link_study_report",
    "load_project",
    "load_project_dump",
    "prisma_flow",
    "project_status",
    "project_store",
    "protocol_path",
    "screen_agreement",
    "screen_conflicts",
    "screen_decision",
    "screen_export",
    "screen_import",
    "screen_pending",
    "screen_queue",
    "screen_reassign",
    "screen_undo",
    "unlink_study_report",
    "upgrade_database",
    "validate_protocol",
]
