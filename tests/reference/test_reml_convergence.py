"""REML and ML converge where metafor's default Fisher scoring does not.

The three data sets were found by drawing random meta-analyses in R until
``rma(yi, vi, method="REML")`` (R 4.2.2, metafor 3.8-1) stopped with "Fisher scoring
algorithm did not converge". The reference values come from the remedy metafor's
documentation suggests, step halving with a tight threshold:
``rma(yi, vi, method=m, control=list(stepadj=0.5, maxiter=100000, threshold=1e-13))``.
Tolerance 1e-9 relative: both sides are converged to ~1e-13, well inside the 1e-6
allowed for iterative estimators.
"""

from __future__ import annotations

import numpy as np
import pytest

from sysreview.effects import generic_effects
from sysreview.meta import meta_analysis

CASES = [
    (
        [
            0.24982465767030032,
            -1.8019693772055305,
            0.39435711148773239,
            0.38282002976746116,
            -0.09755958502362147,
            0.64541341198450874,
            -0.40751655349763216,
            0.14081337304759067,
        ],
        [
            1.0795365436587185,
            0.013762161033529117,
            1.1690320117920674,
            0.96362939815977744,
            1.6340789735879298,
            1.0861222597367044,
            43.915605401323916,
            0.36153481118951997,
        ],
        {
            "REML": (0.86352453068284063, -0.25284721354852413, 0.47427270844899228),
            "ML": (0.73244521450662048, -0.28691394505408718, 0.4509984499916958),
        },
    ),
    (
        [
            -0.02494254156536016,
            0.12266600862898235,
            0.56140959437189086,
            -0.17272603166454997,
            -0.11707348937881752,
            -0.039833782028202452,
            0.27633449633996404,
            -0.061204500176621005,
        ],
        [
            33.172563509821209,
            2.8905485161226663,
            0.010768908874543818,
            0.0021208114049166,
            0.90255714442507984,
            0.27144586424245387,
            1.5382379469215273,
            0.31945705320366724,
        ],
        {
            "REML": (0.1262935183418514, 0.11966072992693044, 0.21429895756063419),
            "ML": (0.095061576996628719, 0.12521791027607296, 0.19295263013448047),
        },
    ),
    (
        [
            0.28651168454780679,
            0.15531536702162077,
            0.35126831651289775,
            -0.41624140622381256,
            -0.30170494466899922,
            -0.11961538548308581,
            -0.50190572485199059,
            -0.74060928509655677,
        ],
        [
            1.5722158232714467,
            1.014567480113596,
            0.0012892272492191742,
            1.8150273798845622,
            10.0446687144539,
            0.58912443410222004,
            0.35580119869146859,
            0.0037403406030513142,
        ],
        {
            "REML": (0.24964257377048113, -0.19259763220030363, 0.28063960992577119),
            "ML": (0.20107845536587865, -0.19369764216495683, 0.25936676668454972),
        },
    ),
]


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("method", ["REML", "ML"])
def test_converges_where_fisher_scoring_gets_stuck(case: int, method: str) -> None:
    yi, vi, expected = CASES[case]
    res = meta_analysis(generic_effects(yi, np.sqrt(vi)), method="IV", tau2_method=method)
    tau2, estimate, se = expected[method]
    assert res.converged
    assert res.iterations < 50
    assert res.tau2 == pytest.approx(tau2, rel=1e-9)
    assert res.estimate == pytest.approx(estimate, rel=1e-9)
    assert res.se == pytest.approx(se, rel=1e-9)
