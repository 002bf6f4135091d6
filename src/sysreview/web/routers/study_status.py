"""Study listings and the author-contact log on the web.

``/studies/status`` lists the studies awaiting classification and the ongoing studies
with their data (Cochrane Handbook 4.5; RevMan's "Characteristics of studies awaiting
classification" and "... of ongoing studies") and takes a new listing, or ``none`` to take
one back. ``/studies/contacts`` is the author-contact log (MECIR C50-C51): each thread
(study, who was contacted, when, what was asked, the reply, the outcome), a form to log
a new contact and one per thread to log its reply or outcome, filtered by study.

Each form is one call of ``project.retrieval`` (what ``sysreview study status`` and
``sysreview contact`` use), so the web refuses what the commands refuse, with the same
message, shown on the page (422; 404 for an unknown study or contact): a reviewer who is
not in the protocol, a field the status does not keep, a date in the future, an answered
contact without its reply.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from sysreview.errors import InputError, SysreviewError
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.retrieving.contacts import FIELDS
from sysreview.project.storage import CONTACT_OUTCOMES
from sysreview.web.app import error_status, render
from sysreview.web.security import check_csrf, project_of, require

router = APIRouter(tags=["pages"], include_in_schema=False)
Reviewer = Annotated[AccountInfo, Depends(require("reviewer"))]
ALL_FIELDS = tuple(dict.fromkeys(f for fields in FIELDS.values() for f in fields))
"""Every field a listing keeps (each status keeps some of them: :data:`FIELDS`)."""
MAX_PART = 20_000
"""Largest form field, in bytes (a listing's methods or a reply may be long)."""
StudyFilter = Annotated[str | None, Query(max_length=500)]


def parse_day(value: object, field: str) -> date | None:
    """A form's ``YYYY-MM-DD`` date (``None`` when empty), or an error naming the field.

    >>> parse_day("2024-03-01", "contacted on")
    datetime.date(2024, 3, 1)
    >>> parse_day("1 March", "contacted on")
    Traceback (most recent call last):
    ...
    sysreview.errors.InputError: field 'contacted on': '1 March' is not a date (YYYY-MM-DD)
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"field {field!r}: {value!r} is not a date (YYYY-MM-DD)") from None


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) and value.strip() else None


def _status_page(request: Request, status: int = 200, **extra: Any) -> Response:
    ws = project_of(request)
    context: dict[str, Any] = {
        "listed": ws.retrieval.study_statuses(),
        "studies": [s.label for s in ws.screening.studies()],
        "fields": FIELDS,
        "all_fields": ALL_FIELDS,
        "message": None,
        "error": None,
        "form": {},
    }
    context.update(extra)
    return render(request, "study_status/statuses.html", status, **context)


def _contacts_page(
    request: Request, study: str | None, status: int = 200, **extra: Any
) -> Response:
    ws = project_of(request)
    context: dict[str, Any] = {
        "study": study,
        "contacts": (),
        "studies": [s.label for s in ws.screening.studies()],
        "outcomes": CONTACT_OUTCOMES,
        "message": None,
        "error": None,
        "form": {},
    }
    context.update(extra)
    try:
        context["contacts"] = ws.retrieval.contacts(study or None)
    except SysreviewError as exc:  # an unknown study to filter by
        context["error"] = f"field 'study': {exc}"
        status = error_status(exc)
    return render(request, "study_status/contacts.html", status, **context)


@router.get("/studies/status")
def study_statuses_page(request: Request, account: Reviewer) -> Response:
    """The studies awaiting classification and the ongoing studies, with their data."""
    return _status_page(request)


@router.post("/studies/status", dependencies=[Depends(check_csrf)])
async def list_study(request: Request, account: Reviewer) -> Response:
    """List a study as awaiting classification or ongoing, or take it back (``none``)."""
    form = await request.form(max_files=0, max_fields=20, max_part_size=MAX_PART)
    study, status = _text(form, "study") or "", _text(form, "status") or ""
    data = {f: _text(form, f) for f in ALL_FIELDS}
    try:
        if not study:
            raise InputError("field 'study': give the study's label")
        result = await run_in_threadpool(
            project_of(request).retrieval.list_study, study, status, account.name, data
        )
    except SysreviewError as exc:
        kept = {"study": study, "status": status, **{k: v for k, v in data.items() if v}}
        return await run_in_threadpool(
            _status_page, request, error_status(exc), error=str(exc), form=kept
        )
    listing = result.status.replace("_", " ")
    message = f"{result.study}: taken off the lists" if result.status == "none" else (
        f"{result.study} listed as {listing}")  # fmt: skip
    return await run_in_threadpool(_status_page, request, message=message)


@router.get("/studies/contacts")
def contacts_page(request: Request, account: Reviewer, study: StudyFilter = None) -> Response:
    """The author-contact log, each thread in its current state (optionally one study's)."""
    return _contacts_page(request, study)


@router.post("/studies/contacts", dependencies=[Depends(check_csrf)])
async def add_contact(request: Request, account: Reviewer) -> Response:
    """Log a message to a study's author (``sysreview contact add``)."""
    form = await request.form(max_files=0, max_fields=20, max_part_size=MAX_PART)
    names = ("study", "contact", "asked", "contacted_on", "reply", "replied_on", "outcome")
    given = {k: _text(form, k) for k in names}
    study = given["study"] or ""
    try:
        if not study:
            raise InputError("field 'study': give the study's label")
        fields = {
            "contact": given["contact"] or "",
            "asked": given["asked"] or "",
            "contacted_on": parse_day(given["contacted_on"], "contacted on"),
            "reply": given["reply"],
            "replied_on": parse_day(given["replied_on"], "replied on"),
            "outcome": given["outcome"],
        }
        ident = await run_in_threadpool(
            project_of(request).retrieval.add_contact, study, account.name, **fields
        )
    except SysreviewError as exc:
        kept = {k: v for k, v in given.items() if v}
        return await run_in_threadpool(
            _contacts_page, request, None, error_status(exc), error=str(exc), form=kept
        )
    message = f"Contact {ident} logged for {study}"
    return await run_in_threadpool(_contacts_page, request, None, message=message)


@router.post("/studies/contacts/{contact_id}/reply", dependencies=[Depends(check_csrf)])
async def contact_reply(request: Request, contact_id: int, account: Reviewer) -> Response:
    """Log the reply to a contact, or its outcome (``sysreview contact reply``)."""
    form = await request.form(max_files=0, max_fields=10, max_part_size=MAX_PART)
    try:
        root = await run_in_threadpool(
            project_of(request).retrieval.follow_contact, contact_id, account.name,
            reply=_text(form, "reply"),
            replied_on=parse_day(_text(form, "replied_on"), "replied on"),
            outcome=_text(form, "outcome"),
        )  # fmt: skip
    except SysreviewError as exc:
        return await run_in_threadpool(
            _contacts_page, request, None, error_status(exc),
            error=f"contact {contact_id}: {exc}",
        )  # fmt: skip
    return await run_in_threadpool(_contacts_page, request, None, message=f"Contact {root} updated")


__all__ = ["ALL_FIELDS", "parse_day", "router"]
