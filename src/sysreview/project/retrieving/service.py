"""Retrieval use cases: full texts, retrieval status, study listings, author contacts.

The methods of ``project.retrieval``; the ``project_*`` functions at the end open the
project in a directory and call one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sysreview.fulltext import TITLE_THRESHOLD
from sysreview.project.opening import PathLike, Service, open_project

if TYPE_CHECKING:
    from pathlib import Path

    from sysreview.project.retrieving.bulk import MatchRun, OaFinding
    from sysreview.project.retrieving.contacts import Contact, StudyStatus
    from sysreview.project.retrieving.files import AttachedFile, FulltextRow
    from sysreview.project.retrieving.status import Retrieval
    from sysreview.project.retrieving.viewing import FulltextViewer, PageHit
    from sysreview.search.live import ApiClient


class RetrievalService(Service):
    """``project.retrieval``: full texts, their retrieval, study listings, author contacts."""

    def attach(self, record_id: int, file: PathLike, reviewer: str) -> AttachedFile:
        """Attach the PDF ``file`` to a record; the report is marked retrieved.

        See :func:`~sysreview.project.retrieving.files.attach_file`.
        """
        from sysreview.project.retrieving.files import attach_file

        with self.project.write_lock:
            return attach_file(self.store, self.protocol, self.directory, record_id, file,
                               reviewer)  # fmt: skip

    def upload(self, record_id: int, data: bytes, file_name: str, reviewer: str) -> AttachedFile:
        """Attach an uploaded PDF (its bytes) to a record; the report is marked retrieved.

        The checks of :meth:`attach`; see :func:`~sysreview.project.retrieving.viewing.
        attach_upload`.
        """
        from sysreview.project.retrieving.viewing import attach_upload

        with self.project.write_lock:
            return attach_upload(self.store, self.protocol, self.directory, record_id, data,
                                 file_name=file_name, reviewer=reviewer)  # fmt: skip

    def viewer(self, record_id: int) -> FulltextViewer:
        """A record's full texts, newest first, for a PDF viewer."""
        from sysreview.project.retrieving.viewing import record_viewer

        return record_viewer(self.store, record_id)

    def study_viewer(self, label: str) -> FulltextViewer:
        """The full texts of a study's reports, the primary report's first."""
        from sysreview.project.retrieving.viewing import study_viewer

        return study_viewer(self.store, label)

    def stored_pdf(self, record_id: int, file_id: int) -> tuple[AttachedFile, Path]:
        """A record's full text ``file_id`` and the path of its stored PDF."""
        from sysreview.project.retrieving.viewing import stored_pdf

        return stored_pdf(self.store, self.directory, record_id, file_id)

    def search(self, record_id: int, file_id: int, term: str) -> tuple[PageHit, ...]:
        """The pages of a record's full text ``file_id`` that hold ``term``."""
        from sysreview.project.retrieving.viewing import search_pages

        return search_pages(self.store, record_id, file_id, term)

    def records_containing(self, term: str) -> tuple[int, ...]:
        """The records whose full text holds ``term`` (case and line breaks ignored)."""
        from sysreview.project.retrieving.viewing import records_containing

        return records_containing(self.store, term)

    def match_folder(
        self, folder: PathLike, reviewer: str, *, threshold: float = TITLE_THRESHOLD,
        every_record: bool = False, dry_run: bool = False,
    ) -> MatchRun:  # fmt: skip
        """Match the PDFs of ``folder`` to the reports at full text and attach them.

        See :func:`~sysreview.project.retrieving.bulk.match_fulltexts`.
        """
        from sysreview.project.retrieving.bulk import match_fulltexts

        return match_fulltexts(
            self.store, self.protocol, self.directory, folder, reviewer, threshold=threshold,
            every_record=every_record, dry_run=dry_run, lock=self.project.write_lock,
        )  # fmt: skip

    def find_open_access(
        self, client: ApiClient, *, records: Sequence[int] | None = None,
        download: bool = False, reviewer: str | None = None,
    ) -> tuple[OaFinding, ...]:  # fmt: skip
        """Look up open-access copies of reports (and, with ``download``, attach them).

        See :func:`~sysreview.project.retrieving.bulk.find_open_access_copies`.
        """
        from sysreview.project.retrieving.bulk import find_open_access_copies

        return find_open_access_copies(
            self.store, self.protocol, self.directory, client, records=records,
            download=download, reviewer=reviewer, lock=self.project.write_lock,
        )  # fmt: skip

    def set_status(
        self, record_id: int, status: str, reviewer: str, *, reason: str | None = None
    ) -> tuple[Retrieval, bool]:
        """Record a report's retrieval status; the status and whether it changed."""
        from sysreview.project.retrieving.status import set_retrieval

        with self.project.write_lock:
            return set_retrieval(self.store, self.protocol, record_id, status, reviewer,
                                 reason=reason)  # fmt: skip

    def fulltexts(self) -> tuple[FulltextRow, ...]:
        """The reports at full text with their links, retrieval status and files."""
        from sysreview.project.retrieving.files import at_full_text, fulltext_rows

        return fulltext_rows(self.store, at_full_text(self.store, self.protocol))

    def list_study(
        self, label: str, status: str, reviewer: str, data: dict[str, Any]
    ) -> StudyStatus:
        """List a study as awaiting classification or ongoing (``none`` takes it back)."""
        from sysreview.project.retrieving.contacts import list_study

        with self.project.write_lock:
            return list_study(self.store, self.protocol, label, status, reviewer, data)

    def study_statuses(self) -> tuple[StudyStatus, ...]:
        """The studies listed as awaiting classification or ongoing."""
        from sysreview.project.retrieving.contacts import study_statuses

        return study_statuses(self.store)

    def add_contact(self, label: str, reviewer: str, **fields: Any) -> int:
        """Log a message to a study's author; its id.

        ``fields``: see :func:`~sysreview.project.retrieving.contacts.add_contact`.
        """
        from sysreview.project.retrieving.contacts import log_contact

        with self.project.write_lock:
            return log_contact(self.store, self.protocol, label, reviewer, **fields)

    def follow_contact(self, contact_id: int, reviewer: str, **fields: Any) -> int:
        """Log a reply or outcome of a contact; the thread's id.

        ``fields``: see :func:`~sysreview.project.retrieving.contacts.follow_contact`.
        """
        from sysreview.project.retrieving.contacts import log_reply

        with self.project.write_lock:
            return log_reply(self.store, self.protocol, contact_id, reviewer, **fields)

    def contacts(self, label: str | None = None) -> tuple[Contact, ...]:
        """The author-contact log (optionally one study's), each thread in its current state."""
        from sysreview.project.retrieving.contacts import list_contacts

        return list_contacts(self.store, label)


def project_attach_fulltext(
    directory: PathLike, record_id: int, file: PathLike, reviewer: str, db_url: str | None = None
) -> AttachedFile:
    """:meth:`RetrievalService.attach` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.retrieval.attach(record_id, file, reviewer)


def project_set_retrieval(
    directory: PathLike, record_id: int, status: str, reviewer: str, *,
    reason: str | None = None, db_url: str | None = None,
) -> tuple[Retrieval, bool]:  # fmt: skip
    """:meth:`RetrievalService.set_status` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.retrieval.set_status(record_id, status, reviewer, reason=reason)


def project_fulltexts(directory: PathLike, db_url: str | None = None) -> tuple[FulltextRow, ...]:
    """:meth:`RetrievalService.fulltexts` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.retrieval.fulltexts()


def project_match_fulltexts(
    directory: PathLike, folder: PathLike, reviewer: str, *,
    threshold: float = TITLE_THRESHOLD, every_record: bool = False, dry_run: bool = False,
    db_url: str | None = None,
) -> MatchRun:  # fmt: skip
    """:meth:`RetrievalService.match_folder` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.retrieval.match_folder(folder, reviewer, threshold=threshold,
                                              every_record=every_record,
                                              dry_run=dry_run)  # fmt: skip


def project_find_open_access(
    directory: PathLike, client: ApiClient, *, records: Sequence[int] | None = None,
    download: bool = False, reviewer: str | None = None, db_url: str | None = None,
) -> tuple[OaFinding, ...]:  # fmt: skip
    """:meth:`RetrievalService.find_open_access` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.retrieval.find_open_access(client, records=records, download=download,
                                                  reviewer=reviewer)  # fmt: skip


def project_set_study_status(
    directory: PathLike, label: str, status: str, reviewer: str, data: dict[str, Any],
    db_url: str | None = None,
) -> StudyStatus:  # fmt: skip
    """:meth:`RetrievalService.list_study` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.retrieval.list_study(label, status, reviewer, data)


def project_study_statuses(
    directory: PathLike, db_url: str | None = None
) -> tuple[StudyStatus, ...]:
    """:meth:`RetrievalService.study_statuses` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.retrieval.study_statuses()


def project_add_contact(
    directory: PathLike, label: str, reviewer: str, db_url: str | None = None, **fields: Any
) -> int:
    """:meth:`RetrievalService.add_contact` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.retrieval.add_contact(label, reviewer, **fields)


def project_follow_contact(
    directory: PathLike, contact_id: int, reviewer: str, db_url: str | None = None, **fields: Any
) -> int:
    """:meth:`RetrievalService.follow_contact` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.retrieval.follow_contact(contact_id, reviewer, **fields)


def project_contacts(
    directory: PathLike, label: str | None = None, db_url: str | None = None
) -> tuple[Contact, ...]:
    """:meth:`RetrievalService.contacts` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.retrieval.contacts(label)


__all__ = [
    "RetrievalService",
    "project_add_contact",
    "project_attach_fulltext",
    "project_contacts",
    "project_find_open_access",
    "project_follow_contact",
    "project_fulltexts",
    "project_match_fulltexts",
    "project_set_retrieval",
    "project_set_study_status",
    "project_study_statuses",
]
