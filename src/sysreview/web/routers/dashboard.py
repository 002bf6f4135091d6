"""The dashboard, and the report → study links of the full-text stage.

The dashboard shows the PRISMA counts so far, progress per reviewer and the progress report.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.errors import SysreviewError
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.storage import STAGES
from sysreview.web.app import error_status, render
from sysreview.web.security import check_csrf, project_of, require

router = APIRouter(tags=["pages"], include_in_schema=False)
Reviewer = Annotated[AccountInfo, Depends(require("reviewer"))]


def progress_report(request: Request, account: AccountInfo) -> dict[str, Any]:
    """The review's progress as JSON-ready values: PRISMA counts, progress, agreement.

    What ``account`` may see: PRISMA counts of settled decisions only; a reviewer's own
    progress and agreement (adjudicators and administrators see everyone's).
    """
    ws = project_of(request)
    agreement = {}
    for stage in STAGES:
        result = ws.screening.agreement_seen_by(stage, account)
        agreement[stage] = (
            []
            if result is None
            else [{"reviewer_a": a, "reviewer_b": b, **r.to_dict()} for (a, b), r in result.pairs]
        )
    return {
        "title": ws.protocol.review.title,
        "prisma": ws.report.prisma().to_dict(),
        "progress": [{**asdict(p), "percent": p.percent} for p in ws.screening.progress(account)],
        "agreement": agreement,
    }


@router.get("/dashboard")
def dashboard(request: Request, account: Reviewer) -> Response:
    """The dashboard: PRISMA counts so far and progress per reviewer."""
    ws = project_of(request)
    return render(
        request,
        "dashboard.html",
        prisma=ws.report.prisma(),
        progress=ws.screening.progress(account),
        ws=ws,
    )


@router.get("/dashboard/report.json")
def download_report(request: Request, account: Reviewer) -> Response:
    """The progress report as a JSON download."""
    body = json.dumps(progress_report(request, account), indent=2, default=str)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="sysreview-progress.json"'},
    )


def _studies(request: Request, error: str | None = None, status: int = 200) -> Response:
    links = project_of(request).screening.report_links()
    return render(request, "studies.html", status, links=links, error=error)


@router.get("/studies")
def studies_page(request: Request, account: Reviewer) -> Response:
    """The full-text reports and the studies they are linked to."""
    return _studies(request)


@router.post("/studies/link", dependencies=[Depends(check_csrf)])
def link_report(
    request: Request,
    account: Reviewer,
    record_id: Annotated[int, Form()],
    study: Annotated[str, Form(max_length=200)],
    primary: Annotated[bool, Form()] = False,
) -> Response:
    """Link a report to a study (a new one when no study has the name)."""
    try:
        project_of(request).screening.link(
            record_id=record_id, study=study, primary=primary, who=account.name
        )
    except SysreviewError as exc:
        return _studies(request, str(exc), error_status(exc))
    return RedirectResponse("/studies", status_code=303)


@router.post("/studies/unlink", dependencies=[Depends(check_csrf)])
def unlink_report(
    request: Request,
    account: Reviewer,
    record_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
) -> Response:
    """Undo a report's link to its study (a study with no data goes with it)."""
    try:
        project_of(request).screening.unlink(record_id=record_id, who=account.name)
    except SysreviewError as exc:
        return _studies(request, str(exc), error_status(exc))
    return RedirectResponse("/studies", status_code=303)
