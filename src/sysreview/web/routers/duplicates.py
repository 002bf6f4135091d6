"""The review of uncertain duplicate pairs: two records side by side, accepted or rejected.

The page shows one waiting pair of the de-duplication queue at a time (the first, or
the one named), its fields aligned with the differences marked
(:mod:`sysreview.web.textdiff`), the progress, and the rest of the queue. *Same record*
(key ``a``) confirms the link, *Different records* (key ``r``) rejects it, each through
:meth:`~sysreview.project.deduplicating.service.DuplicatesService.decide` (a new link
event, as ``sysreview dedup review --accept/--reject`` records). Adjudicators and
administrators only.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.errors import SysreviewError
from sysreview.project.accounts.users import AccountInfo
from sysreview.web.app import error_status, render
from sysreview.web.security import check_csrf, project_of, require
from sysreview.web.textdiff import compare_records

router = APIRouter(tags=["pages"], include_in_schema=False)
Adjudicator = Annotated[AccountInfo, Depends(require("adjudicator"))]
PAIR = r"^\d{1,10}-\d{1,10}$"
SAVED = "dedup_saved"
"""The session key of the last decision's summary, shown once on the next page."""


def _page(
    request: Request, pair: str | None, *, saved: str | None = None, error: str | None = None,
    status: int = 200,
) -> Response:  # fmt: skip
    review = project_of(request).duplicates.review()
    current = next((p for p in review.pairs if p.key == pair), None)
    if current is None and review.pairs:
        current = review.pairs[0]
    rows = compare_records(current.a, current.b) if current else []
    return render(
        request, "duplicates.html", status, review=review, pair=current, rows=rows, saved=saved,
        error=error,
    )  # fmt: skip


@router.get("/duplicates")
def duplicates_page(
    request: Request,
    account: Adjudicator,
    pair: Annotated[str | None, Query(pattern=PAIR)] = None,
) -> Response:
    """The next waiting pair (or ``pair``), side by side; the last decision said once."""
    said = request.session.pop(SAVED, None)
    return _page(request, pair, saved=said if isinstance(said, str) else None)


@router.post("/duplicates/decide", dependencies=[Depends(check_csrf)])
def duplicates_decide(
    request: Request,
    account: Adjudicator,
    pair: Annotated[str, Form(pattern=PAIR)],
    decision: Annotated[Literal["accept", "reject"], Form()],
) -> Response:
    """Accept (the same record) or reject (different records) a pair; then the next one."""
    try:
        project_of(request).duplicates.decide(
            pair, accept=decision == "accept", reviewer=account.name
        )
    except SysreviewError as exc:
        return _page(request, pair, error=str(exc), status=error_status(exc))
    verdict = "same record" if decision == "accept" else "different records"
    request.session[SAVED] = f"Pair {pair}: {verdict}"
    return RedirectResponse("/duplicates", status_code=303)
