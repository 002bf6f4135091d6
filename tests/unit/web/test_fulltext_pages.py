"""Full texts on the web: upload, retrieval status, open access, PDF bytes, search, links.

Every route goes through ``project.retrieval`` (what ``sysreview fulltext`` uses), so
the refusals are the command's: tested here through the pages, with the adversarial
cases (no login, a wrong CSRF token, an account of another project, a non-PDF, a huge
upload refused by its declared size before its body is read).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from sysreview.fulltext.pdf import MAX_PDF_BYTES
from sysreview.project.storage import FulltextFile, RetrievalEvent
from sysreview.project.storage.records import AuditEntry
from sysreview.search.live import ApiClient
from sysreview.web import WebSettings, create_app
from sysreview.web.routers.fulltext import MAX_UPLOAD_BYTES, oa_client
from tests.unit.search.test_openaccess import OaServices
from tests.unit.web.conftest import SECRET, TestClient, login, start_server, stop_server
from tests.unit.web.fulltext_pdfs import DOI, full_text_project, text_pdf

Clients = Callable[[str], tuple[TestClient, str]]


@pytest.fixture
def app(project: Path) -> Iterator[FastAPI]:
    """The web app of the seeded project with records 3 and 7 (DOI) at full text."""
    full_text_project(project)
    application = create_app(project, settings=WebSettings(secret_key=SECRET))
    services = OaServices()
    application.state.oa_services = services

    def saved_answers() -> Iterator[ApiClient]:
        with ApiClient(
            email="r@example.org",
            transport=httpx.MockTransport(services),
            sleep=lambda _: None,
            retries=0,
        ) as client:
            yield client

    application.dependency_overrides[oa_client] = saved_answers
    yield application
    application.state.project.close()


def upload(
    client: TestClient,
    token: str,
    record: int,
    data: bytes,
    name: str = "trial.pdf",
    htmx: bool = True,
) -> httpx.Response:
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/records/{record}/fulltext",
        data={"csrf_token": token},
        files={"file": (name, data, "application/pdf")},
        headers=headers,
        follow_redirects=False,
    )


def count(app: FastAPI, model: type) -> int:
    with app.state.project.store.session(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def file_id(page: str) -> int:
    found = re.search(r'data-src="/records/\d+/fulltext/(\d+)"', page)
    assert found, "no PDF in the viewer"
    return int(found.group(1))


def test_upload_attaches_through_the_service_and_records_who(
    clients: Clients, app: FastAPI, project: Path
) -> None:
    r1, token = clients("R1")
    answer = upload(r1, token, 3, text_pdf())
    assert answer.status_code == 200, answer.text
    assert "Attached trial.pdf (3 page(s))" in answer.text
    assert "<strong>retrieved</strong>, by R1" in answer.text
    fid = file_id(answer.text)
    with app.state.project.store.session(readonly=True) as session:
        row = session.get(FulltextFile, fid)
        assert row is not None and (row.record_id, row.source, row.page_count) == (3, "web", 3)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.what == "fulltext attach"))
        assert [(a.who, a.entity_id) for a in audit] == [("R1", fid)]
    stored = project / "fulltexts" / f"{row.sha256}.pdf"
    assert stored.read_bytes() == text_pdf()
    # without HTMX: a redirect to the record's full-text page, which shows the viewer
    again = upload(r1, token, 7, text_pdf(title="other"), name="b.pdf", htmx=False)
    assert (again.status_code, again.headers["location"]) == (303, "/records/7/fulltext")
    page = r1.get("/records/7/fulltext")
    assert page.status_code == 200 and 'class="pdf-viewer"' in page.text


def test_the_same_file_twice_and_a_non_pdf_are_refused_on_the_page(
    clients: Clients, app: FastAPI
) -> None:
    r1, token = clients("R1")
    assert upload(r1, token, 3, text_pdf()).status_code == 200
    twice = upload(r1, token, 3, text_pdf())
    assert twice.status_code == 422 and "record 3 already holds this file" in twice.text
    assert 'role="alert"' in twice.text
    fake = upload(r1, token, 3, b"PK\x03\x04 a zip, named .pdf", name="evil.pdf")
    assert fake.status_code == 422
    assert "evil.pdf: not a PDF (no %PDF- header in its first kilobyte)" in fake.text
    empty = upload(r1, token, 3, b"", name="empty.pdf")
    assert empty.status_code == 422 and "empty.pdf: the file is empty (0 bytes)" in empty.text
    broken = upload(r1, token, 3, b"%PDF-1.4\n garbage", name="broken.pdf")
    assert broken.status_code == 422 and "broken.pdf: not a readable PDF" in broken.text
    assert count(app, FulltextFile) == 1


def test_unknown_record_is_404_and_stores_nothing(
    clients: Clients, app: FastAPI, project: Path
) -> None:
    r1, token = clients("R1")
    answer = upload(r1, token, 999, text_pdf())
    assert answer.status_code == 404 and "no record 999 in this project" in answer.text
    assert r1.get("/records/999/fulltext").status_code == 404
    assert r1.get("/records/999/fulltext/1").status_code == 404
    status = r1.post("/records/999/retrieval", data={"csrf_token": token, "status": "sought"})
    assert status.status_code == 404
    assert count(app, FulltextFile) == 0 and count(app, RetrievalEvent) == 0
    assert not (project / "fulltexts").exists()


def test_a_huge_upload_is_refused_by_its_size_before_its_body_is_read(
    clients: Clients, app: FastAPI
) -> None:
    r1, token = clients("R1")
    sent: list[int] = []

    def body() -> Iterator[bytes]:
        for _ in range(4):
            sent.append(1)
            yield b"x" * 65536

    declared = str(MAX_UPLOAD_BYTES + 1)
    answer = r1.post(
        "/records/3/fulltext",
        content=body(),
        headers={
            "Content-Type": "multipart/form-data; boundary=xyz",
            "Content-Length": declared,
            "X-CSRF-Token": token,
        },
    )
    assert answer.status_code == 413
    assert f"full texts of at most {MAX_PDF_BYTES // 1024 // 1024} MiB" in answer.text
    assert len(sent) <= 1  # the app never asked for the body (the client may send a first chunk)
    unsized = r1.post(
        "/records/3/fulltext",
        content=body(),
        headers={"Content-Type": "multipart/form-data; boundary=xyz", "X-CSRF-Token": token},
    )
    assert unsized.status_code == 411
    assert count(app, FulltextFile) == 0


def test_the_live_server_answers_413_without_the_body(app: FastAPI) -> None:
    """uvicorn, over a socket: 300 MiB declared, 64 KiB sent, and the answer comes."""
    live = start_server(app)
    try:
        port = int(live.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=20) as conn:
            conn.sendall(
                b"POST /records/3/fulltext HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: multipart/form-data; boundary=b\r\n"
                + f"Content-Length: {300 * 1024 * 1024}\r\n\r\n".encode()
                + b"x" * 65536
            )
            head = conn.recv(65536).split(b"\r\n", 1)[0]
        assert head == b"HTTP/1.1 413 Request Entity Too Large"
    finally:
        stop_server(live)
    assert count(app, FulltextFile) == 0


def test_a_file_over_the_limit_within_the_request_limit_is_refused(
    clients: Clients, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sysreview.fulltext import pdf
    from sysreview.web.routers import fulltext

    monkeypatch.setattr(pdf, "MAX_PDF_BYTES", 1000)
    monkeypatch.setattr(fulltext, "MAX_PDF_BYTES", 1000)
    r1, token = clients("R1")
    answer = upload(r1, token, 3, text_pdf())
    assert answer.status_code == 422 and "full texts of at most 0 MiB are accepted" in answer.text
    assert count(app, FulltextFile) == 0


def test_upload_without_login_or_with_a_wrong_csrf_token(
    client: TestClient, clients: Clients, app: FastAPI
) -> None:
    anonymous = client.post(
        "/records/3/fulltext",
        data={"csrf_token": "x"},
        files={"file": ("a.pdf", text_pdf())},
        follow_redirects=False,
    )
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    r1, token = clients("R1")
    wrong = upload(r1, token[::-1], 3, text_pdf())
    assert wrong.status_code == 403 and "CSRF token missing or wrong" in wrong.text
    no_token = r1.post("/records/3/fulltext", files={"file": ("a.pdf", text_pdf())})
    assert no_token.status_code == 403
    for path, form in (
        ("/records/3/retrieval", {"status": "sought"}),
        ("/records/7/open-access", {"download": "1"}),
    ):
        assert r1.post(path, data={**form, "csrf_token": "nope"}).status_code == 403
    assert count(app, FulltextFile) == 0 and count(app, RetrievalEvent) == 0


def test_pdf_bytes_only_for_logged_in_accounts_of_this_project(
    client: TestClient, clients: Clients, app: FastAPI, project: Path, tmp_path: Path
) -> None:
    r1, _ = clients("R1")
    # a name as a file on disk may have it (the CLI keeps it): quotes, a line break, ';'
    attached = app.state.project.retrieval.upload(3, text_pdf(), 'a"b\r\nX-Evil: 1;é.pdf', "R1")
    fid = attached.id
    served = r1.get(f"/records/3/fulltext/{fid}")
    assert served.status_code == 200 and served.content == text_pdf()
    assert served.headers["content-type"] == "application/pdf"
    disposition = served.headers["content-disposition"]
    assert disposition == (
        "inline; filename=\"a_b_X-Evil: 1__.pdf\"; filename*=UTF-8''a_b_X-Evil%3A%201_%C3%A9.pdf"
    ), disposition
    assert "x-evil" not in served.headers and served.headers["x-content-type-options"] == "nosniff"
    # not logged in: the login page, no bytes
    anonymous = client.get(f"/records/3/fulltext/{fid}", follow_redirects=False)
    assert anonymous.status_code == 303 and b"%PDF" not in anonymous.content
    # the file of record 3 under another record's path, or an id that is no file
    assert r1.get(f"/records/7/fulltext/{fid}").status_code == 404
    assert r1.get("/records/3/fulltext/12345").status_code == 404
    assert r1.get("/records/3/fulltext/..%2f..%2freview.toml").status_code in (404, 422)
    # a session of another project's server (its own secret) is no login here
    other_dir = tmp_path / "other"
    import shutil

    shutil.copytree(project, other_dir, ignore=shutil.ignore_patterns("fulltexts"))
    other = create_app(other_dir, settings=WebSettings(secret_key="another-" + "y" * 30))
    try:
        with TestClient(other, base_url="https://testserver") as stranger:
            login(stranger, "R1")
            stolen = {"sysreview_session": stranger.cookies["sysreview_session"]}
            with TestClient(app, base_url="https://testserver", cookies=stolen) as replay:
                refused = replay.get(f"/records/3/fulltext/{fid}", follow_redirects=False)
                assert refused.status_code == 303 and b"%PDF" not in refused.content
    finally:
        other.state.project.close()


def test_an_account_that_is_no_protocol_reviewer_cannot_attach(
    clients: Clients, app: FastAPI
) -> None:
    boss, token = clients("boss")  # an admin account, not a reviewer of the protocol
    answer = upload(boss, token, 3, text_pdf())
    assert answer.status_code == 422 and "unknown reviewer 'boss'" in unescape(answer.text)
    assert count(app, FulltextFile) == 0


def test_retrieval_status_from_the_web(clients: Clients, app: FastAPI) -> None:
    r1, token = clients("R1")
    form = {"csrf_token": token, "status": "not_retrieved", "reason": ""}
    refused = r1.post("/records/7/retrieval", data=form, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "a report not retrieved needs a reason" in refused.text
    saved = r1.post(
        "/records/7/retrieval",
        data={**form, "reason": "no library copy"},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    assert "Retrieval status: not retrieved (no library copy)" in saved.text
    assert "<strong>not retrieved (no library copy)</strong>, by R1" in saved.text
    same = r1.post(
        "/records/7/retrieval",
        data={**form, "reason": "no  library copy"},
        headers={"HX-Request": "true"},
    )
    assert "(unchanged)" in same.text
    bad = r1.post("/records/7/retrieval", data={**form, "status": "lost"})
    assert bad.status_code == 422 and "invalid retrieval status 'lost'" in unescape(bad.text)
    assert count(app, RetrievalEvent) == 1
    plain = r1.post(
        "/records/7/retrieval", data={**form, "status": "sought"}, follow_redirects=False
    )
    assert (plain.status_code, plain.headers["location"]) == (303, "/records/7/fulltext")
    assert app.state.project.retrieval.viewer(7).retrieval.status == "sought"


def test_open_access_copy_found_from_saved_responses(clients: Clients, app: FastAPI) -> None:
    r1, token = clients("R1")
    found = r1.post(
        "/records/7/open-access",
        data={"csrf_token": token, "download": "0"},
        headers={"HX-Request": "true"},
    )
    assert found.status_code == 200, found.text
    assert "open-access location(s) found" in found.text
    assert "https://repository.example.org/" in found.text and "javascript:" not in found.text
    assert count(app, FulltextFile) == 0
    hosts = {r.url.host for r in app.state.oa_services.requests}
    assert hosts == {"api.unpaywall.org", "api.openalex.org", "www.ebi.ac.uk"}
    # the saved repository copy is no readable PDF: nothing attached, and the page says why
    attach = r1.post(
        "/records/7/open-access",
        data={"csrf_token": token, "download": "1"},
        headers={"HX-Request": "true"},
    )
    assert attach.status_code == 200 and "Not attached:" in attach.text
    assert "not a readable PDF" in attach.text and count(app, FulltextFile) == 0


def test_open_access_download_attaches_the_pdf(clients: Clients, app: FastAPI) -> None:
    services: OaServices = app.state.oa_services
    original = services.__call__

    def with_pdf(request: httpx.Request) -> httpx.Response:
        if request.url.host == "repository.example.org":
            services.requests.append(request)
            return httpx.Response(
                200, content=text_pdf(), headers={"content-type": "application/pdf"}
            )
        return original(request)

    def pdf_answers() -> Iterator[ApiClient]:
        yield ApiClient(transport=httpx.MockTransport(with_pdf), sleep=lambda _: None, retries=0)

    app.dependency_overrides[oa_client] = pdf_answers
    r1, token = clients("R1")
    answer = r1.post(
        "/records/7/open-access",
        data={"csrf_token": token, "download": "1"},
        headers={"HX-Request": "true"},
    )
    assert (
        answer.status_code == 200
        and "Attached an open-access copy from https://repository.example.org/" in answer.text
    )
    viewer = app.state.project.retrieval.viewer(7)
    assert [f.file_name for f in viewer.files] == [f"{DOI.replace('/', '_')}.pdf"]
    assert viewer.retrieval.status == "retrieved" and viewer.retrieval.reviewer == "R1"


def test_no_doi_is_a_clear_error(clients: Clients) -> None:
    r1, token = clients("R1")
    answer = r1.post(
        "/records/3/open-access",
        data={"csrf_token": token, "download": "0"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 422 and "record 3 has no DOI to look up" in answer.text


def test_search_lists_the_pages_holding_a_term(clients: Clients, app: FastAPI) -> None:
    r1, token = clients("R1")
    fid = file_id(upload(r1, token, 3, text_pdf()).text)
    hits = r1.get(
        f"/records/3/fulltext/{fid}/search",
        params={"q": "ZEBRAFISH  outcome"},
        headers={"HX-Request": "true"},
    )
    assert hits.status_code == 200
    assert 'data-page="2"' in hits.text and "<mark>zebrafish outcome</mark>" in hits.text
    assert 'data-page="1"' not in hits.text
    page = r1.get(f"/records/3/fulltext/{fid}/search", params={"q": "peer"})
    assert page.status_code == 200 and "<h1>" in page.text
    assert 'data-page="1"' in page.text and 'data-page="2"' in page.text
    none = r1.get(
        f"/records/3/fulltext/{fid}/search",
        params={"q": "<script>"},
        headers={"HX-Request": "true"},
    )
    assert "is not in the PDF's text" in none.text and "<script>" not in none.text
    empty = r1.get(f"/records/3/fulltext/{fid}/search", params={"q": "  "})
    assert empty.status_code == 422 and "type a word or phrase" in empty.text
    assert r1.get(f"/records/7/fulltext/{fid}/search", params={"q": "peer"}).status_code == 404


def test_records_containing_a_term(clients: Clients, app: FastAPI) -> None:
    r1, token = clients("R1")
    upload(r1, token, 3, text_pdf())
    upload(r1, token, 7, text_pdf([["Nothing of note", "Allocation\nconcealment unclear"]]))
    retrieval = app.state.project.retrieval
    assert retrieval.records_containing("allocation concealment") == (3, 7)
    assert retrieval.records_containing("ZEBRAFISH") == (3,)
    assert retrieval.records_containing("50%_of") == ()  # LIKE wildcards are plain text here
    assert retrieval.records_containing("zzz") == ()


def test_links_on_the_ft_card_and_the_record_page(clients: Clients) -> None:
    r1, _ = clients("R1")
    side = r1.get("/records/7/fulltext", headers={"HX-Request": "true"}).text
    assert f'href="https://doi.org/{DOI}"' in side and 'href="https://example.org/a"' in side
    record = r1.get("/records/7").text
    assert f'href="https://doi.org/{DOI}"' in record and 'hx-get="/records/7/fulltext"' in record
    screen = r1.get("/screen/ft").text
    shown = re.search(r'id="record-(\d+)"', screen)
    assert shown and f'hx-get="/records/{shown.group(1)}/fulltext"' in screen
    ta = r1.get("/records/3?stage=ta").text
    assert 'hx-get="/records/3/fulltext"' in ta


def test_study_viewer_for_the_extraction_form(clients: Clients, app: FastAPI) -> None:
    r1, token = clients("R1")
    upload(r1, token, 3, text_pdf())
    with app.state.project.store.session() as session:
        from sysreview.project.storage.studies import Study, StudyReport

        study = Study(label="Cook 2012")
        session.add(study)
        session.flush()
        session.add(StudyReport(study_id=study.id, record_id=3, is_primary=True))
    viewer = r1.get("/fulltext/study", params={"label": "Cook 2012"})
    assert viewer.status_code == 200 and 'data-src="/records/3/fulltext/' in viewer.text
    assert r1.get("/fulltext/study", params={"label": "Nobody 1999"}).status_code == 404
    form = r1.get("/extraction/form", params={"study": "Cook 2012"})
    assert 'hx-get="/fulltext/study?label=Cook%202012"' in form.text
