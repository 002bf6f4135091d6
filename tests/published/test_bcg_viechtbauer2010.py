"""BCG vaccine trials (Colditz et al. 1994) as worked in Viechtbauer (2010).

Viechtbauer W. Conducting meta-analyses in R with the metafor package. Journal of
Statistical Software 2010;36(3):1-48, section 3.3 ("Fitting fixed- and random-effects
models"), the output of ``rma(yi, vi, data = dat)`` on the log relative risks of the
13 BCG trials. Values are printed to 4 decimals (2 for I²), so the tolerance is half a
unit in the last printed digit.
"""

from __future__ import annotations

import pytest

from sysreview.effects import dichotomous_effects
from sysreview.meta import meta_analysis

# dat.bcg (Colditz et al. 1994, JAMA 271:698, Table 1): tpos, tneg, cpos, cneg
BCG = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


@pytest.fixture(scope="module")
def effects():
    a = [t[0] for t in BCG]
    n1 = [t[0] + t[1] for t in BCG]
    c = [t[2] for t in BCG]
    n2 = [t[2] + t[3] for t in BCG]
    return dichotomous_effects(a, n1, c, n2, "RR", convention="metafor")


def test_reml_random_effects_model(effects) -> None:
    res = meta_analysis(effects, method="IV", tau2_method="REML")
    assert res.estimate == pytest.approx(-0.7145, abs=5e-5)
    assert res.se == pytest.approx(0.1798, abs=5e-5)
    assert res.statistic == pytest.approx(-3.9744, abs=5e-5)
    assert (res.ci_low, res.ci_high) == pytest.approx((-1.0669, -0.3622), abs=5e-5)
    assert res.tau2 == pytest.approx(0.3132, abs=5e-5)
    assert res.i2 == pytest.approx(92.22, abs=5e-3)
    assert res.h2 == pytest.approx(12.86, abs=5e-3)
    assert res.q == pytest.approx(152.2330, abs=5e-5)
    assert res.df == 12


def test_fixed_effect_model(effects) -> None:
    """Section 3.3, ``rma(yi, vi, data = dat, method = "FE")``."""
    res = meta_analysis(effects, method="IV", model="fixed")
    assert res.estimate == pytest.approx(-0.4303, abs=5e-5)
    assert res.se == pytest.approx(0.0405, abs=5e-5)
    assert (res.ci_low, res.ci_high) == pytest.approx((-0.5097, -0.3509), abs=5e-5)


def test_mixed_effects_model_with_latitude_and_year() -> None:
    """The mixed-effects model with absolute latitude and publication year as moderators,
    ``rma(yi, vi, mods = cbind(ablat, year), data = dat)`` (Viechtbauer 2010, the
    meta-regression of the BCG trials), through the notebook route: the dataset,
    ``escalc`` with column names and a formula."""
    import sysreview as sr

    dat = sr.datasets.bcg()
    es = sr.escalc("RR", data=dat, ai="tpos", bi="tneg", ci="cpos", di="cneg")
    reg = sr.meta_regression(es, "~ ablat + year", data=dat)
    assert reg.tau2 == pytest.approx(0.1108, abs=5e-5)
    assert reg.i2 == pytest.approx(71.98, abs=5e-3)
    assert reg.h2 == pytest.approx(3.57, abs=5e-3)
    assert reg.r2 == pytest.approx(64.63, abs=5e-3)
    assert (reg.qe, reg.qe_df, reg.qe_p) == (pytest.approx(28.3251, abs=5e-5), 10,
                                             pytest.approx(0.0016, abs=5e-5))  # fmt: skip
    # QM(df = 2) = 12.2043 as printed, with metafor's default convergence threshold (tau²
    # to ~1e-5); fully converged (metafor at threshold 1e-12, and here) it is 12.2045
    assert (reg.qm, reg.qm_df[0]) == (pytest.approx(12.2043, abs=5e-4), 2)
    assert reg.qm_p == pytest.approx(0.0022, abs=5e-5)
    assert reg.coef.tolist() == pytest.approx([-3.5455, -0.0280, 0.0019], abs=2e-4)
    assert reg.se.tolist() == pytest.approx([29.0959, 0.0102, 0.0147], abs=5e-4)
    assert reg.ci_low.tolist() == pytest.approx([-60.5724, -0.0481, -0.0269], abs=1e-3)
