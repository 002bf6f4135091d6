"""The report page: "no report yet" until ``sysreview report`` wrote ``DIR/out``, then the
files as attachments, byte for byte; logged-in users only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sysreview.project.extracting.values import add_values
from sysreview.project.opening import opened
from sysreview.project.selection.studies import add_study
from tests.unit.web.conftest import TestClient

Clients = Callable[[str], tuple[TestClient, str]]


def test_no_report_yet(clients: Clients, client: TestClient) -> None:
    assert client.get("/report", follow_redirects=False).status_code == 303
    r1, _ = clients("R1")
    page = r1.get("/report")
    assert page.status_code == 200 and 'id="no-report"' in page.text
    assert "run <code>sysreview report</code>" in page.text
    missing = r1.get("/report/report.docx")
    assert missing.status_code == 404 and "no report yet: run `sysreview report`" in missing.text
    assert r1.get("/report/review.db").status_code == 422  # only the two report files


def test_download_the_latest_report(clients: Clients, client: TestClient, project: Path) -> None:
    out = project / "out"
    out.mkdir()
    html = "<!doctype html><title>report</title><p>Pooled MD -1.2</p>"
    (out / "report.html").write_text(html, encoding="utf-8")
    docx = b"PK\x03\x04 not really a docx"
    (out / "report.docx").write_bytes(docx)
    assert client.get("/report/report.html", follow_redirects=False).status_code == 303
    r1, _ = clients("R1")
    assert 'href="/report/report.docx"' in r1.get("/report").text
    got = r1.get("/report/report.html")
    assert got.status_code == 200 and got.text == html
    assert got.headers["content-disposition"].startswith("attachment")
    got_docx = r1.get("/report/report.docx")
    assert got_docx.content == docx
    assert got_docx.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_generating_needs_an_admin_and_extracted_data(clients: Clients) -> None:
    r1, token = clients("R1")
    assert r1.post("/report/generate", data={"csrf_token": token}).status_code == 403
    assert "generate-report" not in r1.get("/report").text
    boss, boss_token = clients("boss")
    assert boss.post("/report/generate", data={"csrf_token": "wrong"}).status_code == 403
    answer = boss.post("/report/generate", data={"csrf_token": boss_token})
    assert answer.status_code == 422 and 'id="report-error"' in answer.text
    assert "no extracted data" in answer.text.lower()


def extract_three_trials(project: Path) -> None:
    """Post-intervention QPR means of three two-arm trials, entered by R1."""
    trials = {"Smith 2019": (35.2, 9.1, 31.0, 10.4), "Jones 2020": (40.1, 8.0, 38.2, 8.8),
              "Lee 2021": (30.5, 11.2, 29.9, 10.1)}  # fmt: skip
    studies, arms, outcomes = [], [], []
    for label, (m1, s1, m2, s2) in trials.items():
        studies.append({"study_id": label, "n_randomised": 80})
        for arm, kind, mean, sd in (("peer", "intervention", m1, s1), ("tau", "TAU", m2, s2)):
            arms.append({"study_id": label, "arm": arm, "arm_type": kind, "n_randomised": 40})
            outcomes.append({"study_id": label, "arm": arm, "domain": "recovery",
                             "measure": "QPR", "weeks_after_end": 0, "n": 38, "mean": mean,
                             "sd": sd})  # fmt: skip
    with opened(project) as (proj, store):
        for label in trials:
            add_study(store, label)
        add_values(store, proj.protocol, "R1", studies=studies, arms=arms, outcomes=outcomes)


def test_an_admin_generates_the_report(clients: Clients, project: Path) -> None:
    extract_three_trials(project)
    boss, token = clients("boss")
    answer = boss.post("/report/generate", data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = boss.get(answer.headers["location"]).text
    assert 'id="report-written"' in page and 'href="/report/report.html"' in page
    got = boss.get("/report/report.html")
    assert got.content == (project / "out" / "report.html").read_bytes()
    assert "Group peer support interventions" in got.text
