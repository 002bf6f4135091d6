"""GRADE ratings in a project on SQLite and PostgreSQL: the one rule for a rating, events
(latest wins, unchanged ratings not stored, consensus), the certainty the project reports,
and the sheets (identity, idempotent loads, stale sheets, located problems)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.grade import GradeDomain, Level, Rating
from sysreview.project.extracting.values import add_values
from sysreview.project.grading.ratings import certainty, set_rating, set_ratings
from sysreview.project.grading.sheets import COLUMNS, load_grade_sheet, write_grade_template
from sysreview.project.opening import init_project, opened
from sysreview.project.reporting.report import report_inputs, review_inputs
from sysreview.project.selection.studies import add_study
from sysreview.project.sheets.results import StaleSheetError
from sysreview.project.storage import GradeRating, open_store
from sysreview.synthesis import run_plan

POST = "post_intervention"
TRIALS = {"Smith 2019": (35.2, 9.1, 31.0, 10.4), "Jones 2020": (40.1, 8.0, 38.2, 8.8),
          "Lee 2021": (30.5, 11.2, 29.9, 10.1)}  # fmt: skip


def extract(project: Path, url: str | None) -> None:
    """Post-intervention QPR means of three two-arm trials, entered by R1."""
    studies, arms, outcomes = [], [], []
    for label, (m1, s1, m2, s2) in TRIALS.items():
        studies.append({"study_id": label, "n_randomised": 80})
        for arm, kind, mean, sd in (("peer", "intervention", m1, s1), ("tau", "TAU", m2, s2)):
            arms.append({"study_id": label, "arm": arm, "arm_type": kind, "n_randomised": 40})
            outcomes.append({"study_id": label, "arm": arm, "domain": "recovery",
                             "measure": "QPR", "weeks_after_end": 0, "n": 38, "mean": mean,
                             "sd": sd})  # fmt: skip
    with opened(project, url) as (proj, store):
        for label in TRIALS:
            add_study(store, label)
        add_values(store, proj.protocol, "R1", studies=studies, arms=arms, outcomes=outcomes)


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> Path:
    folder = tmp_path / "p"
    init_project(folder, "group-peer-support", store_url)
    extract(folder, store_url)
    return folder


def ratings(url: str) -> int:
    with open_store(url) as store, store.session(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(GradeRating)) or 0)


def test_suggestions_until_a_reviewer_rates_then_the_latest_rating(
    project: Path, store_url: str
) -> None:
    before = certainty(project, store_url).row("recovery", POST).certainty
    assert not before.confirmed
    assert before.domain(GradeDomain.INDIRECTNESS).source == "suggested"
    first = set_rating(project, "recovery", "indirectness", "serious", reason="older adults only",
                       reviewer="R1", db_url=store_url)  # fmt: skip
    assert (first.stored, first.unchanged) == (1, 0)
    again = set_rating(project, "recovery.post_intervention", "Indirectness", "serious",
                       reason="older adults only", reviewer="R1", db_url=store_url)  # fmt: skip
    assert (again.stored, again.unchanged) == (0, 1) and "unchanged" in again.summary()
    fixed = set_rating(project, "recovery", "indirectness", "no", reason="on reflection, as asked",
                       reviewer="R1", db_url=store_url)  # fmt: skip
    assert fixed.stored == 1 and ratings(store_url) == 2
    after = certainty(project, store_url).row("recovery", POST).certainty
    d = after.domain(GradeDomain.INDIRECTNESS)
    assert (d.rating, d.source, d.reason) == (Rating.NO, "R1", "on reflection, as asked")
    assert d.suggestion is not None and not d.suggestion.assessed


def test_two_reviewers_disagree_until_a_consensus(project: Path, store_url: str) -> None:
    set_rating(project, "recovery", "imprecision", "very serious", reason="wide CI",
               reviewer="R1", db_url=store_url)  # fmt: skip
    set_rating(project, "recovery", "imprecision", "serious", reason="only one MID",
               reviewer="R2", db_url=store_url)  # fmt: skip
    d = (
        certainty(project, store_url)
        .row("recovery", POST)
        .certainty.domain(GradeDomain.IMPRECISION)
    )
    assert (d.rating, d.source, d.disputed) == (Rating.VERY_SERIOUS, "R1", ("R1", "R2"))
    set_rating(project, "recovery", "imprecision", "serious", reason="agreed: one level",
               reviewer="R3", consensus=True, db_url=store_url)  # fmt: skip
    c = certainty(project, store_url).row("recovery", POST).certainty
    d = c.domain(GradeDomain.IMPRECISION)
    assert (d.rating, d.source, d.disputed) == (Rating.SERIOUS, "consensus", ())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("hope", None, "imprecision", "no", "x", "R1"),
         "no Summary of findings row for outcome 'hope'; the rows are: recovery "
         "(post_intervention)"),
        (("recovery", "long_term", "imprecision", "no", "x", "R1"),
         "recovery has no Summary of findings row at 'long_term'"),
        (("recovery", None, "bias", "no", "x", "R1"), "unknown GRADE domain 'bias'"),
        (("recovery", None, "imprecision", "moderate", "x", "R1"), "unknown rating 'moderate'"),
        (("recovery", None, "imprecision", "no", "   ", "R1"), "a rating needs a justification"),
        (("recovery", None, "imprecision", "no", "x" * 5001, "R1"), "longer than 5000"),
        (("recovery", None, "imprecision", "no", "x", "R3"), "reviewer 'R3' is not an appraiser"),
        (("recovery", None, "imprecision", "no", "x", "R9"), "unknown reviewer 'R9'"),
    ],
)  # fmt: skip
def test_the_rule_refuses_and_nothing_is_stored(
    project: Path, store_url: str, args: tuple[str, str | None, str, str, str, str], message: str
) -> None:
    outcome, timepoint, domain, rating, reason, who = args
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        set_rating(project, outcome, domain, rating, reason=reason, reviewer=who,
                   timepoint=timepoint, db_url=store_url)  # fmt: skip
    assert ratings(store_url) == 0


def test_several_ratings_are_all_or_nothing(project: Path, store_url: str) -> None:
    items = [("recovery", None, "imprecision", "serious", "wide"),
             ("recovery", None, "inconsistency", "sometimes", "x")]  # fmt: skip
    with pytest.raises(InputError, match="unknown rating 'sometimes'"):
        set_ratings(project, items, reviewer="R1", db_url=store_url)
    assert ratings(store_url) == 0


def test_the_report_reads_the_stored_ratings(project: Path, store_url: str) -> None:
    every = [("recovery", None, d.value, "no", f"checked {d.value}") for d in GradeDomain]
    set_ratings(project, every, reviewer="R2", db_url=store_url)
    inputs = review_inputs(project, store_url)
    assert len(inputs.grade_ratings) == 5
    report = report_inputs(run_plan(inputs.data, inputs.protocol), inputs)
    assert report.certainty is not None
    row = report.certainty.row("recovery", POST)
    assert row.certainty.confirmed and row.certainty.level is Level.HIGH
    assert {d.source for d in row.certainty.domains} == {"R2"}


# ---- sheets ----------------------------------------------------------------------------


def read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def fill(path: Path, values: dict[str, tuple[str, str]]) -> None:
    rows = read(path)
    header = rows.index(list(COLUMNS))
    for row in rows[header + 1 :]:
        if row[2] in values:
            row[5], row[6] = values[row[2]]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def test_a_sheet_loads_once_then_is_unchanged(
    project: Path, store_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "r1.csv"
    assert write_grade_template(project, sheet, reviewer="R1", db_url=store_url) == 5
    rows = read(sheet)
    assert rows[0][0] == "#sysreview sheet" and ["#stage", "grade"] in rows
    body = rows[rows.index(list(COLUMNS)) + 1 :]
    assert [r[2] for r in body] == [d.value for d in GradeDomain]
    assert body[2][3:5] == ["no", body[2][4]] and "not assessed automatically" in body[2][4]
    fill(sheet, {"indirectness": ("serious", "older adults"), "imprecision": ("no", "narrow")})
    first = load_grade_sheet(project, sheet, reviewer="R1", db_url=store_url)
    assert (first.new, first.unchanged, first.warnings) == (2, 0, ())
    again = load_grade_sheet(project, sheet, reviewer="R1", db_url=store_url)
    assert (again.stored, again.unchanged) == (0, 2) and ratings(store_url) == 2
    fresh = tmp_path / "r1.xlsx"
    write_grade_template(project, fresh, reviewer="R1", db_url=store_url)
    cells = [[c.value for c in r] for r in load_workbook(fresh).worksheets[0].iter_rows()]
    assert cells[3][5:] == ["serious", "older adults"]
    assert load_grade_sheet(project, fresh, reviewer="R1", db_url=store_url).stored == 0


def test_a_stale_sheet_is_refused_unless_forced(
    project: Path, store_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "r1.csv"
    write_grade_template(project, sheet, reviewer="R1", db_url=store_url)
    set_rating(project, "recovery", "imprecision", "serious", reason="from the web",
               reviewer="R1", db_url=store_url)  # fmt: skip
    fill(sheet, {"imprecision": ("no", "from the sheet")})
    with pytest.raises(StaleSheetError, match=r"recovery\.post_intervention, imprecision"):
        load_grade_sheet(project, sheet, reviewer="R1", db_url=store_url)
    assert ratings(store_url) == 1
    forced = load_grade_sheet(project, sheet, reviewer="R1", force=True, db_url=store_url)
    assert forced.stale_overridden == 1


def test_sheet_problems_are_located_and_nothing_is_stored(
    project: Path, store_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "r1.csv"
    write_grade_template(project, sheet, reviewer="R1", db_url=store_url)
    fill(sheet, {"risk_of_bias": ("serious", ""), "imprecision": ("often", "x"),
                 "indirectness": ("no", "fine")})  # fmt: skip
    rows = read(sheet)
    rows.append(["recovery", POST, "indirectness", "", "", "serious", "again"])
    rows.append(["hope", POST, "imprecision", "", "", "no", "x"])
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(InputError) as info:
        load_grade_sheet(project, sheet, reviewer="R1", db_url=store_url)
    text = str(info.value)
    header = rows.index(list(COLUMNS)) + 1
    assert f"r1.csv, row {header + 1}, column 'reason': a rating needs a justification" in text
    assert f"row {header + 4}, column 'rating': unknown rating 'often'" in text
    assert f"row {header + 6}, column 'domain': recovery.post_intervention, indirectness is " \
           f"rated again (first on row {header + 3})" in text  # fmt: skip
    assert f"row {header + 7}, column 'outcome': no Summary of findings row" in text
    assert ratings(store_url) == 0


def test_another_reviewers_sheet_is_refused(project: Path, store_url: str, tmp_path: Path) -> None:
    sheet = tmp_path / "r1.csv"
    write_grade_template(project, sheet, reviewer="R1", db_url=store_url)
    with pytest.raises(InputError, match="this sheet was exported for R1, not R2"):
        load_grade_sheet(project, sheet, reviewer="R2", db_url=store_url)
    with pytest.raises(InputError, match="unknown reviewer 'R9'"):
        write_grade_template(project, tmp_path / "r9.csv", reviewer="R9", db_url=store_url)
    # the arbiter's sheet holds the consensus ratings, and loads as a consensus
    set_rating(project, "recovery", "imprecision", "serious", reason="agreed", reviewer="R3",
               consensus=True, db_url=store_url)  # fmt: skip
    arbiter = tmp_path / "r3.csv"
    write_grade_template(project, arbiter, reviewer="R3", db_url=store_url)
    assert ["recovery", POST, "imprecision", "serious", "agreed"] in [
        r[:3] + r[5:] for r in read(arbiter)
    ]
    assert load_grade_sheet(project, arbiter, reviewer="R3", consensus=True,
                            db_url=store_url).unchanged == 1  # fmt: skip


def test_a_hand_made_sheet_loads_with_a_warning(
    project: Path, store_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "mine.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["outcome", "timepoint", "domain", "rating", "reason"])
        writer.writerow(["recovery", POST, "publication_bias", "not serious", "=SUM(A1)"])
    result = load_grade_sheet(project, sheet, reviewer="R2", db_url=store_url)
    assert result.new == 1 and "no sysreview identity rows" in result.warnings[0]
    reason = (
        certainty(project, store_url)
        .row("recovery", POST)
        .certainty.domain(GradeDomain.PUBLICATION_BIAS)
        .reason
    )
    assert reason == "=SUM(A1)"  # stored as text; sheets written from it are neutralised
