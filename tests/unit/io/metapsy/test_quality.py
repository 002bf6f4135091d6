"""Each detector of the Metapsy quality report, on small synthetic files."""

from __future__ import annotations

import pytest

from sysreview.errors import InputError
from sysreview.io.metapsy import quality_report, read_metapsy, read_metapsy_text

ARMS = '"";"study";"instrument";"outcome_type";".g";"mean_arm1";"sd_arm1";"n_arm1";'
ARMS += '"mean_arm2";"sd_arm2";"n_arm2";"duration_int";"time_weeks"\n'


def kinds(text: str) -> dict[str, int]:
    return quality_report(read_metapsy_text(text)).counts()


def test_reader_parses_decimal_commas_and_keeps_raw() -> None:
    data = read_metapsy_text(ARMS + '"7";"A, 2020";"RAS";"msd";0,5;12,5;4;25;10;4;25;NA;NA\n')
    (row,) = data.rows
    assert (row.row, row.m1i, row.n2i, row.duration) == (7, 12.5, 25.0, None)
    assert row.raw["mean_arm1"] == "12,5"
    assert data.to_frame().loc[0, "g"] == 0.5
    assert "1 rows, 1 studies" in data.summary()


def test_reader_errors_name_row() -> None:
    with pytest.raises(InputError, match="row 2"):
        read_metapsy_text('"";"study"\n"1";"A";"extra"\n')
    with pytest.raises(InputError, match="'study'"):
        read_metapsy_text('"";"author"\n')


def test_read_metapsy_joins_references(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "metadata").mkdir()
    (tmp_path / "metadata" / "references.json").write_text('{"Rüsch, 2014": "..."}')
    (tmp_path / "data.csv").write_text(
        '"";"study"\n"1";"RÃ¼sch, 2014"\n"2";"Rüsch, 2014"\n"3";"Rusch, 2014"\n'
    )
    data = read_metapsy(tmp_path / "data.csv")
    assert [r.study for r in data.rows] == ["Rüsch, 2014", "Rüsch, 2014", "Rusch, 2014"]
    assert data.rows[0].raw["study"] == "RÃ¼sch, 2014"
    report = quality_report(data)
    assert [p.row for p in report.of_kind("unjoined_reference")] == [3]


def test_mojibake_cells_are_reported_with_the_readers_repair() -> None:
    # real cells of the Metapsy peer-support file (rows 17, 33, 56)
    text = (
        '"";"study";"instrument"\n"17";"Davidson, 2004";"GAFâ€”Global Assessment"\n'
        '"33";"Kaplan, 2011";"Lehmanâ€™s quality of life (QOL)"\n"56";"RÃ¼sch, 2014";"ES"\n'
        '"57";"Müller, 2020";"Ã"\n'
    )
    data = read_metapsy_text(text)
    assert [(r.study, r.instrument) for r in data.rows] == [
        ("Davidson, 2004", "GAF—Global Assessment"),
        ("Kaplan, 2011", "Lehman’s quality of life (QOL)"),
        ("Rüsch, 2014", "ES"),
        ("Müller, 2020", "Ã"),  # not mojibake: kept
    ]
    found = quality_report(data).of_kind("mojibake")
    assert [(p.row, p.column, p.suggestion) for p in found] == [
        (17, "instrument", "GAF—Global Assessment"),
        (33, "instrument", "Lehman’s quality of life (QOL)"),
        (56, "study", "Rüsch, 2014"),
    ]


def test_displaced_events() -> None:
    text = '"";"study";"outcome_type";"event_arm1";"event_arm2";"totaln_arm1";"totaln_arm2"\n'
    text += '"1";"A";"dich";NA;NA;NA;NA\n"2";"B";"msd";3;11;20;22\n"3";"C";"dich";1;2;9;9\n'
    report = quality_report(read_metapsy_text(text))
    assert [p.row for p in report.of_kind("displaced_events")] == [1, 2]


def test_displaced_precalc_names_owner() -> None:
    text = '"";"study";".g";".g_se";"precalc_g";"precalc_g_se"\n'
    text += '"1";"A";0,3;0,2;0,459;0,254\n"2";"B";0,459;0,254;NA;NA\n"3";"C";0,1;0,2;0,1;0,2\n'
    (problem,) = quality_report(read_metapsy_text(text)).problems
    assert (problem.kind, problem.row) == ("displaced_precalc", 1)
    assert "row(s) [2]" in problem.message


def test_sign_conventions() -> None:
    # recomputed g for 12 vs 10 (SD 4, n 25 each) is +0.4922 (metafor exact J)
    row = '"{}";"{}";"{}";"msd";{};12;4;25;10;4;25;NA;NA\n'
    text = ARMS + row.format(1, "A", "Hope Scale", "0,4922")  # equal, higher-is-better
    text += row.format(2, "B", "EPDS", "-0,4922")  # flipped, lower-is-better: intended
    text += row.format(3, "C", "GAF", "-0,4922")  # flipped, higher-is-better: suspicious
    text += row.format(4, "D", "CES-D", "0,4922")  # not flipped, lower-is-better: suspicious
    text += row.format(5, "E", "Other", "0,9")  # different
    report = quality_report(read_metapsy_text(text))
    assert [(p.row, p.kind) for p in report.problems] == [
        (2, "sign_flipped"),
        (3, "sign_suspicious"),
        (4, "sign_suspicious"),
        (5, "g_mismatch"),
    ]
    frame = report.to_frame()
    assert list(frame.columns) == ["row", "column", "kind", "message", "value", "suggestion"]
    assert "sign_suspicious: 2" in report.summary()


def test_time_weeks_in_months() -> None:
    row = '"{}";"A";"RAS";"msd";NA;NA;NA;NA;NA;NA;NA;"{}";{}\n'
    text = ARMS + row.format(1, "6 months", 6) + row.format(2, "6 months", 26)
    text += row.format(3, "12 weeks", 3) + row.format(4, "Unclear", 3)
    report = quality_report(read_metapsy_text(text))
    assert [p.row for p in report.of_kind("time_in_months")] == [1, 3]
