"""Full texts in bulk: a folder of PDFs matched to reports, open-access copies found.

A folder of PDFs is matched to the reports at full text, and open-access copies are
found by DOI (and, when asked, downloaded and attached).

Matching (:func:`sysreview.fulltext.match_pdf`) looks at each PDF's document
information, file name and first page: a DOI or PMID first, then the title. A PDF that
fits one report is attached to it (:func:`sysreview.project.retrieving.files.attach_in`); one
that fits several is reported as ambiguous with every candidate, never attached; a file
that is not a readable PDF is reported and skipped. Each attachment is stored in its own
transaction, so a problem with one file loses nothing of the others.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from sysreview.errors import InputError
from sysreview.fulltext import TITLE_THRESHOLD, PdfMatch, RecordKeys, match_pdf, read_pdf
from sysreview.fulltext.matching import RecordIndex
from sysreview.project.retrieving.files import (
    AttachedFile,
    at_full_text,
    attach_in,
    fulltext_folder,
    read_input,
)
from sysreview.project.retrieving.status import reviewer_row
from sysreview.project.storage import FulltextFile, Record, Store
from sysreview.protocol import Protocol

if TYPE_CHECKING:
    from sysreview.search.live import ApiClient
    from sysreview.search.openaccess import OaLookup

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class MatchRun:
    """What a bulk match did: each PDF's match, what was attached, what was skipped."""

    matches: tuple[PdfMatch, ...]
    attached: tuple[AttachedFile, ...]
    skipped: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        """One line per file, then the totals."""
        lines = [m.summary() for m in self.matches] + [f"skipped: {s}" for s in self.skipped]
        count = {s: sum(m.status == s for m in self.matches) for s in ("matched", "ambiguous",
                                                                       "unmatched")}  # fmt: skip
        lines.append(
            f"{len(self.matches)} PDF(s): {count['matched']} matched, {count['ambiguous']} "
            f"ambiguous, {count['unmatched']} unmatched; {len(self.attached)} attached, "
            f"{len(self.skipped)} skipped"
        )
        return "\n".join(lines)


def record_keys(store: Store, protocol: Protocol, *, every_record: bool) -> list[RecordKeys]:
    """The screening units with the DOIs, PMIDs and titles of all their copies.

    The reports at full text, or every record.
    """
    from sysreview.project.selection.state import screening_state

    state = screening_state(store, protocol)
    wanted = None if every_record else set(at_full_text(store, protocol))
    dois: dict[int, set[str]] = {}
    pmids: dict[int, set[str]] = {}
    titles: dict[int, list[str]] = {}
    with store.session(readonly=True) as session:
        rows = session.execute(select(Record.id, Record.doi, Record.pmid, Record.title))
        for rid, doi, pmid, title in rows:
            unit = state.unit_of(rid)
            if wanted is not None and unit not in wanted:
                continue
            titles.setdefault(unit, [])
            if doi:
                dois.setdefault(unit, set()).add(doi.lower())
            if pmid:
                pmids.setdefault(unit, set()).add(pmid)
            if title:
                titles[unit].append(title)
    return [RecordKeys(u, frozenset(dois.get(u, ())), frozenset(pmids.get(u, ())),
                       tuple(titles[u])) for u in sorted(titles)]  # fmt: skip


def match_fulltexts(
    store: Store,
    protocol: Protocol,
    directory: PathLike,
    folder: PathLike,
    reviewer: str,
    *,
    threshold: float = TITLE_THRESHOLD,
    every_record: bool = False,
    dry_run: bool = False,
    lock: AbstractContextManager[object] | None = None,
) -> MatchRun:
    """Match the PDFs of ``folder`` to the reports at full text of the project in ``directory``.

    ``sysreview fulltext match``: each match is attached in its own transaction, taken
    under ``lock`` (the web app's write lock); nothing is attached with ``dry_run``.

    Raises
    ------
    InputError
        For a folder that does not exist, an unknown reviewer or a bad threshold (before
        any file is read).
    """
    source = Path(folder)
    if not source.is_dir():
        raise InputError("no such folder", source=str(source))
    if not 0 < threshold <= 100:
        raise InputError(f"the title threshold must be in (0, 100], not {threshold}")
    store_folder = fulltext_folder(directory)
    files = sorted(p for p in source.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
    matches: list[PdfMatch] = []
    attached: list[AttachedFile] = []
    skipped: list[str] = []
    lock = lock or nullcontext()
    with lock, store.session() as session:
        reviewer_row(session, protocol, reviewer)
    index = RecordIndex(record_keys(store, protocol, every_record=every_record))
    for path in files:
        try:
            data = read_input(path)
            pdf = read_pdf(data, source=path.name, max_pages=2)  # matching reads page 1
        except (InputError, OSError) as exc:
            skipped.append(str(exc))
            continue
        match = match_pdf(path.name, pdf, index, threshold=threshold)
        matches.append(match)
        if match.unit is None or dry_run:
            continue
        try:
            with lock, store.session() as session:
                who = reviewer_row(session, protocol, reviewer)
                attached.append(attach_in(session, store, store_folder, match.unit, data,
                                          file_name=path.name, reviewer=who,
                                          source="match"))  # fmt: skip
        except InputError as exc:
            skipped.append(str(exc))
    return MatchRun(tuple(matches), tuple(attached), tuple(skipped))


@dataclass(frozen=True)
class OaFinding:
    """A report's open-access lookup, and the file attached from it (if downloaded)."""

    record_id: int
    lookup: OaLookup
    attached: AttachedFile | None = None
    problem: str | None = None

    def summary(self) -> str:
        """The lookup's lines under the record, then what was attached."""
        lines = [f"record {self.record_id}: {self.lookup.summary()}"]
        if self.attached:
            lines.append(f"  attached {self.attached.stored_as} from {self.attached.source}")
        if self.problem:
            lines.append(f"  not attached: {self.problem}")
        return "\n".join(lines)


def _needing(store: Store, protocol: Protocol, records: Sequence[int] | None) -> dict[int, str]:
    """Reports at full text with a DOI and no file yet (or the ``records`` named): DOI each."""
    chosen = list(records) if records else at_full_text(store, protocol)
    with store.session(readonly=True) as session:
        known = {r.id: r.doi for r in session.scalars(select(Record).where(Record.id.in_(chosen)))}
        missing = [rid for rid in chosen if rid not in known]
        if missing:
            raise InputError(f"no record {missing[0]} in this project")
        held = set(session.scalars(select(FulltextFile.record_id)))
    return {rid: doi for rid in chosen if (doi := known[rid]) and (records or rid not in held)}


def find_open_access_copies(
    store: Store,
    protocol: Protocol,
    directory: PathLike,
    client: ApiClient,
    *,
    records: Sequence[int] | None = None,
    download: bool = False,
    reviewer: str | None = None,
    lock: AbstractContextManager[object] | None = None,
) -> tuple[OaFinding, ...]:
    """Look up open-access copies of reports (``sysreview fulltext find-oa``).

    Of the reports at full text that have a DOI and no file (or of ``records``); with
    ``download``, fetch the first PDF link that gives a readable PDF and attach it as
    done by ``reviewer`` (each in its own transaction, taken under ``lock``, the web
    app's write lock; never held while downloading).
    """
    from sysreview.search.openaccess import download_pdf, find_open_access
    from sysreview.search.responses import LiveSearchError

    if download and not reviewer:
        raise InputError("downloading attaches files: say who does it (--reviewer)")
    folder = fulltext_folder(directory)
    found: list[OaFinding] = []
    lock = lock or nullcontext()
    if download:
        with lock, store.session() as session:
            reviewer_row(session, protocol, reviewer or "")
    for rid, doi in _needing(store, protocol, records).items():
        try:
            lookup = find_open_access(client, doi)
        except LiveSearchError as exc:  # a DOI field that holds no DOI
            found.append(OaFinding(rid, _empty(doi, str(exc))))
            continue
        attached, problems = None, []
        for url in lookup.pdf_urls if download else ():
            try:
                data = download_pdf(client, url)
                with lock, store.session() as session:
                    who = reviewer_row(session, protocol, reviewer or "")
                    attached = attach_in(session, store, folder, rid, data,
                                         file_name=f"{doi.replace('/', '_')}.pdf",
                                         reviewer=who, source=url)  # fmt: skip
                break
            except (LiveSearchError, InputError) as exc:
                problems.append(f"{url}: {exc}")
        problem = "; ".join(problems) if problems and attached is None else None
        found.append(OaFinding(rid, lookup, attached, problem))
    return tuple(found)


def _empty(doi: str, problem: str) -> OaLookup:
    from sysreview.search.openaccess import OaLookup

    return OaLookup(doi, (), (problem,))


__all__ = [
    "MatchRun",
    "OaFinding",
    "find_open_access_copies",
    "match_fulltexts",
    "record_keys",
]
