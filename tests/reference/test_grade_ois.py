"""The optimal information size against R (tests/reference/grade/ois.json).

The JSON was written by ``validation/grade_reference.R`` with R 4.2.2 (base R's
``power.prop.test`` and ``power.t.test``); every case holds its exact R call, which each
assertion message repeats.

Tolerances: dichotomous, relative 1e-9: sysreview's closed form against R's root of the
same power equation found to ``tol = 1e-12`` (measured: below 2e-15). Continuous, relative
1e-6: both sides find the root of the non-central t power iteratively (R's ``uniroot`` to
1e-12, scipy's ``brentq`` to 1e-10; measured: below 1e-12).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from sysreview.grade import ois_continuous, ois_dichotomous

REFERENCE = json.loads((Path(__file__).parent / "grade" / "ois.json").read_text())
CASES: list[dict[str, Any]] = REFERENCE["cases"]
CLOSED = 1e-9
ITERATIVE = 1e-6


def _args(call: str) -> dict[str, float]:
    return {k: float(v) for k, v in re.findall(r"(\w[\w.]*) = ([-\d.e]+)", call)}


@pytest.mark.parametrize("case", [c for c in CASES if c["name"].startswith("prop_")],
                         ids=lambda c: c["name"])  # fmt: skip
def test_dichotomous_ois_matches_power_prop_test(case: dict[str, Any]) -> None:
    a = _args(case["call"])
    rrr = 1 - a["p2"] / a["p1"]
    got = ois_dichotomous(a["p1"], rrr, alpha=a["sig.level"], beta=1 - a["power"])
    want = case["n_per_group"]
    assert got.per_group == pytest.approx(want, rel=CLOSED), case["call"]
    assert got.total == 2 * math.ceil(want), case["call"]


@pytest.mark.parametrize("case", [c for c in CASES if c["name"].startswith("t_")],
                         ids=lambda c: c["name"])  # fmt: skip
def test_continuous_ois_matches_power_t_test(case: dict[str, Any]) -> None:
    a = _args(case["call"])
    got = ois_continuous(a["delta"], a["sd"], alpha=a["sig.level"], beta=1 - a["power"])
    want = case["n_per_group"]
    assert got.per_group == pytest.approx(want, rel=ITERATIVE), case["call"]
    assert got.total == 2 * math.ceil(want), case["call"]


def test_every_reference_case_is_used() -> None:
    assert len(CASES) == 16 + 6
    assert REFERENCE["provenance"]["script"] == "validation/grade_reference.R"
