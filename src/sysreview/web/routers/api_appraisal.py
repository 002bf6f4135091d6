"""The risk-of-bias JSON API: studies, own judgements, visible consensus, saving.

The same use cases as the form (:mod:`sysreview.web.routers.appraisal`) and the same
rules: only the protocol's appraisers; the second appraiser only their share of the
studies; a reviewer reads their own entries and the consensus the blinding rule lets
them see (:mod:`sysreview.project.appraising.blinding`), never the other appraiser's.
Domain keys are the tool's domain ids, and ``"<outcome>/<domain>"`` for a RoB 1 domain
the protocol judges per outcome.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from sysreview.project.appraising.forms import DomainInput, RobFormError
from sysreview.web.routers.appraisal import MAX_TEXT, Appraiser, _check
from sysreview.web.security import check_csrf, project_of

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Judgements that cannot be stored (the detail lists them by field)"},
    401: {"description": "Not logged in"},
    403: {"description": "Not allowed: not an appraiser, CSRF token, or not your study"},
    404: {"description": "The protocol has no risk-of-bias section, or no such study"},
}
router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)
Text = Annotated[str, Field(max_length=MAX_TEXT)]
StudyLabel = Annotated[str, Query(min_length=1, max_length=500)]


class Model(BaseModel):
    """A JSON body: unknown fields are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Entry(Model):
    """One domain's entry: judgement, support, location and (RoB 2) the answers."""

    judgement: Text = ""
    support: Text = ""
    location: Text = ""
    answers: dict[str, Annotated[str, Field(max_length=3)]] = {}


class AgreedEntry(Model):
    """A consensus judgement with its support."""

    judgement: str
    support: str


class RobForm(Model):
    """A study's risk of bias as the appraiser sees it."""

    study: str
    tool: str
    own: dict[str, Entry]
    consensus: dict[str, AgreedEntry] = Field(
        description="Consensus judgements of domains you have judged yourself (blinding)"
    )
    consensus_overall: str | None = Field(
        description="The protocol's rule over the consensus, when every domain has one"
    )
    consensus_hidden: int = Field(
        description="Consensus judgements held back until you judge those domains"
    )


class RobFormIn(Model):
    """The judgements to store for one study (domains left out are not stored)."""

    study: str = Field(min_length=1, max_length=500)
    domains: dict[str, Entry]


def _view(request: Request, account: Appraiser, study: str) -> RobForm:
    tool = _check(request, account, study)
    ws = project_of(request)
    own = ws.appraisal.own_entries(reviewer=account.name, study=study)
    seen = ws.appraisal.consensus(reviewer=account.name, study=study)
    return RobForm(
        study=study,
        tool=tool.value,
        own={
            k: Entry(
                judgement=v.judgement,
                support=v.support,
                location=v.location,
                answers=dict(v.answers),
            )
            for k, v in own.items()
        },
        consensus={
            k: AgreedEntry(judgement=a.judgement, support=a.support)
            for k, a in seen.domains.items()
        },
        consensus_overall=seen.overall,
        consensus_hidden=seen.hidden,
    )


@router.get("/appraisal/studies")
def api_appraisal_studies(request: Request, account: Appraiser) -> list[str]:
    """The studies you appraise (the second appraiser: the protocol's share)."""
    _check(request, account)
    return list(project_of(request).appraisal.studies(account.name))


@router.get("/appraisal/form")
def api_appraisal_form(request: Request, account: Appraiser, study: StudyLabel) -> RobForm:
    """Your judgements of one study and the consensus you may see."""
    return _view(request, account, study)


@router.post("/appraisal/form", dependencies=[Depends(check_csrf)])
def api_appraisal_save(request: Request, account: Appraiser, body: RobFormIn) -> RobForm:
    """Store your judgements of one study (checked as a sheet's rows; all or nothing).

    400 lists every problem by form field (``judgement.<domain>``, ...).
    """
    _check(request, account, body.study)
    domains = {k: DomainInput(e.judgement.strip(), e.support.strip(), e.location.strip(),
                              dict(e.answers)) for k, e in body.domains.items()}  # fmt: skip
    try:
        project_of(request).appraisal.save_form(
            reviewer=account.name, study=body.study, domains=domains
        )
    except RobFormError as exc:
        raise HTTPException(400, exc.problems) from exc
    return _view(request, account, body.study)
