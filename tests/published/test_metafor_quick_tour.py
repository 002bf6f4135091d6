"""A notebook session, step by step, against metafor's printed results for the same data.

Each test runs what a statistician types in a notebook (``sysreview.datasets``,
``sysreview.escalc`` with column names, ``meta_analysis``, ``meta_regression``,
``influence``) and compares with what R prints for the same steps: R 4.2.2 with metafor
3.8-1 and its default settings, the R code in each docstring. Printed values are rounded
(4 decimals, 2 for percentages), so the tolerance is half a unit in the last printed
digit; for REML quantities add metafor's default convergence threshold (Fisher scoring
stops once tau² moves by less than 1e-5, sysreview solves to 1e-13), which moves tau² by
up to ~1e-5, R² by up to ~0.01 points and QM by ~1e-3; for the Q-profile limits of
``confint`` add its default root tolerance (``uniroot``'s ``tol = .Machine$double.eps^
0.25`` ~ 1.2e-4 on tau², i.e. ~0.015 points of I² and ~0.005 of H² at the lower limit
here). The same quantities agree to 1e-9 with metafor run to tight tolerances
(tests/reference).
"""

from __future__ import annotations

import pytest

import sysreview as sr

HALF4 = 5e-5
HALF2 = 5e-3
REML_TAU2 = HALF4 + 1e-5
UNIROOT = 1.22e-4


@pytest.fixture(scope="module")
def bcg():
    dat = sr.datasets.bcg()
    es = sr.escalc("RR", data=dat, ai="tpos", bi="tneg", ci="cpos", di="cneg", slab="author")
    return dat, es


def test_random_effects_model(bcg) -> None:
    """``dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)``;
    ``res <- rma(yi, vi, data=dat)``; ``confint(res)``; ``predict(res, transf=exp)``."""
    _, es = bcg
    res = sr.meta_analysis(es)  # metafor's convention: IV, REML, as rma()
    assert repr(res) == "<MetaAnalysis k=13 IV random REML RR=0.49 [0.34, 0.70]>"
    assert res.tau2 == pytest.approx(0.3132, abs=REML_TAU2)
    assert res.i2 == pytest.approx(92.22, abs=HALF2 + 0.01)
    assert res.h2 == pytest.approx(12.86, abs=HALF2 + 0.01)
    assert res.q == pytest.approx(152.2330, abs=HALF4)
    assert (res.estimate, res.se, res.statistic) == pytest.approx(
        (-0.7145, 0.1798, -3.9744), abs=HALF4 + 1e-5
    )
    assert (res.ci_low, res.ci_high) == pytest.approx((-1.0669, -0.3622), abs=HALF4 + 1e-5)
    # confint(res): Q-profile limits (these need no iteration in the fit)
    assert res.tau2_ci == pytest.approx((0.1197, 1.1115), abs=HALF4 + UNIROOT)
    assert res.i2_ci == pytest.approx((81.9177, 97.6781), abs=HALF4 + 0.015)
    assert res.h2_ci == pytest.approx((5.5303, 43.0680), abs=HALF4 + 0.005)
    # predict(res, transf=exp), printed to 3 decimals
    shown = [float(res.display(x)) for x in (res.estimate, res.ci_low, res.ci_high,
                                             res.pi_low, res.pi_high)]  # fmt: skip
    assert shown == pytest.approx([0.489, 0.344, 0.696, 0.155, 1.549], abs=5e-4)


def test_meta_regression_on_latitude(bcg) -> None:
    """``res <- rma(yi, vi, mods = ~ ablat, data=dat)``."""
    dat, es = bcg
    reg = sr.meta_regression(es, "~ ablat", data=dat)
    assert reg.tau2 == pytest.approx(0.0764, abs=REML_TAU2)
    assert reg.i2 == pytest.approx(68.39, abs=HALF2 + 0.01)
    assert reg.h2 == pytest.approx(3.16, abs=HALF2)
    assert reg.r2 == pytest.approx(75.62, abs=HALF2 + 0.01)
    assert (reg.qe, reg.qe_df) == (pytest.approx(30.7331, abs=HALF4), 11)
    assert (reg.qm, reg.qm_df[0]) == (pytest.approx(16.3571, abs=HALF4 + 2e-3), 1)
    table = reg.to_frame().set_index("term")
    assert table.loc["intrcpt", ["estimate", "se", "statistic", "p"]].tolist() == pytest.approx(
        [0.2515, 0.2491, 1.0095, 0.3127], abs=HALF4 + 1e-4
    )
    assert table.loc["ablat", ["estimate", "se", "statistic"]].tolist() == pytest.approx(
        [-0.0291, 0.0072, -4.0444], abs=HALF4 + 1e-4
    )
    assert (table.loc["ablat", "ci_low"], table.loc["ablat", "ci_high"]) == pytest.approx(
        (-0.0432, -0.0150), abs=HALF4
    )


def test_influence(bcg) -> None:
    """``inf <- influence(rma(yi, vi, data=dat))``; ``print(inf)`` (first three rows)."""
    _, es = bcg
    inf = sr.influence(sr.meta_analysis(es)).to_frame()
    printed = {
        "rstudent": [-0.2181, -1.2918, -0.7547],
        "dffits": [-0.0407, -0.3436, -0.1604],
        "cook_d": [0.0017, 0.1132, 0.0260],
        "cov_r": [1.1164, 1.0102, 1.0670],
        "tau2_del": [0.3362, 0.2926, 0.3207],
        "qe_del": [151.5826, 145.3176, 150.1970],
        "hat": [0.0506, 0.0636, 0.0444],
        "weight": [5.0595, 6.3647, 4.4360],
        "dfbetas_intrcpt": [-0.0403, -0.3459, -0.1597],
    }
    for column, values in printed.items():
        assert inf[column].head(3).tolist() == pytest.approx(values, abs=HALF4 + 2e-5), column
    assert not inf["inf"].any()  # metafor marks no study with '*'


def test_proportions_read_back() -> None:
    """``dat <- escalc(measure="PFT", xi=xi, ni=ni, data=dat.pritz1997)``;
    ``predict(rma(yi, vi, data=dat), transf=transf.ipft.hm, targs=list(ni=dat$ni))``."""
    dat = sr.datasets.pritz1997()
    res = sr.meta_analysis(sr.escalc("PFT", data=dat, xi="xi", ni="ni"))
    shown = [float(res.display(x)) for x in (res.estimate, res.ci_low, res.ci_high,
                                             res.pi_low, res.pi_high)]  # fmt: skip
    assert shown == pytest.approx([0.8029, 0.7022, 0.8893, 0.4646, 0.9989], abs=HALF4 + 1e-5)


def test_correlations_read_back() -> None:
    """``dat <- escalc(measure="ZCOR", ri=ri, ni=ni, data=dat.molloy2014)``;
    ``predict(rma(yi, vi, data=dat), transf=transf.ztor)``."""
    dat = sr.datasets.molloy2014()
    res = sr.meta_analysis(sr.escalc("ZCOR", data=dat, ri="ri", ni="ni"))
    shown = [float(res.display(x)) for x in (res.estimate, res.ci_low, res.ci_high,
                                             res.pi_low, res.pi_high)]  # fmt: skip
    assert shown == pytest.approx([0.1488, 0.0878, 0.2087, -0.0371, 0.3248], abs=HALF4 + 1e-5)
