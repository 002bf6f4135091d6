"""The JSON API: the same use cases as the pages, under ``/api/``, described by OpenAPI.

Log in with ``POST /api/login`` (JSON name and password): the answer sets the session
cookie and gives the CSRF token to send as ``X-CSRF-Token`` with every write.
Errors are ``{"detail": "..."}``: 400 bad input, 401 not logged in, 403 not allowed
(role, CSRF, a record not assigned to you), 404 no such record, 409 not allowed in the
review's current state (a record not forwarded, not in conflict, already linked), 422
malformed request.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from sysreview.project.accounts.users import AccountInfo
from sysreview.project.selection.decisions import RecordCard, UnknownRecord
from sysreview.web.routers.dashboard import progress_report
from sysreview.web.security import (
    LOGIN_BODY_BYTES,
    check_csrf,
    csrf_token,
    current_account,
    end_session,
    log_in,
    project_of,
    require,
)

StageName = Literal["ta", "ft"]
DecisionName = Literal["include", "exclude", "maybe"]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Reviewer = Annotated[AccountInfo, Depends(require("reviewer"))]
Adjudicator = Annotated[AccountInfo, Depends(require("adjudicator"))]
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad input (the detail says what)"},
    401: {"description": "Not logged in"},
    403: {"description": "Not allowed: role, CSRF token, or a record not assigned to you"},
}
_STATE: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not allowed in the review's current state (the detail says why)"}
}

router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)


class Model(BaseModel):
    """A JSON body of the API: unknown fields are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Login(Model):
    """A name and password to log in with."""

    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)


class Me(Model):
    """The logged-in account: name, role and the CSRF token its writes must send."""

    name: str
    role: str
    csrf_token: str


class Card(Model):
    """A record as the screening page shows it."""

    id: int
    title: str | None
    authors: list[str]
    year: int | None
    journal: str | None
    abstract: str | None

    @classmethod
    def of(cls, card: RecordCard) -> Card:
        """The card of a :class:`RecordCard`."""
        return cls(
            id=card.id,
            title=card.title,
            authors=list(card.authors),
            year=card.year,
            journal=card.journal,
            abstract=card.abstract,
        )


class Queue(Model):
    """The reviewer's screening queue at a stage: counts, ranking advice and the next records."""

    stage: StageName
    assigned: int
    pending: int
    prioritised: bool
    advice: str | None
    records: list[Card]


class DecisionIn(Model):
    """A screening decision to record."""

    stage: StageName
    record_id: Id
    decision: DecisionName
    reason: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=5000)


class ResolutionIn(Model):
    """An adjudicator's resolution of a conflict."""

    stage: StageName
    record_id: Id
    decision: Literal["include", "exclude"]
    reason: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=5000)


class Saved(Model):
    """The id of the event a write stored."""

    event_id: int


class UndoIn(Model):
    """The decision to take back: a record's, or the reviewer's latest."""

    stage: StageName
    record_id: Id | None = Field(None, description="The record (default: your latest decision)")


class Undone(Model):
    """The decision or resolution taken back."""

    record_id: int
    decision: str = Field(description="The decision taken back")
    kind: Literal["decision", "resolution"]


class Seen(Model):
    """A screening decision the reader may see."""

    reviewer: str
    kind: str
    decision: str
    reason: str | None
    note: str | None
    revealed: bool = Field(
        False, description="Made after its author could see another reviewer's decision"
    )


class RecordOut(Model):
    """A record with the decisions on it that blinding lets the reader see."""

    record: Card
    decisions: list[Seen] = Field(description="Only the decisions blinding lets you see")


class ConflictOut(Model):
    """A record on which reviewers disagree."""

    record_id: int
    title: str | None
    decisions: list[tuple[str, str]] = Field(description="Each reviewer's current decision")
    revealed: list[str] = Field(
        description="Reviewers who changed their decision after seeing the other's"
    )
    independent: list[tuple[str, str]] = Field(
        description="Each reviewer's decision before seeing the other's"
    )


class LinkIn(Model):
    """A report to link to a study (a new one when no study has the name)."""

    record_id: Id
    study: str = Field(min_length=1, max_length=200)
    primary: bool = False


class LinkOut(Model):
    """The study a report was linked to, and whether it was created for it."""

    study_id: int
    new_study: bool


@router.post(
    "/login",
    response_model=Me,
    responses={
        401: {"description": "Wrong login"},
        429: {"description": "Too many attempts: wait Retry-After seconds"},
        503: {"description": "Busy checking other logins: wait Retry-After seconds"},
    },
    max_body_size=LOGIN_BODY_BYTES,
)
async def api_login(request: Request, body: Login) -> Any:
    """Log in; the answer sets the session cookie and gives the CSRF token for writes."""
    account = await log_in(request, body.name, body.password)
    if account is None:
        return JSONResponse({"detail": "wrong name or password"}, status_code=401)
    return Me(name=account.name, role=account.role, csrf_token=csrf_token(request))


@router.post("/logout", status_code=204, dependencies=[Depends(check_csrf)])
def api_logout(request: Request, account: Reviewer) -> None:
    """Log out."""
    end_session(request)


@router.get("/me", response_model=Me)
def me(request: Request, account: Annotated[AccountInfo, Depends(current_account)]) -> Me:
    """Who is logged in, and the session's CSRF token."""
    return Me(name=account.name, role=account.role, csrf_token=csrf_token(request))


@router.get("/queue", response_model=Queue)
def queue(
    request: Request,
    account: Reviewer,
    stage: StageName = "ta",
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> Queue:
    """Your pending records at ``stage``, in screening (active-learning) order."""
    ws = project_of(request)
    view = ws.screening.view(stage, account.name, limit)
    cards = ws.screening.cards(view.queue[:limit])
    return Queue(
        stage=stage,
        assigned=view.assigned,
        pending=view.pending,
        prioritised=view.prioritised,
        advice=view.advice,
        records=[Card.of(c) for c in cards],
    )


def _record_or_404(request: Request, record_id: int) -> RecordCard:
    try:
        return project_of(request).screening.card(record_id)
    except UnknownRecord:
        raise HTTPException(404, f"no record {record_id}") from None


async def _saved(queued: Future[int], record_id: int) -> Saved:
    """The stored decision's id once the group commit has made it durable (404: no record)."""
    try:
        return Saved(event_id=await asyncio.wrap_future(queued))
    except UnknownRecord:
        raise HTTPException(404, f"no record {record_id}") from None


@router.get("/records/{record_id}", response_model=RecordOut, responses={404: {}})
def record(
    request: Request,
    record_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    account: Reviewer,
    stage: StageName = "ta",
) -> RecordOut:
    """A record and the decisions on it that you may see (blinding is enforced here)."""
    card = _record_or_404(request, record_id)
    seen = project_of(request).screening.seen_decisions(
        stage=stage, record_id=record_id, reviewer=account.name
    )
    return RecordOut(
        record=Card.of(card),
        decisions=[Seen(**vars(s)) for s in seen],
    )


@router.post(
    "/decisions",
    response_model=Saved,
    status_code=201,
    dependencies=[Depends(check_csrf)],
    responses={404: {}, **_STATE},
)
async def post_decision(request: Request, body: DecisionIn, account: Reviewer) -> Saved:
    """Record your decision on a record (a new event; the latest one counts)."""
    # checked against the review's state in the thread pool (a read of the store),
    # then queued for the group commit
    queued = await run_in_threadpool(
        partial(project_of(request).screening.submit, reviewer=account.name, source="api",
                **body.model_dump())
    )  # fmt: skip
    return await _saved(queued, body.record_id)


@router.post(
    "/decisions/undo",
    response_model=Undone,
    dependencies=[Depends(check_csrf)],
    responses={404: {}, **_STATE},
)
def undo_decision(request: Request, body: UndoIn, account: Reviewer) -> Undone:
    """Take back your latest decision at ``stage`` (or yours on ``record_id``): a new event."""
    taken = project_of(request).screening.undo(
        stage=body.stage, reviewer=account.name, record_id=body.record_id, source="api"
    )
    kind: Literal["decision", "resolution"] = "resolution" if taken.resolution else "decision"
    return Undone(record_id=taken.record_id, decision=taken.decision, kind=kind)


@router.get("/conflicts", response_model=list[ConflictOut])
def get_conflicts(
    request: Request, account: Adjudicator, stage: StageName = "ta"
) -> list[ConflictOut]:
    """Unresolved disagreements (adjudicators)."""
    found = project_of(request).screening.conflicts(stage)
    return [
        ConflictOut(
            record_id=c.record_id,
            title=c.title,
            decisions=list(c.decisions),
            revealed=list(c.revealed),
            independent=list(c.independent),
        )
        for c in found
    ]


@router.post(
    "/resolutions",
    response_model=Saved,
    status_code=201,
    dependencies=[Depends(check_csrf)],
    responses={404: {}, **_STATE},
)
async def post_resolution(request: Request, body: ResolutionIn, account: Adjudicator) -> Saved:
    """Resolve a disagreement (adjudicators who are the protocol's arbiters)."""
    queued = await run_in_threadpool(
        partial(project_of(request).screening.submit, reviewer=account.name, resolution=True,
                source="api", **body.model_dump())
    )  # fmt: skip
    return await _saved(queued, body.record_id)


@router.post(
    "/links",
    response_model=LinkOut,
    status_code=201,
    dependencies=[Depends(check_csrf)],
    responses={404: {}, **_STATE},
)
def post_link(request: Request, body: LinkIn, account: Reviewer) -> LinkOut:
    """Link a report included at full text to its study (created on first use)."""
    study_id, new = project_of(request).screening.link(
        record_id=body.record_id,
        study=body.study,
        primary=body.primary,
        who=account.name,
    )
    return LinkOut(study_id=study_id, new_study=new)


@router.get("/progress")
def get_progress(request: Request, account: Reviewer) -> dict[str, Any]:
    """PRISMA counts so far, progress per reviewer and stage, agreement per pair."""
    return progress_report(request, account)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, account: Reviewer) -> dict[str, Any]:
    """The OpenAPI schema of the whole app."""
    schema: dict[str, Any] = request.app.openapi()
    return schema
