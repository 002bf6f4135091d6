"""Planned meta-regressions (``[[analysis.metaregression]]``): run, refused, recorded, reported.

The synthesis regresses each pooled main analysis's effects on the planned study
attributes. The numbers must be the library's :func:`sysreview.meta_regression` on the
same effect sizes (itself checked against metafor in tests/reference), the rule of
enough studies per moderator must hold, and the record must carry everything the report
draws (coefficients, QM, QE, R²) without recomputing.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from sysreview.errors import InputError
from sysreview.meta import meta_regression
from sysreview.protocol import MetaRegressionPlan, Protocol, parse_protocol, template_text
from sysreview.protocol.errors import ProtocolError
from sysreview.synthesis import Synthesis, run_plan
from tests.unit.synthesis.data import review_data, seed_protocol


def with_regressions(*plans: MetaRegressionPlan) -> Protocol:
    protocol = seed_protocol()
    analysis = protocol.analysis.model_copy(update={"metaregression": plans})
    return protocol.model_copy(update={"analysis": analysis})


STRUCTURED = MetaRegressionPlan(
    name="structured",
    label="Structured intervention",
    moderators=["intervention_structured"],
    studies_per_moderator=2,
)


@pytest.fixture(scope="module")
def planned() -> Synthesis:
    strict = STRUCTURED.model_copy(update={"name": "strict", "studies_per_moderator": 10})
    return run_plan(review_data(), with_regressions(STRUCTURED, strict))


def test_runs_after_each_pooled_main_analysis(planned: Synthesis) -> None:
    ids = planned.ids()
    for main in ("recovery.post_intervention.main", "hope.post_intervention.main"):
        domain = main.rsplit(".", 1)[0]
        assert f"{domain}.metaregression.structured" in ids
        assert ids.index(f"{domain}.metaregression.structured") > ids.index(main)
    assert not any("depression" in i and "metaregression" in i for i in ids)  # narrative


def test_numbers_are_the_librarys(planned: Synthesis) -> None:
    res = planned["recovery.post_intervention.metaregression.structured"]
    main = planned["recovery.post_intervention.main"]
    assert res.regression is not None and main.meta is not None
    data = {"intervention_structured": [
        c.attributes["intervention_structured"] for c in main.comparisons]}  # fmt: skip
    direct = meta_regression(main.meta.effects, ["intervention_structured"], data)
    assert res.regression.names == ("intrcpt", "intervention_structured[TRUE]")
    np.testing.assert_array_equal(res.regression.coef, direct.coef)
    np.testing.assert_array_equal(res.regression.se, direct.se)
    assert (res.regression.qm, res.regression.tau2) == (direct.qm, direct.tau2)
    assert res.k == 5
    assert res.evidence == seed_protocol().analysis.evidence.band(direct.qm_p)


def test_too_few_studies_per_moderator_is_not_run(planned: Synthesis) -> None:
    res = planned["recovery.post_intervention.metaregression.strict"]
    assert res.regression is None
    assert res.reason == (
        "only five studies had an effect and reported intervention structured (at least ten needed)"
    )


def test_record_carries_the_model(planned: Synthesis) -> None:
    rec = json.loads(json.dumps(planned.records()))
    reg = next(
        r for r in rec if r["analysis"] == "recovery.post_intervention.metaregression.structured"
    )
    assert reg["kind"] == "metaregression" and reg["estimate"] is None
    model = reg["metaregression"]
    assert model["formula"] == "~ intervention_structured"
    assert [c["term"] for c in model["coefficients"]] == [
        "intrcpt", "intervention_structured[TRUE]"]  # fmt: skip
    assert {"qm", "qm_df", "qm_p", "qe", "qe_df", "qe_p", "tau2", "i2", "r2"} <= set(model)
    frame = planned.to_frame()
    assert frame["metaregression"].notna().sum() == 2  # recovery and hope


def test_protocol_checks_moderators() -> None:
    base = template_text("group-peer-support")
    bad = base + (
        '\n[[analysis.metaregression]]\nname = "x"\nlabel = "X"\n'
        'moderators = ["shoe_size"]\nreference = { year = "1990" }\n'
    )
    with pytest.raises(ProtocolError) as info:
        parse_protocol(bad)
    text = str(info.value)
    assert "moderators = ['shoe_size']: must be one of year," in text
    assert "reference.year = '1990': must name a moderator" in text


def test_a_one_level_factor_is_reported_as_the_reason() -> None:
    one_level = MetaRegressionPlan(
        name="pop", label="Population", moderators=["population"], studies_per_moderator=2,
        reference={"population": "severe"},
    )  # fmt: skip
    data = review_data()
    studies = tuple(s.__class__(s.study_id, {**s.attributes, "population": "severe"})
                    for s in data.studies)  # fmt: skip
    out = run_plan(data.__class__(studies, data.arms, data.outcomes), with_regressions(one_level))
    res = out["recovery.post_intervention.metaregression.pop"]
    assert res.regression is None
    assert res.reason == "moderator 'population' has one level only (severe)"
    main = out["recovery.post_intervention.main"].meta
    assert main is not None
    with pytest.raises(InputError, match="one level only"):
        meta_regression(main.effects, ["population"], {"population": ["severe"] * 5})
