"""Stopping aid: the hypergeometric test against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sysreview.errors import InputError
from sysreview.screening.stopping import (
    estimate_stopping,
    hypergeometric_p,
    random_sampling_p,
    recall_bounds,
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


def test_estimate_fields() -> None:
    e = estimate_stopping([1] * 20 + [0] * 780, 1000)
    assert (e.n_screened, e.n_relevant, e.records_left) == (800, 20, 200)
    assert e.method == "ranked quasi-sampling" and e.sample_start is None
    assert e.target_reached
    frame = e.to_frame()
    assert frame.loc[0, "p_value"] == pytest.approx(200 * 199 / (980 * 979))
    assert frame.loc[0, "records_left"] == 200
    text = e.summary()
    assert "no record is excluded" in text and "random sample" in text
    assert "in a row" not in text  # the unsafe heuristic is gone


def brute_force_random_p(n_left: int, before: int, sample: list[int], tau: float) -> float:
    """Callaghan & Müller-Hansen (2020) random-sampling test in exact integer arithmetic."""
    k, n = sum(sample), len(sample)
    seen = before + k
    # smallest total R with seen / R < tau, by search (no floating division)
    total = seen
    while seen / total >= tau if total else True:
        total += 1
    k_tar = total - before
    if k_tar > n_left:
        return 0.0
    return hyper_cdf(k, n_left, k_tar, n)


@pytest.mark.parametrize(
    ("n_left", "before", "sample", "tau"),
    [
        (80, 20, [0] * 70, 0.9),
        (500, 30, [0] * 100 + [1] + [0] * 50, 0.95),
        (200, 5, [0, 1, 0, 0, 1] + [0] * 40, 0.8),
        (50, 0, [0] * 10, 0.95),
    ],
)
def test_random_sampling_matches_exact(
    n_left: int, before: int, sample: list[int], tau: float
) -> None:
    expected = brute_force_random_p(n_left, before, sample, tau)
    got = random_sampling_p(n_left, before, sample, recall_target=tau)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_random_sampling_keeps_its_error_rate() -> None:
    # 1,000 records, 100 relevant; prioritised screening found 90 (recall 0.90 < 0.95) in
    # the first 200. Sampling the rest at random and stopping at p < 0.05 must stop
    # below the target in at most ~5% of runs (Callaghan & Müller-Hansen 2020, Fig. 2).
    from scipy.stats import hypergeom

    rng = np.random.default_rng(11)
    rest = np.array([1] * 10 + [0] * 790)
    misses, runs = 0, 1000
    for run in range(runs):
        draw = rng.permutation(rest)
        k = np.cumsum(draw)
        m = np.arange(1, draw.size + 1)
        k_tar = (90 + k) * 20 // 19 + 1 - 90  # smallest R with (90 + k) / R < 0.95, less 90
        p = hypergeom.cdf(k, 800, k_tar, m)
        stop = int(np.flatnonzero(p < 0.05)[0])
        if run < 20:  # the library's test stops at the same record
            assert random_sampling_p(800, 90, draw[: stop + 1].tolist()) < 0.05
            assert random_sampling_p(800, 90, draw[:stop].tolist()) >= 0.05
        misses += (90 + k[stop]) / 100 < 0.95
    assert misses / runs <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / runs)


def test_random_phase_estimate() -> None:
    y = [1] * 30 + [0] * 470 + [0] * 300  # 500 prioritised, then 300 at random: none
    e = estimate_stopping(y, 2000, sample_start=500)
    assert e.method == "random sampling" and e.sample_size == 300
    assert e.recall_estimate == 1.0
    low = recall_lower_bound(y, 2000, sample_start=500)
    assert e.recall_lower_bound == low
    # the bound is the largest target the exact test rejects
    assert random_sampling_p(1500, 30, [0] * 300, recall_target=low) < 0.05
    assert random_sampling_p(1500, 30, [0] * 300, recall_target=low + 0.001) >= 0.05
    assert "300 records drawn from the 1500 left after 500" in e.summary()


def test_recall_estimate_extrapolates_the_sample_rate() -> None:
    # 40 found before; 2 relevant in a random sample of 100 of the 1,000 left: expect 20
    y = [1] * 40 + [0] * 60 + [1, 1] + [0] * 98
    est, low = recall_bounds(y, 1100, sample_start=100)
    assert est == pytest.approx(42 / (40 + 2 * 1000 / 100))
    assert 0 <= low <= est


def test_invalid_input() -> None:
    with pytest.raises(InputError, match="0 or 1"):
        hypergeometric_p([1, 2], 5)
    with pytest.raises(InputError, match="smaller"):
        hypergeometric_p([1, 0, 0], 2)
    with pytest.raises(InputError, match="recall_target"):
        hypergeometric_p([1], 5, recall_target=1.0)
    with pytest.raises(InputError, match="alpha"):
        estimate_stopping([1], 5, alpha=0)
    with pytest.raises(InputError, match="sample_start"):
        estimate_stopping([1, 0], 5, sample_start=3)
    with pytest.raises(InputError, match="relevant_before"):
        random_sampling_p(5, -1, [0])
