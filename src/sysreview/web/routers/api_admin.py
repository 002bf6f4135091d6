"""The JSON API of the arbiter's and administrator's screens, under ``/api/``.

The same use cases as the pages (one service call per route): the conflicts in full,
a bulk reassignment (planned with ``dry_run``, then made) and the duplicate review.
Errors as in :mod:`sysreview.web.routers.api`: 403 for a role that is not allowed, a
bad CSRF token, or a record that cannot move (decided by its reviewer, not theirs);
400 for an unknown reviewer or a malformed pair.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from sysreview.project.accounts.users import AccountInfo
from sysreview.project.deduplicating.pairs import QueuedPair
from sysreview.web.routers.api import _ERRORS, Card, Id, Model, Seen, StageName
from sysreview.web.security import check_csrf, project_of, require

router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)
Adjudicator = Annotated[AccountInfo, Depends(require("adjudicator"))]
Admin = Annotated[AccountInfo, Depends(require("admin"))]
ReviewerName = Annotated[str, Field(min_length=1, max_length=200)]


class ConflictDetail(Model):
    """A conflict in full: the record, and each reviewer's decision with reason and note."""

    record_id: int
    record: Card
    links: list[str] = Field(description="doi.org, PubMed and the record's own URL")
    decisions: list[Seen]
    independent: list[tuple[str, str]] = Field(
        description="Each reviewer's decision before seeing the other's"
    )


class AssignedOut(Model):
    """A record assigned to a reviewer, and whether they decided it (then it cannot move)."""

    record_id: int
    title: str | None
    decided: bool


class ReassignIn(Model):
    """Records to hand from one reviewer to another screener at a stage."""

    stage: StageName = "ta"
    from_reviewer: ReviewerName
    to_reviewer: ReviewerName
    records: list[Id] | None = Field(
        None,
        min_length=1,
        max_length=100_000,
        description="The records (default: all their unscreened ones)",
    )
    dry_run: bool = Field(False, description="Only say what would move; store nothing")


class ReassignOut(Model):
    """What moved (or would move, with ``dry_run``), or why nothing can."""

    stage: StageName
    from_reviewer: str
    to_reviewer: str
    records: list[int] | None = Field(
        description="The records (null: all their unscreened ones, as many as count)"
    )
    count: int
    moved: bool
    problems: list[str] = Field(description="Why nothing can move (dry run only)")


class PairOut(Model):
    """A pair waiting for review, with both records' fields."""

    pair: str = Field(description="The pair's name: 'A-B' (record ids)")
    record_a: int
    record_b: int
    rule: str
    score: float | None
    a: dict[str, Any]
    b: dict[str, Any]

    @classmethod
    def of(cls, pair: QueuedPair) -> PairOut:
        """The JSON form of a :class:`QueuedPair`."""
        return cls(
            pair=pair.key, record_a=pair.record_a, record_b=pair.record_b, rule=pair.rule,
            score=pair.score, a=dict(pair.a), b=dict(pair.b),
        )  # fmt: skip


class DecidedOut(Model):
    """A pair a reviewer decided."""

    pair: str
    status: str = Field(description="'confirmed' (same record) or 'rejected'")
    reviewer: str


class DuplicateReviewOut(Model):
    """The duplicate review: pairs waiting, how many were decided, the latest decisions."""

    decided: int
    waiting: int
    pairs: list[PairOut]
    recent: list[DecidedOut] = Field(description="The latest decisions, newest first")


class PairDecisionIn(Model):
    """A reviewer's decision on a pair: the same record (accept) or different (reject)."""

    pair: str = Field(pattern=r"^\d{1,10}-\d{1,10}$", description="'A-B' (record ids)")
    accept: bool


class PairDecisionOut(Model):
    """The decision recorded on a pair."""

    pair: str
    status: str = Field(description="'confirmed' (same record) or 'rejected'")


@router.get("/conflicts/{stage}/details", response_model=list[ConflictDetail])
def conflict_details(request: Request, stage: StageName, account: Adjudicator) -> Any:
    """Unresolved conflicts in full: records, decisions with reasons and notes (adjudicators)."""
    return [
        ConflictDetail(
            record_id=v.record_id,
            record=Card.of(v.card),
            links=[link.url for link in v.card.links],
            decisions=[Seen(**vars(d)) for d in v.decisions],
            independent=list(v.conflict.independent),
        )
        for v in project_of(request).screening.conflict_views(stage)
    ]


@router.get("/admin/assignments", response_model=list[AssignedOut])
def assignments(request: Request, account: Admin, reviewer: str, stage: StageName = "ta") -> Any:
    """A reviewer's assigned records at a stage, decided or not (administrators)."""
    return [
        AssignedOut(record_id=r.record_id, title=r.title, decided=r.decided)
        for r in project_of(request).screening.assigned_overview(stage, reviewer)
    ]


@router.post("/admin/reassign", response_model=ReassignOut, dependencies=[Depends(check_csrf)])
def reassign(request: Request, body: ReassignIn, account: Admin) -> Any:
    """Hand records from one reviewer to another screener (administrators).

    With ``dry_run`` nothing is stored: the answer says how many records would move, or
    why none can. Otherwise every chosen record moves or none (403 with the reasons):
    only records their reviewer has not decided can move.
    """
    screening = project_of(request).screening
    stage, giver, taker = body.stage, body.from_reviewer, body.to_reviewer
    if body.dry_run:
        plan = screening.plan_reassign(
            stage=stage, from_reviewer=giver, to_reviewer=taker, records=body.records
        )
        return ReassignOut(
            stage=stage, from_reviewer=giver, to_reviewer=taker, records=list(plan.records),
            count=plan.count, moved=False, problems=list(plan.problems),
        )  # fmt: skip
    moved = screening.reassign(
        stage=stage, from_reviewer=giver, to_reviewer=taker, by=account.name,
        records=body.records,
    )  # fmt: skip
    return ReassignOut(
        stage=stage, from_reviewer=giver, to_reviewer=taker, records=body.records, count=moved,
        moved=True, problems=[],
    )  # fmt: skip


@router.get("/duplicates", response_model=DuplicateReviewOut)
def duplicates(request: Request, account: Adjudicator) -> Any:
    """Pairs of records waiting for a reviewer's decision, and how many were decided."""
    review = project_of(request).duplicates.review()
    recent = [DecidedOut(pair=d.key, status=d.status, reviewer=d.reviewer) for d in review.recent]
    return DuplicateReviewOut(
        decided=review.decided, waiting=review.waiting,
        pairs=[PairOut.of(p) for p in review.pairs], recent=recent,
    )  # fmt: skip


@router.post(
    "/duplicates/decisions", response_model=PairDecisionOut, dependencies=[Depends(check_csrf)]
)
def decide_pair(request: Request, body: PairDecisionIn, account: Adjudicator) -> Any:
    """Accept (the same record) or reject (different records) a pair (adjudicators)."""
    project_of(request).duplicates.decide(body.pair, accept=body.accept, reviewer=account.name)
    return PairDecisionOut(pair=body.pair, status="confirmed" if body.accept else "rejected")
