"""Extraction forms: generated from the protocol's form, roles, CSRF, problems inline with
nothing stored, valid rows stored as the same events as a template (read back with
``review_data``), and each extractor seeing only their own values."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sysreview.extraction.forms import extraction_form
from sysreview.project.extracting.values import add_values, review_data
from sysreview.project.opening import opened
from sysreview.project.storage import ExtractionValue
from tests.unit.web.conftest import TestClient
from tests.unit.web.test_appraisal import STUDIES, add_studies

Clients = Callable[[str], tuple[TestClient, str]]
STUDY = STUDIES[0]


@pytest.fixture
def studies_project(project: Path) -> Path:
    add_studies(project)
    return project


def filled(token: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "study": STUDY,
        "studies.1.country": "UK",
        "studies.1.n_randomised": "80",
        "studies.1.year": "2019",
        "studies.1.report": "",
        "arms.1.arm": "peer group",
        "arms.1.arm_type": "intervention",
        "arms.1.n_randomised": "40",
        "arms.2.arm": "usual care",
        "arms.2.arm_type": "TAU",
        "arms.2.n_randomised": "40",
        "arms.3.arm": "",  # a blank row the page offers
        "outcomes.1.arm": "peer group",
        "outcomes.1.domain": "recovery",
        "outcomes.1.measure": "QPR",
        "outcomes.1.weeks_after_end": "0",
        "outcomes.1.n": "38",
        "outcomes.1.mean": "35.2",
        "outcomes.1.sd": "9.1",
        "outcomes.2.arm": "usual care",
        "outcomes.2.domain": "recovery",
        "outcomes.2.measure": "QPR",
        "outcomes.2.weeks_after_end": "0",
        "outcomes.2.n": "36",
        "outcomes.2.mean": "31.0",
        "outcomes.2.sd": "10.4",
    }


def test_form_is_generated_from_the_protocol(studies_project: Path, clients: Clients) -> None:
    r1, _ = clients("R1")
    assert STUDY in r1.get("/extraction").text
    page = r1.get("/extraction/form", params={"study": STUDY}).text
    with opened(studies_project) as (proj, _):
        form = extraction_form(proj.protocol)
    for part in form.parts:
        for spec in part.fields:
            if spec.name != "study_id":
                assert f'name="{part.name}.1.{spec.name}"' in page, (part.name, spec.name)
    assert '<option value="TAU">TAU</option>' in page  # the protocol's comparator codes
    assert '<option value="QPR">QPR</option>' in page  # and its measures
    assert 'name="outcomes.3.mean"' in page and 'name="outcomes.4.mean"' not in page


def test_login_csrf_and_roles(studies_project: Path, client: TestClient, clients: Clients) -> None:
    assert client.get("/extraction", follow_redirects=False).status_code == 303
    r1, _ = clients("R1")
    assert r1.post("/extraction/form", data=filled("wrong")).status_code == 403
    r2, token2 = clients("R2")  # a screener and appraiser, not an extractor
    assert r2.get("/extraction").status_code == 403
    assert r2.post("/extraction/form", data=filled(token2)).status_code == 403
    assert r1.get("/extraction/form", params={"study": "Nobody 1999"}).status_code == 404


def test_invalid_input_is_shown_inline_and_nothing_stored(
    studies_project: Path, clients: Clients
) -> None:
    r1, token = clients("R1")
    data = filled(token)
    data["arms.2.n_randomised"] = "forty"
    data["outcomes.2.sd"] = "-3"
    answer = r1.post("/extraction/form", data=data)
    assert answer.status_code == 422
    assert "Nothing was saved" in answer.text

    def inline(name: str) -> str:
        found = re.search(rf'id="{re.escape(name)}".*?<span class="field-error"[^>]*>([^<]*)<',
                          answer.text, re.DOTALL)  # fmt: skip
        assert found is not None, name
        return found.group(1)

    assert "&#39;forty&#39; is not a number" in inline("arms.2.n_randomised")
    assert inline("outcomes.2.sd") == "must be greater than 0, not -3"
    assert 'value="35.2"' in answer.text  # what was typed is kept
    with opened(studies_project) as (_, store), store.session(readonly=True) as session:
        assert session.query(ExtractionValue).count() == 0


def test_valid_rows_are_stored_like_a_template(studies_project: Path, clients: Clients) -> None:
    r1, token = clients("R1")
    answer = r1.post("/extraction/form", data=filled(token), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    with opened(studies_project) as (proj, store):
        data = review_data(store, proj.protocol)
    (study,) = [s for s in data.studies if s.study_id == STUDY]
    assert study.attributes["country"] == "UK" and study.attributes["n_randomised"] == 80
    rows = {(o.arm, o.mean, o.sd, o.n) for o in data.outcomes if o.study_id == STUDY}
    assert rows == {("peer group", 35.2, 9.1, 38), ("usual care", 31.0, 10.4, 36)}
    page = r1.get(answer.headers["location"]).text
    assert "Saved Smith 2019" in page and 'value="peer group"' in page


def test_an_extractor_sees_only_their_own_values(studies_project: Path, clients: Clients) -> None:
    toml = studies_project / "review.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('roles = ["screener", "appraiser"]',
                                 'roles = ["screener", "appraiser", "extractor"]'),
                    encoding="utf-8")  # fmt: skip
    with opened(studies_project) as (proj, store):
        add_values(store, proj.protocol, "R2", studies=[{"study_id": STUDY, "country": "Peru"}])
    r1, _ = clients("R1")
    page = r1.get("/extraction/form", params={"study": STUDY}).text
    assert "Peru" not in page
