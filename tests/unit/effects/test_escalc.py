"""Unit tests for escalc() and the registry of measures: inputs, errors, reading back.

Values against metafor are in tests/reference/test_metafor_escalc.py; here the ways of
giving data (column names, arrays, non-events, yi/vi), the errors a user meets, the
registry's completeness and the back-transformations.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sysreview import escalc
from sysreview.analysis_table import DATA_FAMILIES
from sysreview.effects import MEASURES, Transform
from sysreview.effects.transforms import TRANSFORM_OF, freeman_tukey, inverse_freeman_tukey
from sysreview.errors import InputError
from sysreview.vocab import Measure


def test_every_measure_is_in_the_registry_and_the_reader() -> None:
    assert set(MEASURES) == set(Measure) == set(TRANSFORM_OF)
    for spec in MEASURES.values():
        assert spec.family.columns in DATA_FAMILIES
        assert len(spec.family.args) == len(spec.family.columns)
        assert spec.compute.__doc__ or spec.compute.func.__doc__  # type: ignore[attr-defined]


def test_columns_arrays_and_non_events_agree() -> None:
    df = pd.DataFrame({"a": [4, 6], "b": [119, 300], "c": [11, 29], "d": [128, 274]})
    by_name = escalc("OR", df, ai="a", bi="b", ci="c", di="d")
    by_arrays = escalc("OR", ai=[4, 6], n1i=[123, 306], ci=[11, 29], n2i=[139, 303])
    np.testing.assert_array_equal(by_name.yi, by_arrays.yi)
    with pytest.raises(InputError, match="n1i = ai \\+ bi: row 2 does not add up"):
        escalc("OR", ai=[4, 6], bi=[119, 300], n1i=[123, 305], ci=[11, 29], n2i=[139, 303])


def test_missing_values_in_a_dataframe_are_not_estimable() -> None:
    df = pd.DataFrame({"r": [0.3, None], "n": pd.array([40, 50], dtype="Int64")})
    es = escalc("ZCOR", df, ri="r", ni="n")
    assert es.reasons == (None, "missing correlation or sample size")


def test_errors_name_what_is_wrong() -> None:
    df = pd.DataFrame({"x": [3], "n": [10]})
    with pytest.raises(InputError, match="data has no column 'xi'; its columns are x, n"):
        escalc("PR", df, xi="xi", ni="n")
    with pytest.raises(InputError, match="measure PLO needs xi, ni; missing ni"):
        escalc("PLO", df, xi="x")
    with pytest.raises(ValueError, match="measure ZCOR does not take add"):
        escalc("ZCOR", ri=[0.2], ni=[30], add=0)
    with pytest.raises(InputError, match="3 events but only 2 participants"):
        escalc("PR", xi=[3], ni=[2])
    with pytest.raises(InputError, match="a correlation must be between -1 and 1"):
        escalc("ZCOR", ri=[1.2], ni=[30])
    with pytest.raises(InputError, match="person-time must be positive"):
        escalc("IRR", x1i=[1], t1i=[0], x2i=[2], t2i=[10])
    with pytest.raises(ValueError, match="Invalid measure 'RRR'"):
        escalc("RRR", yi=[0.1], vi=[0.1])


def test_estimates_given_as_yi_and_vi_keep_their_measure() -> None:
    es = escalc("RR", yi=[-0.5, 0.1], vi=[0.04, 0.09], slab=["a", "b"])
    assert es.measure is Measure.RR and es.log_scale and es.tables is None
    assert es.back_transform(0.0) == 1.0
    with pytest.raises(ValueError, match="RR estimates are log ratios"):
        escalc("RR", yi=[0.1], vi=[0.1], log_scale=False)


def test_back_transformations() -> None:
    assert MEASURES[Measure.PLO].transform is Transform.ILOGIT
    zc = escalc("ZCOR", ri=[0.5, -0.25], ni=[30, 40])
    np.testing.assert_allclose(zc.reading()[0], [0.5, -0.25], rtol=1e-14)
    pft = escalc("PFT", xi=[0, 3, 10], ni=[10, 10, 10])
    np.testing.assert_allclose(pft.reading()[0], [0, 0.3, 1], atol=1e-12)
    # the pooled scale: the harmonic mean of the sample sizes (metafor transf.ipft.hm)
    t = freeman_tukey(0.3, 20)
    assert float(pft.back_transform(t, n=20)) == pytest.approx(0.3, abs=1e-12)
    assert math.isnan(float(inverse_freeman_tukey(float("nan"), 10)))


def test_one_group_sizes_are_kept() -> None:
    es = escalc("PR", xi=[3], ni=[10])
    assert es.n1i.tolist() == [10.0] and np.isnan(es.n2i).all()
    assert repr(es) == "<EffectSizes PR k=1 (metafor)>"
    assert "<table>" in es._repr_html_()
    assert list(es.to_frame().columns) == [
        "study", "yi", "vi", "sei", "estimate", "ci_low", "ci_high", "estimable", "reason",
    ]  # fmt: skip
