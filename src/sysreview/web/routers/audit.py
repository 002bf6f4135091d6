"""The audit trail page (administrators): who did what, when, from which route or file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from sysreview.project.accounts.users import AccountInfo
from sysreview.web.app import render
from sysreview.web.security import project_of, require

router = APIRouter(tags=["pages"], include_in_schema=False)
Admin = Annotated[AccountInfo, Depends(require("admin"))]
PAGE = 500
"""Entries shown at most (the latest ones); ``sysreview log`` prints them all."""


@router.get("/audit")
def audit_page(
    request: Request,
    account: Admin,
    record: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    reviewer: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The audit trail, optionally of one record or reviewer (admins only)."""
    trail = project_of(request).audit.trail(record=record, reviewer=reviewer or None, limit=PAGE)
    return render(
        request, "audit.html", rows=list(reversed(trail.rows)), record=record,
        reviewer=reviewer or "", limit=PAGE,
    )  # fmt: skip
