"""One study's extraction grid as the service reads and stores it (SQLite and PostgreSQL).

The extractor's own values and the consensus, never another extractor's; the study's
reports; saving through the sheets' path, refused when stale since the grid was read,
and a grid read again after its own save not stale.
"""

from __future__ import annotations

import pytest

from sysreview.extraction.validate import ExtractionInputError
from sysreview.project.extracting.grid import read_grid, save_grid
from sysreview.project.extracting.values import add_values
from sysreview.project.selection.studies import add_study
from sysreview.project.sheets.results import StaleSheetError
from sysreview.project.storage import Store
from tests.unit.project.extracting.test_values import PROTOCOL

STUDY = "Smith 2019"
HOPE = {"study_id": STUDY, "domain": "hope", "measure": "Herth Hope Index", "weeks_after_end": 0}
ARMS = [
    {"study_id": STUDY, "arm": "peer", "arm_type": "intervention", "n_randomised": 40},
    {"study_id": STUDY, "arm": "usual", "arm_type": "TAU", "n_randomised": 41},
]


def _rows(sd: str) -> dict[str, list[tuple[int, dict[str, object]]]]:
    return {
        "studies": [(1, {"study_id": STUDY, "country": "UK"})],
        "outcomes": [
            (1, {**HOPE, "arm": "peer", "n": "38", "mean": "35", "sd": sd}),
            (2, {**HOPE, "arm": "usual", "n": "39", "mean": "33", "sd": "6"}),
        ],
    }


def test_own_and_consensus_values_never_another_extractors(store: Store) -> None:
    add_study(store, STUDY)
    add_values(store, PROTOCOL, "R1", arms=ARMS,
               outcomes=[{**HOPE, "arm": "peer", "n": 38, "mean": 35.0, "ci_low": 33.0,
                          "ci_high": 37.0, "ci_level": 90}])  # fmt: skip
    add_values(store, PROTOCOL, "R2", studies=[{"study_id": STUDY, "country": "Peru"}],
               arms=[{"study_id": STUDY, "arm": "R2 only", "arm_type": "TAU"}])  # fmt: skip
    add_values(store, PROTOCOL, "R3", consensus=True,
               studies=[{"study_id": STUDY, "country": "UK"}])  # fmt: skip
    grid = read_grid(store, PROTOCOL, reviewer="R1", study=STUDY)
    assert [a.name for a in grid.arms] == ["peer", "usual"]
    assert grid.fields.own == {} and grid.fields.consensus == {"country": "UK"}
    assert grid.fields.consensus_by == "R3"
    (outcome,) = grid.outcomes
    assert (outcome.domain, outcome.measure, outcome.weeks) == ("hope", "Herth Hope Index", 0)
    assert not outcome.dichotomous
    numbers = outcome.cells["peer"].own
    assert numbers["ci_level"] == 90 and numbers["ci_low"] == 33.0 and "sd" not in numbers
    other = read_grid(store, PROTOCOL, reviewer="R2", study=STUDY)
    assert [a.name for a in other.arms] == ["R2 only"] and other.outcomes == ()
    assert other.fields.own["country"] == "Peru"
    assert grid.summary() == "Smith 2019: 2 arms, 1 outcome rows (R1's values)"


def test_saving_is_all_or_nothing_and_refused_when_stale(store: Store) -> None:
    add_study(store, STUDY)
    add_values(store, PROTOCOL, "R1", arms=ARMS)
    page = read_grid(store, PROTOCOL, reviewer="R1", study=STUDY).page
    with pytest.raises(ExtractionInputError, match="column 'sd': must be greater than 0"):
        save_grid(store, PROTOCOL, reviewer="R1", study=STUDY, rows=_rows("0"), page=page)
    assert read_grid(store, PROTOCOL, reviewer="R1", study=STUDY).outcomes == ()
    done = save_grid(store, PROTOCOL, reviewer="R1", study=STUDY, rows=_rows("5"), page=page)
    assert done.new == 3 and done.unchanged == 0
    again = save_grid(store, PROTOCOL, reviewer="R1", study=STUDY, rows=_rows("5.5"), page=page)
    assert again.corrected == 1  # the page's own earlier save: a correction, not stale
    add_values(store, PROTOCOL, "R1", studies=[{"study_id": STUDY, "country": "Wales"}])
    with pytest.raises(StaleSheetError, match=r"'UK'.*'Wales' was recorded after"):
        save_grid(store, PROTOCOL, reviewer="R1", study=STUDY, rows=_rows("5.5"), page=page)
    fresh = read_grid(store, PROTOCOL, reviewer="R1", study=STUDY).page
    done = save_grid(store, PROTOCOL, reviewer="R1", study=STUDY, rows=_rows("5.5"), page=fresh)
    assert done.corrected == 1 and done.unchanged == 2
