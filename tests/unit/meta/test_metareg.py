"""Unit tests for meta-regression: the formula subset, design coding, refusals, results.

Numbers against metafor are in tests/reference/test_metafor_metareg.py; here the
moderator handling (factors, reference levels, missing values, intercept), the errors
a user meets, and the result object's API (predict, btt, repr, HTML, records).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from sysreview.datasets import bcg
from sysreview.effects import escalc, generic_effects
from sysreview.errors import InputError, TooFewStudiesError
from sysreview.meta import design_matrix, meta_regression
from sysreview.meta.design import parse_formula


@pytest.fixture(scope="module")
def bcg_rr():
    dat = bcg()
    return dat, escalc("RR", data=dat, ai="tpos", bi="tneg", ci="cpos", di="cneg")


@pytest.mark.parametrize(
    ("formula", "columns", "intercept"),
    [
        ("~ ablat", ["ablat"], True),
        ("ablat + year", ["ablat", "year"], True),
        ("~ factor(alloc) - 1", ["alloc"], False),
        ("~ 0 + ablat", ["ablat"], False),
        ("~ ablat + 0", ["ablat"], False),
        ('~ relevel(factor(alloc), ref = "random")', ["alloc"], True),
        ("~ `mean age` + x.y", ["mean age", "x.y"], True),
    ],
)
def test_formula_subset(formula: str, columns: list[str], intercept: bool) -> None:
    terms, has_intercept = parse_formula(formula)
    assert [t.column for t in terms] == columns and has_intercept is intercept


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("~ a:b", "':' is not supported"),
        ("~ a * b", "'\\*' is not supported"),
        ("~ log(a)", "log\\(\\) is not supported"),
        ("~ a - b", "only '- 1' may be subtracted"),
        ("~ factor(a", "expected '\\)'"),
        ("~", "has no terms"),
        ("~ a + a", "names a column twice"),
    ],
)
def test_formula_errors_name_the_subset(formula: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_formula(formula)


def test_factor_coding_and_reference() -> None:
    data = {"arm": ["b", "a", "c", "a"], "dose": [1, 2, None, 4]}
    d = design_matrix('~ dose + factor(arm, ref="b")', data, 4)
    assert d.names == ("intrcpt", "dose", "arm[a]", "arm[c]")
    assert d.x[:, 2].tolist() == [0, 1, 0, 1] and d.x[:, 3].tolist() == [0, 0, 1, 0]
    assert d.missing == (None, None, "missing moderator 'dose'", None)
    assert design_matrix("~ factor(arm) - 1", data, 4).names == ("arm[a]", "arm[b]", "arm[c]")
    numeric_as_factor = design_matrix("~ factor(dose)", {"dose": [1.0, 2.0, 1.0, 2.0]}, 4)
    assert numeric_as_factor.names == ("intrcpt", "dose[2]")
    with pytest.raises(InputError, match="has no level 'z'; levels are a, b, c"):
        design_matrix('~ factor(arm, ref="z")', data, 4)
    with pytest.raises(InputError, match="no moderator column 'dosage'; columns are arm, dose"):
        design_matrix("~ dosage", data, 4)
    with pytest.raises(InputError, match="has 3 values for 4 studies"):
        design_matrix("~ x", {"x": [1, 2, 3]}, 4)


def test_studies_without_a_moderator_are_left_out(bcg_rr) -> None:
    dat, es = bcg_rr
    ablat = dat["ablat"].astype(float).tolist()
    ablat[0] = float("nan")
    reg = meta_regression(es, ["ablat"], {"ablat": ablat})
    assert reg.k == 12 and not reg.used[0]
    assert reg.reasons[0] == "missing moderator 'ablat'"
    assert "Not in the fit:" in reg.summary()
    full = meta_regression(es.subset(np.arange(1, 13)), ["ablat"], {"ablat": ablat[1:]})
    np.testing.assert_allclose(reg.coef, full.coef, rtol=1e-12)


def test_refusals(bcg_rr) -> None:
    dat, es = bcg_rr
    with pytest.raises(TooFewStudiesError, match="needs more than 3 studies"):
        meta_regression(es.subset([0, 1, 2]), "~ ablat + year", dat.iloc[:3])
    with pytest.raises(InputError, match="collinear"):
        meta_regression(es, {"a": dat["ablat"], "b": 2 * dat["ablat"]})
    with pytest.raises(ValueError, match="Invalid tau2 method 'REM'"):
        meta_regression(es, "~ ablat", dat, tau2_method="REM")


def test_btt_and_predictions(bcg_rr) -> None:
    dat, es = bcg_rr
    reg = meta_regression(es, "~ ablat + factor(alloc)", dat)
    assert reg.btt == (1, 2, 3) and reg.qm_df == (3, None)
    only_alloc = meta_regression(es, "~ ablat + factor(alloc)", dat, btt="alloc")
    assert [only_alloc.names[i] for i in only_alloc.btt] == ["alloc[random]", "alloc[systematic]"]
    by_name = reg.predict({"ablat": 30, "alloc": "random"})
    by_row = reg.predict([[30, 1, 0]])
    np.testing.assert_allclose(by_name.pred, by_row.pred, rtol=1e-14)
    frame = by_name.to_frame()
    assert frame["pred_display"].iloc[0] == pytest.approx(np.exp(by_name.pred[0]))
    with pytest.raises(InputError, match="newmods needs 3 values per row"):
        reg.predict([[30, 1]])
    knha = meta_regression(es, "~ ablat", dat, ci_method="knha")
    assert knha.statistic_name == "t" and knha.qm_df == (1, 11) and knha.df_inference == 11


def test_fixed_effect_model(bcg_rr) -> None:
    dat, es = bcg_rr
    reg = meta_regression(es, "~ ablat", dat, model="fixed")
    assert reg.tau2 == 0 and reg.tau2_method is None
    assert np.isnan(reg.predict([[20]]).pi_low).all()
    assert repr(reg).startswith("<MetaRegression k=13 FE ~ ablat: QM(df = 1) = ")


def test_result_views(bcg_rr) -> None:
    dat, es = bcg_rr
    reg = meta_regression(es, "~ ablat", dat, label="latitude")
    columns = ["term", "estimate", "se", "statistic", "statistic_name", "p", "ci_low", "ci_high"]
    assert list(reg.to_frame().columns) == columns
    assert len(reg.studies_frame()) == 13
    html = reg._repr_html_()
    assert "<table>" in html and "ablat" in html and "R² (amount of heterogeneity" in html
    record = json.loads(json.dumps(reg.record(), allow_nan=False))
    assert record["qm_name"] == "QM" and record["tested"] == ["ablat"]
    assert len(record["studies"]) == 13 and record["formula"] == "~ ablat"


def test_generic_effects_with_mapping_moderators() -> None:
    es = generic_effects([0.1, 0.3, 0.5, 0.2, 0.6], [0.1, 0.1, 0.2, 0.15, 0.2])
    reg = meta_regression(es, {"dose": [1, 2, 3, 1.5, 3.5]}, model="fixed")
    assert reg.names == ("intrcpt", "dose") and reg.r2 is not None
