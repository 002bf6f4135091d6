"""Screening pages: one record at a time, decided with buttons or the keys i / e / m.

The decision form posts with HTMX and gets back the next record (the whole panel, with
the progress bar); without JavaScript it posts normally and is redirected.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.errors import SysreviewError
from sysreview.project.accounts.users import AccountInfo
from sysreview.protocol.review import ELIGIBILITY_DOMAINS
from sysreview.web.app import error_status, render
from sysreview.web.security import check_csrf, project_of, require

router = APIRouter(tags=["pages"], include_in_schema=False)
Reviewer = Annotated[AccountInfo, Depends(require("reviewer"))]


class Stage(StrEnum):
    """A screening stage in a URL: title/abstract (``ta``) or full text (``ft``)."""

    ta = "ta"
    ft = "ft"


def _panel_context(request: Request, stage: str, account: AccountInfo) -> dict[str, Any]:
    ws = project_of(request)
    eligibility = ws.protocol.eligibility
    view = ws.screening.view(stage, account.name)
    return {
        "view": view,
        "terms": view.keywords,
        "checklist": [(d, eligibility.criteria(d)) for d in ELIGIBILITY_DOMAINS],
        "reasons": eligibility.exclusion_reasons,
        "error": None,
        "saved": None,
        "undone": None,
    }


@router.get("/")
def home(account: Reviewer) -> Response:
    """The home page: a redirect to the dashboard."""
    return RedirectResponse("/dashboard", status_code=303)


@router.get("/screen/{stage}")
def screen_page(request: Request, stage: Stage, account: Reviewer) -> Response:
    """The screening page of a stage: the reviewer's next record."""
    return render(request, "screening/screen.html", **_panel_context(request, stage, account))


@router.post("/screen/{stage}/decide", dependencies=[Depends(check_csrf)])
def screen_decide(
    request: Request,
    stage: Stage,
    account: Reviewer,
    record_id: Annotated[int, Form()],
    decision: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=500)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Record the reviewer's decision on a record."""
    ws = project_of(request)
    htmx = bool(request.headers.get("HX-Request"))
    try:
        ws.screening.decide_together(
            stage=stage,
            record_id=record_id,
            reviewer=account.name,
            decision=decision,
            reason=reason,
            note=note,
            source="web",
        )
    except SysreviewError as exc:
        context = _panel_context(request, stage, account)
        context["error"] = str(exc)
        if htmx:
            return render(request, "screening/_panel.html", error_status(exc), **context)
        return render(request, "screening/screen.html", error_status(exc), **context)
    if not htmx:
        return RedirectResponse(f"/screen/{stage}", status_code=303)
    context = _panel_context(request, stage, account)
    context["saved"] = f"Record {record_id}: {decision}"
    return render(request, "screening/_panel.html", **context)


@router.post("/screen/{stage}/undo", dependencies=[Depends(check_csrf)])
def screen_undo(request: Request, stage: Stage, account: Reviewer) -> Response:
    """Take back the reviewer's last decision at ``stage``; that record comes back."""
    ws = project_of(request)
    htmx = bool(request.headers.get("HX-Request"))
    try:
        taken = ws.screening.undo(stage=stage, reviewer=account.name, source="web")
    except SysreviewError as exc:
        context = _panel_context(request, stage, account)
        context["error"] = str(exc)
        page = "screening/_panel.html" if htmx else "screening/screen.html"
        return render(request, page, error_status(exc), **context)
    if not htmx:
        return RedirectResponse(f"/screen/{stage}", status_code=303)
    context = _panel_context(request, stage, account)
    context["undone"] = f"Record {taken.record_id}: {taken.decision}"
    return render(request, "screening/_panel.html", **context)


@router.get("/records/{record_id}")
def record_page(
    request: Request, record_id: int, account: Reviewer, stage: Stage = Stage.ta
) -> Response:
    """One record with its decisions, as the reviewer may see them."""
    ws = project_of(request)
    return render(
        request,
        "screening/record.html",
        card=ws.screening.card(record_id),
        stage=stage,
        seen=ws.screening.seen_decisions(stage=stage, record_id=record_id, reviewer=account.name),
        terms=ws.screening.keywords(account.name),
    )
