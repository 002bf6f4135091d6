"""The extraction grid: one study on one screen, arms as columns, outcomes as rows.

The study's fields above; below, a table whose columns are the arms and whose rows are
the arms' fields, then each outcome (a measure at a time point) with the numbers its
kind needs (:mod:`sysreview.web.extraction_grid`). Each cell holds the extractor's own
value, with the consensus value (where one was entered) shown under it. The reports of
the study sit in a side column.

Saving posts the whole grid (HTMX swaps the grid in place; without script the page
comes back) to one service call, ``project.extraction.save_grid``: the validation of the
sheets and ``sysreview extract load``, all or nothing. Every problem is shown next to
its cell (``aria-invalid``, ``aria-describedby``) and listed in an error summary at the
top whose links focus the cell. A grid whose values were changed by another route since
it was opened is refused (409) like a stale sheet; names the grid does not have are
refused (422) before anything is stored. Only the protocol's extractors use it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from sysreview.errors import InputError
from sysreview.extraction.forms import ExtractionForm, FieldSpec, extraction_form
from sysreview.extraction.validate import ExtractionInputError, Problem
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.extracting.grid import GRID_WHERE, ExtractionGrid
from sysreview.project.sheets.identity import SheetIdentity
from sysreview.project.sheets.results import StaleSheetError
from sysreview.protocol.review import Role
from sysreview.web.app import error_status, render
from sysreview.web.extraction_grid import (
    ARM_SKIP,
    GROUP_TITLES,
    OUT_KEYS,
    SEP,
    STUDY_SKIP,
    Layout,
    consensus_cells,
    field_type,
    from_grid,
    label,
    page_identity,
    parse_grid,
    with_blanks,
    with_kinds,
)
from sysreview.web.security import check_csrf, project_of, require_protocol_role

router = APIRouter(tags=["pages"], include_in_schema=False)
STALE = "changed since this page was opened"
MAX_FIELDS = 20_000
"""Fields a grid post may have (Starlette's default is 1,000: a dozen outcome rows, since a
page without script sends its empty cells too; with script, only the filled ones)."""
GENERAL = "grid"
"""The "part" of a problem about the whole grid (shown in the summary only)."""


extractor = require_protocol_role(Role.EXTRACTOR, called="an extractor")


Extractor = Annotated[AccountInfo, Depends(extractor)]


def _grid(request: Request, account: AccountInfo, study: str) -> ExtractionGrid:
    """The study's grid; 404 for a study the project does not have.

    The account is an extractor (:func:`extractor`), so the only refusal left is the study.
    """
    try:
        return project_of(request).extraction.grid(reviewer=account.name, study=study)
    except InputError:
        raise HTTPException(404, f"no study {study!r}") from None


def _where(name: str, layout: Layout) -> str:
    """Where a cell is, in words: ``"usual care, recovery / QPR, 0 weeks: SD"``."""
    head, _, rest = name.partition(".")
    parts = rest.split(".")
    if head == "study":
        return f"Study: {label(parts[0])}"
    if head == "arm":
        col = layout.column(int(parts[0]))
        arm = f"Arm {col.name!r}" if col and col.name else "New arm"
        return f"{arm}: {label(parts[1])}"
    block = layout.block(int(parts[0]))
    title = block.title if block else "outcome row"
    if head == "block":
        return f"{title}: {label(parts[1])}"
    col = layout.column(int(parts[1]))
    arm = f"arm {col.name!r}" if col and col.name else "new arm"
    return f"{title}, {arm}: {label(parts[2])}"


def _problems(
    found: list[Problem], layout: Layout, form: ExtractionForm
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Messages by cell, and the summary's ``(cell, text)`` in the grid's order."""
    errors: dict[str, str] = {}
    general = []
    for p in found:
        if p.sheet == GENERAL:
            general.append((layout.cell_of(Problem("studies", 1, None, ""), form), p.message))
            continue
        cell = layout.cell_of(p, form)
        errors[cell] = f"{errors[cell]}; {p.message}" if cell in errors else p.message
    summary = [(cell, f"{_where(cell, layout)}: {message}") for cell, message in errors.items()]
    return errors, general + summary


def _stale(exc: StaleSheetError) -> list[Problem]:
    part_of = {where: part for part, where in GRID_WHERE.items()}
    return [
        Problem(part_of.get(r.where, "outcomes"), r.row or 0, r.column,
                f"{STALE}: {r.stored_value} is stored now, this page says {r.sheet_value}; "
                "reload the page to see it")
        for r in exc.rows
    ]  # fmt: skip


def _more(form: ExtractionForm, primary: tuple[str, ...]) -> list[tuple[str, list[FieldSpec]]]:
    """The outcome fields behind a row's disclosure, by group (in the form's order)."""
    groups: dict[str | None, list[FieldSpec]] = {}
    for spec in form.outcomes.fields:
        if spec.name not in OUT_KEYS and spec.name not in primary:
            groups.setdefault(spec.group, []).append(spec)
    return [(GROUP_TITLES.get(g, str(g)), specs) for g, specs in groups.items()]


def _open_blocks(layout: Layout, form: ExtractionForm, marked: set[str]) -> set[int]:
    """Outcome rows whose disclosure starts open: a hidden field holds a value or a mark."""
    out = set()
    for k in layout.blocks:
        hidden = {s.name for _, specs in _more(form, k.primary) for s in specs}
        for c in layout.columns:
            names = {f"out.{k.b}.{c.j}.{n}" for n in hidden}
            if names & marked or any(layout.values.get(n) for n in names):
                out.add(k.b)
    return out


def _show(
    request: Request,
    grid: ExtractionGrid,
    layout: Layout,
    *,
    status: int = 200,
    problems: list[Problem] | None = None,
    title: str = "",
    saved: str | None = None,
    page: SheetIdentity | None = None,
) -> Response:
    form = extraction_form(project_of(request).protocol)
    errors, summary = _problems(problems or [], layout, form)
    consensus = consensus_cells(layout, grid, form)
    context: dict[str, Any] = {
        "grid": grid, "page": page or grid.page, "layout": layout, "form": form,
        "errors": errors, "summary": summary,
        "summary_title": title, "saved": saved, "consensus": consensus, "label": label,
        "field_type": field_type, "more": lambda k: _more(form, k.primary), "sep": SEP,
        "open": _open_blocks(layout, form, set(errors) | set(consensus)),
        "study_specs": [f for f in form.studies.fields if f.name not in STUDY_SKIP],
        "arm_specs": [f for f in form.arms.fields if f.name not in ARM_SKIP],
        "out_spec": {f.name: f for f in form.outcomes.fields},
    }  # fmt: skip
    fragment = bool(request.headers.get("HX-Request"))
    name = "extraction/_grid.html" if fragment else "extraction/grid.html"
    return render(request, name, status, **context)


def _check_layout(posted: Layout, fresh: Layout) -> None:
    """Refuse arm columns and outcome rows posted as stored that the study does not have.

    Raises
    ------
    InputError
        Naming the first one (a page of another study, or values taken back since).
    """
    arms = {c.name for c in fresh.columns if c.existing}
    blocks = {(k.domain, k.measure, k.weeks) for k in fresh.blocks if k.existing}
    for c in posted.columns:
        if c.existing and c.name not in arms:
            raise InputError(f"arm column {c.j} ({c.name!r}) is not an arm of this study's "
                             "grid (reload the page)")  # fmt: skip
    for k in posted.blocks:
        if k.existing and (k.domain, k.measure, k.weeks) not in blocks:
            raise InputError(f"outcome row {k.b} ({k.title}) is not in this study's grid "
                             "(reload the page)")  # fmt: skip


@router.get("/extraction/grid")
def grid_page(request: Request, account: Extractor, study: str) -> Response:
    """The grid of one study with the extractor's values (and consensus values)."""
    grid = _grid(request, account, study)
    form = extraction_form(project_of(request).protocol)
    return _show(request, grid, from_grid(grid, form))


async def _large_form(request: Request) -> None:
    """Read a logged-in user's grid with up to :data:`MAX_FIELDS` fields.

    This runs before the CSRF check, which would read it with the default limit (a
    request's form is read once).
    """
    if "aid" in request.session:
        await request.form(max_fields=MAX_FIELDS)


@router.post("/extraction/grid", dependencies=[Depends(_large_form), Depends(check_csrf)])
async def grid_save(request: Request, account: Extractor) -> Response:
    """Store the whole grid of one study: every cell checked, all or nothing."""
    posted = await request.form(max_fields=MAX_FIELDS)
    data = {k: v for k, v in posted.items() if isinstance(v, str)}
    study = data.get("study", "")
    grid = _grid(request, account, study)
    ws = project_of(request)
    form = extraction_form(ws.protocol)
    fresh = from_grid(grid, form)
    try:
        layout, rows = parse_grid(data, form, study)
        page = page_identity(data, ws.protocol.review.title, account.name)
        _check_layout(layout, fresh)
    except InputError as exc:
        first = Problem(GENERAL, 0, None, str(exc))
        return _show(request, grid, fresh, status=422, problems=[first],
                     title="Nothing was saved: the grid sent was not this page's")  # fmt: skip
    layout = with_blanks(with_kinds(layout, grid))
    try:
        done = ws.extraction.save_grid(reviewer=account.name, study=study, rows=rows, page=page)
    except ExtractionInputError as exc:
        return _show(request, grid, layout, status=422, problems=list(exc.problems), page=page,
                     title=f"Nothing was saved: {len(exc.problems)} problem(s)")  # fmt: skip
    except StaleSheetError as exc:
        return _show(request, grid, layout, status=409, problems=_stale(exc), page=page,
                     title=f"Nothing was saved: {len(exc.rows)} value(s) {STALE}")  # fmt: skip
    except InputError as exc:
        first = Problem(GENERAL, 0, None, str(exc))
        return _show(request, grid, layout, status=error_status(exc), problems=[first],
                     page=page, title="Nothing was saved")  # fmt: skip
    grid = ws.extraction.grid(reviewer=account.name, study=study)
    counts = f"{done.new} new, {done.corrected} corrected, {done.unchanged} unchanged"
    saved = f"Saved {study}: {counts}" if done.stored else f"Nothing changed in {study}"
    return _show(request, grid, from_grid(grid, form), saved=saved)
