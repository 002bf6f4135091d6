"""The GRADE pages: appraisers and analysts only, CSRF, the rule of the command line (a
justification is required, nothing saved when a domain is refused), the list and the
form showing suggestions until ratings replace them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from sysreview.project.opening import opened
from sysreview.project.storage import GradeRating
from tests.unit.project.grading.test_ratings import extract
from tests.unit.web.conftest import TestClient

Clients = Callable[[str], tuple[TestClient, str]]
FORM = "/grade/form?outcome=recovery&timepoint=post_intervention"


def stored(project: Path) -> list[tuple[str, str, str, str]]:
    with opened(project) as (_, store), store.session(readonly=True) as session:
        rows = session.scalars(select(GradeRating).order_by(GradeRating.id))
        return [(r.domain, r.rating, r.reason, r.source) for r in rows]


def post(client: TestClient, token: str, **fields: str) -> object:
    data = {"csrf_token": token, "outcome": "recovery", "timepoint": "post_intervention"}
    for domain in ("risk_of_bias", "inconsistency", "indirectness", "imprecision",
                   "publication_bias"):  # fmt: skip
        data[f"rating.{domain}"] = fields.get(f"rating_{domain}", "")
        data[f"reason.{domain}"] = fields.get(f"reason_{domain}", "")
    return client.post("/grade/form", data=data, follow_redirects=False)


def test_only_raters_see_the_pages(clients: Clients, client: TestClient, project: Path) -> None:
    extract(project, None)
    assert client.get("/grade", follow_redirects=False).status_code == 303  # log in first
    r3, _ = clients("R3")  # the arbiter is not an appraiser or analyst
    assert r3.get("/grade").status_code == 403
    r1, _ = clients("R1")
    page = r1.get("/grade")
    assert page.status_code == 200 and 'id="row-recovery-post_intervention"' in page.text
    assert "includes suggestions" in page.text
    assert r1.get("/grade/form?outcome=hope&timepoint=post_intervention").status_code == 404


def test_no_data_yet_is_a_conflict(clients: Clients) -> None:
    r1, _ = clients("R1")
    answer = r1.get("/grade")
    assert answer.status_code == 409 and "no extracted data" in answer.text


def test_save_ratings_and_see_them(clients: Clients, project: Path) -> None:
    extract(project, None)
    r1, token = clients("R1")
    form = r1.get(FORM)
    assert form.status_code == 200
    assert 'id="suggestion-indirectness"' in form.text and "not assessed automatically" in form.text
    answer = post(r1, token, rating_indirectness="serious", reason_indirectness="older adults",
                  rating_imprecision="no", reason_imprecision="narrow <b>enough</b>")  # fmt: skip
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert stored(project) == [("indirectness", "serious", "older adults", "web"),
                               ("imprecision", "no", "narrow <b>enough</b>", "web")]  # fmt: skip
    page = r1.get(FORM + "&saved=true").text
    assert 'id="saved"' in page and "narrow &lt;b&gt;enough&lt;/b&gt;" in page  # escaped
    selected = re.search(r'id="rating.indirectness".*?</select>', page, re.S)
    assert selected is not None and '<option value="serious" selected>' in selected.group(0)
    # the same form again stores nothing
    post(r1, token, rating_indirectness="serious", reason_indirectness="older adults",
         rating_imprecision="no", reason_imprecision="narrow <b>enough</b>")  # fmt: skip
    assert len(stored(project)) == 2
    listing = r1.get("/grade").text
    assert "R1" in listing


def test_a_refused_domain_saves_nothing_and_says_where(clients: Clients, project: Path) -> None:
    extract(project, None)
    r2, token = clients("R2")
    answer = post(r2, token, rating_indirectness="serious", reason_indirectness="fine",
                  rating_imprecision="serious", reason_imprecision="  ",
                  reason_risk_of_bias="a reason without a rating")  # fmt: skip
    assert answer.status_code == 422  # type: ignore[attr-defined]
    text = answer.text  # type: ignore[attr-defined]
    assert 'id="error-reason.imprecision"' in text and "needs a justification" in text
    assert 'id="error-rating.risk_of_bias"' in text and "choose a rating" in text
    assert stored(project) == []


def test_csrf_and_unknown_outcomes_are_refused(clients: Clients, project: Path) -> None:
    extract(project, None)
    r1, token = clients("R1")
    assert post(r1, "wrong", rating_imprecision="no", reason_imprecision="x").status_code == 403  # type: ignore[attr-defined]
    data = {"csrf_token": token, "outcome": "hope", "timepoint": "post_intervention",
            "rating.imprecision": "no", "reason.imprecision": "x"}  # fmt: skip
    assert r1.post("/grade/form", data=data).status_code == 404
    assert stored(project) == []
