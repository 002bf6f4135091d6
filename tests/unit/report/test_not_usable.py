"""Means reported without a measure of spread, in the drafted report: named with their
means beside the pooled analysis that left them out, and in the narrative syntheses."""

from __future__ import annotations

import json

import pytest

from sysreview.extraction.dataset import ArmEntry, OutcomeEntry, ReviewData, StudyEntry
from sysreview.extraction.mean_sd import FLAG_NO_SPREAD
from sysreview.protocol import parse_protocol, template_text
from sysreview.report import (
    ReportInputs,
    build_document,
    narrative_from_json,
    records_from_json,
    tables,
)
from sysreview.report import text as t
from sysreview.report.narrative_rows import Direction
from sysreview.synthesis import run_plan

HHI, CESD = "Herth Hope Index", "CES-D"


def _rows(study: str, domain: str, measure: str, means: tuple[float, float], sd: float | None):
    flags = () if sd is not None else (FLAG_NO_SPREAD,)
    return [
        OutcomeEntry(study, arm, domain, measure, 0, mean=m, sd=sd, n=n, flags=flags)
        for arm, m, n in (("peer", means[0], 40), ("usual", means[1], 42))
    ]


@pytest.fixture(scope="module")
def inputs() -> ReportInputs:
    names = ("A", "B", "C", "Bare")
    arms = tuple(
        ArmEntry(s, a, k) for s in names for a, k in (("peer", "intervention"), ("usual", "TAU"))
    )
    rows = [o for s in ("A", "B", "C") for o in _rows(s, "hope", HHI, (36.0, 34.0), 5.0)]
    rows += _rows("Bare", "hope", HHI, (35.1, 33.0), None)  # left out of the pooled hope
    rows += _rows("Bare", "depression", CESD, (18.2, 21.5), None)  # the only depression data
    data = ReviewData(tuple(StudyEntry(s) for s in names), arms, tuple(rows))
    protocol = parse_protocol(template_text("group-peer-support"))
    items = json.loads(json.dumps(run_plan(data, protocol).records()))  # as results.json
    return ReportInputs(protocol, data, records_from_json(items), None, narrative_from_json(items))


def test_a_pooled_analysis_names_what_it_left_out(inputs: ReportInputs) -> None:
    hope = inputs.record("hope.post_intervention.main")
    assert hope.pooled and hope.k == 3
    assert [u.study for u in hope.not_usable] == ["Bare"]
    sentence = t.not_usable_sentence(inputs, hope)
    assert sentence == (
        "One further trial reported hope at post-intervention only as means without a measure "
        "of spread (SD, SE or confidence interval), which could not be pooled: Bare on the "
        "Herth Hope Index (peer 35.10, n = 40; usual 33.00, n = 42)."
    )
    assert sentence in build_document(inputs).summary()


def test_the_narrative_lists_the_reported_means(inputs: ReportInputs) -> None:
    depression = inputs.record("depression.post_intervention.narrative")
    assert (depression.k, depression.reason) == (
        0,
        "no study had usable data (at least three needed)",
    )
    rows = inputs.narrative[depression.analysis]
    assert [(r.study, r.direction, r.measure) for r in rows] == [
        ("Bare", Direction.NOT_USABLE, CESD)
    ]
    paragraph = t.narrative_paragraph(inputs, depression, rows)
    assert paragraph == (
        "One trial reported depression at post-intervention; a meta-analysis was not possible "
        "because no study had usable data (at least three needed), so findings are summarised "
        "narratively. Bare reported means on the CES-D without a measure of spread (peer "
        "18.20, n = 40; usual 21.50, n = 42), which could not be used."
    )
    table = tables.narrative_table(rows)
    assert table.loc[0, "Favours"] == "Reported, not usable"
    assert (
        table.loc[0, "As reported"] == "means as reported: peer 18.20, n = 40; usual 21.50, n = 42"
    )
    assert paragraph in build_document(inputs).summary()
