"""Study listings and the author-contact log on the web: pages and JSON API.

Every route is one call of ``project.retrieval`` (what ``sysreview study status`` and
``sysreview contact`` use), so the refusals are the commands': tested here with the
adversarial cases (no login, no CSRF token, an account that is no protocol reviewer, an
unknown study or contact), each leaving nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from sysreview.project.opening import open_project
from sysreview.project.reporting.record import store_record
from sysreview.project.storage import AuthorContact, StudyStatusEvent
from sysreview.web import WebSettings, create_app
from tests.unit.web.conftest import SECRET, TestClient

Clients = Callable[[str], tuple[TestClient, str]]
STUDIES = ("Smith 2019", "Jones 2021")


@pytest.fixture
def app(project: Path) -> Iterator[FastAPI]:
    """The web app of the seeded project with two studies."""
    with open_project(project) as review:
        for label in STUDIES:
            review.screening.add_study(label)
    application = create_app(project, settings=WebSettings(secret_key=SECRET))
    yield application
    application.state.project.close()


def count(app: FastAPI, model: type) -> int:
    with app.state.project.store.session(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def text(answer: object) -> str:
    return unescape(answer.text)  # type: ignore[attr-defined]


ONGOING = {
    "study": "smith  2019",  # matched as the command matches it (case, spaces)
    "status": "ongoing",
    "study_name": "PEER-1",
    "registration": "NCT01234567",
    "starting_date": "2023-01",
    "contact": "A. Smith <a.smith@example.org>",
}


def test_list_a_study_as_ongoing_and_take_it_back(clients: Clients, app: FastAPI) -> None:
    r1, token = clients("R1")
    page = r1.get("/studies/status")
    assert page.status_code == 200 and "No study listed as ongoing." in page.text
    saved = r1.post("/studies/status", data={"csrf_token": token, **ONGOING})
    assert saved.status_code == 200 and "Smith 2019 listed as ongoing" in saved.text
    assert "NCT01234567" in saved.text and "PEER-1" in saved.text
    listed = app.state.project.retrieval.study_statuses()
    assert [(s.study, s.status, s.reviewer) for s in listed] == [("Smith 2019", "ongoing", "R1")]
    assert listed[0].data["registration"] == "NCT01234567"
    back = r1.post(
        "/studies/status", data={"csrf_token": token, "study": "Smith 2019", "status": "none"}
    )
    assert back.status_code == 200 and "Smith 2019: taken off the lists" in back.text
    assert app.state.project.retrieval.study_statuses() == ()


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"study": "Smith 2019", "status": "ongoing", "reason": "abstract only"}, 422,
         "a study listed as ongoing keeps no 'reason'"),
        ({"study": "Smith 2019", "status": "finished"}, 422, "invalid study status 'finished'"),
        ({"study": "", "status": "ongoing"}, 422, "field 'study': give the study's label"),
        ({"study": "Nobody 1999", "status": "ongoing"}, 404, "no study 'Nobody 1999'"),
    ],
)  # fmt: skip
def test_a_refused_listing_names_the_field_and_stores_nothing(
    clients: Clients, app: FastAPI, form: dict[str, str], status: int, message: str
) -> None:
    r1, token = clients("R1")
    answer = r1.post("/studies/status", data={"csrf_token": token, **form})
    assert answer.status_code == status and message in text(answer)
    assert 'role="alert"' in answer.text
    if form["study"]:  # the form keeps what was typed
        assert f'value="{form["study"]}"' in answer.text
    assert count(app, StudyStatusEvent) == 0


def test_log_a_contact_and_its_reply(clients: Clients, app: FastAPI) -> None:
    r1, token = clients("R1")
    r2, token2 = clients("R2")
    form = {"csrf_token": token, "study": "Smith 2019", "contact": "A. Smith",
            "asked": "Was allocation concealed?", "contacted_on": "2024-03-01"}  # fmt: skip
    logged = r1.post("/studies/contacts", data=form)
    assert logged.status_code == 200 and "Contact 1 logged for Smith 2019" in logged.text
    assert "Was allocation concealed?" in logged.text and "awaiting reply" in logged.text
    reply = {"csrf_token": token2, "reply": "Yes, by a central office", "replied_on": "2024-03-09"}
    answered = r2.post("/studies/contacts/1/reply", data=reply)
    assert answered.status_code == 200 and "Contact 1 updated" in answered.text
    (thread,) = app.state.project.retrieval.contacts()
    assert (thread.reply, thread.replied_on, thread.outcome, thread.steps) == (
        "Yes, by a central office", date(2024, 3, 9), "answered", 2)  # fmt: skip
    assert "Yes, by a central office" in answered.text and "2 steps logged" in answered.text
    r1.post("/studies/contacts", data={**form, "study": "Jones 2021", "contact": "B. Jones"})
    only = r1.get("/studies/contacts", params={"study": "jones 2021"})
    assert "B. Jones" in only.text and "A. Smith" not in only.text
    assert "A. Smith" in r1.get("/studies/contacts").text


def test_refused_contacts_name_the_problem_and_store_nothing(
    clients: Clients, app: FastAPI
) -> None:
    r1, token = clients("R1")
    base = {"csrf_token": token, "study": "Smith 2019", "contact": "A. Smith", "asked": "Data?"}
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    cases = [
        ({"contacted_on": "1 March"}, 422, "field 'contacted on': '1 March' is not a date"),
        ({"contacted_on": tomorrow}, 422, f"the contact date {tomorrow} is in the future"),
        ({"outcome": "answered"}, 422, "an answered contact needs the reply"),
        ({"outcome": "ghosted"}, 422, "invalid contact outcome 'ghosted'"),
        ({"asked": ""}, 422, "a contact needs who was contacted"),
        ({"study": "Nobody 1999"}, 404, "no study 'Nobody 1999'"),
    ]
    for change, status, message in cases:
        answer = r1.post("/studies/contacts", data={**base, **change})
        assert answer.status_code == status and message in text(answer), change
    assert count(app, AuthorContact) == 0
    unknown = r1.post("/studies/contacts/99/reply", data={"csrf_token": token, "reply": "x"})
    assert unknown.status_code == 404 and "contact 99: no contact 99" in text(unknown)
    filtered = r1.get("/studies/contacts", params={"study": "Nobody 1999"})
    assert filtered.status_code == 404 and "field 'study': no study 'Nobody 1999'" in text(filtered)
    assert count(app, AuthorContact) == 0


def test_no_login_no_csrf_and_no_protocol_reviewer_are_refused(
    client: TestClient, clients: Clients, app: FastAPI
) -> None:
    for path in ("/studies/status", "/studies/contacts"):
        assert client.get(path, follow_redirects=False).status_code == 303  # to the login
    assert client.post("/api/contacts", json={}).status_code == 401
    r1, _ = clients("R1")
    for path, form in (("/studies/status", ONGOING), ("/studies/contacts",
                       {"study": "Smith 2019", "contact": "A", "asked": "B"})):  # fmt: skip
        refused = r1.post(path, data={**form, "csrf_token": "wrong"})
        assert refused.status_code == 403 and "CSRF token" in refused.text
    boss, token = clients("boss")  # an admin account, not a reviewer of the protocol
    answer = boss.post("/studies/status", data={"csrf_token": token, **ONGOING})
    assert answer.status_code == 422 and "unknown reviewer 'boss'" in text(answer)
    answer = boss.post("/studies/contacts", data={"csrf_token": token, "study": "Smith 2019",
                                                   "contact": "A", "asked": "B"})  # fmt: skip
    assert answer.status_code == 422 and "unknown reviewer 'boss'" in text(answer)
    api = boss.post("/api/study-statuses", json={"study": "Smith 2019", "status": "ongoing"},
                    headers={"X-CSRF-Token": token})  # fmt: skip
    assert api.status_code == 400 and "unknown reviewer 'boss'" in api.json()["detail"]
    assert count(app, StudyStatusEvent) == count(app, AuthorContact) == 0


def test_the_api_lists_and_logs_the_same(clients: Clients, app: FastAPI) -> None:
    r1, token = clients("R1")
    headers = {"X-CSRF-Token": token}
    body = {"study": "Jones 2021", "status": "awaiting",
            "data": {"reason": "conference abstract only", "methods": "RCT"}}  # fmt: skip
    listed = r1.post("/api/study-statuses", json=body, headers=headers)
    assert listed.status_code == 201, listed.text
    assert listed.json()["status"] == "awaiting_classification"
    (row,) = r1.get("/api/study-statuses").json()
    assert row["study"] == "Jones 2021" and row["data"] == body["data"]
    bad = r1.post("/api/study-statuses", json={**body, "status": "ongoing"}, headers=headers)
    assert bad.status_code == 400 and "keeps no 'methods'" not in bad.json()["detail"]
    assert "keeps no 'reason'" in bad.json()["detail"]
    assert r1.post("/api/study-statuses", json=body).status_code == 403  # no CSRF token
    contact = {"study": "Jones 2021", "contact": "B. Jones", "asked": "Full results?",
               "contacted_on": "2024-05-02"}  # fmt: skip
    made = r1.post("/api/contacts", json=contact, headers=headers)
    assert made.status_code == 201 and made.json()["outcome"] == "awaiting_reply"
    ident = made.json()["id"]
    reply = {"outcome": "no_reply"}
    followed = r1.post(f"/api/contacts/{ident}/replies", json=reply, headers=headers)
    assert followed.status_code == 201 and followed.json()["outcome"] == "no_reply"
    assert followed.json()["steps"] == 2
    assert [c["id"] for c in r1.get("/api/contacts", params={"study": "Jones 2021"}).json()] == [
        ident
    ]
    assert r1.get("/api/contacts", params={"study": "Smith 2019"}).json() == []
    missing = r1.post("/api/contacts/999/replies", json=reply, headers=headers)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no contact 999 in this project"
    unknown = r1.post("/api/contacts", json={**contact, "study": "Nobody"}, headers=headers)
    assert unknown.status_code == 404
    assert count(app, AuthorContact) == 2


def test_the_report_shows_the_listed_studies(clients: Clients, app: FastAPI) -> None:
    r1, token = clients("R1")
    r1.post("/studies/status", data={"csrf_token": token, **ONGOING})
    project = app.state.project
    record = store_record(project.store, project.protocol)  # what the report is written from
    assert [s.label for s in record.ongoing] == ["Smith 2019"]
    assert "registration: NCT01234567" in record.ongoing[0].reason


def test_the_studies_page_links_here(clients: Clients) -> None:
    r1, _ = clients("R1")
    page = r1.get("/studies").text
    assert 'href="/studies/status"' in page and 'href="/studies/contacts"' in page
