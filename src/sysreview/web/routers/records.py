"""The record list, going back to one's own decisions, labels and keywords (pages).

Each route makes one call to ``project.screening`` (:mod:`sysreview.project.selection.
listing`, :mod:`~sysreview.project.selection.labels`): what a reviewer sees and which
records match follow the one blinding rule there. Changing a decision goes through the
same check as screening (``decide_together``): a change made after the reviewer could
see the other's decision is stored as revealed.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.errors import SysreviewError
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.selection.listing import (
    DECISION_FILTERS,
    STATUS_FILTERS,
    RecordFilter,
)
from sysreview.web.app import error_status, render
from sysreview.web.routers.screening import Stage
from sysreview.web.security import check_csrf, project_of, require

router = APIRouter(tags=["pages"], include_in_schema=False)
Reviewer = Annotated[AccountInfo, Depends(require("reviewer"))]
Admin = Annotated[AccountInfo, Depends(require("admin"))]
Text = Annotated[str, Query(max_length=200)]


@router.get("/records")
def records_page(
    request: Request,
    account: Reviewer,
    stage: Stage = Stage.ta,
    q: Text = "",
    decision: Text = "",
    status: Text = "",
    reviewer: Text = "",
    label: Text = "",
    keyword: Text = "",
    conflict: bool = False,
    order: Text = "record",
    page: Annotated[int, Query(ge=1, le=10**6)] = 1,
) -> Response:
    """The stage's records, searched and filtered (blinded as the service rules)."""
    wanted = RecordFilter(
        stage, q or None, decision or None, status or None, reviewer or None,
        label or None, keyword or None, conflict, order, page,
    )  # fmt: skip
    listing = project_of(request).screening.records(account, wanted)
    query = {k: v for k, v in request.query_params.items() if k != "page"}
    return render(
        request, "records/list.html", listing=listing, query=urlencode(query),
        decisions=DECISION_FILTERS, statuses=STATUS_FILTERS,
    )  # fmt: skip


@router.get("/screen/{stage}/review")
def review_latest(request: Request, stage: Stage, account: Reviewer) -> Response:
    """Your latest decision at ``stage`` (or your history list when you have none)."""
    wanted = RecordFilter(stage, decision="decided", order="recent", per_page=1)
    listing = project_of(request).screening.records(account, wanted)
    if listing.rows:
        return RedirectResponse(f"/screen/{stage}/review/{listing.rows[0].id}", 303)
    return RedirectResponse(f"/records?stage={stage}&decision=decided&order=recent", 303)


def _review(
    request: Request, stage: str, account: AccountInfo, record_id: int, status: int = 200,
    **extra: str | None,
) -> Response:  # fmt: skip
    ws = project_of(request)
    view = ws.screening.review(account, stage, record_id)
    return render(
        request, "records/review.html", status, view=view, terms=view.keywords,
        reasons=ws.protocol.eligibility.exclusion_reasons, **extra,
    )  # fmt: skip


@router.get("/screen/{stage}/review/{record_id}")
def review_page(request: Request, stage: Stage, record_id: int, account: Reviewer) -> Response:
    """A record you decided (or any record), to look at again and change your decision."""
    return _review(request, stage, account, record_id)


@router.post("/screen/{stage}/review/{record_id}", dependencies=[Depends(check_csrf)])
def review_decide(
    request: Request,
    stage: Stage,
    record_id: int,
    account: Reviewer,
    decision: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=500)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Change your decision on a record (a new event, checked like any decision)."""
    try:
        project_of(request).screening.decide_together(
            stage=stage, record_id=record_id, reviewer=account.name, decision=decision,
            reason=reason, note=note, source="web",
        )  # fmt: skip
    except SysreviewError as exc:
        return _review(request, stage, account, record_id, error_status(exc), error=str(exc))
    return RedirectResponse(f"/screen/{stage}/review/{record_id}?changed={decision}", 303)


@router.post("/records/{record_id}/labels", dependencies=[Depends(check_csrf)])
def label_record(
    request: Request,
    record_id: int,
    account: Reviewer,
    label: Annotated[str, Form(max_length=60)],
    action: Annotated[str, Form(pattern="^(add|remove)$")] = "add",
    back: Annotated[str, Form(max_length=300, pattern="^/[^/]")] = "/records",
) -> Response:
    """Put a label on a record or take it off; back to the page the form was on."""
    project_of(request).screening.label(
        record_id=record_id, label=label, who=account.name, applied=action == "add"
    )
    return RedirectResponse(back, 303)


@router.get("/labels")
def labels_page(request: Request, account: Reviewer) -> Response:
    """The project's labels (administrators define and retire them)."""
    return render(request, "records/labels.html", labels=project_of(request).screening.labels())


@router.post("/labels", dependencies=[Depends(check_csrf)])
def define_label(
    request: Request,
    account: Admin,
    name: Annotated[str, Form(max_length=60)],
    description: Annotated[str, Form(max_length=500)] = "",
    action: Annotated[str, Form(pattern="^(define|retire)$")] = "define",
) -> Response:
    """Define a label (or retire one)."""
    project_of(request).screening.define_label(
        name, who=account.name, description=description or None, retire=action == "retire"
    )
    return RedirectResponse("/labels", 303)


@router.get("/keywords")
def keywords_page(request: Request, account: Reviewer) -> Response:
    """Your highlighted keywords and the project's (administrators edit the project's)."""
    return render(
        request,
        "records/keywords.html",
        keywords=project_of(request).screening.keywords(account.name),
    )


@router.post("/keywords", dependencies=[Depends(check_csrf)])
def set_keyword(
    request: Request,
    account: Reviewer,
    word: Annotated[str, Form(max_length=100)],
    kind: Annotated[str, Form(pattern="^(include|exclude|none)$")],
    scope: Annotated[str, Form(pattern="^(mine|project)$")] = "mine",
) -> Response:
    """Add a word to your list (or the project's, for administrators), or take it off."""
    if scope == "project" and not account.allows("admin"):
        return render(request, "error.html", 403,
                      message="only administrators change the project's keywords")  # fmt: skip
    project_of(request).screening.set_keyword(
        word=word, kind=kind, who=account.name, owner=None if scope == "project" else account.name
    )
    return RedirectResponse("/keywords", 303)
