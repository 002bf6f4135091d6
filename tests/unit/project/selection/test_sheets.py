"""Screening sheets on SQLite and PostgreSQL: identity, idempotent imports, stale sheets,
strict record ids, all or nothing."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection.decisions import record_decision
from sysreview.project.selection.directory import screen_export, screen_import
from sysreview.project.sheets.results import StaleSheetError
from sysreview.project.storage import DecisionEvent, open_store

TITLES = ("Peer support groups and recovery", '=HYPERLINK("http://evil.example","x")', "+1 trial")
RIS = "".join(f"TY  - JOUR\nTI  - {t}\nPY  - 2020\nER  -\n" for t in TITLES)


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> Path:
    folder = tmp_path / "p"
    init_project(folder, "group-peer-support", store_url)
    (folder / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(folder, [folder / "s.ris"], source="MEDLINE", db_url=store_url)
    return folder


def events(url: str) -> int:
    with open_store(url) as store, store.session(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(DecisionEvent)) or 0)


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def header_index(rows: list[list[str]]) -> int:
    return next(i for i, r in enumerate(rows) if r and r[0] == "record_id")


def fill_csv(path: Path, decisions: dict[int, tuple[str, ...]]) -> None:
    """Fill the decision (reason, note) cells of an exported CSV sheet, as a user would."""
    rows = csv_rows(path)
    for row in rows[header_index(rows) + 1 :]:
        given = decisions.get(int(row[0]))
        if given:
            row[6 : 6 + len(given)] = given
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def fill_xlsx(path: Path, decisions: dict[int, str]) -> None:
    book = load_workbook(path)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in decisions:
            row[6].value = decisions[row[0].value]
    book.save(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_carries_identity_and_import_is_idempotent(
    project: Path, store_url: str, tmp_path: Path, suffix: str
) -> None:
    sheet = tmp_path / f"r1{suffix}"
    assert screen_export(project, sheet, stage="ta", reviewer="R1", db_url=store_url) == 3
    if suffix == ".csv":
        rows = csv_rows(sheet)
        assert rows[0][0] == "#sysreview sheet"
        block = {r[0]: r[1] for r in rows[1 : header_index(rows)]}
        assert block["#stage"] == "ta" and block["#reviewer"] == "R1"
        assert block["#project_title"].startswith("Group peer support")
        assert block["#exported_at"].endswith("Z") and block["#as_of.decision_event"] == "0"
        assert len(block["#sheet"]) == len(block["#project"]) == 36
        fill_csv(sheet, {1: ("include",), 2: ("exclude",), 3: ("maybe",)})
    else:
        book = load_workbook(sheet)
        assert book["sysreview"].sheet_state == "hidden"
        pairs = {r[0]: r[1] for r in book["sysreview"].iter_rows(values_only=True)}
        assert pairs["stage"] == "ta" and pairs["reviewer"] == "R1" and len(pairs["project"]) == 36
        fill_xlsx(sheet, {1: "include", 2: "exclude", 3: "maybe"})
    first = screen_import(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    assert (first.new, first.corrected, first.unchanged, first.stale_overridden) == (3, 0, 0, 0)
    assert first.warnings == ()
    again = screen_import(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    assert (again.new, again.corrected, again.unchanged) == (0, 0, 3)
    assert "unchanged" in again.summary() and events(store_url) == 3


def test_an_edited_row_is_one_correction(project: Path, store_url: str, tmp_path: Path) -> None:
    sheet = tmp_path / "r1.csv"
    screen_export(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    fill_csv(sheet, {1: ("include",), 2: ("exclude",)})
    screen_import(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    fill_csv(sheet, {2: ("include", "", "read the abstract again")})
    result = screen_import(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    assert (result.new, result.corrected, result.unchanged) == (0, 1, 1)
    assert events(store_url) == 3
    # a re-export carries the current decisions and note: importing it changes nothing
    fresh = tmp_path / "again.xlsx"
    screen_export(project, fresh, stage="ta", reviewer="R1", db_url=store_url)
    result = screen_import(project, fresh, stage="ta", reviewer="R1", db_url=store_url)
    assert (result.stored, result.unchanged) == (0, 2)


def test_a_sheet_for_r2_is_refused_for_r1(project: Path, store_url: str, tmp_path: Path) -> None:
    sheet = tmp_path / "r2.xlsx"
    screen_export(project, sheet, stage="ta", reviewer="R2", db_url=store_url)
    fill_xlsx(sheet, {1: "include"})
    with pytest.raises(InputError, match="exported for R2, not R1") as info:
        screen_import(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    assert "r2.xlsx" in str(info.value) and events(store_url) == 0


def test_a_title_abstract_sheet_is_refused_at_full_text(
    project: Path, store_url: str, tmp_path: Path
) -> None:
    protocol = load_project(project, store_url).protocol
    with open_store(store_url) as store:
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
    sheet = tmp_path / "ta.csv"
    screen_export(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    with pytest.raises(InputError) as info:
        screen_import(project, sheet, stage="ft", reviewer="R1", db_url=store_url)
    message = str(info.value)
    assert "for title/abstract screening (ta), not full-text screening (ft)" in message
    assert events(store_url) == 1


def test_a_sheet_from_another_project_is_refused(
    project: Path, store_url: str, tmp_path: Path, new_url: Callable[..., str]
) -> None:
    other_url = new_url(blank=True)  # its own migration run, so its own project id
    other = tmp_path / "other"
    init_project(other, "group-peer-support", other_url)
    (other / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(other, [other / "s.ris"], source="MEDLINE", db_url=other_url)
    sheet = tmp_path / "theirs.csv"
    screen_export(other, sheet, stage="ta", reviewer="R1", db_url=other_url)
    fill_csv(sheet, {1: ("include",)})
    with pytest.raises(InputError, match="comes from another project") as info:
        screen_import(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    assert str(info.value).count("(id ") == 2  # both ids named
    assert events(store_url) == 0


def test_a_stale_sheet_is_refused_then_forced(
    project: Path, store_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "r1.csv"
    protocol = load_project(project, store_url).protocol
    with open_store(store_url) as store:
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
    screen_export(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    with open_store(store_url) as store:  # a newer decision, on the web after the export
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="exclude")
    fill_csv(sheet, {2: ("include",)})  # row 1 still says include, from the export
    with pytest.raises(StaleSheetError) as info:
        screen_import(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    (row,) = info.value.rows
    assert (row.row, row.column, row.item) == (header_index(csv_rows(sheet)) + 2, "decision",
                                               "record 1")  # fmt: skip
    assert "the sheet says 'include' but 'exclude' was recorded after" in str(info.value)
    assert "--force" in str(info.value) and events(store_url) == 2  # record 2 not stored
    forced = screen_import(project, sheet, stage="ta", reviewer="R1", force=True, db_url=store_url)
    assert (forced.new, forced.corrected, forced.stale_overridden) == (1, 0, 1)
    assert "1 overriding newer values" in forced.summary() and events(store_url) == 4


@pytest.mark.parametrize("bad", ["5.9", "inf", "1e3", "-1", "0", "abc", "2.0"])
def test_record_ids_must_be_whole_numbers(
    project: Path, store_url: str, tmp_path: Path, bad: str
) -> None:
    sheet = tmp_path / "hand.csv"
    sheet.write_text(f"record_id,decision\n1,include\n{bad},exclude\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        screen_import(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    assert str(info.value) == (
        f"{sheet}, row 3, column 'record_id': record id {bad!r} is not a whole number such as 12"
    )
    assert events(store_url) == 0


def test_unknown_and_unassigned_records_are_refused_all_at_once(
    project: Path, store_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "r2.xlsx"
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["record_id", "title", "decision"])
    for row in (
        [1, "x", "include"],
        [2, "x", "perhaps"],
        [3, "x", "include"],
        [99, "x", "exclude"],
    ):
        ws.append(row)
    book.save(sheet)
    with pytest.raises(InputError) as info:
        screen_import(project, sheet, stage="ta", reviewer="R2", db_url=store_url)
    lines = str(info.value).splitlines()
    where = f"{sheet}, sheet 'Sheet'"
    assert lines == [
        f"{where}, row 3, column 'decision': record 2: decision 'perhaps' must be one of "
        "include, exclude, maybe",
        f"{where}, row 4, column 'record_id': record 3 is not assigned to R2 at ta",
        f"{where}, row 5, column 'record_id': no record 99 in this project",
    ]
    assert events(store_url) == 0


def test_a_hand_made_sheet_is_accepted_with_a_warning_but_never_overwrites(
    project: Path, store_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "hand.csv"
    sheet.write_text("record_id,decision\n1,include\n2,exclude\n", encoding="utf-8")
    result = screen_import(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    assert result.new == 2 and "no sysreview identity rows" in result.warnings[0]
    sheet.write_text("record_id,decision\n1,include\n2,include\n", encoding="utf-8")
    with pytest.raises(StaleSheetError, match="the sheet has no export time"):
        screen_import(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    forced = screen_import(project, sheet, stage="ta", reviewer="R1", force=True, db_url=store_url)
    assert (forced.unchanged, forced.stale_overridden) == (1, 1)


def test_full_text_rows_round_trip_reasons_and_notes_that_look_like_formulas(
    project: Path, store_url: str, tmp_path: Path
) -> None:
    protocol = load_project(project, store_url).protocol
    with open_store(store_url) as store:
        for record in (2, 3):  # single-screened: R1's inclusion sends them to full text
            record_decision(store, protocol, stage="ta", record_id=record, reviewer="R1",
                            decision="include")  # fmt: skip
    sheet = tmp_path / "ft.csv"
    screen_export(project, sheet, stage="ft", reviewer="R1", db_url=store_url)
    reason = protocol.eligibility.exclusion_reasons[0]
    fill_csv(sheet, {2: ("exclude", reason, "=1+1"), 3: ("include", "", "@note")})
    assert "'=1+1" not in sheet.read_text(encoding="utf-8")  # the user typed it plainly
    result = screen_import(project, sheet, stage="ft", reviewer="R1", db_url=store_url)
    assert result.new == 2
    again = tmp_path / "ft-again.csv"
    screen_export(project, again, stage="ft", reviewer="R1", db_url=store_url)
    text = again.read_text(encoding="utf-8")
    assert ",'=1+1" in text and ",'@note" in text  # neutralised on the way out
    assert screen_import(project, again, stage="ft", reviewer="R1", db_url=store_url).stored == 0
    with open_store(store_url) as store, store.session(readonly=True) as session:
        notes = {e.record_id: e.note for e in session.scalars(select(DecisionEvent))
                 if e.stage == "ft"}  # fmt: skip
    assert notes == {2: "=1+1", 3: "@note"}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exported_titles_never_become_formulas(
    project: Path, store_url: str, tmp_path: Path, suffix: str
) -> None:
    from sysreview.project.sheets.reading import read_first_sheet

    sheet = tmp_path / f"r1{suffix}"
    screen_export(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    if suffix == ".csv":
        rows = csv_rows(sheet)
        cells = [r[1] for r in rows[header_index(rows) + 1 :]]
        assert cells == [TITLES[0], "'" + TITLES[1], "'" + TITLES[2]]
    else:
        ws = load_workbook(sheet).worksheets[0]
        titles = [ws.cell(row=r, column=2) for r in (2, 3, 4)]
        assert [c.value for c in titles] == list(TITLES)
        assert [c.data_type for c in titles] == ["s", "s", "s"]  # never "f" (formula)
        assert [c.quotePrefix for c in titles] == [False, True, True]
    read = read_first_sheet(sheet)
    assert [r[1]["title"] for r in read.rows] == list(TITLES)  # exactly as stored


def test_the_identity_is_checked_before_the_rows(
    project: Path, store_url: str, tmp_path: Path
) -> None:
    """R1's sheet holds records not assigned to R2: the message names the real mistake."""
    sheet = tmp_path / "r1.csv"
    screen_export(project, sheet, stage="ta", reviewer="R1", db_url=store_url)
    fill_csv(sheet, {1: ("include",), 2: ("exclude",), 3: ("yes",)})
    with pytest.raises(InputError) as info:
        screen_import(project, sheet, stage="ta", reviewer="R2", db_url=store_url)
    (line,) = str(info.value).splitlines()
    assert "this sheet was exported for R1, not R2" in line
