"""Callaghan & Müller-Hansen (2020), Syst Rev 9:273: the stopping test's worked example.

The authors' own walk-through, ``analysis/hyper_criteriaR.md`` in their repository
``mcallaghan/rapid-screening`` (R code with its printed output): 100 documents, the first
20 screened relevant, the next 70 irrelevant, recall target 0.9. It prints

* ``k_hat`` = 3 (the fewest relevant documents left that would mean the target is missed);
* ``phyper(x, k_hat, N - (length(screened) - length(sample)) - k_hat, length(sample))``
  = 0.001460565 for the last 70 documents as the sample;
* from ``h0_p`` (every window): "Based on the last 70 documents, the p-value for our null
  hypothesis that our recall is below 0.9 is 0.00146056475170399".

The closed form is ``C(77, 70) / C(80, 70) = (10 * 9 * 8) / (80 * 79 * 78)``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sysreview.screening.stopping import estimate_stopping, hypergeometric_p, random_sampling_p
from sysreview.screening.stopping_tests import _p_values, _smallest_missing_total

SCREENED = [1] * 20 + [0] * 70
N = 100
TARGET = 0.9
PRINTED_H0_P = 0.00146056475170399  # R's print of h0_p(...)$min_p, 15 significant digits


def test_k_hat_is_three() -> None:
    # get_khat(r_ML = 20, r_seen = 20, 0.9) = floor(20 / 0.9 - 20 + 1) = 3
    assert _smallest_missing_total(np.array([20]), TARGET)[0] - 20 == 3


def test_phyper_of_the_example() -> None:
    closed = (10 * 9 * 8) / (80 * 79 * 78)
    assert closed == pytest.approx(PRINTED_H0_P, rel=1e-14)
    # the last 70 treated as a random sample from the 80 records left after 20
    p = random_sampling_p(80, 20, [0] * 70, recall_target=TARGET)
    assert p == pytest.approx(PRINTED_H0_P, rel=1e-12)
    assert round(p, 9) == 0.001460565  # as printed by R's print(p)


def test_min_over_windows_is_the_last_70() -> None:
    assert hypergeometric_p(SCREENED, N, recall_target=TARGET) == pytest.approx(
        PRINTED_H0_P, rel=1e-12
    )
    p = _p_values(np.array(SCREENED), N, TARGET)
    assert int(np.argmin(p)) + 1 == 70  # "Based on the last 70 documents"


def test_the_estimate_reports_the_same_p() -> None:
    est = estimate_stopping(SCREENED, N, recall_target=TARGET, sample_start=20)
    assert est.method == "random sampling"
    assert est.p_value == pytest.approx(PRINTED_H0_P, rel=1e-12)
    assert est.target_reached
    assert est.records_left == 10


def test_boundary_target_is_not_rounded_away() -> None:
    # 33 relevant seen, target 0.55: with 60 in all recall is exactly 55%, which is not
    # below the target, so the null needs 61. In floating point 33 / 0.55 is
    # 59.99999999999999, and floor(.) + 1 alone would give 60.
    assert math.floor(33 / 0.55) + 1 == 60
    assert _smallest_missing_total(np.array([33]), 0.55)[0] == 61
    assert _smallest_missing_total(np.array([19]), 0.95)[0] == 21
