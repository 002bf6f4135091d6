"""Full texts on the web: upload a PDF, set a report's retrieval status, find an OA copy, read.

Each route is one call of ``project.retrieval`` (the service ``sysreview fulltext``
uses), so the web refuses what the command refuses, with the same message: an unknown
record (404), a file that is not a readable PDF, one the record holds already, a
reviewer not in the protocol, ``not retrieved`` without a reason (422).

An upload is refused before its body is read when its declared size
(``Content-Length``) exceeds :data:`MAX_UPLOAD_BYTES` (413), or when it declares none
(411; browsers always do for a form). The server reads no more than the declared
length, so nothing larger than that is ever parsed.

The PDF's bytes are served only to logged-in accounts, from the project's content-hash
store (never a path from the request), as ``application/pdf`` with ``Content-Disposition:
inline`` and a file name cleaned of quotes and control characters.

The side panel (links, retrieval, upload, open access, viewer) comes as a fragment
that pages load with HTMX beside a record (``GET /records/{id}/fulltext``), or as a page
of its own without JavaScript.
"""

from __future__ import annotations

import mimetypes
import os
import re
import unicodedata
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from sysreview.errors import InputError, SysreviewError
from sysreview.fulltext.pdf import MAX_PDF_BYTES
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.retrieving.viewing import MAX_TERM
from sysreview.project.storage import RETRIEVAL_STATUSES
from sysreview.search.live import ApiClient
from sysreview.web.app import error_status, render
from sysreview.web.security import check_csrf, project_of, require

# pdf.js is served as ES modules (.mjs); a browser runs a module only with a JavaScript
# type (X-Content-Type-Options: nosniff), and some systems' MIME tables lack .mjs
mimetypes.add_type("text/javascript", ".mjs")
router = APIRouter(tags=["pages"], include_in_schema=False)
Reviewer = Annotated[AccountInfo, Depends(require("reviewer"))]
MAX_UPLOAD_BYTES = MAX_PDF_BYTES + 64 * 1024
"""Largest upload request accepted: the largest full text and room for the form's fields."""
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/;]+')


def safe_file_name(name: str) -> str:
    r"""A file name fit for a ``Content-Disposition`` header (ends in ``.pdf``).

    Control characters, quotes, slashes, backslashes and semicolons become ``_``.

    >>> safe_file_name('a"b\r\nSet-Cookie: x;.pdf')
    'a_b_Set-Cookie: x_.pdf'
    >>> safe_file_name("")
    'full text.pdf'
    """
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .") or "full text"
    cleaned = cleaned[:150]
    return cleaned if cleaned.lower().endswith(".pdf") else f"{cleaned}.pdf"


def _disposition(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


async def limit_upload(request: Request) -> AsyncIterator[None]:
    """Refuse an upload by its declared size before anything of it is read (411, 413).

    Once the request is answered (a refused CSRF token included), the parsed form's
    spooled files are closed.
    """
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise HTTPException(411, "the upload must say its size (Content-Length)")
    if int(declared) > MAX_UPLOAD_BYTES:
        limit = MAX_PDF_BYTES // 1024 // 1024
        raise HTTPException(
            413, f"the upload has {int(declared):,} bytes; full texts of at most {limit} MiB "
            "are accepted",
        )  # fmt: skip
    try:
        yield
    finally:
        await request.close()


def oa_client() -> Iterator[ApiClient]:
    """The HTTP client of open-access look-ups (``$SYSREVIEW_EMAIL`` as the contact e-mail).

    A dependency, so that tests give the app a client answering from saved responses
    (``app.dependency_overrides``).
    """
    with ApiClient(email=os.environ.get("SYSREVIEW_EMAIL") or None) as client:
        yield client


def _side(request: Request, record_id: int, **extra: Any) -> dict[str, Any]:
    ws = project_of(request)
    context: dict[str, Any] = {
        "card": ws.screening.card(record_id),
        "viewer": ws.retrieval.viewer(record_id),
        "statuses": RETRIEVAL_STATUSES,
        "max_bytes": MAX_PDF_BYTES,
        "message": None,
        "error": None,
        "findings": None,
        "max_term": MAX_TERM,
    }
    context.update(extra)
    return context


def _answer(request: Request, record_id: int, status: int = 200, **extra: Any) -> Response:
    """The side panel (HTMX) or the full-text page, with a message or an error."""
    page = "fulltext/_side.html" if request.headers.get("HX-Request") else "fulltext/page.html"
    return render(request, page, status, **_side(request, record_id, **extra))


@router.get("/records/{record_id}/fulltext")
def fulltext_side(request: Request, record_id: int, account: Reviewer) -> Response:
    """A record's links, retrieval status, upload and open-access forms, and PDF viewer."""
    return _answer(request, record_id)


@router.get("/fulltext/study")
def study_fulltexts(
    request: Request, account: Reviewer, label: Annotated[str, Query(max_length=200)]
) -> Response:
    """The PDF viewer of a study's reports (the fragment an extraction form loads)."""
    try:
        viewer = project_of(request).retrieval.study_viewer(label)
    except SysreviewError as exc:
        raise HTTPException(404, str(exc)) from None
    return render(request, "fulltext/_viewer.html", viewer=viewer)


@router.get("/records/{record_id}/fulltext/{file_id}")
def fulltext_file(request: Request, record_id: int, file_id: int, account: Reviewer) -> Response:
    """The bytes of one of a record's full texts (``application/pdf``, inline)."""
    try:
        info, path = project_of(request).retrieval.stored_pdf(record_id, file_id)
    except SysreviewError as exc:
        raise HTTPException(error_status(exc), str(exc)) from None
    headers = {"Content-Disposition": _disposition(safe_file_name(info.file_name))}
    return FileResponse(path, media_type="application/pdf", headers=headers)


@router.get("/records/{record_id}/fulltext/{file_id}/search")
def fulltext_search(
    request: Request,
    record_id: int,
    file_id: int,
    account: Reviewer,
    q: Annotated[str, Query(max_length=MAX_TERM * 2)] = "",
) -> Response:
    """The pages of a full text that hold a word or phrase (a list; HTMX: the fragment)."""
    ws = project_of(request)
    page = "fulltext/_hits.html" if request.headers.get("HX-Request") else "fulltext/search.html"
    context: dict[str, Any] = {
        "record_id": record_id,
        "file_id": file_id,
        "term": q,
        "hits": (),
        "error": None,
    }
    try:
        context["hits"] = ws.retrieval.search(record_id, file_id, q)
    except SysreviewError as exc:
        context["error"] = str(exc)
        return render(request, page, error_status(exc), **context)
    return render(request, page, **context)


@router.post(
    "/records/{record_id}/fulltext",
    dependencies=[Depends(limit_upload), Depends(check_csrf)],
)
async def fulltext_upload(request: Request, record_id: int, account: Reviewer) -> Response:
    """Attach an uploaded PDF to a record (``sysreview fulltext add``)."""
    form = await request.form(max_files=1, max_fields=5)
    upload = form.get("file")
    ws = project_of(request)
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InputError("choose a PDF file to upload")
        data = await upload.read(MAX_PDF_BYTES + 1)
        name = upload.filename
        attached = await run_in_threadpool(ws.retrieval.upload, record_id, data, name,
                                           account.name)  # fmt: skip
    except SysreviewError as exc:
        return await run_in_threadpool(_refused, request, record_id, exc)
    finally:
        await form.close()
    message = f"Attached {attached.file_name} ({attached.page_count or '?'} page(s))"
    return await run_in_threadpool(_done, request, record_id, message)


def _refused(request: Request, record_id: int, exc: SysreviewError) -> Response:
    if getattr(exc, "http_status", 400) == 404:
        return render(request, "error.html", 404, message=str(exc))
    return _answer(request, record_id, error_status(exc), error=str(exc))


def _done(request: Request, record_id: int, message: str, **extra: Any) -> Response:
    if request.headers.get("HX-Request") or extra:
        return _answer(request, record_id, message=message, **extra)
    return RedirectResponse(f"/records/{record_id}/fulltext", status_code=303)


@router.post("/records/{record_id}/retrieval", dependencies=[Depends(check_csrf)])
async def retrieval_status(request: Request, record_id: int, account: Reviewer) -> Response:
    """Record a report's retrieval status (``sysreview fulltext status``)."""
    form = await request.form(max_files=0, max_fields=5, max_part_size=4096)
    status, reason = form.get("status"), form.get("reason")
    ws = project_of(request)
    try:
        if not isinstance(status, str) or not status:
            raise InputError("choose a retrieval status")
        result, changed = await run_in_threadpool(
            ws.retrieval.set_status, record_id, status, account.name,
            reason=reason if isinstance(reason, str) else None,
        )  # fmt: skip
    except SysreviewError as exc:
        return await run_in_threadpool(_refused, request, record_id, exc)
    message = f"Retrieval status: {result.summary()}" + ("" if changed else " (unchanged)")
    return await run_in_threadpool(_done, request, record_id, message)


@router.post("/records/{record_id}/open-access", dependencies=[Depends(check_csrf)])
async def open_access(
    request: Request,
    record_id: int,
    account: Reviewer,
    client: Annotated[ApiClient, Depends(oa_client)],
) -> Response:
    """Look up open-access copies of a report by its DOI; attach the first PDF if asked.

    ``sysreview fulltext find-oa RECORD [--download]``: the form's ``download`` field
    asks for the download, attached as done by the logged-in reviewer.
    """
    form = await request.form(max_files=0, max_fields=5, max_part_size=4096)
    download = form.get("download") == "1"
    ws = project_of(request)
    try:
        card = await run_in_threadpool(ws.screening.card, record_id)
        if not card.doi:
            raise InputError(f"record {record_id} has no DOI to look up")
        found = await run_in_threadpool(
            lambda: ws.retrieval.find_open_access(client, records=[record_id], download=download,
                                                  reviewer=account.name if download else None)
        )  # fmt: skip
    except SysreviewError as exc:
        return await run_in_threadpool(_refused, request, record_id, exc)
    finding = found[0] if found else None
    if finding is None or not finding.lookup.locations:
        message = "No open-access copy found"
    elif finding.attached is not None:
        message = f"Attached an open-access copy from {finding.attached.source}"
    else:
        message = f"{len(finding.lookup.locations)} open-access location(s) found"
    return await run_in_threadpool(_done, request, record_id, message, findings=finding)


__all__ = ["MAX_UPLOAD_BYTES", "limit_upload", "oa_client", "router", "safe_file_name"]
