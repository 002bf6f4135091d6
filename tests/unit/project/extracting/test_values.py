"""Data extraction in a project: templates, loading, two reviewers, consensus, ReviewData.

Every test runs on SQLite and on PostgreSQL (``store`` fixture).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.extraction.mean_sd import flag_ci, flag_median
from sysreview.extraction.validate import ExtractionInputError
from sysreview.project.extracting.values import (
    ExtractionError,
    add_values,
    discrepancies,
    load_template,
    review_data,
    write_template,
)
from sysreview.project.selection.studies import add_study
from sysreview.project.storage import (
    Arm,
    ExtractionValue,
    OutcomeData,
    Store,
    Study,
    StudyReport,
    export_store,
    load_store,
    open_store,
    table_counts,
)
from sysreview.protocol import Protocol, parse_protocol, template_text
from tests.unit.project.factories import add_batch


def two_extractors() -> Protocol:
    """The seed protocol with R2 extracting too (R1 and R2 extract, R3 arbitrates)."""
    text = template_text("group-peer-support").replace(
        'roles = ["screener", "appraiser"]', 'roles = ["screener", "appraiser", "extractor"]'
    )
    return parse_protocol(text)


PROTOCOL = two_extractors()
STUDIES = [["Smith 2019", None, None, 2019, "yes", "test aims", "UK"]]
STUDY_COLUMNS = ["study_id", "report", "location", "year", "published", "aims", "country"]
ARMS = [
    {
        "study_id": "Smith 2019",
        "arm": "peer",
        "arm_type": "intervention",
        "n_randomised": 40,
        "structured": "yes",
        "description": "weekly peer group",
    },
    {"study_id": "Smith 2019", "arm": "usual", "arm_type": "TAU", "n_randomised": 41},
]
HOPE = {
    "study_id": "Smith 2019",
    "domain": "hope",
    "measure": "Herth Hope Index",
    "weeks_after_end": 0,
    "timepoint_label": "post",
}
OUTCOMES = [
    {**HOPE, "arm": "peer", "n": 38, "mean": 35.1, "sd": 5.2, "location": "Table 2"},
    {
        **HOPE,
        "arm": "usual",
        "n": 25,
        "mean": 33.0,
        "ci_low": 31.0,
        "ci_high": 35.0,
        "location": "Table 2",
    },
    {
        **HOPE,
        "arm": "usual",
        "weeks_after_end": 26,
        "timepoint_label": "6 months",
        "n": 30,
        "median": 30.0,
        "q1": 26.0,
        "q3": 36.0,
    },
]


def fill_xlsx(path: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    book = load_workbook(path)
    try:
        for part, given in rows.items():
            sheet = book[part]
            header = [c.value for c in sheet[1]]
            listed = (
                {r[0].value: r for r in sheet.iter_rows(min_row=2)} if part == "studies" else {}
            )
            for row in given:
                if row.get("study_id") in listed:  # the template lists the project's studies
                    for cell, h in zip(listed[row["study_id"]], header, strict=True):
                        cell.value = row.get(str(h))
                    continue
                sheet.append([row.get(str(h)) for h in header])
        book.save(path)
    finally:
        book.close()


def full_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "studies": [dict(zip(STUDY_COLUMNS, STUDIES[0], strict=True))],
        "arms": ARMS,
        "outcomes": OUTCOMES,
    }


def test_xlsx_template_has_sheets_dropdowns_and_help(store: Store, tmp_path: Path) -> None:
    with store.session() as s:
        s.add(Study(label="Jones 2020"))
    path = write_template(store, PROTOCOL, tmp_path / "t.xlsx")
    book = load_workbook(path)
    try:
        assert book.sheetnames == ["README", "studies", "arms", "outcomes", "lists", "sysreview"]
        assert book["lists"].sheet_state == book["sysreview"].sheet_state == "hidden"
        arms = book["arms"]
        assert [c.value for c in arms[1]][:3] == ["study_id", "arm", "arm_type"]
        assert arms["C1"].comment is not None and "comparator code" in arms["C1"].comment.text
        rules = {str(r.sqref): r.formula1 for r in arms.data_validations.dataValidation}
        formula = rules["C2:C5000"]
        column = formula.split("!")[1].split(":")[0].replace("$", "")[:-1]
        values = [book["lists"][f"{column}{i}"].value for i in range(1, 5)]
        assert values == ["intervention", "TAU", "WL", "active"]
        assert [r[0] for r in book["studies"].iter_rows(min_row=2, values_only=True)] == [
            "Jones 2020"
        ]
        readme = "\n".join(str(r[0]) for r in book["README"].iter_rows(values_only=True))
        assert "weeks after the END" in readme and "sysreview extract load" in readme
    finally:
        book.close()


def test_template_fill_load_review_data_round_trip(store: Store, tmp_path: Path) -> None:
    add_study(store, "Smith 2019")
    path = write_template(store, PROTOCOL, tmp_path / "t.xlsx")
    fill_xlsx(path, full_rows())
    result = load_template(store, PROTOCOL, path, "R1")
    assert (result.new, result.corrected, result.unchanged) == (4 + 6 + 3, 0, 0)
    data = review_data(store, PROTOCOL)
    (study,) = data.studies
    assert study.study_id == "Smith 2019"
    assert dict(study.attributes) == {
        "year": 2019,
        "published": True,
        "country": "UK",
        "n_arms": 2,
        "intervention_structured": True,
        "n_randomised": 81,
    }  # n_randomised: the sum of the arms' when the study row does not give it
    assert dict(study.characteristics) == {"aims": "test aims"}
    peer, usual = data.arms
    assert (peer.arm, peer.arm_type, peer.n_randomised, peer.structured) == (
        "peer",
        "intervention",
        40,
        True,
    )
    assert peer.description == "weekly peer group"
    assert (usual.arm_type, usual.n_randomised) == ("TAU", 41)
    given, from_ci, from_median = data.outcomes
    assert (given.mean, given.sd, given.n, given.flags) == (35.1, 5.2, 38, ())
    assert given.source == "R1 only; Table 2" and given.timepoint_label == "post"
    # Handbook 6.5.2.2: the 95% CI from 25 participants is 2 x 2.0639 = 4.128 SEs wide
    assert math.sqrt(25) * (35.0 - 31.0) / from_ci.sd == pytest.approx(4.128, abs=5e-4)
    assert from_ci.flags == (flag_ci(0.95),)
    assert (from_median.weeks_after_end, from_median.timepoint_label) == (26.0, "6 months")
    assert from_median.flags == (flag_median("S2"),)
    from sysreview.extraction.analysis_ready import analysis_ready

    (comparison,) = analysis_ready(data, PROTOCOL).comparisons  # what 'analyse' reads next
    assert (comparison.comparator, comparison.sd_c) == ("TAU", from_ci.sd)
    with store.session() as s:  # the store keeps the inputs and the converted numbers
        row = s.scalars(select(OutcomeData).where(OutcomeData.median.is_not(None))).one()
        assert (row.q1, row.q3, row.kind, row.flags) == (
            26.0,
            36.0,
            "reviewer",
            [flag_median("S2")],
        )
        assert row.mean == pytest.approx(from_median.mean, rel=1e-12)
        assert [a.n for a in s.scalars(select(Arm).order_by(Arm.id))] == [40, 41]


def test_csv_template_round_trip(store: Store, tmp_path: Path) -> None:
    add_study(store, "Smith 2019")
    written = write_template(store, PROTOCOL, tmp_path / "x.csv")
    assert written.name == "x.studies.csv"
    assert (tmp_path / "x.README.txt").is_file()
    for part, rows in full_rows().items():
        file = tmp_path / f"x.{part}.csv"
        with file.open(encoding="utf-8") as handle:
            written = list(csv.reader(handle))
        top = next(i for i, r in enumerate(written) if not r[0].startswith("#"))
        header = written[top]
        if part == "studies":  # drop the listed study, given again below
            with file.open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(written[: top + 1])
        with file.open("a", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            for row in rows:
                writer.writerow(["" if row.get(h) is None else row[h] for h in header])
    result = load_template(store, PROTOCOL, tmp_path / "x.csv", "R1")
    assert result.new == 4 + 6 + 3
    assert len(review_data(store, PROTOCOL).outcomes) == 3


def test_a_bad_row_stores_nothing_and_names_file_sheet_row_column(
    store: Store, tmp_path: Path
) -> None:
    add_study(store, "Smith 2019")
    path = write_template(store, PROTOCOL, tmp_path / "t.xlsx")
    rows = full_rows()
    rows["outcomes"] = [
        *OUTCOMES,
        {**HOPE, "arm": "peer", "weeks_after_end": 52, "n": 38, "mean": 30.0, "sd": 0},
    ]
    fill_xlsx(path, rows)
    before = table_counts(store)
    with pytest.raises(ExtractionInputError) as info:
        load_template(store, PROTOCOL, path, "R1")
    assert str(info.value) == (
        f"{path}, sheet outcomes, row 5, column 'sd': must be greater than 0, not 0"
    )
    assert table_counts(store) == before


def test_unknown_reports_are_refused_and_known_ones_kept(store: Store) -> None:
    add_study(store, "Smith 2019")
    with store.session() as s:
        record_id = add_batch(s, n=1).records[0].id
    study = [{"study_id": "Smith 2019", "country": "UK", "report": record_id + 1}]
    with pytest.raises(
        ExtractionInputError, match=f"row 1, column 'report': no record {record_id + 1}"
    ):
        add_values(store, PROTOCOL, "R1", studies=study)
    add_values(
        store, PROTOCOL, "R1", studies=[{**study[0], "report": record_id, "location": "p. 3"}]
    )
    with store.session() as s:
        value = s.scalars(select(ExtractionValue)).one()
        found = (value.report_record_id, value.source_location, value.value)
        assert found == (record_id, "p. 3", "UK")
        study_id = s.scalars(select(Study.id)).one()
        s.add(StudyReport(study_id=study_id, record_id=record_id, is_primary=True))
    assert review_data(store, PROTOCOL).studies[0].reference == "(2020) Trial 1"


def test_stored_study_n_bounds_arms_loaded_later(store: Store) -> None:
    add_study(store, "Smith 2019")
    add_values(store, PROTOCOL, "R1", studies=[{"study_id": "Smith 2019", "n_randomised": 80}])
    with pytest.raises(ExtractionInputError, match="randomise 81 in total, more than the study's"):
        add_values(store, PROTOCOL, "R1", arms=ARMS)


def test_reviewers_must_be_extractors(store: Store) -> None:
    with pytest.raises(InputError, match="reviewer 'R3' is not a extractor"):
        add_values(store, PROTOCOL, "R3", studies=[{"study_id": "S"}])
    with pytest.raises(InputError, match="unknown reviewer 'R9'"):
        add_values(store, PROTOCOL, "R9", studies=[{"study_id": "S"}])


def test_reloading_is_idempotent_and_changes_are_new_events(store: Store) -> None:
    add_study(store, "Smith 2019")
    rows = full_rows()
    add_values(store, PROTOCOL, "R1", **rows)
    again = add_values(store, PROTOCOL, "R1", **rows)
    assert again.new == {} and again.unchanged == {"studies": 4, "arms": 6, "outcomes": 3}
    changed = [{**OUTCOMES[0], "sd": 5.3}, *OUTCOMES[1:]]
    emptied = [{**rows["studies"][0], "aims": None}]
    result = add_values(store, PROTOCOL, "R1", studies=emptied, outcomes=changed)
    assert result.new == {"outcomes": 1, "studies": 1}
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(OutcomeData)) == 4
    data = review_data(store, PROTOCOL)
    assert data.outcomes[0].sd == 5.3
    assert "aims" not in data.studies[0].characteristics


def test_prefilled_template_reloads_unchanged(store: Store, tmp_path: Path) -> None:
    add_study(store, "Smith 2019")
    rows = full_rows()
    rows["outcomes"] = [*OUTCOMES, {**HOPE, "arm": "peer", "weeks_after_end": 26, "n": 30,
                                    "mean": 33.0, "ci_low": 31.5, "ci_high": 34.5,
                                    "ci_level": 90}]  # fmt: skip
    add_values(store, PROTOCOL, "R1", **rows)
    path = write_template(store, PROTOCOL, tmp_path / "mine.xlsx", reviewer="R1")
    result = load_template(store, PROTOCOL, path, "R1")
    assert (result.stored, result.unchanged) == (0, 4 + 6 + 4)
    assert "unchanged" in result.summary()


def test_two_reviewers_discrepancies_then_consensus(store: Store) -> None:
    add_study(store, "Smith 2019")
    add_values(store, PROTOCOL, "R1", **full_rows())
    r2 = full_rows()
    r2["studies"] = [{**r2["studies"][0], "country": "United Kingdom"}]
    r2["outcomes"] = [{**OUTCOMES[0], "sd": 5.4, "location": "Table 3"}, OUTCOMES[1]]
    add_values(store, PROTOCOL, "R2", **r2)
    found = discrepancies(store)
    described = [d.describe() for d in found.items]
    assert described == [
        "Smith 2019 / study / country: R1 = 'UK'; R2 = 'United Kingdom'",
        "Smith 2019 / outcome peer / hope / Herth Hope Index / 0 weeks / sd: "
        "R1 = 5.2 (Table 2); R2 = 5.4 (Table 3)",
        "Smith 2019 / outcome usual / hope / Herth Hope Index / 26 weeks / row: "
        "R1 = {'n': 30, 'median': 30.0, 'q1': 26.0, 'q3': 36.0}; R2 = None",
    ]
    frame = found.to_frame()
    assert list(frame["reviewer"]) == ["R1", "R2"] * 3
    with pytest.raises(ExtractionError, match="3 values differ between reviewers"):
        review_data(store, PROTOCOL)
    latest = review_data(store, PROTOCOL, unresolved="latest")
    assert latest.outcomes[0].sd == 5.4
    assert latest.outcomes[0].flags[-1].startswith("unresolved discrepancy")
    agreed = add_values(
        store,
        PROTOCOL,
        "R3",
        consensus=True,
        studies=[{"study_id": "Smith 2019", "country": "UK"}],
        outcomes=[{**OUTCOMES[0], "sd": 5.2, "location": "Table 2 (checked)"}, OUTCOMES[2]],
    )
    assert agreed.kind == "consensus" and agreed.new == {"studies": 1, "outcomes": 2}
    assert discrepancies(store).items == ()
    data = review_data(store, PROTOCOL)
    assert data.study("Smith 2019").attributes["country"] == "UK"
    sources = [o.source for o in data.outcomes]
    assert sources == [
        "consensus (R3); Table 2 (checked)",
        "R1, R2 agree; Table 2",
        "consensus (R3)",
    ]
    assert data.outcomes[0].sd == 5.2


def test_arm_types_are_the_protocol_codes(store: Store) -> None:
    add_study(store, "Smith 2019")
    arms = [{**ARMS[0]}, {**ARMS[1], "arm": "waiting", "arm_type": "WL", "n_randomised": 20}]
    add_values(store, PROTOCOL, "R1", studies=full_rows()["studies"], arms=arms)
    assert [a.arm_type for a in review_data(store, PROTOCOL).arms] == ["intervention", "WL"]


def test_dump_and_load_keep_the_extraction(
    store: Store, new_url: Callable[..., str], tmp_path: Path
) -> None:
    add_study(store, "Smith 2019")
    add_values(store, PROTOCOL, "R1", **full_rows())
    add_values(
        store,
        PROTOCOL,
        "R3",
        consensus=True,
        studies=[{"study_id": "Smith 2019", "country": "England"}],
    )
    export_store(store, tmp_path / "dump")
    with open_store(new_url()) as fresh:
        load_store(tmp_path / "dump", fresh)
        assert review_data(fresh, PROTOCOL) == review_data(store, PROTOCOL)
        assert review_data(fresh, PROTOCOL).studies[0].attributes["country"] == "England"
