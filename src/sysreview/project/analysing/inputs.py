"""What the analysis and the report are made from: the project's store, read in one place.

::

    store_inputs(DIR) -> ReviewInputs   # extracted data, RoB, PRISMA counts, ratings, files

Both ``sysreview analyse`` and ``sysreview report`` (and ``run``, the web's report page,
GRADE) read a project's data through :func:`store_inputs`, so every route sees the same
studies with the same attributes: each study's ``overall_rob`` comes from its
risk-of-bias appraisal unless the extraction gave one (:func:`with_overall_rob`), and the
data files of outside formats that were loaded are named (:func:`loaded_data_files`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sysreview.appraisal.rob1 import Rob1Assessment
from sysreview.appraisal.rob2 import Rob2Assessment, Rob2Judgements
from sysreview.errors import InputError
from sysreview.extraction.dataset import OUTCOME_ROB, ReviewData
from sysreview.prisma.result import PrismaCounts
from sysreview.project.opening import PathLike
from sysreview.protocol import Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from sysreview.grade import ReviewerRating
    from sysreview.report.record import ReviewRecord

Assessment = Rob1Assessment | Rob2Assessment | Rob2Judgements
"""A risk-of-bias assessment the figures and the report read."""
NO_DATA = (
    "no extracted data in the project yet: enter them with 'sysreview extract template' "
    "and 'sysreview extract load', load a data file with 'sysreview data load' (or "
    "add_values in Python), then run this again"
)


@dataclass(frozen=True)
class ReviewInputs:
    """What the analysis and the report are made from.

    ``source`` says where the data came from (``"store"``: the project's database).
    ``prisma`` and ``rob`` are ``None`` when not available; ``grade_ratings`` are the
    reviewers' current GRADE ratings (:func:`sysreview.project.grading.ratings.reviewer_ratings`);
    ``data_files`` describes the data files of outside formats loaded into the project
    (:func:`loaded_data_files`); ``record`` is the project's record of how the review was
    done (:mod:`sysreview.project.reporting.record`).
    """

    protocol: Protocol
    data: ReviewData
    prisma: PrismaCounts | None
    rob: tuple[Assessment, ...] | None
    source: str
    grade_ratings: tuple[ReviewerRating, ...] = ()
    data_files: tuple[str, ...] = ()
    record: ReviewRecord | None = None

    def summary(self) -> str:
        """One line: where the data came from and what they hold."""
        d = self.data
        rob = "no risk-of-bias judgements" if not self.rob else f"{len(self.rob)} RoB rows"
        prisma = "no PRISMA counts"
        if self.prisma is not None:
            other = len(self.prisma.other_sources)
            prisma = "PRISMA counts" + (f" ({other} from another source)" if other else "")
        return (
            f"{self.source} data: {len(d.studies)} studies, {len(d.arms)} arms, "
            f"{len(d.outcomes)} outcome entries; {rob}; {prisma}"
        )


def with_overall_rob(data: ReviewData, rob: Sequence[Assessment]) -> ReviewData:
    """The data with each study's ``overall_rob`` taken from its risk-of-bias assessments.

    Only where the extraction did not give one: the worst overall judgement of the study's
    assessments (one per result for RoB 2), so that the protocol's filters on
    ``overall_rob`` (e.g. a low-risk-of-bias sensitivity analysis) see the appraisal. A RoB 1
    assessment with judgements for some outcome (outcome-level domains) also gives that
    outcome's overall rating as ``overall_rob:<outcome>``
    (:data:`~sysreview.extraction.dataset.OUTCOME_ROB`), which that outcome's analyses use
    instead of the study's.

    Examples
    --------
    >>> from sysreview.appraisal.rob2 import Rob2Judgements
    >>> from sysreview.extraction.dataset import StudyEntry
    >>> from sysreview.protocol.appraisal import ROB2_DOMAINS
    >>> data = ReviewData((StudyEntry("A"), StudyEntry("B", {"overall_rob": "low"})), (), ())
    >>> rob = [Rob2Judgements("A", "x", dict.fromkeys(ROB2_DOMAINS, "low"), "high"),
    ...        Rob2Judgements("B", "x", dict.fromkeys(ROB2_DOMAINS, "low"), "high")]
    >>> [dict(s.attributes) for s in with_overall_rob(data, rob).studies]
    [{'overall_rob': 'high'}, {'overall_rob': 'low'}]
    """
    order = ("low", "unclear", "some_concerns", "high")
    worst: dict[str, str] = {}
    per_outcome: dict[str, dict[str, str]] = {}
    for a in rob:
        now = worst.get(a.study)
        if now is None or order.index(a.overall) > order.index(now):
            worst[a.study] = a.overall
        for outcome, overall in getattr(a, "outcome_overall", {}).items():
            per_outcome.setdefault(a.study, {})[OUTCOME_ROB + outcome] = overall
    studies = tuple(
        s if "overall_rob" in s.attributes or s.study_id not in worst
        else replace(s, attributes={**s.attributes, "overall_rob": worst[s.study_id],
                                    **per_outcome.get(s.study_id, {})})
        for s in data.studies
    )  # fmt: skip
    return ReviewData(studies, data.arms, data.outcomes)


def loaded_data_files(session: Session) -> tuple[str, ...]:
    """The data files loaded into the project (``sysreview data load``), from the audit log.

    Each file's name, format and whose values, once, in the order first loaded.
    """
    from sqlalchemy import select

    from sysreview.project.storage import AuditEntry

    found: dict[str, None] = {}
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.what == "data load").order_by(AuditEntry.id)
    )
    for entry in entries:
        given = entry.payload or {}
        name = Path(str(given.get("source", ""))).name
        values = "consensus values" if given.get("kind") == "consensus" else "values"
        found[f"{name} ({given.get('format')} format; {values} of {entry.who})"] = None
    return tuple(found)


def store_inputs(directory: PathLike, db_url: str | None = None) -> ReviewInputs:
    """The inputs held in the project's store: extracted data, PRISMA counts, RoB.

    PRISMA counts are given when the project has records or counts from another source;
    each study's ``overall_rob`` comes from its risk-of-bias assessments
    (:func:`with_overall_rob`) unless the extraction gave it.

    Raises
    ------
    InputError
        When no extracted data exist yet.
    """
    from sqlalchemy import func, select

    from sysreview.project.extracting.values import review_data
    from sysreview.project.grading.ratings import reviewer_ratings
    from sysreview.project.opening import opened
    from sysreview.project.storage import PrismaOtherSource, Record

    with opened(directory, db_url) as (project, store):
        protocol = project.protocol
        data = review_data(store, protocol)
        if not data.outcomes:
            raise InputError(NO_DATA, source=str(directory))
        rob: tuple[Assessment, ...] | None = None
        if protocol.risk_of_bias is not None:
            from sysreview.project.appraising.assessments import rob_assessments

            rob = tuple(s.assessment(protocol) for s in rob_assessments(store, protocol))
            data = with_overall_rob(data, rob)
        with store.session(readonly=True) as session:
            counted = sum(
                session.scalar(select(func.count()).select_from(table)) or 0
                for table in (Record, PrismaOtherSource)
            )
            ratings = reviewer_ratings(session)
            files = loaded_data_files(session)
        from sysreview.project.reporting.record import store_record

        record = store_record(store, protocol)
    prisma = None
    if counted:
        from sysreview.project.reporting.service import prisma_flow

        prisma = prisma_flow(directory, db_url)
    return ReviewInputs(protocol, data, prisma, rob or None, "store", ratings, files, record)


def review_inputs(directory: PathLike, db_url: str | None = None) -> ReviewInputs:
    """The inputs of the project in ``directory`` (:func:`store_inputs`)."""
    return store_inputs(directory, db_url)


__all__ = [
    "NO_DATA",
    "Assessment",
    "ReviewInputs",
    "loaded_data_files",
    "review_inputs",
    "store_inputs",
    "with_overall_rob",
]
