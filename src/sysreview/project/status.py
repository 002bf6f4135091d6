"""Use case ``sysreview status``: how far the review has come, from records and events."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sysreview.project.opening import PathLike, Project, open_project
from sysreview.project.selection.state import StageState, screening_state


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
    """The status of the project in ``directory``.

    See :meth:`ReportService.status <sysreview.project.reporting.service.ReportService.status>`.
    """
    with open_project(directory, db_url) as project:
        return project.report.status()


def status_of(project: Project) -> ProjectStatus:
    """How far the review has come: records, duplicates, screening, included studies."""
    store = project.store
    state = screening_state(store, project.protocol)
    groups = state.groups  # the confirmed duplicate groups the units are made of
    duplicates = len(groups) - len(set(groups.values()))
    with store.reading() as reads:
        batches, records, reviewers, studies = reads.rows(
            "SELECT (SELECT COUNT(*) FROM import_batch), (SELECT COUNT(*) FROM record),"
            " (SELECT COUNT(*) FROM reviewer), (SELECT COUNT(*) FROM study)"
        )[0]
        revision = reads.schema_revision()
    return ProjectStatus(
        title=project.protocol.review.title,
        database=store.backend,
        schema_revision=revision,
        import_batches=batches,
        records=records,
        duplicates=duplicates,
        unique_records=records - duplicates,
        reviewers=reviewers,
        title_abstract=StageCounts.of(state.ta),
        full_text=StageCounts.of(state.ft),
        included_studies=studies,
    )


__all__ = ["ProjectStatus", "StageCounts", "project_status", "status_of"]
