"""Download of the latest review report, for logged-in users only.

The report is ``DIR/out/report.html`` and ``report.docx``, written by ``sysreview report``
or ``sysreview run``; admins can also (re)generate it here, with the same use cases as
``sysreview report`` (:mod:`sysreview.project.reporting.report`), one generation at a time.
"""

from __future__ import annotations

import threading
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from sysreview.errors import SysreviewError
from sysreview.project.accounts.users import AccountInfo
from sysreview.web.app import render
from sysreview.web.security import check_csrf, project_of, require

router = APIRouter(tags=["pages"], include_in_schema=False)
Reviewer = Annotated[AccountInfo, Depends(require("reviewer"))]
Admin = Annotated[AccountInfo, Depends(require("admin"))]
_generating = threading.Lock()
MEDIA_TYPES = {
    "report.html": "text/html; charset=utf-8",
    "report.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class ReportFile(StrEnum):
    """A report file that can be downloaded."""

    html = "report.html"
    docx = "report.docx"


def available(request: Request) -> list[tuple[str, int]]:
    """The report files present in ``DIR/out``, with their sizes in bytes."""
    out = project_of(request).directory / "out"
    return [(n, (out / n).stat().st_size) for n in MEDIA_TYPES if (out / n).is_file()]


@router.get("/report")
def report_page(request: Request, account: Reviewer, written: bool = False) -> Response:
    """The page listing the report files to download."""
    return render(request, "report/downloads.html", files=available(request), written=written)


@router.post("/report/generate", dependencies=[Depends(check_csrf)])
def generate(request: Request, account: Admin) -> Response:
    """Run the analysis plan and write the report into ``DIR/out`` (as ``sysreview report``)."""
    ws = project_of(request)
    if not _generating.acquire(blocking=False):
        raise HTTPException(409, "a report is being generated: try again in a moment")
    try:
        ws.report.write_report(ws.directory / "out")
    except SysreviewError as exc:
        files = available(request)
        return render(request, "report/downloads.html", 422, files=files, error=str(exc))
    finally:
        _generating.release()
    return RedirectResponse("/report?written=true", status_code=303)


@router.get("/report/{name}")
def report_file(request: Request, name: ReportFile, account: Reviewer) -> Response:
    """Download a report file; 404 when none has been written yet."""
    path = project_of(request).directory / "out" / name.value
    if not path.is_file():
        raise HTTPException(404, "no report yet: run `sysreview report`")
    return FileResponse(path, media_type=MEDIA_TYPES[name.value], filename=name.value,
                        content_disposition_type="attachment")  # fmt: skip
