"""Screening use cases: decisions, corrections, queues, sheets, conflicts, pages, links.

:class:`ScreeningService` is ``project.screening`` of an open
:class:`~sysreview.project.opening.Project`; the command line and the web app call its
methods and nothing below them;
:mod:`sysreview.project.selection.directory` has some of them on a project directory.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future
from functools import cached_property
from typing import TYPE_CHECKING, Unpack

from sysreview.errors import InputError
from sysreview.project.opening import PathLike, Service
from sysreview.project.selection import views
from sysreview.project.selection.state import store_assignments
from sysreview.project.selection.views import check_stage
from sysreview.project.storage import Store
from sysreview.protocol import Protocol

if TYPE_CHECKING:
    from sysreview.project.accounts.users import AccountInfo
    from sysreview.project.selection import decisions as screening
    from sysreview.project.selection.arbitration import (
        AssignedRecord,
        ConflictView,
        ReassignPlan,
    )
    from sysreview.project.selection.labels import Keywords, Label
    from sysreview.project.selection.listing import RecordFilter, RecordPage, ReviewView
    from sysreview.project.selection.pages import Progress, ReportLink, ScreenView
    from sysreview.project.selection.stopping import StoppingAid
    from sysreview.project.selection.studies import StudyInfo
    from sysreview.project.sheets.results import ImportResult
    from sysreview.screening.interrater import PairwiseAgreement
    from sysreview.screening.stop_record import StopRecord


def assign_records(store: Store, protocol: Protocol) -> int:
    """Store the screening assignments the protocol's rules call for now; how many.

    They are a new round of title/abstract records, or a full-text sample now due.
    """
    from sysreview.project.selection import decisions as screening

    with store.session() as session:
        screening.sync_reviewers(session, protocol)
        return store_assignments(store, protocol, session)


class ScreeningService(Service):
    """``project.screening``: every route's screening use cases (one rule, one place)."""

    @cached_property
    def reviewer_ids(self) -> Mapping[str, int]:
        """The protocol's reviewers, stored (synchronised on first use), by name."""
        from sysreview.project.selection import decisions as screening

        with self.store.session() as session:
            people = screening.sync_reviewers(session, self.protocol)
            return {name: row.id for name, row in people.items()}

    def start(self) -> None:
        """Ready the project for a server.

        Reviewers and due assignments are stored, and the ranking is warmed in the
        background (so the first page is quick).
        """
        from sysreview.project.selection import decisions as screening
        from sysreview.project.selection.queue import warm_ranking

        with self.store.session() as session:
            people = screening.sync_reviewers(session, self.protocol)
            self.__dict__["reviewer_ids"] = {name: row.id for name, row in people.items()}
            store_assignments(self.store, self.protocol, session)
        warm_ranking(self.store, self.protocol)

    def assign(self) -> int:
        """Store the assignments due now; how many (see :func:`assign_records`)."""
        return assign_records(self.store, self.protocol)

    def decide(self, **fields: Unpack[screening.DecisionFields]) -> int:
        """Record a decision (or an arbiter's resolution) now; the event's id.

        ``fields`` are those of :class:`~sysreview.project.selection.decisions.DecisionFields`.
        """
        from sysreview.project.selection import decisions as screening

        with self.project.write_lock:
            return screening.record_decision(self.store, self.protocol, **fields)

    def submit(self, **fields: Unpack[screening.DecisionFields]) -> Future[int]:
        """Check a decision and queue it for the group-commit writer; the future's event id.

        Checked against the protocol and the review's state here (who may decide which
        record, and when: :func:`~sysreview.project.selection.decisions.check_decision`),
        then committed with the decisions posted at the same time (one durable sync for
        the lot); the future is answered once the decision is durable (or with its error).
        """
        from sysreview.project.selection import decisions as screening

        item = screening.new_decision(self.protocol, **fields)
        item = screening.check_decision(self.store, self.protocol, item)
        ids, store, protocol = self.reviewer_ids, self.store, self.protocol
        return self.project.writer.submit(
            lambda session: screening.add_decision(store, session, item, ids, protocol)
        )

    def decide_together(self, **fields: Unpack[screening.DecisionFields]) -> int:
        """Store a decision through the group-commit writer; its event id, once durable.

        It is committed with those posted at the same time (:meth:`submit`).
        """
        return self.submit(**fields).result()

    def undo(
        self, *, stage: str, reviewer: str, record_id: int | None = None, source: str = "cli"
    ) -> screening.NewDecision:
        """Take back ``reviewer``'s latest decision at ``stage`` (or theirs on a record)."""
        from sysreview.project.selection import corrections

        with self.project.write_lock:
            return corrections.undo_decision(
                self.store, self.protocol, stage=check_stage(stage), reviewer=reviewer,
                record_id=record_id, source=source,
            )  # fmt: skip

    def reassign(
        self, *, stage: str, from_reviewer: str, to_reviewer: str, by: str,
        records: list[int] | None = None,
    ) -> int:  # fmt: skip
        """Move a reviewer's undecided records to another reviewer; how many moved."""
        from sysreview.project.selection import corrections

        with self.project.write_lock:
            return corrections.reassign(
                self.store, self.protocol, stage=stage, from_reviewer=from_reviewer,
                to_reviewer=to_reviewer, by=by, records=records,
            )  # fmt: skip

    def queue(self, stage: str, reviewer: str) -> tuple[list[screening.RecordCard], str | None]:
        """Pending records as cards, prioritised at title/abstract, and the stopping advice."""
        from sysreview.project.selection import decisions as screening

        queue = screening.prioritised_queue(
            self.store, self.protocol, stage=stage, reviewer=reviewer, wait=True
        )
        return [views.record_card(self.store, i) for i in queue.records], queue.advice

    def view(self, stage: str, reviewer: str, limit: int = 1) -> ScreenView:
        """The screening page: the reviewer's next record at ``stage`` and the progress."""
        from sysreview.project.selection.pages import screen_view

        return screen_view(self.store, self.protocol, stage, reviewer, limit)

    def cards(self, records: tuple[int, ...] | list[int]) -> list[screening.RecordCard]:
        """The records as a screener sees them (:class:`InputError` for an unknown one)."""
        return [views.record_card(self.store, r) for r in records]

    def card(self, record_id: int) -> screening.RecordCard:
        """A record as a screener sees it (:class:`InputError` when there is none)."""
        return views.record_card(self.store, record_id)

    def seen_decisions(
        self, *, stage: str, record_id: int, reviewer: str
    ) -> list[screening.SeenDecision]:
        """The decisions on a record that blinding lets ``reviewer`` see."""
        return views.decisions_seen_by(
            self.store, self.protocol, stage=stage, record_id=record_id, reviewer=reviewer
        )

    def export_sheet(self, out: PathLike, *, stage: str, reviewer: str) -> int:
        """Write a reviewer's assigned records to a CSV/XLSX sheet; the row count."""
        from sysreview.project.selection import sheets

        return sheets.export_sheet(self.store, self.protocol, out, stage=stage, reviewer=reviewer)

    def import_sheet(
        self, sheet: PathLike, *, stage: str, reviewer: str, force: bool = False
    ) -> ImportResult:
        """Store the new and corrected decisions of a screened sheet (all or nothing).

        See :func:`sysreview.project.selection.sheets.import_sheet` (``force`` overrides
        decisions made after the sheet was exported).
        """
        from sysreview.project.selection import sheets

        with self.project.write_lock:
            return sheets.import_sheet(
                self.store, self.protocol, sheet, stage=stage, reviewer=reviewer, force=force
            )

    def link(
        self, *, record_id: int, study: str, primary: bool = False, who: str = "sysreview"
    ) -> tuple[int, bool]:
        """Link an included report to its study (created on first use); ``(study id, new)``."""
        from sysreview.project.selection import study_links

        with self.project.write_lock:
            return study_links.link_report(
                self.store, self.protocol, record_id=record_id, study=study, primary=primary,
                who=who,
            )  # fmt: skip

    def unlink(self, *, record_id: int, who: str = "sysreview") -> str:
        """Undo a report's link to its study; the study's label."""
        from sysreview.project.selection import study_links

        with self.project.write_lock:
            return study_links.unlink_report(self.store, record_id=record_id, who=who)

    def stop(
        self, action: str, *, who: str | None = None, note: str | None = None, seed: int = 0
    ) -> tuple[StoppingAid, StopRecord | None]:
        """Stopping title/abstract screening: the aid, and the event the action recorded.

        The action shows the aid, begins a random sample of the rest, stops or resumes
        (see :func:`~sysreview.project.selection.stopping.stop_action`).
        """
        from sysreview.project.selection.stopping import stop_action

        with self.project.write_lock:
            return stop_action(
                self.store, self.protocol, action, who=who, note=note, seed=seed,  # type: ignore[arg-type]
            )  # fmt: skip

    def add_study(self, label: str) -> StudyInfo:
        """Add a study no included report is linked to yet (``sysreview study add``)."""
        from sysreview.project.selection.studies import add_study

        with self.project.write_lock:
            return add_study(self.store, label)

    def studies(self) -> tuple[StudyInfo, ...]:
        """The review's studies with the records of their reports."""
        from sysreview.project.selection.studies import list_studies

        return list_studies(self.store)

    def report_links(self) -> list[ReportLink]:
        """Every report whose full-text inclusion is settled, with its study where linked."""
        from sysreview.project.selection.pages import report_links

        return report_links(self.store, self.protocol)

    def conflicts(self, stage: str) -> list[screening.Conflict]:
        """Records whose reviewers disagree, not yet resolved by an arbiter."""
        return views.conflicts(self.store, self.protocol, check_stage(stage))

    def conflict_views(self, stage: str) -> list[ConflictView]:
        """The conflicts at ``stage`` in full: records, decisions with reasons and notes.

        For arbiters and administrators (blinding does not apply to them).
        """
        from sysreview.project.selection.arbitration import conflict_views

        return conflict_views(self.store, self.protocol, stage)

    def assigned_overview(self, stage: str, reviewer: str) -> list[AssignedRecord]:
        """``reviewer``'s assigned records at ``stage``, each marked decided or not."""
        from sysreview.project.selection.arbitration import assigned_overview

        return assigned_overview(self.store, self.protocol, stage=stage, reviewer=reviewer)

    def plan_reassign(
        self, *, stage: str, from_reviewer: str, to_reviewer: str,
        records: list[int] | None = None,
    ) -> ReassignPlan:  # fmt: skip
        """What :meth:`reassign` would move (nothing stored), or why it cannot."""
        from sysreview.project.selection.arbitration import plan_reassign

        return plan_reassign(
            self.store, self.protocol, stage=stage, from_reviewer=from_reviewer,
            to_reviewer=to_reviewer, records=records,
        )  # fmt: skip

    def agreement(self, stage: str) -> PairwiseAgreement:
        """Agreement (percent, Cohen's kappa with CI, Gwet's AC1) per pair of reviewers.

        Compares each reviewer's independent decisions (made before seeing the other's).
        """
        triples = views.decision_triples(self.store, self.protocol, stage)
        if not triples:
            raise InputError(f"no {stage} decisions yet: nothing to compare")
        from sysreview.screening.interrater import pairwise_agreement  # NumPy, SciPy

        return pairwise_agreement(triples)

    def agreement_seen_by(self, stage: str, viewer: AccountInfo) -> PairwiseAgreement | None:
        """The agreement at ``stage`` that ``viewer`` may see (``None``: nothing yet)."""
        from sysreview.project.selection.pages import agreement_seen_by

        return agreement_seen_by(self.store, self.protocol, stage, viewer)

    def progress(self, viewer: AccountInfo) -> list[Progress]:
        """Per screener and stage: assigned and decided (a reviewer sees their own)."""
        from sysreview.project.selection.pages import progress

        return progress(self.store, self.protocol, viewer)

    # ---- the record list, labels and keywords (:mod:`.listing`, :mod:`.labels`) ----------

    def records(self, viewer: AccountInfo, wanted: RecordFilter) -> RecordPage:
        """A page of the record list, searched and filtered, as blinding lets ``viewer`` see."""
        from sysreview.project.selection.listing import list_records

        return list_records(self.store, self.protocol, viewer, wanted)

    def review(self, viewer: AccountInfo, stage: str, record_id: int) -> ReviewView:
        """A record to look at again (with the viewer's decision history around it)."""
        from sysreview.project.selection.listing import review_view

        return review_view(self.store, self.protocol, viewer, stage, record_id)

    def labels(self) -> tuple[Label, ...]:
        """The project's labels in use."""
        from sysreview.project.selection.labels import project_labels

        return project_labels(self.store)

    def define_label(
        self, name: str, *, who: str, description: str | None = None, retire: bool = False
    ) -> Label:
        """Define (or retire) a project label (administrators; the caller checks)."""
        from sysreview.project.selection.labels import define_label

        with self.project.write_lock:
            return define_label(self.store, name, who=who, description=description, retire=retire)

    def label(
        self, *, record_id: int, label: str, who: str, applied: bool = True
    ) -> tuple[str, ...]:
        """Put a label on a record (or take it off); the record's labels afterwards."""
        from sysreview.project.selection.labels import label_record

        with self.project.write_lock:
            return label_record(
                self.store, record_id=record_id, label=label, who=who, applied=applied
            )

    def keywords(self, reviewer: str) -> Keywords:
        """The words highlighted for ``reviewer``: their own list over the project's."""
        from sysreview.project.selection.labels import keywords_for

        return keywords_for(self.store, self.protocol, reviewer)

    def set_keyword(self, *, word: str, kind: str, who: str, owner: str | None) -> Keywords:
        """Add a keyword to ``owner``'s list (``None``: the project's) or take it off.

        ``kind`` is ``include``, ``exclude`` or ``none``; the answer is ``who``'s keywords.
        """
        from sysreview.project.selection.labels import keywords_for, set_keyword

        with self.project.write_lock:
            set_keyword(self.store, word=word, kind=kind, who=who, owner=owner)
        return keywords_for(self.store, self.protocol, who)


__all__ = ["ScreeningService", "assign_records"]
