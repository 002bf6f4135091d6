"""Risk-of-bias sheets on SQLite and PostgreSQL: identity, idempotent loads, stale sheets,
unknown studies, pre-filled templates (RoB 1 and RoB 2)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.project.appraising.assessments import write_rob_template
from sysreview.project.appraising.forms import DomainInput, save_rob_form
from sysreview.project.appraising.sheets import load_rob_sheet
from sysreview.project.opening import load_project
from sysreview.project.sheets.results import StaleSheetError
from sysreview.project.storage import RobJudgement, Store, Study, open_store
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import ROB1_DOMAINS
from tests.unit.project.appraising.test_assessments import LOW_ANSWERS, _project


@pytest.fixture
def rob1(tmp_path: Path, store_url: str) -> Iterator[tuple[Store, Protocol, Path]]:
    project = _project(tmp_path, store_url)
    with open_store(store_url) as store:
        yield store, load_project(project, store_url).protocol, tmp_path


def judgements(store: Store) -> int:
    with store.session(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(RobJudgement)) or 0)


def fill(path: Path, values: dict[tuple[str, str], str], support: str = "") -> None:
    """Set the judgement (and support) of (study, domain) rows of a RoB 1 CSV sheet."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    for row in rows:
        if (row[0], row[1:2] and row[1]) in values:
            row[2] = values[(row[0], row[1])]
            row[3] = support or row[3]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


ALL_LOW = {("Trial 01", d): "low" for d in ROB1_DOMAINS}


def test_a_filled_template_loads_once_then_is_unchanged(rob1: tuple[Store, Protocol, Path]) -> None:
    store, protocol, tmp = rob1
    sheet = tmp / "r1.csv"
    write_rob_template(store, protocol, sheet, reviewer="R1")
    fill(sheet, ALL_LOW, support="as reported")
    first = load_rob_sheet(store, protocol, sheet, reviewer="R1")
    assert (first.new, first.unchanged, first.warnings) == (7, 0, ())
    again = load_rob_sheet(store, protocol, sheet, reviewer="R1")
    assert (again.stored, again.unchanged) == (0, 7) and judgements(store) == 7
    assert "unchanged" in again.summary()
    fill(sheet, {("Trial 01", "other_bias"): "high"})
    fixed = load_rob_sheet(store, protocol, sheet, reviewer="R1")  # the same sheet, fixed
    assert (fixed.new, fixed.corrected, fixed.unchanged) == (0, 1, 6)
    # a template written now is pre-filled with R1's judgements: loading it changes nothing
    fresh = tmp / "again.xlsx"
    write_rob_template(store, protocol, fresh, reviewer="R1")
    ws = load_workbook(fresh).worksheets[0]
    assert [c.value for c in ws[2]] == [
        "Trial 01", ROB1_DOMAINS[0], "low", "as reported", None, None,  # no suggestion here
    ]  # fmt: skip
    assert load_rob_sheet(store, protocol, fresh, reviewer="R1").stored == 0


def test_the_second_appraisers_sheet_is_refused_for_the_first(
    rob1: tuple[Store, Protocol, Path],
) -> None:
    store, protocol, tmp = rob1
    sheet = tmp / "r2.csv"
    write_rob_template(store, protocol, sheet, reviewer="R2")
    fill(sheet, ALL_LOW)
    with pytest.raises(InputError, match="exported for R2, not R1"):
        load_rob_sheet(store, protocol, sheet, reviewer="R1")
    assert judgements(store) == 0


def test_a_screening_sheet_is_not_a_rob_sheet(
    rob1: tuple[Store, Protocol, Path], store_url: str
) -> None:
    from sysreview.project.selection.directory import screen_export

    store, protocol, tmp = rob1
    sheet = tmp / "screen.csv"
    screen_export(tmp / "p", sheet, stage="ta", reviewer="R1", db_url=store_url)
    text = sheet.read_text(encoding="utf-8").replace("record_id,title", "study,domain", 1)
    sheet.write_text(text.split("study,domain")[0] + "study,domain,judgement\nTrial 01,"
                     "other_bias,low\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(InputError, match=r"for title/abstract screening \(ta\), not risk of bias"):
        load_rob_sheet(store, protocol, sheet, reviewer="R1")


def test_a_typo_in_a_study_label_is_refused_and_creates_nothing(
    rob1: tuple[Store, Protocol, Path],
) -> None:
    store, protocol, tmp = rob1
    sheet = tmp / "r1.csv"
    write_rob_template(store, protocol, sheet, reviewer="R1")
    text = sheet.read_text(encoding="utf-8").replace(
        "Trial 01,other_bias,,", "Trail 01,other_bias,low,"
    )
    sheet.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_rob_sheet(store, protocol, sheet, reviewer="R1")
    (line,) = str(info.value).splitlines()
    assert (
        line.startswith(f"{sheet}, row ") and ", column 'study': unknown study 'Trail 01'" in line
    )
    with store.session(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(Study)) == 12
    assert judgements(store) == 0


def test_a_stale_sheet_is_refused_listed_and_forced(rob1: tuple[Store, Protocol, Path]) -> None:
    store, protocol, tmp = rob1
    sheet = tmp / "r1.csv"
    write_rob_template(store, protocol, sheet, reviewer="R1")
    domain = ROB1_DOMAINS[0]
    save_rob_form(store, protocol, reviewer="R1", study="Trial 01",
                  domains={domain: DomainInput("high", "allocation by birth date")})  # fmt: skip
    fill(sheet, ALL_LOW)  # the sheet, exported before, says low
    with pytest.raises(StaleSheetError) as info:
        load_rob_sheet(store, protocol, sheet, reviewer="R1")
    (row,) = info.value.rows
    assert (row.column, row.item) == ("judgement", f"Trial 01, {domain}")
    assert row.stored_value.startswith("'high'") and row.sheet_value == "'low'"
    assert judgements(store) == 1  # only the form's
    forced = load_rob_sheet(store, protocol, sheet, reviewer="R1", force=True)
    assert (forced.new, forced.stale_overridden) == (6, 1) and judgements(store) == 8


def test_rob2_template_prefills_answers_and_reloads_unchanged(
    tmp_path: Path, store_url: str
) -> None:
    project = _project(tmp_path, store_url, tool="RoB2")
    protocol = load_project(project, store_url).protocol
    rows = [
        ["Trial 01", "", d, q, a, "", "", f"p. {i}"]
        for i, (d, answers) in enumerate(LOW_ANSWERS.items())
        for q, a in answers.items()
    ]
    rows.append(["Trial 02", "hope", "missing_outcome_data", "", "", "high", "40% lost", "T2"])
    hand = tmp_path / "hand.csv"
    with hand.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["study", "result", "domain", "question", "answer", "judgement",
                         "support", "location"])  # fmt: skip
        writer.writerows(rows)
    with open_store(store_url) as store:
        loaded = load_rob_sheet(store, protocol, hand, reviewer="R1")
        assert loaded.new == 6 and "no sysreview identity rows" in loaded.warnings[0]
        for suffix in (".csv", ".xlsx"):
            mine = tmp_path / f"mine{suffix}"
            write_rob_template(store, protocol, mine, reviewer="R1")
            again = load_rob_sheet(store, protocol, mine, reviewer="R1")
            assert (again.stored, again.unchanged) == (0, 6), suffix
        assert load_rob_sheet(store, protocol, hand, reviewer="R1").stored == 0  # same values


def test_unanswered_template_rows_are_skipped(tmp_path: Path, store_url: str) -> None:
    project = _project(tmp_path, store_url, tool="RoB2")
    protocol = load_project(project, store_url).protocol
    with open_store(store_url) as store:
        sheet = tmp_path / "r1.csv"
        write_rob_template(store, protocol, sheet, reviewer="R1")
        with sheet.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        for row in rows:
            answer = LOW_ANSWERS.get(row[2], {}).get(row[3]) if row[0] == "Trial 01" else None
            if answer:
                row[4] = answer
        with sheet.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        result = load_rob_sheet(store, protocol, sheet, reviewer="R1")
        assert result.new == 5  # Trial 01's five domains; the other studies' rows are empty
