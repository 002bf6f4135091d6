"""RoB 2 judgements from a Metapsy dataset (``io.metapsy.rob2``), checked against its cells.

Row numbers are the first column of the demo's ``data/metapsy-peer-support.csv``. The
dataset's overall judgements are kept as given (RoB 2 allows assessors to rate a result high
for some concerns in several domains) and reach the project's study attributes.
"""

from __future__ import annotations

import dataclasses

from sysreview.appraisal.rob2 import overall_rob2
from sysreview.io.metapsy.rob2 import rob2_from_metapsy
from tests.unit.io.metapsy.helpers import Demo


def test_rob2_overall_as_given(demo: Demo) -> None:
    overall = {r.study: r.overall for r in demo.dataset.rob}
    assert overall == {
        "Boevink, 2016": "high",
        "Castelein, 2008": "some_concerns",
        "Cook, 2012a": "high",
        "Cook, 2012b": "high",
        "Griffiths, 2012": "high",
        "Kaplan, 2011": "some_concerns",
        "Ludman, 2007": "high",
        "Rüsch, 2014": "high",
        "Russinova, 2014": "some_concerns",
        "van Gestel-Timmermans, 2012": "high",
    }
    rule = {r.study: overall_rob2(r.judgements) for r in demo.dataset.rob}
    differs = {s: rule[s] for s, o in overall.items() if o != rule[s]}
    # row 1-3: D1-D5 = Some concerns, Low, Some concerns x3 -> RoB 2's rule: some concerns
    assert differs == {"Boevink, 2016": "some_concerns"}
    cook = next(r for r in demo.dataset.rob if r.study == "Cook, 2012a")
    assert cook.judgements["missing_outcome_data"] == "high"  # row 6 RoB_D3 High risk
    assert (cook.tool, cook.result, cook.location) == (
        "RoB2",
        None,
        "metapsy-peer-support.csv, rows 6-8",
    )
    assert {s.study_id: s.attributes["overall_rob"] for s in demo.data.studies} == overall


def test_rob2_assessed_per_outcome_gives_one_set_each(demo: Demo) -> None:
    individual = dataclasses.replace(demo.mapping, selection_include=("Individual",))
    johnson = [
        r
        for r in rob2_from_metapsy(demo.read.data, individual, name="data.csv")
        if r.study == "Johnson, 2018"
    ]
    # rows 29-31: RoB_D4 "Low risk" on row 29 (BPRS), "Some concerns" on rows 30 and 31;
    # overall_RoB "High risk" on all three
    assert len(johnson) == 2
    assert {r.overall for r in johnson} == {"high"}
    assert sorted(r.location or "" for r in johnson) == ["data.csv, row 29", "data.csv, rows 30-31"]
    bprs = next(r for r in johnson if r.location == "data.csv, row 29")
    assert bprs.result == "Brief Psychiatric Rating Scale"
    assert bprs.judgements["measurement_of_the_outcome"] == "low"
