"""Conflicts (adjudicators resolve disagreements) and the agreement statistics.

The conflicts page shows each record as the screener saw it (title, authors, year,
journal, the abstract with the protocol's words highlighted, DOI/PubMed links) and each
reviewer's decision with its reason and note, changes after the reveal marked; the
resolution form beside it. Which records are in conflict is the screening service's
rule (:func:`sysreview.screening.status.unit_status`); only accounts with the
adjudicator role or above reach the page, and only a protocol arbiter may resolve.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.errors import SysreviewError
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.storage import STAGES
from sysreview.protocol.review import Role
from sysreview.web.app import error_status, render
from sysreview.web.routers.screening import Stage
from sysreview.web.security import check_csrf, project_of, require

router = APIRouter(tags=["pages"], include_in_schema=False)
Adjudicator = Annotated[AccountInfo, Depends(require("adjudicator"))]
Reviewer = Annotated[AccountInfo, Depends(require("reviewer"))]


def _page(
    request: Request,
    stage: str,
    account: AccountInfo,
    error: str | None = None,
    status: int = 200,
) -> Response:
    ws = project_of(request)
    return render(
        request,
        "conflicts.html",
        status,
        stage=stage,
        conflicts=ws.screening.conflict_views(stage),
        terms=ws.screening.keywords(account.name),
        reasons=ws.protocol.eligibility.exclusion_reasons,
        arbiters=[p.id for p in ws.protocol.review.with_role(Role.ARBITER)],
        error=error,
    )


@router.get("/conflicts/{stage}")
def conflicts_page(request: Request, stage: Stage, account: Adjudicator) -> Response:
    """The conflicts of a screening stage, for adjudicators."""
    return _page(request, stage, account)


@router.post("/conflicts/{stage}/resolve", dependencies=[Depends(check_csrf)])
def resolve(
    request: Request,
    stage: Stage,
    account: Adjudicator,
    record_id: Annotated[int, Form()],
    decision: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=500)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Record an adjudicator's resolution of a conflict."""
    try:
        project_of(request).screening.decide_together(
            stage=stage,
            record_id=record_id,
            reviewer=account.name,
            decision=decision,
            reason=reason,
            note=note,
            resolution=True,
            source="web",
        )
    except SysreviewError as exc:
        return _page(request, stage, account, str(exc), error_status(exc))
    return RedirectResponse(f"/conflicts/{stage}", status_code=303)


@router.get("/agreement")
def agreement_page(request: Request, account: Reviewer) -> Response:
    """Agreement between the reviewers at each screening stage."""
    ws = project_of(request)
    results = {stage: ws.screening.agreement_seen_by(stage, account) for stage in STAGES}
    return render(request, "agreement.html", results=results)
