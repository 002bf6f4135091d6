"""Invariants of the synthesis: the order of studies, arms and rows does not matter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.extraction.dataset import ReviewData
from sysreview.synthesis import run_plan
from tests.unit.synthesis.data import review_data, seed_protocol

DATA = review_data()
PROTOCOL = seed_protocol()
BASE = {r["analysis"]: r for r in run_plan(DATA, PROTOCOL).records()}
NUMBERS = ("estimate", "ci_low", "ci_high", "p", "tau2", "i2", "q", "participants")


@settings(max_examples=15, deadline=None)
@given(
    st.permutations(range(len(DATA.studies))),
    st.permutations(range(len(DATA.arms))),
    st.permutations(range(len(DATA.outcomes))),
)
def test_order_of_the_data_does_not_change_any_result(
    studies: list[int], arms: list[int], outcomes: list[int]
) -> None:
    shuffled = ReviewData(
        tuple(DATA.studies[i] for i in studies),
        tuple(DATA.arms[i] for i in arms),
        tuple(DATA.outcomes[i] for i in outcomes),
    )
    records = {r["analysis"]: r for r in run_plan(shuffled, PROTOCOL).records()}
    assert records.keys() == BASE.keys()
    for name, rec in records.items():
        want = BASE[name]
        assert sorted(rec["studies"]) == sorted(want["studies"]), name
        assert (rec["k"], rec["reason"], rec["evidence"]) == (
            want["k"],
            want["reason"],
            want["evidence"],
        )
        assert rec["description"] == want["description"]
        for key in NUMBERS:
            if want[key] is None:
                assert rec[key] is None
            else:
                assert rec[key] == pytest.approx(want[key], rel=1e-9, abs=1e-12), (name, key)
