"""Extraction templates on SQLite and PostgreSQL: identity, idempotent loads, stale
templates, unknown studies and record ids, text that looks like formulas."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.extraction.validate import ExtractionInputError
from sysreview.project.extracting.values import add_values, load_template, write_template
from sysreview.project.selection.studies import add_study
from sysreview.project.sheets.results import StaleSheetError
from sysreview.project.storage import ExtractionValue, OutcomeData, Store, Study, open_store
from tests.unit.project.extracting.test_values import PROTOCOL, full_rows
from tests.unit.project.factories import add_batch


def events(store: Store) -> tuple[int, int]:
    with store.session(readonly=True) as s:
        values = s.scalar(select(func.count()).select_from(ExtractionValue)) or 0
        outcomes = s.scalar(select(func.count()).select_from(OutcomeData)) or 0
    return int(values), int(outcomes)


def edit_xlsx(path: Path, part: str, study: str, column: str, value: Any) -> int:
    """Set one cell of the first row of ``study`` in sheet ``part``; its row number."""
    book = load_workbook(path)
    sheet = book[part]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == study:
            row[header.index(column)].value = value
            book.save(path)
            return int(row[0].row)
    raise AssertionError(f"no row of {study} in {part}")


@pytest.fixture
def entered(store: Store) -> Store:
    """Smith 2019 with R1's values (entered through the Python API)."""
    add_study(store, "Smith 2019")
    add_values(store, PROTOCOL, "R1", **full_rows())
    return store


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_prefilled_template_is_unchanged_then_one_edit_is_one_correction(
    entered: Store, tmp_path: Path, suffix: str
) -> None:
    path = write_template(entered, PROTOCOL, tmp_path / f"r1{suffix}", reviewer="R1")
    before = events(entered)
    first = load_template(entered, PROTOCOL, tmp_path / f"r1{suffix}", "R1")
    assert (first.stored, first.unchanged, first.warnings) == (0, 13, ())
    assert events(entered) == before
    if suffix == ".xlsx":
        edit_xlsx(path, "studies", "Smith 2019", "country", "Ireland")
    else:
        text = path.read_text(encoding="utf-8").replace(",UK,", ",Ireland,")
        path.write_text(text, encoding="utf-8")
    edited = load_template(entered, PROTOCOL, tmp_path / f"r1{suffix}", "R1")
    assert (edited.new, edited.corrected, edited.unchanged) == (0, 1, 12)
    assert events(entered) == (before[0] + 1, before[1])


def test_r2s_template_is_refused_for_r1(entered: Store, tmp_path: Path) -> None:
    path = write_template(entered, PROTOCOL, tmp_path / "r2.xlsx", reviewer="R2")
    with pytest.raises(InputError, match="exported for R2, not R1"):
        load_template(entered, PROTOCOL, path, "R1")


def test_a_template_from_another_project_is_refused(
    entered: Store, tmp_path: Path, new_url: Callable[..., str]
) -> None:
    with open_store(new_url(blank=True)) as other:
        add_study(other, "Smith 2019")
        path = write_template(other, PROTOCOL, tmp_path / "other.xlsx")
    edit_xlsx(path, "studies", "Smith 2019", "country", "Peru")
    with pytest.raises(InputError, match="comes from another project"):
        load_template(entered, PROTOCOL, path, "R1")


def test_a_stale_template_is_refused_then_forced(entered: Store, tmp_path: Path) -> None:
    path = write_template(entered, PROTOCOL, tmp_path / "r1.xlsx", reviewer="R1")
    add_values(entered, PROTOCOL, "R1", studies=[{"study_id": "Smith 2019", "country": "Wales",
                                                  "year": 2019, "published": "yes",
                                                  "aims": "test aims"}])  # fmt: skip
    row = edit_xlsx(path, "studies", "Smith 2019", "aims", "new aims")  # an edit elsewhere
    before = events(entered)
    with pytest.raises(StaleSheetError) as info:
        load_template(entered, PROTOCOL, path, "R1")
    (stale,) = info.value.rows
    assert (stale.where, stale.row, stale.column) == (f"{path}, sheet 'studies'", row, "country")
    assert stale.sheet_value == "'UK'" and stale.stored_value == "'Wales'"
    assert events(entered) == before  # not even the edited aims
    forced = load_template(entered, PROTOCOL, path, "R1", force=True)
    assert (forced.corrected, forced.stale_overridden) == (1, 1)


def test_a_typo_in_a_study_label_creates_no_study(store: Store, tmp_path: Path) -> None:
    add_study(store, "Smith 2019")
    rows = full_rows()
    rows["arms"] = [{**rows["arms"][0], "study_id": "Smiht 2019"}, rows["arms"][1]]
    with pytest.raises(ExtractionInputError) as info:
        add_values(store, PROTOCOL, "R1", **rows)
    problem, knock_on = info.value.problems  # the outcome row's arm is then unknown too
    assert (problem.sheet, problem.row, problem.column) == ("arms", 1, "study_id")
    assert (knock_on.sheet, knock_on.column) == ("outcomes", "arm")
    assert "no study 'Smiht 2019' in this project: add it with 'sysreview study add'" in str(
        problem
    )
    with store.session(readonly=True) as s:
        assert s.scalars(select(Study.label)).all() == ["Smith 2019"]
    assert events(store) == (0, 0)


@pytest.mark.parametrize("bad", ["5.9", "inf", "1e3", "-3"])
def test_report_record_ids_must_be_whole_numbers(store: Store, tmp_path: Path, bad: str) -> None:
    add_study(store, "Smith 2019")
    with store.session() as s:
        add_batch(s, n=1)
    path = write_template(store, PROTOCOL, tmp_path / "t.csv")
    text = path.read_text(encoding="utf-8").replace("Smith 2019,,,", f"Smith 2019,{bad},p. 3,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExtractionInputError) as info:
        load_template(store, PROTOCOL, tmp_path / "t.csv", "R1")
    assert str(info.value).endswith(
        f"sheet studies, row {_row(path, 'Smith 2019')}, column 'report': record id {bad!r} "
        "is not a whole number such as 12"
    )
    assert events(store) == (0, 0)


def _row(path: Path, study: str) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(i for i, r in enumerate(csv.reader(handle), 1) if r[0] == study)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_values_that_look_like_formulas_round_trip(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    add_study(store, "Smith 2019")
    rows = full_rows()
    rows["studies"] = [{**rows["studies"][0], "aims": "=HYPERLINK(\"http://x\")",
                        "location": "-Table 2", "country": "@home"}]  # fmt: skip
    add_values(store, PROTOCOL, "R1", **rows)
    path = write_template(store, PROTOCOL, tmp_path / f"r1{suffix}", reviewer="R1")
    if suffix == ".xlsx":
        ws = load_workbook(path)["studies"]
        header = [c.value for c in ws[1]]
        aims = ws.cell(row=2, column=header.index("aims") + 1)
        assert (aims.value, aims.data_type) == ('=HYPERLINK("http://x")', "s")
    else:
        text = path.read_text(encoding="utf-8")
        assert "'=HYPERLINK" in text and ",'-Table 2," in text and ",'@home," in text
    assert load_template(store, PROTOCOL, path, "R1").stored == 0  # read back exactly
    with store.session(readonly=True) as s:
        stored = s.scalars(select(ExtractionValue.value).where(ExtractionValue.key == "aims"))
        assert stored.all() == ['=HYPERLINK("http://x")']


def test_csv_parts_of_different_exports_are_refused(entered: Store, tmp_path: Path) -> None:
    write_template(entered, PROTOCOL, tmp_path / "a.csv", reviewer="R1")
    write_template(entered, PROTOCOL, tmp_path / "b.csv", reviewer="R1")
    (tmp_path / "a.arms.csv").write_bytes((tmp_path / "b.arms.csv").read_bytes())
    with pytest.raises(InputError, match="the parts come from different exports"):
        load_template(entered, PROTOCOL, tmp_path / "a.csv", "R1")
