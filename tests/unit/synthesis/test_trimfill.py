"""Trim and fill runs with the small-study tests and is recorded as the library computes it.

The library's :func:`sysreview.meta.trim_and_fill` is checked against metafor's
``trimfill`` in ``tests/reference`` (bias.json); here the synthesis must carry exactly its
result for the analysis it pooled, and the report must say it.
"""

from __future__ import annotations

import json

import pytest

from sysreview.meta.trimfill import trim_and_fill
from sysreview.report import records_from_json
from sysreview.synthesis import run_plan
from tests.unit.synthesis.data import seed_protocol, ten_studies


def test_trim_and_fill_from_ten_studies_is_the_librarys() -> None:
    res = run_plan(ten_studies(10), seed_protocol())["hope.post_intervention.main"]
    assert res.meta is not None and res.trim_fill is not None
    direct = trim_and_fill(res.meta, min_studies=10)
    assert (res.trim_fill.k0, res.trim_fill.side) == (direct.k0, direct.side)
    record = json.loads(json.dumps(res.record()))["trim_and_fill"]
    fit = direct.result
    assert record["k0"] == direct.k0 and record["k"] == fit.k
    assert record["estimate"] == pytest.approx(fit.display(fit.estimate), rel=1e-12)
    assert record["ci_low"] == pytest.approx(fit.display(fit.ci_low), rel=1e-12)
    assert [t["model"] for t in res.record()["small_study_tests"]] == ["rma", "rank"]
    (rec,) = records_from_json([json.loads(json.dumps(res.record()))])
    assert rec.trim_fill is not None and rec.trim_fill.k0 == direct.k0
    assert rec.small_study_tests[0].model == "rma" and rec.small_study_tests[0].predictor == "sei"


def test_fewer_studies_have_no_trim_and_fill() -> None:
    res = run_plan(ten_studies(9), seed_protocol())["hope.post_intervention.main"]
    assert res.trim_fill is None and res.record()["trim_and_fill"] is None


def test_the_report_says_what_trim_and_fill_and_eggers_variant_found() -> None:
    from sysreview.extraction.dataset import ReviewData
    from sysreview.report import ReportInputs
    from sysreview.report.text import small_study_sentence
    from sysreview.report.words import fmt_num

    protocol = seed_protocol()
    res = run_plan(ten_studies(10), protocol)["hope.post_intervention.main"]
    (rec,) = records_from_json([json.loads(json.dumps(res.record()))])
    inputs = ReportInputs(protocol, ReviewData((), (), ()), (rec,))
    said = small_study_sentence(inputs, rec) or ""
    assert "Egger's test (meta-regression on the standard error, z test) p = 0.004" in said
    fit = trim_and_fill(res.meta, min_studies=10).result  # type: ignore[arg-type]
    assert (f"Trim and fill (L0) imputed three studies on the left of the funnel; with them the "
            f"estimate would be MD {fmt_num(fit.display(fit.estimate))}") in said  # fmt: skip
