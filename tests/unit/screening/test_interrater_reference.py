"""Agreement against pinned reference values and a published worked example.

Reference values: ``tests/reference/screening/agreement.json``, written by
``validation/agreement_reference.py`` (its provenance block names the exact
calls): kappa and its standard errors from statsmodels 0.15.0 ``cohens_kappa``, AC1 and
its standard error and interval from irrCAC 0.4.4 ``CAC(...).gwet()`` (the Python port of
R irrCAC's ``gwet.ac1.raw``). R's ``irr::kappa2`` could not be installed here. The tests
never need either package.

Tolerance: 1e-9 relative. Every value is a closed form of the table's counts; the two
implementations sum in different orders, which costs a few ulps, nowhere near 1e-9.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sysreview.screening import Agreement, agreement

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "screening" / "agreement.json"
CASES: list[dict[str, Any]] = json.loads(REFERENCE.read_text(encoding="utf-8"))["cases"]
REL = 1e-9


def _expand(categories: list[str], table: list[list[int]]) -> tuple[list[str], list[str]]:
    a: list[str] = []
    b: list[str] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [categories[i]] * count
            b += [categories[j]] * count
    return a, b


def _fit(case: dict[str, Any]) -> Agreement:
    a, b = _expand(case["categories"], case["table"])
    return agreement(a, b, categories=case["categories"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_kappa_matches_statsmodels(case: dict[str, Any]) -> None:
    r, e = _fit(case), case["expected"]
    assert r.kappa == pytest.approx(e["kappa"], rel=REL, abs=1e-15)
    assert r.kappa_se == pytest.approx(e["kappa_se"], rel=REL, abs=1e-15)
    if e["kappa_se0"] > 0:
        assert r.kappa_z == pytest.approx(e["kappa_z"], rel=REL)
        assert r.kappa_p == pytest.approx(e["kappa_p"], rel=REL)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_ac1_matches_irrcac(case: dict[str, Any]) -> None:
    r, e = _fit(case), case["expected"]
    assert r.ac1 == pytest.approx(e["ac1"], rel=REL, abs=1e-15)
    assert r.ac1_se == pytest.approx(e["ac1_se"], rel=REL, abs=1e-15)
    lo, hi = e["ac1_ci"]
    assert r.ac1_ci is not None
    # irrCAC caps only the upper bound at 1; sysreview also clips the lower at -1.
    assert r.ac1_ci == pytest.approx((max(lo, -1.0), hi), rel=REL, abs=1e-15)


def test_kappa_ci_is_wald_with_fce_se() -> None:
    case = next(c for c in CASES if c["name"] == "gwet2014_abstractors")
    r = _fit(case)
    assert r.kappa is not None and r.kappa_se is not None
    half = 1.959963984540054 * r.kappa_se
    assert r.kappa_ci == pytest.approx((r.kappa - half, r.kappa + half), rel=REL)


def test_fleiss_levin_paik_diagnoses() -> None:
    """Fleiss JL, Levin B, Paik MC. Statistical Methods for Rates and Proportions, 3rd ed.
    Wiley 2003, section 18.1, Table 18.1 (the example of Fleiss, Cohen & Everitt 1969):
    two diagnosticians, 100 patients, proportions .75 .01 .04 / .05 .04 .01 / 0 0 .10;
    p_o = .89, p_e = .66, kappa = .68 (printed to two decimals: tolerance .005).
    """
    case = next(c for c in CASES if c["name"] == "fleiss_diagnoses")
    r = _fit(case)
    assert r.percent_agreement == pytest.approx(0.89, rel=REL)
    assert r.kappa == pytest.approx(0.68, abs=0.005)
    assert r.kappa == pytest.approx((0.89 - 0.66) / (1 - 0.66), rel=REL)


def test_cohen_1960_margins() -> None:
    """Kappa from p_o and p_e by Cohen's (1960) definition, eq. (1):
    kappa = (p_o - p_c) / (1 - p_c). A 2x2 table with p_o = .70, margins .5/.5 and .6/.4
    gives p_c = .5, kappa = .40.
    """
    r = agreement(["y"] * 40 + ["y"] * 10 + ["n"] * 20 + ["n"] * 30,
                  ["y"] * 40 + ["n"] * 10 + ["y"] * 20 + ["n"] * 30)  # fmt: skip
    assert r.percent_agreement == pytest.approx(0.70, rel=REL)
    assert r.kappa == pytest.approx(0.40, rel=REL)
