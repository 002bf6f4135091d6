"""The synthesis's own ``results.json`` records feed the report, unchanged.

Runs :func:`sysreview.synthesis.run_plan` with the seed protocol on the hand-made studies
of ``conftest.py`` (a pooled main analysis, sensitivity analyses run and not possible,
two subgroup analyses and a narrative summary), passes the records through JSON as
``sysreview analyse`` writes them, and checks that every pooled number in the drafted
text is the record's.
"""

from __future__ import annotations

import json

import pytest

from sysreview.extraction.dataset import ReviewData
from sysreview.protocol import Protocol
from sysreview.report import (
    ReportInputs,
    build_document,
    narrative_from_json,
    records_from_json,
)
from sysreview.report import text as t
from sysreview.report.html import render_html
from sysreview.report.words import fmt_ci, fmt_count, fmt_num


@pytest.fixture(scope="module")
def demo(protocol: Protocol, data: ReviewData) -> ReportInputs:
    from sysreview.synthesis import run_plan

    items = json.loads(json.dumps(run_plan(data, protocol).records()))
    assert {i["kind"] for i in items} == {"main", "sensitivity", "subgroup", "narrative"}
    assert any(i["reason"] and i["kind"] == "sensitivity" for i in items)
    return ReportInputs(protocol, data, records_from_json(items), None,
                        narrative_from_json(items))  # fmt: skip


def test_every_pooled_number_in_the_text_is_the_records(demo: ReportInputs) -> None:
    pooled = [r for r in demo.results if r.pooled and r.kind in ("main", "sensitivity")]
    assert pooled
    for rec in pooled:
        assert rec.estimate is not None and rec.ci_low is not None and rec.ci_high is not None
        sentence = t.result_sentence(demo, rec)
        assert f"{rec.measure} {fmt_num(rec.estimate)}, {fmt_ci(rec.ci_low, rec.ci_high)}" in (
            sentence
        ), sentence
        if rec.participants is not None:
            assert f"n = {fmt_count(rec.participants)}" in sentence


def test_every_record_is_reported(demo: ReportInputs) -> None:
    doc = build_document(demo)
    text = doc.summary()
    for rec in demo.results:
        if rec.kind == "narrative":
            assert t.narrative_paragraph(demo, rec, demo.narrative.get(rec.analysis, ())) in text
        else:
            assert t.result_sentence(demo, rec) in text
    assert {"main-results", "sensitivity-analyses", "subgroup-analyses",
            "narrative-syntheses"} <= set(doc.anchors)  # fmt: skip
    assert "<script" not in render_html(doc)
