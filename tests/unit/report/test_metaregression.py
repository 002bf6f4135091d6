"""A planned meta-regression in the report: methods, sentence, coefficient table, bubble plot.

The synthesis runs the planned meta-regression on the hand-made studies of
``conftest.py``; its ``results.json`` records go through JSON into the report, whose
numbers must be the record's, and the bubble plot drawn from the synthesis's result
(never recomputed) is placed after the table.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sysreview.extraction.dataset import ReviewData
from sysreview.plots import bubble_plot, save
from sysreview.protocol import MetaRegressionPlan, Protocol
from sysreview.report import ReportFigure, ReportInputs, build_document, records_from_json
from sysreview.report.html import render_html
from sysreview.report.records import ReportInputError
from sysreview.report.words import fmt_num
from sysreview.synthesis import run_plan

SIZE = MetaRegressionPlan(
    name="size", label="Trial size", moderators=["n_randomised"], studies_per_moderator=2
)
ID = "hope.post_intervention.metaregression.size"


@pytest.fixture(scope="module")
def planned(protocol: Protocol, data: ReviewData, tmp_path_factory: pytest.TempPathFactory):
    analysis = protocol.analysis.model_copy(update={"metaregression": (SIZE,)})
    with_plan = protocol.model_copy(update={"analysis": analysis})
    synthesis = run_plan(data, with_plan)
    regression = synthesis[ID].regression
    assert regression is not None
    folder = tmp_path_factory.mktemp("bubble")
    path = save(bubble_plot(regression), folder / "bubble.svg")
    items = json.loads(json.dumps(synthesis.records()))
    inputs = ReportInputs(
        with_plan, data, records_from_json(items),
        figures={f"bubble:{ID}": ReportFigure("Bubble plot: hope by trial size", (path,))},
    )  # fmt: skip
    return inputs, regression


def test_results_methods_table_and_figure(planned) -> None:
    inputs, regression = planned
    doc = build_document(inputs)
    assert {"metaregression-methods", "metaregression-analyses"} <= set(doc.anchors)
    text = doc.summary()
    assert "Planned meta-regressions related the effects" in text
    assert "Trial size: effect by n_randomised" in text
    q = f"QM(1) = {fmt_num(regression.qm)}"
    assert "In the meta-regression “Trial size” of hope at post-intervention (5 studies)" in text
    assert q in text
    slope = fmt_num(float(regression.coef[1]))
    assert slope in text  # the coefficient table holds the record's slope
    html = render_html(doc)
    assert "Bubble plot: hope by trial size" in html


def test_not_run_is_worded(protocol: Protocol, data: ReviewData) -> None:
    strict = SIZE.model_copy(update={"studies_per_moderator": 10})
    analysis = protocol.analysis.model_copy(update={"metaregression": (strict,)})
    with_plan = protocol.model_copy(update={"analysis": analysis})
    items = json.loads(json.dumps(run_plan(data, with_plan).records()))
    inputs = ReportInputs(with_plan, data, records_from_json(items))
    text = build_document(inputs).summary()
    assert (
        "The planned meta-regression “Trial size” of hope at post-intervention was not "
        "possible: only five studies had an effect and reported n randomised (at least ten "
        "needed)."
    ) in text


def test_a_bad_record_is_refused() -> None:
    record = {
        "analysis": "hope.post_intervention.metaregression.size", "outcome": "hope",
        "timepoint": "post_intervention", "kind": "metaregression",
        "metaregression": {"formula": "~ x", "k": "many"},
    }  # fmt: skip
    with pytest.raises(ReportInputError, match="metaregression"):
        records_from_json([record])


def test_files_exist(planned) -> None:
    inputs, _ = planned
    assert all(Path(p).exists() for f in inputs.figures.values() for p in f.files)
