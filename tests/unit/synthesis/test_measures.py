"""The synthesis reaches every measure of means through the registry, as escalc and
``sysreview pool`` do: a protocol choosing SMDH or ROM gets the library's numbers."""

from __future__ import annotations

import numpy as np
import pytest

from sysreview import escalc, meta_analysis
from sysreview.protocol import EffectMeasures
from sysreview.synthesis import run_plan
from tests.unit.synthesis.data import review_data, seed_protocol


@pytest.mark.parametrize(("same", "different"), [("ROM", "SMDH"), ("MD", "SMDH")])
def test_protocol_measures_go_through_the_registry(same: str, different: str) -> None:
    protocol = seed_protocol()
    measures = EffectMeasures(same_instrument=same, different_instruments=different)
    analysis = protocol.analysis.model_copy(update={"effect_measure": measures})
    out = run_plan(review_data(), protocol.model_copy(update={"analysis": analysis}))
    for res in (out["hope.post_intervention.main"], out["recovery.post_intervention.main"]):
        m = res.meta
        assert m is not None
        cols = {n: [getattr(c, n) for c in res.comparisons]
                for n in ("mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c")}  # fmt: skip
        es = escalc(m.measure, cols, m1i="mean_e", sd1i="sd_e", n1i="n_e", m2i="mean_c",
                    sd2i="sd_c", n2i="n_c", convention=protocol.analysis.convention)  # fmt: skip
        direct = meta_analysis(es, tau2_method=protocol.analysis.tau2_method)
        np.testing.assert_allclose([m.estimate, m.se], [direct.estimate, direct.se], rtol=1e-12)
    assert out["hope.post_intervention.main"].meta.measure.value == same  # type: ignore[union-attr]
    recovery = out["recovery.post_intervention.main"]
    assert recovery.meta is not None and recovery.meta.measure.value == "SMDH"
    assert recovery.magnitude is not None  # a standardised difference gets magnitude words
