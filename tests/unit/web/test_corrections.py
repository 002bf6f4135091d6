"""Corrections through the pages: take back a risk-of-bias judgement, an extracted value
or an arm's numbers, and unlink a report from its study. Each is a new event; nothing
is deleted (the audit trail keeps both)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sysreview.project.appraising.assessments import rob_assessments
from sysreview.project.audit.trail import audit_trail
from sysreview.project.extracting.values import review_data
from sysreview.project.opening import opened
from tests.unit.web.conftest import TestClient
from tests.unit.web.test_appraisal import STUDIES, add_studies, rob1_form
from tests.unit.web.test_extraction_forms import filled

Clients = Callable[[str], tuple[TestClient, str]]


def test_take_back_a_judgement_on_the_form(project: Path, clients: Clients) -> None:
    add_studies(project)
    r1, token = clients("R1")
    r1.post("/appraisal/form", data=rob1_form(token, STUDIES[0]), follow_redirects=False)
    with opened(project) as (proj, store):
        assert [s.study for s in rob_assessments(store, proj.protocol)] == [STUDIES[0]]
    page = r1.post(
        "/appraisal/retract",
        data={"csrf_token": token, "study": STUDIES[0], "domain": "other_bias"},
    )
    assert page.status_code == 200
    assert "Smith 2019: other_bias: R1&#39;s value (low) retracted" in page.text
    with opened(project) as (proj, store):
        assert rob_assessments(store, proj.protocol) == ()  # a domain is unjudged again
    again = r1.post(
        "/appraisal/retract",
        data={"csrf_token": token, "study": STUDIES[0], "domain": "other_bias"},
    )
    assert again.status_code == 409 and "no current judgement to retract" in again.text


def test_take_back_a_value_and_numbers_on_the_extraction_form(
    project: Path, clients: Clients
) -> None:
    add_studies(project)
    r1, token = clients("R1")
    r1.post("/extraction/form", data=filled(token), follow_redirects=False)
    base = {"csrf_token": token, "study": STUDIES[0]}
    done = r1.post("/extraction/retract", data={**base, "field": "country"})
    assert done.status_code == 200 and "country: R1&#39;s value (UK) retracted" in done.text
    numbers = {**base, "measure": "QPR", "weeks": "0", "arm": "usual care"}
    assert r1.post("/extraction/retract", data=numbers).status_code == 200
    with opened(project) as (proj, store):
        data = review_data(store, proj.protocol, unresolved="latest")
        (study,) = [s for s in data.studies if s.study_id == STUDIES[0]]
        assert "country" not in study.attributes
        assert {o.arm for o in data.outcomes if o.study_id == STUDIES[0]} == {"peer group"}
        whats = {row.what for row in audit_trail(store, reviewer="R1").rows}
    assert {"retract value", "retract outcome"} <= whats
    vague = r1.post("/extraction/retract", data={**base, "measure": "QPR"})
    assert vague.status_code == 422 and "give a field, or a measure" in vague.text


def test_unlink_a_report_on_the_studies_page(clients: Clients, project: Path) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    for client, token in ((r1, t1), (r2, t2)):
        for record in range(1, 7):
            verdict = "include" if record == 3 else "exclude"
            body = {"stage": "ta", "record_id": record, "decision": verdict}
            client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
    for client, token in ((r1, t1), (r2, t2)):
        body = {"stage": "ft", "record_id": 3, "decision": "include"}
        assert (
            client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token}).status_code
            == 201
        )
    r1.post("/studies/link", data={"record_id": "3", "study": "Cook 2012a", "csrf_token": t1})
    assert 'id="unlink-3"' in r1.get("/studies").text
    answer = r1.post("/studies/unlink", data={"record_id": "3", "csrf_token": t1},
                     follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    page = r1.get("/studies").text
    assert "Cook 2012a (" not in page and "unlink-3" not in page and "/studies/link" in page
    again = r1.post("/studies/unlink", data={"record_id": "3", "csrf_token": t1})
    assert again.status_code == 409 and "record 3 is not linked to a study" in again.text
