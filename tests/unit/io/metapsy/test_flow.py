"""PRISMA counts from a Metapsy search flow (``io.metapsy.flow``), against ``search_flow.json``:
counts from another source, with the review's own selection counted as exclusions."""

from __future__ import annotations

import json

import pytest

from sysreview.errors import InputError
from sysreview.io.metapsy.flow import prisma_from_search_flow
from tests.unit.io.metapsy.helpers import SEARCH_FLOW_FILE, Demo


def test_prisma_counts_equal_search_flow(demo: Demo) -> None:
    flow = json.loads(SEARCH_FLOW_FILE.read_text(encoding="utf-8"))
    p = prisma_from_search_flow(flow)
    assert p.records_databases == flow["database.hits"] == 3901
    assert p.records_other_methods == flow["additional.records"] == 8
    assert p.records_identified - p.duplicates_removed == flow["database.hits.duplicates.removed"]
    assert p.records_screened == flow["records.screened"] == 3455
    assert p.reports_assessed == flow["full.text.assessed.for.eligibility"] == 133
    assert dict(p.reports_excluded_by_reason) == flow["full.text.excluded.reasons"]
    assert len(p.reports_excluded_by_reason) == 13
    assert p.studies_included == flow["included"] == 28
    assert p.records_screened == p.records_excluded + p.reports_assessed
    assert p.reports_assessed == p.reports_excluded + p.reports_included
    assert demo.dataset.counts is not None
    demo_flow = demo.dataset.counts.counts
    assert demo.dataset.counts.source.startswith("Smit D, Miguel C")
    assert demo.dataset.counts.note == (
        "search flow of search_flow.json; 18 of its 28 included studies excluded by this "
        "review's selection in mapping.toml: format not Group"
    )
    assert demo_flow.studies_included == len(demo.data.studies) == 10
    assert dict(demo_flow.reports_excluded_by_reason)[demo.mapping.selection_reason] == 18
    assert demo_flow.reports_excluded == p.reports_excluded + 18


def test_prisma_refuses_a_flow_that_does_not_balance() -> None:
    text = SEARCH_FLOW_FILE.read_text(encoding="utf-8").replace('"included": 28', '"included": 27')
    with pytest.raises(InputError, match=r"assessed \(133\) - excluded \(105\) != included \(27\)"):
        prisma_from_search_flow(text)


def test_a_flow_whose_boxes_go_negative_names_the_file() -> None:
    flow = json.loads(SEARCH_FLOW_FILE.read_text(encoding="utf-8"))
    flow["records.screened"] = 6455  # more than the 3455 left after removing duplicates
    flow["full.text.assessed.for.eligibility"] = 133
    with pytest.raises(
        InputError,
        match=r"^flow\.json: the flow's counts do not fit together: "
        r"PRISMA box removed_other_reasons is negative \(-3000\)",
    ):
        prisma_from_search_flow(flow, source="flow.json")
