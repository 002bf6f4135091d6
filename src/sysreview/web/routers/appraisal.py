"""Risk-of-bias forms: RoB 1 judgements, or RoB 2 signalling questions.

For RoB 2 the domain judgement is proposed live (computed on the server by the tool's
algorithm).

Only the protocol's appraisers use them; a reviewer sees and edits only their own
entries (the second appraiser is blind to the first), and the second appraiser gets only
the protocol's share of the studies. With RoB 1 and an attrition rule in the protocol,
"incomplete outcome data" shows the rule's suggestion and reason from the extracted
numbers (derived from data, not from another appraiser); it is never saved as a
judgement. Storage is the sheet loader's
(:mod:`sysreview.project.appraising.forms`).

Each domain and signalling question has a disclosure with the tool's guidance
(:mod:`sysreview.appraisal.guidance`). The agreed (consensus) judgement is shown beside
the reviewer's own where the blinding rule lets them see it
(:mod:`sysreview.project.appraising.blinding`). Domains the protocol judges per outcome
(RoB 1 ``outcome_level_domains``) have a judgement per outcome domain as well.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from sysreview.appraisal import guidance, rob1, rob2
from sysreview.errors import InputError
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.appraising.forms import (
    DomainInput,
    RobFormError,
    live_judgement,
)
from sysreview.protocol.appraisal import Tool
from sysreview.protocol.review import Role
from sysreview.web.app import error_status, render
from sysreview.web.security import check_csrf, project_of, require_protocol_role

router = APIRouter(tags=["pages"], include_in_schema=False)
MAX_TEXT = 5000
_ROB1_NAMES = {d.id: d.name for d in rob1.DOMAINS}


appraiser = require_protocol_role(Role.APPRAISER, called="an appraiser")


Appraiser = Annotated[AccountInfo, Depends(appraiser)]


def _check(request: Request, account: AccountInfo, study: str | None = None) -> Tool:
    """The protocol's tool; 404 without one, 403 for a study ``account`` does not assess."""
    rob = project_of(request).protocol.risk_of_bias
    if rob is None:
        raise HTTPException(404, "the protocol has no [risk_of_bias] section")
    if study is not None and study not in _studies(request, account):
        raise HTTPException(403, f"{account.name} does not assess the study {study!r}")
    return rob.tool


def _studies(request: Request, account: AccountInfo) -> tuple[str, ...]:
    ws = project_of(request)
    return ws.appraisal.studies(account.name)


def domain_label(domain: str) -> str:
    """A domain's name for people."""
    return _ROB1_NAMES.get(domain) or domain.replace("_", " ").capitalize()


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise InputError(f"{name}: at most {MAX_TEXT} characters of text")
    return value.strip()


def _domains(form: FormData, tool: Tool, extra: tuple[str, ...] = ()) -> dict[str, DomainInput]:
    out = {}
    for domain in (*tool.domains, *extra):
        answers = {}
        if tool is Tool.ROB2 and domain in tool.domains:
            answers = {q.id: _text(form, f"answer.{domain}.{q.id}") for q in rob2.questions(domain)}
        out[domain] = DomainInput(
            _text(form, f"judgement.{domain}"),
            _text(form, f"support.{domain}"),
            _text(form, f"location.{domain}"),
            answers,
        )
    return out


def _guidance(tool: Tool) -> dict[str, Any]:
    """``{domain: guidance}`` (RoB 1: criteria; RoB 2: the domain's text and its questions')."""
    if tool is Tool.ROB1:
        return {d: guidance.rob1_guidance(d) for d in tool.domains}
    return {
        d: (guidance.rob2_domain_guidance(d),
            {q.id: guidance.rob2_question_guidance(d, q.id) for q in rob2.questions(d)})
        for d in tool.domains
    }  # fmt: skip


def _form_page(
    request: Request,
    account: AccountInfo,
    tool: Tool,
    study: str,
    values: dict[str, DomainInput],
    status: int = 200,
    problems: dict[str, str] | None = None,
    saved: str | None = None,
) -> Response:
    ws = project_of(request)
    protocol = ws.protocol
    consensus = ws.appraisal.consensus(reviewer=account.name, study=study)
    per_outcome: dict[str, list[tuple[str, str]]] = {}
    labels = {d.name: d.label for _, d in protocol.outcomes.domains()}
    for key in ws.appraisal.outcome_keys():
        outcome, _, domain = key.rpartition("/")
        per_outcome.setdefault(domain, []).append((key, labels.get(outcome, outcome)))
    context: dict[str, Any] = {
        "tool": tool.value,
        "study": study,
        "domains": [(d, domain_label(d)) for d in tool.domains],
        "questions": {d: rob2.questions(d) for d in tool.domains} if tool is Tool.ROB2 else {},
        "judgements": tool.judgements,
        "values": values,
        "live": live_judgement(protocol, values),
        "problems": problems or {},
        "saved": saved,
        "suggestion": ws.appraisal.attrition_suggestion(study),
        "guidance": _guidance(tool),
        "per_outcome": per_outcome,
        "consensus": consensus,
        "outcome_labels": labels,
    }
    return render(request, "appraisal/form.html", status, **context)


@router.get("/appraisal")
def appraisal_list(request: Request, account: Appraiser) -> Response:
    """The studies the reviewer appraises, with how many domains each has judged."""
    tool = _check(request, account)
    ws = project_of(request)
    rows = []
    for study in _studies(request, account):
        mine = ws.appraisal.own_entries(reviewer=account.name, study=study)
        judged = sum(1 for d in tool.domains if mine[d].judgement)  # per-outcome ones aside
        rows.append((study, judged, len(tool.domains)))
    return render(request, "appraisal/list.html", tool=tool.value, rows=rows)


@router.get("/appraisal/form")
def appraisal_form(
    request: Request, account: Appraiser, study: str, saved: bool = False
) -> Response:
    """The risk-of-bias form of one study, with the reviewer's judgements so far."""
    tool = _check(request, account, study)
    ws = project_of(request)
    values = ws.appraisal.own_entries(reviewer=account.name, study=study)
    saved_text = f"Saved {study}" if saved else None
    return _form_page(request, account, tool, study, values, saved=saved_text)


@router.post("/appraisal/form", dependencies=[Depends(check_csrf)])
async def appraisal_save(request: Request, account: Appraiser) -> Response:
    """Store the reviewer's risk-of-bias form of one study."""
    form = await request.form()
    study = _text(form, "study")
    tool = _check(request, account, study)
    ws = project_of(request)
    values = _domains(form, tool, ws.appraisal.outcome_keys())
    try:
        ws.appraisal.save_form(reviewer=account.name, study=study, domains=values)
    except RobFormError as exc:
        return _form_page(request, account, tool, study, values, 422, exc.problems)
    query = urlencode({"study": study, "saved": "true"})
    return RedirectResponse(f"/appraisal/form?{query}", status_code=303)


@router.post("/appraisal/retract", dependencies=[Depends(check_csrf)])
async def appraisal_retract(request: Request, account: Appraiser) -> Response:
    """Take back the appraiser's judgement of one domain (a new event)."""
    form = await request.form()
    study = _text(form, "study")
    tool = _check(request, account, study)
    domain = _text(form, "domain")
    ws = project_of(request)
    try:
        done = ws.appraisal.retract(reviewer=account.name, study=study, domain=domain)
    except InputError as exc:
        values = ws.appraisal.own_entries(reviewer=account.name, study=study)
        return _form_page(request, account, tool, study, values, error_status(exc),
                          {"form": str(exc)})  # fmt: skip
    values = ws.appraisal.own_entries(reviewer=account.name, study=study)
    return _form_page(request, account, tool, study, values, saved=done.summary())


@router.post("/appraisal/live", dependencies=[Depends(check_csrf)])
async def appraisal_live(request: Request, account: Appraiser) -> Response:
    """The HTMX fragment: proposed domain judgements and the overall rating."""
    form = await request.form()
    tool = _check(request, account)
    ws = project_of(request)
    protocol = ws.protocol
    live = live_judgement(protocol, _domains(form, tool, ws.appraisal.outcome_keys()))
    return render(
        request,
        "appraisal/_live.html",
        live=live,
        domains=[(d, domain_label(d)) for d in tool.domains],
        outcome_labels={d.name: d.label for _, d in protocol.outcomes.domains()},
        oob=True,
    )
