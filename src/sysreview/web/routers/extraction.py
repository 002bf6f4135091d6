"""Extraction forms generated from the protocol.

Study characteristics, arms, and outcome rows (per arm and timepoint). Problems show next to
their field; nothing is stored then.

Only the protocol's extractors use them, and each sees only their own values.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from sysreview.errors import InputError
from sysreview.extraction.forms import PARTS, ExtractionForm, extraction_form
from sysreview.extraction.validate import Cell, ExtractionInputError
from sysreview.project.accounts.users import AccountInfo
from sysreview.protocol.review import Role
from sysreview.web.app import error_status, render
from sysreview.web.extraction_grid import shown
from sysreview.web.security import check_csrf, check_protocol_role, project_of, require

router = APIRouter(tags=["pages"], include_in_schema=False)
Reviewer = Annotated[AccountInfo, Depends(require("reviewer"))]
BLANK_ROWS = {"studies": 0, "arms": 2, "outcomes": 3}
"""Empty rows offered after the reviewer's own rows (a study has exactly one study row)."""
MAX_ROWS = 200
MAX_TEXT = 5000


def _check(request: Request, account: AccountInfo, study: str | None = None) -> ExtractionForm:
    ws = project_of(request)
    protocol = ws.protocol
    check_protocol_role(request, account, (Role.EXTRACTOR,), "an extractor")
    if study is not None and study not in ws.extraction.studies(account.name):
        raise HTTPException(404, f"no study {study!r}")
    return extraction_form(protocol)


def _page(
    request: Request,
    form: ExtractionForm,
    study: str,
    rows: dict[str, list[dict[str, str]]],
    status: int = 200,
    problems: dict[str, str] | None = None,
    saved: str | None = None,
) -> Response:
    filled = {}
    for part in PARTS:
        mine = [{k: shown(v) for k, v in r.items()} for r in rows.get(part, [])]
        if part == "studies" and not mine:
            mine = [{}]
        mine += [{} for _ in range(BLANK_ROWS[part])]
        filled[part] = mine
    return render(request, "extraction/form.html", status, form=form, study=study, rows=filled,
                  problems=problems or {}, saved=saved)  # fmt: skip


@router.get("/extraction")
def extraction_list(request: Request, account: Reviewer) -> Response:
    """The studies the reviewer extracts data from."""
    _check(request, account)
    ws = project_of(request)
    studies = ws.extraction.studies(account.name)
    return render(request, "extraction/list.html", studies=studies)


@router.get("/extraction/form")
def extraction_page(
    request: Request, account: Reviewer, study: str, saved: bool = False
) -> Response:
    """The extraction form of one study, with the reviewer's rows so far."""
    form = _check(request, account, study)
    ws = project_of(request)
    rows = ws.extraction.own_rows(reviewer=account.name, study=study)
    return _page(request, form, study, rows, saved=f"Saved {study}" if saved else None)


def _rows(data: FormData, form: ExtractionForm, study: str) -> dict[str, list[dict[str, str]]]:
    """``{part: [row]}`` from fields named ``<part>.<row>.<column>``, blank rows dropped."""
    found: dict[str, dict[int, dict[str, str]]] = {p: {} for p in PARTS}
    for name, value in data.multi_items():
        part, _, rest = name.partition(".")
        number, _, column = rest.partition(".")
        if part not in found or not number.isdigit() or not isinstance(value, str):
            continue
        if int(number) > MAX_ROWS or len(value) > MAX_TEXT:
            raise InputError(f"{name}: at most {MAX_ROWS} rows of {MAX_TEXT} characters")
        if column in form.part(part).names and column != "study_id":
            found[part].setdefault(int(number), {})[column] = value.strip()
    out: dict[str, list[dict[str, str]]] = {}
    for part, by_number in found.items():
        out[part] = [
            {"study_id": study, **cells}
            for _, cells in sorted(by_number.items())
            if part == "studies" or any(cells.values())
        ]
    return out


@router.post("/extraction/form", dependencies=[Depends(check_csrf)])
async def extraction_save(request: Request, account: Reviewer) -> Response:
    """Store the reviewer's extraction form of one study."""
    data = await request.form()
    study = data.get("study")
    if not isinstance(study, str):
        raise InputError("no study given")
    form = _check(request, account, study)
    rows = _rows(data, form, study)
    numbered: dict[str, list[tuple[int, dict[str, Cell]]]] = {
        part: [(i, dict(r)) for i, r in enumerate(given, start=1)] for part, given in rows.items()
    }
    ws = project_of(request)
    try:
        ws.extraction.save_form(reviewer=account.name, study=study, rows=numbered)
    except ExtractionInputError as exc:
        problems: dict[str, str] = {}
        for p in exc.problems:
            problems.setdefault(f"{p.sheet}.{p.row}.{p.column or ''}", p.message)
        return _page(request, form, study, rows, 422, problems)
    query = urlencode({"study": study, "saved": "true"})
    return RedirectResponse(f"/extraction/form?{query}", status_code=303)


@router.post("/extraction/retract", dependencies=[Depends(check_csrf)])
async def extraction_retract(request: Request, account: Reviewer) -> Response:
    """Take back a value (a study's or arm's field) or an arm's numbers (a new event)."""
    data = await request.form()
    given = {k: v.strip() for k, v in data.items() if isinstance(v, str) and len(v) <= MAX_TEXT}
    study = given.get("study", "")
    form = _check(request, account, study)
    ws = project_of(request)
    arm = given.get("arm") or None
    try:
        if given.get("field"):
            done = ws.extraction.retract_value(
                reviewer=account.name, study=study, field=given["field"], arm=arm
            )
        else:
            try:
                weeks = float(given.get("weeks", ""))
            except ValueError:
                raise InputError("give a field, or a measure, an arm and weeks") from None
            if not given.get("measure") or arm is None:
                raise InputError("give a field, or a measure, an arm and weeks")
            done = ws.extraction.retract_outcome(
                reviewer=account.name, study=study, arm=arm, measure=given["measure"],
                weeks=weeks,
            )  # fmt: skip
    except InputError as exc:
        rows = ws.extraction.own_rows(reviewer=account.name, study=study)
        return _page(request, form, study, rows, error_status(exc), {"form": str(exc)})
    rows = ws.extraction.own_rows(reviewer=account.name, study=study)
    return _page(request, form, study, rows, saved=done.summary())
