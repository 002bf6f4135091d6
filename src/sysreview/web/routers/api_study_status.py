"""The JSON API of study listings and the author-contact log.

The same use cases as the pages (:mod:`sysreview.web.routers.study_status`) and the
commands (``sysreview study status``, ``sysreview contact``), through ``project.retrieval``,
so the same refusals: a reviewer not in the protocol (400), an unknown study or contact
(404), a field the status does not keep, a date in the future, an answered contact
without its reply (400).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from sysreview.project.retrieving.contacts import Contact, StudyStatus
from sysreview.web.routers.study_status import Reviewer
from sysreview.web.security import check_csrf, project_of

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Refused by the review's rules (the detail says why)"},
    401: {"description": "Not logged in"},
    403: {"description": "Not allowed: role or CSRF token"},
    404: {"description": "No such study or contact"},
}
router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)
Text = Annotated[str, Field(max_length=5000)]
Label = Annotated[str, Field(min_length=1, max_length=500)]
Status = Annotated[str, Field(min_length=1, max_length=40)]


class Model(BaseModel):
    """A JSON body: unknown fields are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class StudyStatusOut(Model):
    """A study's current listing with its data."""

    study: str
    status: str = Field(description="awaiting_classification or ongoing")
    data: dict[str, str]
    reviewer: str
    created_at: datetime


class StudyStatusIn(Model):
    """A listing: ``awaiting``, ``ongoing`` or ``none`` (take it back), with its data.

    Awaiting classification keeps methods, participants, interventions, outcomes, notes,
    reason; ongoing keeps study_name, those five, starting_date, contact, registration.
    """

    study: Label
    status: Status
    data: dict[Annotated[str, Field(max_length=40)], Text] = {}


class ContactOut(Model):
    """A contact thread in its current state."""

    id: int
    study: str
    contact: str
    contacted_on: date
    asked: str
    reply: str | None
    replied_on: date | None
    outcome: str = Field(description="awaiting_reply, answered, no_reply or declined")
    reviewer: str
    steps: int = Field(description="How many states of the thread are logged")


class ContactIn(Model):
    """A message to a study's author (``contacted_on`` defaults to today)."""

    study: Label
    contact: Annotated[str, Field(min_length=1, max_length=500)]
    asked: Annotated[str, Field(min_length=1, max_length=5000)]
    contacted_on: date | None = None
    reply: Text | None = None
    replied_on: date | None = None
    outcome: Status | None = None


class ReplyIn(Model):
    """A later state of a contact: its reply, when it came, the outcome."""

    reply: Text | None = None
    replied_on: date | None = None
    outcome: Status | None = None


def _status(s: StudyStatus) -> StudyStatusOut:
    return StudyStatusOut(study=s.study, status=s.status, data=dict(s.data),
                          reviewer=s.reviewer, created_at=s.created_at)  # fmt: skip


def _contact(c: Contact) -> ContactOut:
    return ContactOut(**vars(c))


def _thread(request: Request, contact_id: int) -> ContactOut:
    found = [c for c in project_of(request).retrieval.contacts() if c.id == contact_id]
    return _contact(found[0])


@router.get("/study-statuses")
def api_study_statuses(request: Request, account: Reviewer) -> list[StudyStatusOut]:
    """The studies awaiting classification and the ongoing studies, with their data."""
    return [_status(s) for s in project_of(request).retrieval.study_statuses()]


@router.post("/study-statuses", status_code=201, dependencies=[Depends(check_csrf)])
def api_list_study(request: Request, account: Reviewer, body: StudyStatusIn) -> StudyStatusOut:
    """List a study as awaiting classification or ongoing, or take it back (``none``)."""
    result = project_of(request).retrieval.list_study(
        body.study, body.status, account.name, dict(body.data)
    )
    return _status(result)


@router.get("/contacts")
def api_contacts(
    request: Request,
    account: Reviewer,
    study: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
) -> list[ContactOut]:
    """The author-contact log, each thread in its current state (optionally one study's)."""
    return [_contact(c) for c in project_of(request).retrieval.contacts(study)]


@router.post("/contacts", status_code=201, dependencies=[Depends(check_csrf)])
def api_add_contact(request: Request, account: Reviewer, body: ContactIn) -> ContactOut:
    """Log a message to a study's author."""
    fields = body.model_dump(exclude={"study"})
    ident = project_of(request).retrieval.add_contact(body.study, account.name, **fields)
    return _thread(request, ident)


@router.post("/contacts/{contact_id}/replies", status_code=201, dependencies=[Depends(check_csrf)])
def api_contact_reply(
    request: Request, account: Reviewer, contact_id: int, body: ReplyIn
) -> ContactOut:
    """Log the reply to a contact, or its outcome (no reply, declined)."""
    root = project_of(request).retrieval.follow_contact(
        contact_id, account.name, **body.model_dump()
    )
    return _thread(request, root)
