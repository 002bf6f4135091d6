"""The JSON API of the record list, labels and keywords (under ``/api``).

The same use cases as the pages (:mod:`sysreview.web.routers.records`), one call to
``project.screening`` each, blinded by the same rule: a record's ``status`` is ``null``
where the reviewer may not see it yet, and only adjudicators and administrators may ask
about another reviewer's decisions (403).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import Field

from sysreview.project.accounts.users import AccountInfo
from sysreview.project.selection.labels import Keywords
from sysreview.project.selection.listing import RecordFilter
from sysreview.web.routers.api import _ERRORS, _STATE, Model, StageName
from sysreview.web.security import check_csrf, project_of, require

router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)
_MISSING: dict[int | str, dict[str, object]] = {404: {"description": "No such record"}}
Reviewer = Annotated[AccountInfo, Depends(require("reviewer"))]
Admin = Annotated[AccountInfo, Depends(require("admin"))]
Text = Annotated[str | None, Query(max_length=200)]


class ListedOut(Model):
    """A row of the record list: ``status`` is null while blinding hides it."""

    id: int
    title: str | None
    authors: list[str]
    year: int | None
    journal: str | None
    decision: str | None
    status: str | None
    labels: list[str]


class RecordListOut(Model):
    """A page of the record list and how many records match in all."""

    total: int
    page: int
    pages: int
    per_page: int
    reviewer: str
    records: list[ListedOut]


class LabelOut(Model):
    """A project label."""

    name: str
    description: str | None
    defined_by: str


class LabelIn(Model):
    """A label to define (or retire)."""

    name: str = Field(min_length=1, max_length=60)
    description: str | None = Field(default=None, max_length=500)
    retire: bool = False


class RecordLabelIn(Model):
    """A label to put on a record (``applied``) or take off it."""

    label: str = Field(min_length=1, max_length=60)
    applied: bool = True


class KeywordsOut(Model):
    """The words highlighted for you, and both lists as ``[word, kind]`` pairs."""

    include: list[str]
    exclude: list[str]
    project: list[list[str]]
    own: list[list[str]]


class KeywordIn(Model):
    """A keyword to add (``include``/``exclude``) or take off (``none``)."""

    word: str = Field(min_length=1, max_length=100)
    kind: Literal["include", "exclude", "none"]
    scope: Literal["mine", "project"] = "mine"


@router.get("/records", response_model=RecordListOut)
def list_records(
    request: Request,
    account: Reviewer,
    stage: StageName = "ta",
    q: Text = None,
    decision: Literal["include", "exclude", "maybe", "decided", "undecided"] | None = None,
    status: Literal["awaiting", "conflict", "include", "exclude", "maybe"] | None = None,
    reviewer: Text = None,
    label: Text = None,
    keyword: Text = None,
    conflict: bool = False,
    order: Literal["record", "recent"] = "record",
    page: Annotated[int, Query(ge=1, le=10**6)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> RecordListOut:
    """Records of a stage, searched and filtered, as blinding lets you see them."""
    wanted = RecordFilter(stage, q or None, decision, status, reviewer or None, label or None,
                          keyword or None, conflict, order, page, per_page)  # fmt: skip
    found = project_of(request).screening.records(account, wanted)
    return RecordListOut(
        total=found.total, page=page, pages=found.pages, per_page=per_page,
        reviewer=found.reviewer,
        records=[ListedOut(id=r.id, title=r.title, authors=list(r.authors), year=r.year,
                           journal=r.journal, decision=r.decision, status=r.status,
                           labels=list(r.labels)) for r in found.rows],
    )  # fmt: skip


@router.get("/labels", response_model=list[LabelOut])
def get_labels(request: Request, account: Reviewer) -> list[LabelOut]:
    """The project's labels in use."""
    return [
        LabelOut(name=f.name, description=f.description, defined_by=f.defined_by)
        for f in project_of(request).screening.labels()
    ]


@router.post("/labels", response_model=LabelOut, status_code=201,
             dependencies=[Depends(check_csrf)])  # fmt: skip
def post_label(request: Request, body: LabelIn, account: Admin) -> LabelOut:
    """Define a label, or retire one (administrators)."""
    found = project_of(request).screening.define_label(
        body.name, who=account.name, description=body.description, retire=body.retire
    )
    return LabelOut(name=found.name, description=found.description, defined_by=found.defined_by)


@router.post("/records/{record_id}/labels", response_model=list[str],
             dependencies=[Depends(check_csrf)], responses={**_MISSING, **_STATE})  # fmt: skip
def post_record_label(
    request: Request, record_id: int, body: RecordLabelIn, account: Reviewer
) -> list[str]:
    """Put a label on a record or take it off; the record's labels afterwards."""
    return list(project_of(request).screening.label(
        record_id=record_id, label=body.label, who=account.name, applied=body.applied
    ))  # fmt: skip


def _keywords_out(found: Keywords) -> KeywordsOut:
    return KeywordsOut(
        include=list(found.include), exclude=list(found.exclude),
        project=[list(pair) for pair in found.project], own=[list(pair) for pair in found.own],
    )  # fmt: skip


@router.get("/keywords", response_model=KeywordsOut)
def get_keywords(request: Request, account: Reviewer) -> KeywordsOut:
    """The words highlighted for you (your list over the project's), and both lists."""
    return _keywords_out(project_of(request).screening.keywords(account.name))


@router.post("/keywords", response_model=KeywordsOut, dependencies=[Depends(check_csrf)])
def post_keyword(request: Request, body: KeywordIn, account: Reviewer) -> KeywordsOut:
    """Add a keyword to your list (or the project's, administrators) or take it off."""
    if body.scope == "project" and not account.allows("admin"):
        raise HTTPException(403, "only administrators change the project's keywords")
    owner = None if body.scope == "project" else account.name
    return _keywords_out(project_of(request).screening.set_keyword(
        word=body.word, kind=body.kind, who=account.name, owner=owner
    ))  # fmt: skip
