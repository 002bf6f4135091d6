"""Logging in and out (the login page is the only page open without a login)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.project.accounts import authenticate
from sysreview.web.app import render
from sysreview.web.security import check_csrf, end_session, start_session, workspace

router = APIRouter(tags=["pages"], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """A local path to go to after logging in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    account = authenticate(workspace(request).store, name.strip(), password)
    if account is None:
        return render(
            request, "login.html", 401, next=_safe_next(next), error="Wrong name or password."
        )
    start_session(request, account)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    end_session(request)
    return RedirectResponse("/login", status_code=303)
