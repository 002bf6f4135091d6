"""Administrators hand screening records from one reviewer to another, many at once.

Three steps, each one call of the screening service: the page lists a reviewer's
records at a stage (filtered to the unscreened ones if asked), decided ones marked and
not selectable (:meth:`~sysreview.project.selection.service.ScreeningService.
assigned_overview`); *Review the move* plans it without storing anything and shows how
many records would move, or why none can (:meth:`...plan_reassign`); *Move* makes it
(:meth:`...reassign`, the same use case and checks as ``sysreview screen reassign``),
for exactly the records confirmed. Administrators only.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from sysreview.errors import SysreviewError
from sysreview.project.accounts.users import AccountInfo
from sysreview.protocol.review import Role
from sysreview.web.app import error_status, render
from sysreview.web.routers.screening import Stage
from sysreview.web.security import check_csrf, project_of, require

router = APIRouter(tags=["pages"], include_in_schema=False)
Admin = Annotated[AccountInfo, Depends(require("admin"))]
Name = Annotated[str, Form(min_length=1, max_length=200)]
MOVED = "admin_moved"
"""The session key of the last move's summary, shown once on the next page."""
Records = Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Form(max_length=100_000)]


def _screeners(request: Request) -> list[str]:
    return [p.id for p in project_of(request).protocol.review.with_role(Role.SCREENER)]


@router.get("/admin/assign")
def assign_page(
    request: Request,
    account: Admin,
    stage: Stage = Stage.ta,
    from_reviewer: Annotated[str, Query(max_length=200)] = "",
    unscreened: bool = False,
) -> Response:
    """A reviewer's records at a stage, to tick and hand to another screener.

    After a move, the page says what moved (kept in the session by :func:`assign_move`,
    shown once).
    """
    moved = request.session.pop(MOVED, None)
    records = []
    if from_reviewer:
        records = project_of(request).screening.assigned_overview(stage, from_reviewer)
    if unscreened:
        records = [r for r in records if not r.decided]
    return render(
        request,
        "admin/assign.html",
        stage=stage.value,
        from_reviewer=from_reviewer,
        unscreened=unscreened,
        records=records,
        screeners=_screeners(request),
        moved=moved if isinstance(moved, dict) else None,
    )


@router.post("/admin/assign/confirm", dependencies=[Depends(check_csrf)])
def assign_confirm(
    request: Request,
    account: Admin,
    stage: Annotated[Stage, Form()],
    from_reviewer: Name,
    to_reviewer: Name,
    scope: Annotated[Literal["selected", "unscreened"], Form()] = "selected",
    records: Records = [],  # noqa: B006 - FastAPI copies a form default
) -> Response:
    """What the move would do: how many records, which, or why none can move."""
    context = {"stage": stage.value, "from_reviewer": from_reviewer, "to_reviewer": to_reviewer}
    if scope == "selected" and not records:
        return render(
            request, "admin/assign_confirm.html", 422, plan=None,
            error="Tick at least one record, or choose all unscreened records.", **context,
        )  # fmt: skip
    try:
        plan = project_of(request).screening.plan_reassign(
            stage=stage, from_reviewer=from_reviewer, to_reviewer=to_reviewer,
            records=records if scope == "selected" else None,
        )  # fmt: skip
    except SysreviewError as exc:
        return render(
            request, "admin/assign_confirm.html", error_status(exc), plan=None, error=str(exc),
            **context,
        )  # fmt: skip
    status = 409 if plan.problems else 200
    return render(request, "admin/assign_confirm.html", status, plan=plan, error=None, **context)


@router.post("/admin/assign", dependencies=[Depends(check_csrf)])
def assign_move(
    request: Request,
    account: Admin,
    stage: Annotated[Stage, Form()],
    from_reviewer: Name,
    to_reviewer: Name,
    records: Records = [],  # noqa: B006 - FastAPI copies a form default
) -> Response:
    """Move exactly the confirmed records (all or none; audited as one reassignment)."""
    context = {"stage": stage.value, "from_reviewer": from_reviewer, "to_reviewer": to_reviewer}
    if not records:
        return render(
            request, "admin/assign_confirm.html", 422, plan=None,
            error="No records to move: review the move first.", **context,
        )  # fmt: skip
    try:
        moved = project_of(request).screening.reassign(
            stage=stage, from_reviewer=from_reviewer, to_reviewer=to_reviewer, by=account.name,
            records=records,
        )  # fmt: skip
    except SysreviewError as exc:
        return render(
            request, "admin/assign_confirm.html", error_status(exc), plan=None, error=str(exc),
            **context,
        )  # fmt: skip
    request.session[MOVED] = {"count": moved, "stage": stage.value, "from": from_reviewer,
                              "to": to_reviewer}  # fmt: skip
    query = urlencode({"stage": stage.value, "from_reviewer": from_reviewer})
    return RedirectResponse(f"/admin/assign?{query}", status_code=303)
