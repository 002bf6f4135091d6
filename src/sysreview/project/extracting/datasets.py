"""Use case ``sysreview data load FILE``: an outside data file stored as extracted data.

An adapter of :mod:`sysreview.io` reads the file (Metapsy, RevMan ``.rm5``, a CSV with
metafor's column names, PRISMA counts) into a :class:`~sysreview.io.Dataset`: the rows of
the extraction form. :func:`load_dataset` stores it the way a filled template is stored,
in one transaction, all or nothing:

1. the file's studies must be studies of the project; with ``add_studies`` those it names
   and the project lacks are added first (as ``sysreview study add`` would, audited);
2. its rows are validated and stored as the reviewer's (or consensus) values, each with
   its location in the file (:func:`~sysreview.project.extracting.writer.store_rows_in`);
3. its risk-of-bias judgements are stored as the reviewer's (or consensus) judgements
   (:func:`~sysreview.project.appraising.entries.store_entries`); an overall judgement the file
   gives is stored too (key ``overall``), and the report uses it where the assessors'
   overall differs from the tool's algorithm, as RoB 2 allows;
4. PRISMA counts it reports are recorded as counts from another source
   (:func:`~sysreview.project.reporting.prisma_data.record_other_source`).

Values equal to the current ones are not stored again, so loading the same file twice
adds nothing; a changed value becomes a correction. :func:`dataset_review_data` analyses a
file without a project database (``sysreview analyse --data FILE``): it loads the file
into a throw-away copy of the project and reads it back, so the numbers go the same way.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.extraction.dataset import ReviewData
from sysreview.extraction.validate import ExtractionInputError, Problem
from sysreview.io import Dataset, RobRow, read_dataset
from sysreview.project.appraising.entries import (
    OVERALL,
    RobEntry,
    appraiser,
    store_entries,
    tool_of,
)
from sysreview.project.extracting.writer import LoadResult, store_rows_in
from sysreview.project.reporting.prisma_data import record_other_source
from sysreview.project.selection.decisions import sync_reviewers
from sysreview.project.selection.studies import add_study_in
from sysreview.project.storage import DB_FILE, Store, Study, sqlite_url
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import Tool

PathLike = str | os.PathLike[str]

__all__ = [
    "DatasetLoad",
    "dataset_review_data",
    "load_dataset",
    "project_load_dataset",
    "project_withdraw_counts",
    "sha256_of",
]


@dataclass(frozen=True)
class DatasetLoad:
    """What loading a data file stored."""

    source: str
    format: str
    reviewer: str
    kind: str
    studies_added: tuple[str, ...]
    values: LoadResult
    rob_stored: int
    rob_unchanged: int
    counts_stored: bool | None
    skipped: int

    def summary(self) -> str:
        """A line for the file, then one per part, judgements and counts."""
        added = len(self.studies_added)
        lines = [
            f"{self.source} ({self.format}), "
            f"{'consensus values' if self.kind == 'consensus' else 'values'} of {self.reviewer}: "
            f"{added} {'study' if added == 1 else 'studies'} added"
            + (f", {self.skipped} rows of the file not used" if self.skipped else "")
        ]
        lines += [f"  {line}" for line in self.values.summary().splitlines()]
        lines.append(
            f"  risk of bias: {self.rob_stored} new judgements, {self.rob_unchanged} unchanged"
        )
        if self.counts_stored is not None:
            said = "recorded" if self.counts_stored else "unchanged"
            lines.append(f"  PRISMA counts from another source: {said}")
        return "\n".join(lines)


def _rob_entries(protocol: Protocol, rows: Sequence[RobRow], source: str) -> list[RobEntry]:
    """The file's judgements as entries of the protocol's tool.

    Checked: tool, domains, judgements.
    """
    tool = tool_of(protocol)
    entries = []
    for i, r in enumerate(rows, start=1):
        where = f"{source}, risk of bias of {r.study!r} ({r.location or f'row {i}'})"
        if r.tool != tool.value:
            raise InputError(
                f"{where}: judged with {r.tool}, but the protocol's tool is {tool.value}"
            )
        if r.overall is not None and tool is not Tool.ROB2:
            raise InputError(
                f"{where}: an overall judgement is RoB 2's; the protocol's "
                f"{tool.value} overall comes from its rule"
            )
        missing = [d for d in tool.domains if d not in r.judgements]
        unknown = [d for d in r.judgements if d not in tool.domains]
        if missing or unknown:
            raise InputError(f"{where}: domains must be {', '.join(tool.domains)}")
        given = dict(r.judgements) | ({} if r.overall is None else {OVERALL: r.overall})
        for domain, judgement in given.items():
            if judgement not in tool.judgements:
                raise InputError(
                    f"{where}: {domain} {judgement!r}; must be one of {', '.join(tool.judgements)}"
                )
            key = domain if r.result is None else f"{r.result}/{domain}"
            support = r.support.get(domain) or None
            entries.append(RobEntry(r.study, key, judgement, support, r.location, row=i))
    return entries


def _located(exc: ExtractionInputError, dataset: Dataset) -> ExtractionInputError:
    """The form's problems, each also naming where its row is in the file."""
    parts = {"studies": dataset.studies, "arms": dataset.arms, "outcomes": dataset.outcomes}
    problems = []
    for p in exc.problems:
        given = parts.get(p.sheet, ())
        where = given[p.row - 1].get("location") if 0 < p.row <= len(given) else None
        message = p.message if where is None else f"{p.message} (in the file: {where})"
        problems.append(Problem(p.sheet, p.row, p.column, message))
    return ExtractionInputError(problems, exc.source)


def _store_values(
    session: Session,
    store: Store,
    protocol: Protocol,
    dataset: Dataset,
    reviewer: str,
    consensus: bool,
) -> LoadResult:
    """The file's rows stored as the reviewer's (or consensus) values (none: nothing)."""
    kind = "consensus" if consensus else "reviewer"
    if not (dataset.studies or dataset.arms or dataset.outcomes):
        return LoadResult(reviewer, kind, {}, {}, {})
    try:
        return store_rows_in(
            session,
            store,
            protocol,
            dataset.rows(),
            reviewer,
            consensus=consensus,
            source=dataset.source,
        )
    except ExtractionInputError as exc:
        raise _located(exc, dataset) from None


def load_dataset(
    store: Store,
    protocol: Protocol,
    dataset: Dataset,
    reviewer: str,
    *,
    consensus: bool = False,
    add_studies: bool = False,
    file_sha256: str | None = None,
) -> DatasetLoad:
    """Store a dataset's studies, values, judgements and counts in one transaction.

    Parameters
    ----------
    store, protocol
        The project.
    dataset
        What an adapter read (:func:`sysreview.io.read_dataset`).
    reviewer
        The protocol reviewer the values are recorded for: an extractor (and an
        appraiser, when the file has risk-of-bias judgements); for a consensus, also an
        arbiter.
    consensus
        Record the values and judgements as the agreed ones (e.g. a dataset whose
        authors extracted and appraised in duplicate and agreed).
    add_studies
        Add the studies the file names and the project lacks (otherwise refused).
    file_sha256
        The file's SHA-256, recorded with its PRISMA counts.

    Raises
    ------
    InputError
        Studies the project lacks (without ``add_studies``), a reviewer without the role,
        judgements of another tool; :class:`~sysreview.extraction.ExtractionInputError`
        listing every row problem. Nothing is stored then.
    """
    kind = "consensus" if consensus else "reviewer"
    with store.session() as session:
        known = {s.label for s in session.scalars(select(Study))}
        missing = [label for label in dataset.study_labels if label not in known]
        if missing and not add_studies:
            shown = ", ".join(repr(m) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise InputError(
                f"{len(missing)} studies of the file are not in the project "
                f"({shown}): add them with 'sysreview study add', or load the "
                "file with --add-studies",
                source=dataset.source,
            )
        for label in missing:
            add_study_in(session, store, label, who=reviewer)
        values = _store_values(session, store, protocol, dataset, reviewer, consensus)
        stored = unchanged = 0
        if dataset.rob:
            entries = _rob_entries(protocol, dataset.rob, dataset.source)
            who = appraiser(session, protocol, reviewer, consensus=consensus)
            ids = {s.label: s.id for s in session.scalars(select(Study))}
            stored, _, unchanged = store_entries(
                session, tool_of(protocol), entries, ids, who.id, kind, where=dataset.source
            )
        counts = None
        if dataset.counts is not None:
            person = sync_reviewers(session, protocol)[reviewer]
            counts = record_other_source(
                session,
                dataset.counts,
                person.id,
                file_name=dataset.source,
                file_sha256=file_sha256,
            )
        store.audit(
            reviewer,
            "data load",
            "dataset",
            None,
            {
                "source": dataset.source,
                "format": dataset.format,
                "kind": kind,
                "sha256": file_sha256,
                "studies_added": missing,
            },
            session=session,
        )
    return DatasetLoad(
        dataset.source,
        dataset.format,
        reviewer,
        kind,
        tuple(missing),
        values,
        stored,
        unchanged,
        counts,
        len(dataset.skipped),
    )


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file (hex), as the audit trail records it."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def project_withdraw_counts(
    directory: PathLike, source: str, reviewer: str, db_url: str | None = None
) -> None:
    """Withdraw the project's counts from ``source`` (``sysreview data withdraw-counts``).

    Recorded as done by ``reviewer`` (a protocol reviewer).
    """
    from sysreview.project.opening import opened
    from sysreview.project.reporting.prisma_data import withdraw_other_source

    with opened(directory, db_url) as (project, store), store.session() as session:
        people = sync_reviewers(session, project.protocol)
        if reviewer not in people:
            raise InputError(
                f"unknown reviewer {reviewer!r}; the protocol's reviewers are {', '.join(people)}"
            )
        withdraw_other_source(session, source, people[reviewer].id)
        store.audit(
            reviewer,
            "withdraw counts",
            "prisma_other_source",
            None,
            {"source": source},
            session=session,
        )


def project_load_dataset(
    directory: PathLike,
    path: PathLike,
    reviewer: str,
    *,
    format: str | None = None,
    mapping: PathLike | None = None,
    consensus: bool = False,
    add_studies: bool = False,
    db_url: str | None = None,
) -> DatasetLoad:
    """Read ``path`` with its adapter and store it in the project (see :func:`load_dataset`)."""
    from sysreview.project.opening import opened

    with opened(directory, db_url) as (project, store):
        dataset = read_dataset(path, project.protocol, format=format, mapping=mapping)
        return load_dataset(
            store,
            project.protocol,
            dataset,
            reviewer,
            consensus=consensus,
            add_studies=add_studies,
            file_sha256=sha256_of(Path(path)),
        )


def dataset_review_data(
    directory: PathLike,
    path: PathLike,
    *,
    format: str | None = None,
    mapping: PathLike | None = None,
) -> ReviewData:
    """The analysis-ready data of a file alone, read the way the project reads its own.

    The file is loaded into a throw-away SQLite copy of the project in ``directory`` (its
    protocol only): values as the consensus of the protocol's first extractor, its studies
    added, its risk-of-bias judgements too when that reviewer also appraises. The data are
    then read back as the project's own are
    (:func:`sysreview.project.analysing.inputs.store_inputs`):
    the same validation, conversions and rules.
    """
    from sysreview.project.analysing.inputs import store_inputs
    from sysreview.project.opening import PROTOCOL_FILE, opened, validate_protocol
    from sysreview.protocol.review import Role

    protocol = validate_protocol(directory)
    people = [r for r in protocol.review.reviewers if r.has(Role.EXTRACTOR)]
    if not people:
        raise InputError("the protocol names no extractor to record the file's values for")
    person = people[0]
    with tempfile.TemporaryDirectory(prefix="sysreview-data-") as scratch:
        shutil.copyfile(Path(directory) / PROTOCOL_FILE, Path(scratch) / PROTOCOL_FILE)
        db = sqlite_url(Path(scratch) / DB_FILE)  # never $SYSREVIEW_DATABASE_URL's database
        with opened(scratch, db) as (_, store):
            dataset = read_dataset(path, protocol, format=format, mapping=mapping)
            rob = dataset.rob if person.has(Role.APPRAISER) or person.has(Role.ARBITER) else ()
            kept = Dataset(
                dataset.source,
                dataset.format,
                dataset.studies,
                dataset.arms,
                dataset.outcomes,
                rob if protocol.risk_of_bias else (),
            )
            load_dataset(store, protocol, kept, person.id, consensus=True, add_studies=True)
        return store_inputs(scratch, db).data
