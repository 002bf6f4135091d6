"""Per-study effect sizes against metafor's ``escalc`` (``metafor/escalc.json``).

Each case is an ``escalc(...)`` call (see its ``call``) on dat.normand1999 (MD, SMD),
dat.bcg (RR, OR, RD, PETO; no zero cells) or dat.nielweise2007 (5 single-zero
studies and one double-zero study). We recompute ``yi`` and ``vi`` with
``convention="metafor"``. Cases that use an escalc option sysreview does not offer
are skipped, with the option named in the reason; the zero-cell options ``add``,
``to`` and ``drop00`` are passed through.
"""

from __future__ import annotations

import pytest

from sysreview.effects import (
    EffectSizes,
    dichotomous_effects,
    mean_difference,
    standardized_mean_difference,
)
from tests.reference.metafor_cases import Case, assert_close, params

# Closed-form formulas computed the same way in both programs, so the only
# differences are floating-point rounding (seen: at most ~6e-14, in log RR near 0).
REL = 1e-9
# For yi that metafor returns as exactly 0 (e.g. RD = 0).
ABS = 1e-15

_MEASURES = {"MD": "MD", "SMD": "SMD", "RR": "RR", "OR": "OR", "RD": "RD", "PETO": "PETO_OR"}


def unsupported(case: Case) -> str | None:
    """Why sysreview cannot reproduce a case, or ``None`` when it can."""
    args = case.args
    if args["measure"] not in _MEASURES:
        return f"sysreview has no {args['measure']} measure"
    if args.get("vtype", "LS") != "LS":
        return f"sysreview has no vtype={args['vtype']!r} variance (only metafor's default 'LS')"
    return None


def effects_for(case: Case) -> EffectSizes:
    """sysreview's effect sizes for a case, metafor convention."""
    i, measure = case.input, _MEASURES[case.args["measure"]]
    if measure in ("MD", "SMD"):
        f = mean_difference if measure == "MD" else standardized_mean_difference
        return f(
            i["m1i"],
            i["sd1i"],
            i["n1i"],
            i["m2i"],
            i["sd2i"],
            i["n2i"],
            studies=i["study"],
            convention="metafor",
        )
    return dichotomous_effects(
        i["ai"],
        i["n1i"],
        i["ci"],
        i["n2i"],
        measure,
        studies=i["study"],
        convention="metafor",
        add=case.args.get("add", 0.5),
        to=case.args.get("to", "only0"),
        drop00=case.args.get("drop00", False),
    )


@pytest.mark.parametrize("case", params("escalc.json", unsupported))
def test_escalc(case: Case) -> None:
    es = effects_for(case)
    exp = case.expected
    assert es.k == exp["k"], f"{case.name}: k\n{case.r_code}"
    assert_close(case, "yi", es.yi, exp["yi"], rel=REL, abs_tol=ABS)
    assert_close(case, "vi", es.vi, exp["vi"], rel=REL, abs_tol=ABS)
    kept = [y is not None for y in exp["yi"]]
    assert es.estimable.tolist() == kept, f"{case.name}: estimable studies\n{case.r_code}"
