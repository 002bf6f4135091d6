"""Stopping aid: the hypergeometric test against values computed by hand."""

from __future__ import annotations

import math

import pytest

from sysreview.errors import InputError
from sysreview.screening.stopping import (
    estimate_stopping,
    hypergeometric_p,
    recall_lower_bound,
)


def hyper_cdf(k: int, population: int, relevant: int, n: int) -> float:
    """P(X <= k) for X ~ Hypergeometric(population, relevant, n), from binomials."""
    total = math.comb(population, n)
    return (
        sum(math.comb(relevant, j) * math.comb(population - relevant, n - j) for j in range(k + 1))
        / total
    )


def brute_force_p(y: list[int], n_total: int, tau: float) -> float:
    """Callaghan & Müller-Hansen (2020) eq. 1-3, window by window, exact arithmetic."""
    r = sum(y)
    best = 1.0
    for n in range(1, len(y) + 1):
        k = sum(y[-n:])
        population = n_total - len(y) + n
        k_hat = math.floor(r / tau - (r - k) + 1)
        p = 0.0 if k_hat > population else hyper_cdf(k, population, k_hat, n)
        best = min(best, p)
    return best


def test_closed_form_run_of_irrelevant() -> None:
    # 20 relevant, then 780 irrelevant of 1,000: K = floor(20/0.95 - 20 + 1) = 2 in the
    # urn of 980, none in a sample of 780: p = C(978, 780)/C(980, 780) = 200*199/(980*979).
    y = [1] * 20 + [0] * 780
    assert hypergeometric_p(y, 1000) == pytest.approx(200 * 199 / (980 * 979), rel=1e-12)


@pytest.mark.parametrize(
    ("y", "n_total", "tau"),
    [
        ([1, 0, 1, 1, 0, 0, 0, 0, 0, 0], 30, 0.95),
        ([1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], 40, 0.9),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 25, 0.8),
        ([0, 0, 1, 0, 0, 0], 6, 0.95),
    ],
)
def test_matches_brute_force(y: list[int], n_total: int, tau: float) -> None:
    expected = brute_force_p(y, n_total, tau)
    assert hypergeometric_p(y, n_total, recall_target=tau) == pytest.approx(expected, rel=1e-9)


def test_everything_screened_rejects() -> None:
    # Nothing is left unscreened: recall is certainly 1, so the null is impossible.
    assert hypergeometric_p([1, 0, 0, 1, 0], 5) == 0.0


def test_nothing_screened() -> None:
    assert hypergeometric_p([], 10) == 1.0
    assert recall_lower_bound([], 10) == 0.0


def test_lower_bound_is_largest_rejected_target() -> None:
    y = [1] * 20 + [0] * 780
    bound = recall_lower_bound(y, 1000)
    assert hypergeometric_p(y, 1000, recall_target=bound) < 0.05
    assert hypergeometric_p(y, 1000, recall_target=bound + 0.001) >= 0.05


def test_estimate_fields_and_flags() -> None:
    e = estimate_stopping([1] * 20 + [0] * 780, 1000, consecutive_threshold=800)
    assert (e.n_screened, e.n_relevant, e.consecutive_irrelevant) == (800, 20, 780)
    assert e.statistical_stop and not e.heuristic_stop
    frame = e.to_frame()
    assert frame.loc[0, "p_value"] == pytest.approx(200 * 199 / (980 * 979))
    assert "no record is excluded" in e.summary()


def test_consecutive_when_no_relevant() -> None:
    assert estimate_stopping([0, 0, 0], 10).consecutive_irrelevant == 3


def test_invalid_input() -> None:
    with pytest.raises(InputError, match="0 or 1"):
        hypergeometric_p([1, 2], 5)
    with pytest.raises(InputError, match="smaller"):
        hypergeometric_p([1, 0, 0], 2)
    with pytest.raises(InputError, match="recall_target"):
        hypergeometric_p([1], 5, recall_target=1.0)
    with pytest.raises(InputError, match="alpha"):
        estimate_stopping([1], 5, alpha=0)
