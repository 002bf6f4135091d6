"""The README's documented defects of the real Metapsy peer-support file, reproduced.

Real numbers (where they differ from the README, the test says so):

* 66 rows, 28 studies; 12 mojibake cells in 6 rows (as documented).
* Of the 50 rows with both arms' mean/SD/N, recomputed g (metafor's exact J) agrees with
  ``.g`` within 1e-3 (widened to half a unit of the last stored digit: row 1's ``.g`` is
  stored as ``-0,05``) for all 50: **32 with the same sign, 18 sign-flipped**. The
  README's "32 of 50" is the same-sign count; "up to sign" all 50 agree. At 1e-6 only 30
  agree up to sign, because metapsyTools uses the approximate ``J = 1 - 3/(4N - 9)``
  (with it 46 agree to 1e-12); rows 33, 34 and 64 differ by 1.1e-4 to 3.3e-4.
"""

from __future__ import annotations

import pytest

from sysreview.io.metapsy import quality_report, read_metapsy
from sysreview.io.metapsy.quality import compare_g
from tests.conftest import shared_path

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return read_metapsy(shared_path("data", "metapsy-peer-support", "data.csv"))


def test_rows_and_studies(data) -> None:  # type: ignore[no-untyped-def]
    assert len(data.rows) == 66
    assert len(data.studies) == 28
    assert data.references is not None and len(data.references) == 28
    assert data.rows[0].raw[".g"] == "-0,05"
    assert data.rows[0].g == -0.05


def test_mojibake_cells(data) -> None:  # type: ignore[no-untyped-def]
    found = quality_report(data).of_kind("mojibake")
    assert len(found) == 12
    assert len({p.row for p in found}) == 6
    rusch = [p for p in found if p.column == "study"]
    assert [(p.row, p.value, p.suggestion) for p in rusch] == [(56, "RÃ¼sch, 2014", "Rüsch, 2014")]


def test_rusch_joins_references_once_repaired(data) -> None:  # type: ignore[no-untyped-def]
    assert quality_report(data).of_kind("unjoined_reference") == ()
    (row56,) = [r for r in data.rows if r.row == 56]
    assert (row56.study, row56.raw["study"]) == ("Rüsch, 2014", "RÃ¼sch, 2014")


def test_displaced_events(data) -> None:  # type: ignore[no-untyped-def]
    found = quality_report(data).of_kind("displaced_events")
    assert sorted(p.row for p in found) == [5, 8, 12, 19, 26, 37]


def test_thirteen_displaced_precalculated_g(data) -> None:  # type: ignore[no-untyped-def]
    found = quality_report(data).of_kind("displaced_precalc")
    assert len(found) == 13
    assert all("it is the .g/.g_se of row(s)" in p.message for p in found)


def test_recomputed_g_agrees_up_to_sign(data) -> None:  # type: ignore[no-untyped-def]
    table = compare_g(data)
    assert len(table) == 50
    assert table["agreement"].value_counts().to_dict() == {"equal": 32, "flipped": 18}


def test_davidson_gaf_flagged(data) -> None:  # type: ignore[no-untyped-def]
    suspicious = quality_report(data).of_kind("sign_suspicious")
    assert {p.row for p in suspicious} == {16, 17}  # Davidson 2004: BPRS and GAF
    (gaf,) = [p for p in suspicious if p.row == 17]
    assert "higher-is-better" in gaf.message


def test_time_weeks_look_like_months(data) -> None:  # type: ignore[no-untyped-def]
    found = quality_report(data).of_kind("time_in_months")
    assert len(found) == 50
    assert any(p.row == 1 and "'12 months'" in p.message for p in found)
