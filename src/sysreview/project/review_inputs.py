"""What the analysis and the report are made from: the demo loader or the project's store.

::

    review_inputs(DIR) -> ReviewInputs   # the demo loader (mapping.toml) or the store
    store_inputs(DIR)  -> ReviewInputs   # extracted data, RoB, PRISMA counts, ratings, record

Both ``sysreview analyse`` and ``sysreview report`` (and ``run``, the web's report page,
GRADE) read a project's data through :func:`review_inputs`, with the project's record of
how the review was done (:mod:`sysreview.project.report_record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sysreview.appraisal.rob1 import Rob1Assessment
from sysreview.appraisal.rob2 import Rob2Assessment, Rob2Judgements
from sysreview.errors import InputError
from sysreview.extraction.dataset import ReviewData
from sysreview.prisma.result import PrismaCounts
from sysreview.project.services import PathLike
from sysreview.protocol import Protocol

if TYPE_CHECKING:
    from sysreview.grade import ReviewerRating
    from sysreview.report.record import ReviewRecord

Assessment = Rob1Assessment | Rob2Assessment | Rob2Judgements
"""A risk-of-bias assessment the figures and the report read."""
MAPPING_FILE = "mapping.toml"
NO_DATA = (
    "no extracted data in the project yet: enter them with 'sysreview extract template' "
    "and 'sysreview extract load' (or add_values in Python), then run this again"
)


@dataclass(frozen=True)
class ReviewInputs:
    """What the analysis and the report are made from.

    ``source`` says where the data came from: ``"demo"`` (a folder with ``mapping.toml``,
    read by :func:`sysreview.project.demo.load_demo`) or ``"store"`` (the project's
    database). ``prisma`` and ``rob`` are ``None`` when not available;
    ``grade_ratings`` are the reviewers' current GRADE ratings
    (:func:`sysreview.project.grading.reviewer_ratings`).
    """

    protocol: Protocol
    data: ReviewData
    prisma: PrismaCounts | None
    rob: tuple[Assessment, ...] | None
    source: str
    grade_ratings: tuple[ReviewerRating, ...] = ()
    record: ReviewRecord | None = None

    def summary(self) -> str:
        """One line: where the data came from and what they hold."""
        d = self.data
        rob = "no risk-of-bias judgements" if not self.rob else f"{len(self.rob)} RoB rows"
        prisma = "PRISMA counts" if self.prisma is not None else "no PRISMA counts"
        return (
            f"{self.source} data: {len(d.studies)} studies, {len(d.arms)} arms, "
            f"{len(d.outcomes)} outcome entries; {rob}; {prisma}"
        )


def demo_inputs(directory: PathLike, db_url: str | None = None) -> ReviewInputs:
    """The inputs of a demo-style folder (``review.toml`` + ``mapping.toml`` + ``data/``),
    with the GRADE ratings of its database when it has one."""
    from sysreview.project.demo import load_demo
    from sysreview.project.grading import stored_ratings
    from sysreview.project.report_record import project_record

    demo = load_demo(directory)
    ratings = stored_ratings(directory, db_url)
    record = project_record(directory, db_url)
    return ReviewInputs(demo.protocol, demo.data, demo.prisma, demo.rob, "demo", ratings, record)


def store_inputs(directory: PathLike, db_url: str | None = None) -> ReviewInputs:
    """The inputs held in the project's store: extracted data, PRISMA counts, RoB.

    Raises
    ------
    InputError
        When no extracted data exist yet (or the extraction module is not available).
    """
    from sqlalchemy import func, select

    from sysreview.project.grading import reviewer_ratings
    from sysreview.project.services import opened
    from sysreview.project.store import Record

    try:
        from sysreview.project.extracting import review_data
    except ImportError as exc:  # pragma: no cover (only while extraction is unfinished)
        raise InputError(f"{NO_DATA} ({exc})") from None
    with opened(directory, db_url) as (project, store):
        protocol = project.protocol
        data = review_data(store, protocol)
        if not data.outcomes:
            raise InputError(NO_DATA, source=str(directory))
        rob: tuple[Assessment, ...] | None = None
        if protocol.risk_of_bias is not None:
            from sysreview.project.appraising import rob_assessments

            rob = tuple(s.assessment(protocol) for s in rob_assessments(store, protocol))
        with store.session(readonly=True) as session:
            records = session.scalar(select(func.count()).select_from(Record)) or 0
            ratings = reviewer_ratings(session)
        from sysreview.project.report_record import store_record

        record = store_record(store, protocol)
    prisma = None
    if records:
        from sysreview.project.services import prisma_flow

        prisma = prisma_flow(directory, db_url)
    return ReviewInputs(protocol, data, prisma, rob or None, "store", ratings, record)


def is_demo(directory: PathLike) -> bool:
    """Whether ``directory`` is a demo-style folder (it holds ``mapping.toml``)."""
    return (Path(directory) / MAPPING_FILE).is_file()


def review_inputs(directory: PathLike, db_url: str | None = None) -> ReviewInputs:
    """The demo loader's inputs when ``DIR/mapping.toml`` exists, else the store's."""
    if is_demo(directory):
        return demo_inputs(directory, db_url)
    return store_inputs(directory, db_url)


__all__ = [
    "MAPPING_FILE",
    "NO_DATA",
    "Assessment",
    "ReviewInputs",
    "demo_inputs",
    "is_demo",
    "review_inputs",
    "store_inputs",
]
