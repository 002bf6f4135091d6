"""Certainty of the evidence (GRADE): the outcomes' certainty, and a rating form per outcome.

Only the protocol's appraisers and analysts rate (403 for anyone else). The list shows
every main outcome's current certainty, domain by domain, with who rated it (or
"suggested"); the form shows, per domain, the protocol rule's suggestion with its reason
and the reviewer's own rating and justification, which they can change. The rule for a
rating is the command line's and the sheets'
(:func:`sysreview.project.grading.ratings.check_entry`):
a justification is required, and nothing is saved when any domain is refused.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sysreview.errors import InputError
from sysreview.grade import DOMAINS, LABELS, SYMBOLS, Rating, SummaryOfFindings, known_outcomes
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.grading.forms import GradeFormError
from sysreview.project.grading.ratings import MAX_REASON
from sysreview.protocol.review import Role
from sysreview.web.app import render
from sysreview.web.security import check_csrf, project_of, require_protocol_role

router = APIRouter(tags=["pages"], include_in_schema=False)


grader = require_protocol_role(Role.APPRAISER, Role.ANALYST, called="an appraiser or analyst")


Grader = Annotated[AccountInfo, Depends(grader)]


def _certainty(request: Request) -> SummaryOfFindings:
    ws = project_of(request)
    try:
        return ws.grading.certainty()
    except InputError as exc:
        raise HTTPException(409, str(exc)) from None


def _row_view(sof: SummaryOfFindings) -> list[dict[str, Any]]:
    out = []
    for row in sof.rows:
        c, ev = row.certainty, row.certainty.evidence
        out.append({
            "outcome": ev.outcome, "timepoint": ev.timepoint,
            "label": f"{ev.outcome_label}, {ev.timepoint.replace('_', '-')}",
            "k": ev.k, "participants": f"{ev.participants:g}",
            "certainty": f"{SYMBOLS[c.level]} {LABELS[c.level]}", "confirmed": c.confirmed,
            "domains": [(d.domain.value, d.rating.label, d.source) for d in c.domains],
        })  # fmt: skip
    return out


@router.get("/grade")
def grade_list(request: Request, account: Grader) -> Response:
    """The main outcomes with their certainty ratings, for graders."""
    sof = _certainty(request)
    return render(request, "grade/list.html", rows=_row_view(sof),
                  domains=[d.label for d in DOMAINS])  # fmt: skip


def _form_page(
    request: Request,
    sof: SummaryOfFindings,
    outcome: str,
    timepoint: str,
    values: dict[str, tuple[str, str]],
    status: int = 200,
    problems: dict[str, str] | None = None,
    saved: bool = False,
) -> Response:
    try:
        row = sof.row(outcome, timepoint)
    except KeyError:
        raise HTTPException(
            404, f"no Summary of findings row for {outcome} at {timepoint}"
        ) from None
    c = row.certainty
    domains = []
    for d in c.domains:
        rule = d.suggestion if d.suggestion is not None else d
        domains.append({"id": d.domain.value, "label": d.domain.label,
                        "suggested": rule.rating.label, "reason": rule.reason,
                        "assessed": rule.assessed})  # fmt: skip
    context = {
        "outcome": outcome, "timepoint": timepoint,
        "label": f"{c.evidence.outcome_label}, {timepoint.replace('_', '-')}",
        "certainty": f"{SYMBOLS[c.level]} {LABELS[c.level]}", "confirmed": c.confirmed,
        "domains": domains, "ratings": [(r.value, r.label) for r in Rating],
        "values": values, "problems": problems or {}, "saved": saved, "max_reason": MAX_REASON,
    }  # fmt: skip
    return render(request, "grade/form.html", status, **context)


@router.get("/grade/form")
def grade_form(
    request: Request, account: Grader, outcome: str, timepoint: str, saved: bool = False
) -> Response:
    """The GRADE form of one outcome and timepoint, with the reviewer's ratings so far."""
    ws = project_of(request)
    sof = _certainty(request)
    own = ws.grading.own_values(account.name, outcome, timepoint)
    values = {d.value: (r.value, reason) for d, (r, reason) in own.items()}
    return _form_page(request, sof, outcome, timepoint, values, saved=saved)


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_REASON:
        raise InputError(f"{name}: at most {MAX_REASON} characters of text")
    return value


@router.post("/grade/form", dependencies=[Depends(check_csrf)])
async def grade_save(request: Request, account: Grader) -> Response:
    """Store the reviewer's GRADE ratings of one outcome and timepoint."""
    form = await request.form()
    outcome = _text(form.get("outcome", ""), "outcome")
    timepoint = _text(form.get("timepoint", ""), "timepoint")
    values = {d.value: (_text(form.get(f"rating.{d.value}", ""), "rating"),
                        _text(form.get(f"reason.{d.value}", ""), "reason"))
              for d in DOMAINS}  # fmt: skip
    ws = project_of(request)
    sof = await run_in_threadpool(_certainty, request)
    if (outcome, timepoint) not in {(o, t) for o, ts in known_outcomes(sof).items() for t in ts}:
        raise HTTPException(404, f"no Summary of findings row for {outcome} at {timepoint}")

    def save() -> None:
        ws.grading.save_form(reviewer=account.name, outcome=outcome, timepoint=timepoint,
                             values=values, known=known_outcomes(sof))  # fmt: skip

    try:
        await run_in_threadpool(save)
    except GradeFormError as exc:
        return _form_page(request, sof, outcome, timepoint, values, 422, exc.problems)
    query = urlencode({"outcome": outcome, "timepoint": timepoint, "saved": "true"})
    return RedirectResponse(f"/grade/form?{query}", status_code=303)
