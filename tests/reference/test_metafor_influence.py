"""Influence diagnostics against metafor's ``influence(res)`` (``metafor/influence.json``).

Cases: dat.bcg log RR pooled by REML, DL and FE, REML with Knapp-Hartung, and the
mixed-effects regression on absolute latitude; dat.molloy2014 Fisher's z (REML);
dat.normand1999 SMD (PM). Each study's rstudent, DFFITS, Cook's distance, covariance
ratio, leave-one-out tau² and QE, hat value, weight, DFBETAS and influence flag, through
:func:`sysreview.influence` on the result of :func:`sysreview.meta_analysis` or
:func:`sysreview.meta_regression`.
"""

from __future__ import annotations

import numpy as np
import pytest

from sysreview import influence, meta_analysis, meta_regression
from sysreview.effects import generic_effects
from sysreview.meta import Influence
from tests.reference.metafor_cases import Case, as_array, assert_close, params

# Closed forms to rounding; REML/PM refits solved to 1e-13 (metafor's R call: 1e-12).
REL = 1e-9
ABS = 1e-12
# metafor sets a residual below 100 machine epsilons to 0 before dividing; an rstudent
# of ~1e-15 either way is that rounding.
RSTUDENT_ABS = 1e-10


def diagnostics(case: Case) -> Influence:
    i = case.input
    es = generic_effects(i["yi"], np.sqrt(i["vi"]), studies=i["study"], convention="metafor")
    call = case.call
    method = call.split("method='")[1].split("'")[0]
    test = "hksj" if "knha" in call else "z"
    if "mods" in call:
        res = meta_regression(es, "~ ablat", data=i["mods"], tau2_method=method, ci_method=test)
        return influence(res)
    model = "fixed" if method == "FE" else "random"
    tau2 = None if method == "FE" else method
    return influence(meta_analysis(es, method="IV", model=model, tau2_method=tau2, ci_method=test))


@pytest.mark.parametrize("case", params("influence.json"))
def test_influence(case: Case) -> None:
    inf = diagnostics(case)
    exp = case.expected
    for name, ours in (
        ("dffits", inf.dffits), ("cook_d", inf.cook_d), ("cov_r", inf.cov_r),
        ("tau2_del", inf.tau2_del), ("qe_del", inf.qe_del), ("hat", inf.hat),
        ("weight", inf.weight),
    ):  # fmt: skip
        assert_close(case, name, ours, as_array(exp[name]), rel=REL, abs_tol=ABS)
    assert_close(case, "rstudent", inf.rstudent, as_array(exp["rstudent"]), rel=REL,
                 abs_tol=RSTUDENT_ABS)  # fmt: skip
    dfbs = exp["dfbs"]
    assert len(dfbs) == len(inf.names)
    for j, column in enumerate(dfbs.values()):
        assert_close(case, "dfbs", inf.dfbetas[:, j], as_array(column), rel=REL, abs_tol=ABS)
    assert inf.inf.tolist() == exp["inf"], case.r_code
    assert inf.studies == tuple(case.input["study"])


def test_influence_refuses_mantel_haenszel() -> None:
    from sysreview.datasets import bcg
    from sysreview.effects import escalc
    from sysreview.errors import InputError

    es = escalc("RR", data=bcg(), ai="tpos", bi="tneg", ci="cpos", di="cneg")
    with pytest.raises(InputError, match="inverse-variance model"):
        influence(meta_analysis(es, method="MH", tau2_method="DL"))
