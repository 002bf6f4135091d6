"""The extraction grid: one study's arms as columns and outcomes as rows.

What it shows (own values, consensus values marked as such, never another extractor's),
that saving goes through the sheets' validation and storage (the same stored values and
the same messages as ``sysreview extract load`` for the same input), errors next to the
cell and in a summary that links to it, and the adversarial cases: a reviewer who is not
an extractor, a page made stale by another route, names posted by hand, CSRF.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sysreview.cli import app as cli
from sysreview.project.extracting.values import add_values, review_data
from sysreview.project.opening import opened
from sysreview.project.storage import ExtractionValue, OutcomeData, Record, Study, StudyReport
from tests.unit.web.conftest import TestClient
from tests.unit.web.test_appraisal import STUDIES, add_studies

Clients = Callable[[str], tuple[TestClient, str]]
STUDY, OTHER = STUDIES[0], STUDIES[1]
HHI = "Herth Hope Index"
HOPE = f"hope::{HHI}"


@pytest.fixture
def studies_project(project: Path) -> Path:
    add_studies(project)
    return project


def two_extractors(project: Path) -> None:
    toml = project / "review.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('roles = ["screener", "appraiser"]',
                                 'roles = ["screener", "appraiser", "extractor"]'),
                    encoding="utf-8")  # fmt: skip


def page_fields(text: str) -> dict[str, str]:
    """Every named input of the grid form with its value (selects: the selected option)."""
    form = text[text.index('<form id="grid-form"') :]
    inputs = re.findall(r'<input [^>]*?name="([^"]+)" value="([^"]*)"', form)
    fields = {html.unescape(n): html.unescape(v) for n, v in inputs}
    for name, body in re.findall(r'<select [^>]*?name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields[html.unescape(name)] = html.unescape(chosen.group(1)) if chosen else ""
    return fields


def grid(client: TestClient, study: str = STUDY) -> dict[str, str]:
    answer = client.get("/extraction/grid", params={"study": study})
    assert answer.status_code == 200, answer.text
    return page_fields(answer.text)


def inline_errors(text: str) -> dict[str, str]:
    """``{cell name: message}`` of the problems shown next to their cells."""
    found = {}
    for cid, message in re.findall(r'<span class="field-error" id="g-([^"]+)-e">([^<]*)<', text):
        found[cid.replace("-", ".")] = html.unescape(message)
    return found


def summary_links(text: str) -> list[tuple[str, str]]:
    box = re.search(r'<div class="error-summary".*?</div>', text, re.S)
    assert box is not None, "no error summary"
    return [(h, html.unescape(t)) for h, t in re.findall(r'<a href="#([^"]+)"[^>]*>([^<]*)<',
                                                         box.group(0))]  # fmt: skip


TWO_ARMS = {
    "study.country": "UK", "study.n_randomised": "80", "study.year": "2019",
    "arm.1.arm": "peer group", "arm.1.arm_type": "intervention", "arm.1.n_randomised": "40",
}  # fmt: skip


def with_second_arm(fields: dict[str, str]) -> dict[str, str]:
    """A saved grid with the second arm typed in the new column (and a new outcome row)."""
    return {**fields, "arm.2.arm": "usual care", "arm.2.arm_type": "TAU",
            "arm.2.n_randomised": "40"}  # fmt: skip


def first_save(client: TestClient, token: str) -> dict[str, str]:
    """Peer group and usual care, hope at 0 weeks: mean/SD/N for both arms."""
    fields = grid(client)
    fields.update(TWO_ARMS)
    answer = client.post("/extraction/grid", data=fields)
    assert answer.status_code == 200 and "Saved Smith 2019: 5 new" in answer.text, answer.text
    fields = with_second_arm(page_fields(answer.text))
    fields.update({"block.1.outcome": HOPE, "block.1.weeks": "0", "block.1.timepoint_label": "post",
                   "out.1.1.n": "38", "out.1.1.mean": "35.2", "out.1.1.sd": "5.1",
                   "out.1.2.n": "36", "out.1.2.mean": "31", "out.1.2.sd": "6.4"})  # fmt: skip
    answer = client.post("/extraction/grid", data=fields)
    assert answer.status_code == 200 and "Saved Smith 2019" in answer.text, answer.text
    return page_fields(answer.text)


def test_the_grid_has_arms_as_columns_and_outcome_rows(
    studies_project: Path, clients: Clients
) -> None:
    r1, token = clients("R1")
    assert "/extraction/grid?study=Smith%202019" in r1.get("/extraction").text
    fields = first_save(r1, token)
    page = r1.get("/extraction/grid", params={"study": STUDY}).text
    heads = re.findall(r'<th scope="col" id="h-arm-\d+">([^<]*)<', page)
    assert heads == ["peer group", "usual care", "New arm"]
    assert "hope / Herth Hope Index, 0 weeks after the end" in page
    assert fields["out.1.1.mean"] == "35.2" and fields["out.1.2.sd"] == "6.4"
    assert fields["block.2.outcome"] == ""  # a blank outcome row to add one
    # continuous: mean, SD and N at once; SE, CI, t/p, median... behind the disclosure
    block = page[page.index('id="block-1"') : page.index('id="more-1"')]
    assert 'name="out.1.1.mean"' in block and 'name="out.1.1.se"' not in block
    more = page[page.index('id="more-1"') :]
    assert more.split(">", 1)[0].endswith("hidden")
    for name in ("se", "ci_low", "t", "p", "median", "q1", "mean_change", "events"):
        assert f'name="out.1.1.{name}"' in more, name
    # every cell is named by its row, its outcome and its arm for screen readers
    assert 'aria-labelledby="h-block-1 h-b1-sd h-arm-2"' in page


def test_a_dichotomous_row_shows_events_and_n_at_once(
    studies_project: Path, clients: Clients
) -> None:
    r1, _ = clients("R1")
    fields = {**grid(r1), **TWO_ARMS, "block.1.outcome": HOPE, "block.1.weeks": "0",
              "out.1.1.n": "38", "out.1.1.events": "12"}  # fmt: skip
    assert r1.post("/extraction/grid", data=fields).status_code == 200
    page = r1.get("/extraction/grid", params={"study": STUDY}).text
    block = page[page.index('id="block-1"') : page.index('id="more-1"')]
    assert 'name="out.1.1.events" value="12"' in block and 'name="out.1.1.mean"' not in block
    more = page[page.index('id="more-1"') : page.index('id="block-2"')]
    assert 'name="out.1.1.mean"' in more and 'name="out.1.1.sd"' in more
    assert 'name="out.1.1.events"' not in more


def test_consensus_values_are_shown_apart_and_another_extractor_is_hidden(
    studies_project: Path, clients: Clients
) -> None:
    two_extractors(studies_project)
    with opened(studies_project) as (proj, store):
        add_values(store, proj.protocol, "R2", studies=[{"study_id": STUDY, "country": "Peru"}],
                   arms=[{"study_id": STUDY, "arm": "R2's arm", "arm_type": "TAU"}])  # fmt: skip
        add_values(store, proj.protocol, "R1", studies=[{"study_id": STUDY, "country": "UK",
                                                         "setting": "community"}])  # fmt: skip
        add_values(store, proj.protocol, "R3", consensus=True,
                   studies=[{"study_id": STUDY, "country": "United Kingdom"}])  # fmt: skip
    r1, _ = clients("R1")
    page = r1.get("/extraction/grid", params={"study": STUDY}).text
    fields = page_fields(page)
    assert fields["study.country"] == "UK" and fields["study.setting"] == "community"
    assert ('<span class="consensus" id="g-study-country-c"><span class="consensus-tag">'
            "consensus</span> United Kingdom</span>") in page  # fmt: skip
    assert 'aria-describedby="g-study-country-c"' in page
    assert "Peru" not in page and "R2&#39;s arm" not in page and "R2's arm" not in page


def test_errors_inline_and_in_a_summary_nothing_stored(
    studies_project: Path, clients: Clients
) -> None:
    r1, _ = clients("R1")
    fields = grid(r1)
    fields.update({**TWO_ARMS, "arm.1.n_randomised": "forty",
                   "block.1.outcome": HOPE, "block.1.weeks": "0",
                   "out.1.1.n": "38", "out.1.1.mean": "35.2", "out.1.1.sd": "0"})  # fmt: skip
    answer = r1.post("/extraction/grid", data=fields)
    assert answer.status_code == 422
    errors = inline_errors(answer.text)
    assert errors == {"arm.1.n_randomised": "'forty' is not a number",
                      "out.1.1.sd": "must be greater than 0, not 0"}  # fmt: skip
    for name in errors:
        cid = "g-" + name.replace(".", "-")
        assert re.search(rf'id="{cid}"[^>]*aria-describedby="{cid}-e"[^>]*aria-invalid="true"',
                         answer.text), name  # fmt: skip
    links = summary_links(answer.text)
    assert [h for h, _ in links] == ["g-arm-1-n_randomised", "g-out-1-1-sd"]
    assert links[1][1].endswith("arm 'peer group': SD: must be greater than 0, not 0")
    assert "Nothing was saved: 2 problem(s)" in answer.text
    assert page_fields(answer.text)["out.1.1.mean"] == "35.2"  # what was typed is kept
    assert 'id="h-arm-2">New arm<' in answer.text  # and a blank arm and outcome row follow
    assert page_fields(answer.text)["block.2.outcome"] == ""
    with opened(studies_project) as (_, store), store.session(readonly=True) as session:
        assert session.query(ExtractionValue).count() == session.query(OutcomeData).count() == 0


def test_a_value_in_a_hidden_field_opens_its_disclosure(
    studies_project: Path, clients: Clients
) -> None:
    r1, _ = clients("R1")
    fields = grid(r1)
    fields.update({**TWO_ARMS, "block.1.outcome": HOPE, "block.1.weeks": "0",
                   "out.1.1.n": "38", "out.1.1.mean": "35.2", "out.1.1.se": "-1"})  # fmt: skip
    answer = r1.post("/extraction/grid", data=fields)
    assert inline_errors(answer.text) == {"out.1.1.se": "must be greater than 0, not -1"}
    assert 'aria-expanded="true" aria-controls="more-1"' in answer.text
    assert '<tbody class="more" id="more-1">' in answer.text


CASES: dict[str, dict[str, str]] = {
    # cell name -> value, on top of two arms (peer group, usual care) and hope at 0 weeks
    "sd zero": {"out.1.1.n": "38", "out.1.1.mean": "35", "out.1.1.sd": "0",
                "out.1.2.n": "36", "out.1.2.mean": "31", "out.1.2.sd": "6"},
    "n missing": {"out.1.1.mean": "35", "out.1.1.sd": "5",
                  "out.1.2.n": "36", "out.1.2.mean": "31", "out.1.2.sd": "6"},
    "t and p": {"out.1.1.n": "38", "out.1.1.mean": "35", "out.1.1.t": "2.1", "out.1.1.p": "0.04",
                "out.1.2.n": "36", "out.1.2.mean": "31"},
    "t with one arm": {"out.1.1.n": "38", "out.1.1.mean": "35", "out.1.1.t": "2.1"},
    "events above n": {"out.1.1.n": "38", "out.1.1.events": "40"},
    "off the scale": {"out.1.1.n": "38", "out.1.1.mean": "80", "out.1.1.sd": "5"},
    "not a number": {"out.1.1.n": "thirty", "out.1.1.mean": "35", "out.1.1.sd": "5"},
}  # fmt: skip
SHEET_COLUMNS = ["study_id", "arm", "domain", "measure", "weeks_after_end", "timepoint_label",
                 "n", "mean", "sd", "t", "p", "events", "location"]  # fmt: skip


def sheet_rows(study: str, cells: dict[str, str]) -> list[dict[str, str]]:
    """The outcome rows of a sheet holding what ``cells`` puts in the grid."""
    arms = {"1": "peer group", "2": "usual care"}
    rows = []
    for j, arm in arms.items():
        given = {k.rsplit(".", 1)[1]: v for k, v in cells.items() if k.startswith(f"out.1.{j}.")}
        if given:
            rows.append({"study_id": study, "arm": arm, "domain": "hope",
                         "measure": HHI, "weeks_after_end": "0", **given})  # fmt: skip
    return rows


def write_sheet(stem: Path, study: str, cells: dict[str, str]) -> Path:
    arms = [
        {"study_id": study, "arm": "peer group", "arm_type": "intervention", "n_randomised": "40"},
        {"study_id": study, "arm": "usual care", "arm_type": "TAU", "n_randomised": "40"},
    ]
    parts: dict[str, tuple[list[str], list[dict[str, str]]]] = {
        "arms": (["study_id", "arm", "arm_type", "n_randomised"], arms),
        "outcomes": (SHEET_COLUMNS, sheet_rows(study, cells)),
    }
    for part, (header, rows) in parts.items():
        with stem.with_name(f"{stem.stem}.{part}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            writer.writerows(rows)
    return stem


def cli_errors(project: Path, sheet: Path) -> tuple[int, list[tuple[str, str]]]:
    result = CliRunner().invoke(cli, ["extract", "load", str(sheet), "--reviewer", "R1",
                                      "-p", str(project)])  # fmt: skip
    found = re.findall(r"column '(\w+)': (.*)", result.stderr)
    return result.exit_code, sorted((c, m.strip()) for c, m in found)


def grid_post(client: TestClient, cells: dict[str, str]) -> Any:
    fields = grid(client)
    fields.update({**TWO_ARMS, "arm.2.arm": "usual care", "arm.2.arm_type": "TAU",
                   "arm.2.n_randomised": "40", "block.1.outcome": HOPE, "block.1.weeks": "0",
                   **cells})  # fmt: skip
    return client.post("/extraction/grid", data=fields)


@pytest.mark.parametrize("case", sorted(CASES))
def test_grid_and_sheet_refuse_the_same_input_with_the_same_message(
    case: str, studies_project: Path, clients: Clients, tmp_path: Path
) -> None:
    r1, _ = clients("R1")
    answer = grid_post(r1, CASES[case])
    assert answer.status_code == 422, answer.text
    shown = sorted((cell.rsplit(".", 1)[1], message)
                   for cell, message in inline_errors(answer.text).items())  # fmt: skip
    code, refused = cli_errors(studies_project, write_sheet(tmp_path / "x.csv", STUDY,
                                                            CASES[case]))  # fmt: skip
    assert code == 2 and refused, refused
    assert shown == refused


def test_grid_and_sheet_store_the_same_values(
    studies_project: Path, clients: Clients, tmp_path: Path
) -> None:
    cells = {"out.1.1.n": "38", "out.1.1.mean": "35", "out.1.1.t": "2.1",
             "out.1.2.n": "36", "out.1.2.mean": "31", "out.1.2.location": "Table 2"}  # fmt: skip
    r1, _ = clients("R1")
    answer = grid_post(r1, {**cells, "out.1.1.location": "Table 2"})
    assert answer.status_code == 200, answer.text
    sheet = write_sheet(tmp_path / "x.csv", OTHER, {**cells, "out.1.1.location": "Table 2"})
    result = CliRunner().invoke(cli, ["extract", "load", str(sheet), "--reviewer", "R1",
                                      "-p", str(studies_project)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with opened(studies_project) as (proj, store):
        data = review_data(store, proj.protocol)

    def outcomes(study: str) -> list[tuple[Any, ...]]:
        return sorted((o.arm, o.measure, o.weeks_after_end, o.mean, o.sd, o.n, o.flags)
                      for o in data.outcomes if o.study_id == study)  # fmt: skip

    assert outcomes(STUDY) == outcomes(OTHER) and len(outcomes(STUDY)) == 2
    assert outcomes(STUDY)[0][4] is not None  # both arms' SD from t, as the sheet gives it
    arms = {s: sorted((a.arm, a.arm_type, a.n_randomised) for a in data.arms if a.study_id == s)
            for s in (STUDY, OTHER)}  # fmt: skip
    assert arms[STUDY] == arms[OTHER]


def test_a_stale_page_is_refused_and_its_own_saves_are_not(
    studies_project: Path, clients: Clients
) -> None:
    r1, token = clients("R1")
    fields = first_save(r1, token)
    opened_page = grid(r1)  # the grid as loaded in a second tab
    fields["out.1.1.sd"] = "5.3"  # this tab corrects an SD: saved
    answer = r1.post("/extraction/grid", data=fields)
    assert answer.status_code == 200 and "1 corrected" in answer.text
    again = page_fields(answer.text)
    again["study.country"] = "Wales"  # the fresh grid saves again: its own earlier save
    assert r1.post("/extraction/grid", data=again).status_code == 200
    opened_page["study.setting"] = "community"  # the old tab still says SD 5.1
    answer = r1.post("/extraction/grid", data=opened_page)
    assert answer.status_code == 409
    errors = inline_errors(answer.text)
    assert set(errors) == {"study.country", "out.1.1.n"}, errors
    assert "changed since this page was opened" in errors["out.1.1.n"]
    assert "5.3" in errors["out.1.1.n"] and "'Wales' is stored now" in errors["study.country"]
    with opened(studies_project) as (_, store), store.session(readonly=True) as session:
        setting = session.query(ExtractionValue).filter_by(key="setting").count()
    assert setting == 0  # nothing of the stale page was stored


def test_names_posted_by_hand_are_refused(studies_project: Path, clients: Clients) -> None:
    r1, token = clients("R1")
    fields = first_save(r1, token)
    for extra in ({"out.1.9.mean": "3"}, {"out.7.1.mean": "3"}, {"arm.1.colour": "red"},
                  {"study.study_id": OTHER}, {"out.1.1.domain": "hope"},
                  {"arm.99999.arm": "x"}):  # fmt: skip
        answer = r1.post("/extraction/grid", data={**fields, **extra})
        assert answer.status_code == 422, extra
        assert "Nothing was saved: the grid sent was not this page" in answer.text
    # an arm of another study, or an unknown measure, is refused by the validation
    unknown = {"block.2.outcome": "hope::Nope", "block.2.weeks": "0", "out.2.1.n": "3"}
    answer = r1.post("/extraction/grid", data={**fields, **unknown})
    assert answer.status_code == 422
    assert "'Nope' must be one of" in inline_errors(answer.text)["block.2.outcome"]
    answer = r1.post("/extraction/grid", data={**fields, "study": OTHER})
    assert answer.status_code == 422  # this study's arms and outcome rows are not the other's
    assert "is not an arm of this study" in html.unescape(answer.text)
    answer = r1.post("/extraction/grid", data={**fields, "study": "Nobody 1999"})
    assert answer.status_code == 404
    answer = r1.post("/extraction/grid", data={**fields, "page.project": "another"})
    assert answer.status_code == 422 and "another project" in html.unescape(answer.text)
    with opened(studies_project) as (_, store), store.session(readonly=True) as session:
        assert session.query(OutcomeData).count() == 2  # the first save's rows only


def test_a_large_grid_is_saved_even_with_every_empty_cell_sent(
    studies_project: Path, clients: Clients
) -> None:
    """Without script a page sends its empty cells too: 30 outcome rows, over 1,000 fields."""
    r1, _ = clients("R1")
    fields = {**grid(r1), **TWO_ARMS}
    names = [n for n in page_fields(r1.get("/extraction/grid", params={"study": STUDY}).text)
             if n.startswith("out.1.1.")]  # fmt: skip
    for b in range(1, 31):
        fields.update({f"block.{b}.outcome": HOPE, f"block.{b}.weeks": str(b)})
        fields.update({n.replace("out.1.1.", f"out.{b}.{j}."): "" for n in names for j in (1, 2)})
        fields.update({f"out.{b}.1.n": "30", f"out.{b}.1.mean": "30", f"out.{b}.1.sd": "5"})
    fields["arm.2.arm"] = ""
    assert len(fields) > 1000
    answer = r1.post("/extraction/grid", data=fields)
    assert answer.status_code == 200, answer.text[:500]
    with opened(studies_project) as (_, store), store.session(readonly=True) as session:
        assert session.query(OutcomeData).count() == 30


def test_login_role_and_csrf(studies_project: Path, client: TestClient, clients: Clients) -> None:
    assert client.get("/extraction/grid", params={"study": STUDY},
                      follow_redirects=False).status_code == 303  # fmt: skip
    r1, _ = clients("R1")
    fields = grid(r1)
    assert r1.post("/extraction/grid", data={**fields, "csrf_token": "wrong"}).status_code == 403
    r2, token2 = clients("R2")  # a screener and appraiser, not an extractor
    assert r2.get("/extraction/grid", params={"study": STUDY}).status_code == 403
    assert r2.post("/extraction/grid", data={**fields, "csrf_token": token2}).status_code == 403
    boss, _ = clients("boss")  # an admin account, not in the protocol
    assert boss.get("/extraction/grid", params={"study": STUDY}).status_code == 403
    assert r1.get("/extraction/grid", params={"study": "Nobody 1999"}).status_code == 404


def test_the_side_column_lists_the_studys_reports(studies_project: Path, clients: Clients) -> None:
    r1, _ = clients("R1")
    page = r1.get("/extraction/grid", params={"study": STUDY}).text
    assert 'id="xgrid-no-reports"' in page
    with opened(studies_project) as (_, store), store.session() as session:
        study_id = session.scalars(select(Study.id).where(Study.label == STUDY)).one()
        record = session.query(Record).order_by(Record.id).first()
        assert record is not None
        session.add(StudyReport(study_id=study_id, record_id=record.id, is_primary=True))
        record_id = record.id
    page = r1.get("/extraction/grid", params={"study": STUDY}).text
    side = page[page.index('id="xgrid-side"') :]
    assert f'href="/records/{record_id}?stage=ft"' in side and "primary" in side
