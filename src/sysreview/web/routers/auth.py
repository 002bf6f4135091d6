"""Logging in and out (the login page is the only page open without a login)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.web.app import render
from sysreview.web.security import LOGIN_BODY_BYTES, check_csrf, end_session, log_in
from sysreview.web.throttle import LoginRefused

router = APIRouter(tags=["pages"], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """A local path to go to after logging in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    """The login page."""
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", dependencies=[Depends(check_csrf)], max_body_size=LOGIN_BODY_BYTES)
async def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Log in and start a session; the login page with the reason when refused."""
    try:
        account = await log_in(request, name.strip(), password)
    except LoginRefused as refused:
        page = render(
            request, "login.html", refused.status, next=_safe_next(next), error=refused.message
        )
        page.headers["Retry-After"] = str(refused.retry_after)
        return page
    if account is None:
        return render(
            request, "login.html", 401, next=_safe_next(next), error="Wrong name or password."
        )
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    """End the session and go to the login page."""
    end_session(request)
    return RedirectResponse("/login", status_code=303)
