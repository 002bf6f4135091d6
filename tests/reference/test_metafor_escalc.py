"""Per-study effect sizes against metafor's ``escalc`` (``metafor/escalc.json``).

Each case is an ``escalc(...)`` call (see its ``call``) on dat.normand1999 (MD, SMD with
each ``vtype``, SMDH, ROM), dat.bcg (RR, OR, RD, PETO; no zero cells),
dat.nielweise2007 (5 single-zero studies and one double-zero study), dat.pritz1997
(PR, PLO, PFT; two studies with every patient a success), dat.molloy2014 (ZCOR),
dat.hart1999 (IRR) and small constructed sets (means of opposite signs, n <= 3, zero
counts). We recompute ``yi`` and ``vi`` with ``convention="metafor"`` through both ways
in: :func:`sysreview.escalc` with metafor's argument names, and the registry's
``compute_effects`` with the inputs in order. metafor's options (``add``, ``to``,
``drop00``, ``vtype``) are passed through.

A study is estimable where metafor gives a finite, positive ``vi``: metafor keeps a
``yi`` without a variance (ZCOR with n <= 3) and a variance of 0 (both SDs 0), which
``rma`` then drops or refuses; sysreview marks such studies not estimable instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sysreview import escalc
from sysreview.effects import EffectSizes, compute_effects
from sysreview.effects.registry import MEASURES
from sysreview.vocab import Measure
from tests.reference.metafor_cases import Case, as_array, assert_close, params

# Closed-form formulas computed the same way in both programs, so the only
# differences are floating-point rounding (seen: at most ~6e-14, in log RR near 0).
REL = 1e-9
# For yi that metafor returns as exactly 0 (e.g. RD = 0).
ABS = 1e-15


def _options(case: Case) -> dict[str, Any]:
    spec = MEASURES[Measure.parse(case.args["measure"])]
    given = {
        "add": case.args.get("add"),
        "to": case.args.get("to"),
        "drop00": case.args.get("drop00"),
        "vtype": case.args.get("vtype"),
    }
    return {k: v for k, v in given.items() if v is not None and k in spec.options}


def by_registry(case: Case) -> EffectSizes:
    spec = MEASURES[Measure.parse(case.args["measure"])]
    inputs = [case.input[a] for a in spec.family.args]
    return compute_effects(
        spec.measure, *inputs, studies=case.input["study"], convention="metafor", **_options(case)
    )


def by_escalc(case: Case) -> EffectSizes:
    spec = MEASURES[Measure.parse(case.args["measure"])]
    data = {a: case.input[a] for a in spec.family.args}
    data["study"] = case.input["study"]
    columns = {a: a for a in spec.family.args}
    return escalc(case.args["measure"], data, slab="study", **columns, **_options(case))


def _check(case: Case, es: EffectSizes) -> None:
    exp = case.expected
    vi = as_array(exp["vi"])
    usable = np.isfinite(vi) & (vi > 0)
    assert es.k == exp["k"], f"{case.name}: k\n{case.r_code}"
    assert es.estimable.tolist() == usable.tolist(), f"{case.name}: estimable\n{case.r_code}"
    assert_close(case, "yi", es.yi[usable], as_array(exp["yi"])[usable], rel=REL, abs_tol=ABS)
    assert_close(case, "vi", es.vi[usable], vi[usable], rel=REL, abs_tol=ABS)


@pytest.mark.parametrize("case", params("escalc.json"))
def test_escalc_registry(case: Case) -> None:
    _check(case, by_registry(case))


@pytest.mark.parametrize("case", params("escalc.json"))
def test_escalc_entry_point(case: Case) -> None:
    _check(case, by_escalc(case))


def test_every_new_measure_has_a_case() -> None:
    """ROM, SMDH, PR, PLO, PFT, ZCOR and IRR each have metafor cases."""
    from tests.reference.metafor_cases import load

    measures = {Measure.parse(c.args["measure"]) for c in load("escalc.json")}
    assert set(MEASURES) - measures == {Measure.GIV}
