"""The stopping tests of Callaghan & Müller-Hansen (2020) and the recall bounds they give.

The null hypothesis that recall is still below a target ``tau`` is tested with the
hypergeometric distribution, on a random sample of the records left
(:func:`random_sampling_p`, exact) or on the last prioritised decisions taken as if they
were one (:func:`hypergeometric_p`, conservative when the ranking works);
:func:`recall_bounds` inverts the test into a recall estimate with a one-sided lower
confidence bound. :mod:`sysreview.screening.stopping` puts them together as the aid
shown next to a ranking.

Callaghan MW, Müller-Hansen F. Statistical stopping criteria for automated screening in
systematic reviews. Systematic Reviews 2020;9:273. doi:10.1186/s13643-020-01521-4.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.stats import hypergeom

from sysreview.errors import InputError

__all__ = [
    "check_labels",
    "check_target",
    "hypergeometric_p",
    "random_sampling_p",
    "recall_bounds",
    "recall_lower_bound",
]


def check_labels(screened: Sequence[int], n_total: int) -> np.ndarray:
    """The labels (0/1, in screening order) as an array; refused unless 0/1 and within n_total."""
    y = np.asarray(list(screened), dtype=np.int64)
    if y.size and not np.isin(y, (0, 1)).all():
        raise InputError("screened labels must be 0 or 1, in the order screened")
    if n_total < y.size:
        raise InputError(f"n_total ({n_total}) is smaller than the {y.size} records screened")
    return y


def check_target(recall_target: float) -> None:
    """Refuse a recall target outside (0, 1)."""
    if not 0 < recall_target < 1:
        raise InputError(f"recall_target must be in (0, 1), got {recall_target}")


def _smallest_missing_total(r_seen: np.ndarray, tau: float) -> np.ndarray:
    """Smallest total ``R`` of relevant records with ``r_seen / R < tau``.

    ``floor(r_seen / tau) + 1``, with ``r_seen / tau`` snapped to an integer when it is one
    up to rounding (``19 / 0.95`` must give 20, so that R = 21).
    """
    q = np.asarray(r_seen, dtype=float) / tau
    snapped = np.where(np.abs(q - np.round(q)) < 1e-9, np.round(q), q)
    return np.floor(snapped) + 1


def _window_p(
    k: np.ndarray, n: np.ndarray, population: np.ndarray, r_seen: int, tau: float
) -> np.ndarray:
    """Callaghan & Müller-Hansen's p for samples of ``n`` with ``k`` relevant.

    From ``population`` records, when ``r_seen`` relevant records have been seen in all.
    """
    r_before = r_seen - k
    k_tar = _smallest_missing_total(np.full(k.shape, r_seen), tau) - r_before
    p = hypergeom.cdf(k, population, np.minimum(k_tar, population), n)
    # More relevant records than the population can hold: H0 is impossible.
    return np.asarray(np.where(k_tar > population, 0.0, p), dtype=float)


def random_sampling_p(
    n_remaining: int,
    relevant_before: int,
    sample: Sequence[int],
    *,
    recall_target: float = 0.95,
) -> float:
    """p-value of "recall < target" from a random sample of the records left.

    Parameters
    ----------
    n_remaining
        ``N``: records not yet screened when random sampling began.
    relevant_before
        ``rho_AL``: relevant records found before random sampling began.
    sample
        Labels (1/0) of the records drawn at random, without replacement, from those
        ``N`` records, in the order drawn.
    recall_target
        ``tau_tar`` in (0, 1).

    Returns
    -------
    float
        ``p = P(X <= k)``, ``X ~ Hypergeometric(N, K_tar, n)``.

    Notes
    -----
    Callaghan & Müller-Hansen (2020), Syst Rev 9:273, "Random sampling" (eqs. 1-10). With
    ``k`` relevant records among the ``n`` sampled, ``rho_seen = rho_AL + k``, and recall is
    below the target if the ``N`` records held at least::

        K_tar = floor(rho_seen / tau_tar - rho_AL + 1)

    relevant ones. As ``P(X <= k)`` falls as ``K`` grows, ``p`` is the largest probability of
    a sample this poor in relevant records under any ``K`` of the null hypothesis; stop when
    ``p < alpha``. (``K_tar > N``: the null is impossible, ``p = 0``.)

    Examples
    --------
    The authors' worked example (``analysis/hyper_criteriaR.md`` in their repository
    ``mcallaghan/rapid-screening``): of 100 records, the first 20 screened were relevant;
    then a sample of 70 of the 80 left held none; target 90%:
    ``K_tar = floor(20/0.9 - 20 + 1) = 3`` and R's ``phyper(0, 3, 77, 70)`` is 0.001460565.

    >>> round(random_sampling_p(80, 20, [0] * 70, recall_target=0.9), 9)
    0.001460565
    """
    check_target(recall_target)
    y = check_labels(sample, n_remaining)
    if relevant_before < 0:
        raise InputError(f"relevant_before must be >= 0, got {relevant_before}")
    if y.size == 0:
        return 1.0
    k = np.array([int(y.sum())])
    r_seen = relevant_before + int(k[0])
    p = _window_p(k, np.array([y.size]), np.array([n_remaining]), r_seen, recall_target)
    return float(p[0])


def _p_values(y: np.ndarray, n_total: int, recall_target: float) -> np.ndarray:
    """P-values of "recall < target" for every window of the last n = 1..len(y) records."""
    k = np.cumsum(y[::-1])  # relevant records among the last n screened
    n = np.arange(1, y.size + 1)
    population = n_total - y.size + n  # the window plus everything still unscreened
    return _window_p(k, n, population, int(y.sum()), recall_target)


def hypergeometric_p(
    screened: Sequence[int], n_total: int, *, recall_target: float = 0.95
) -> float:
    """Ranked quasi-sampling: p of "recall < target", the minimum over recent windows.

    Parameters
    ----------
    screened
        Labels (1 relevant, 0 irrelevant) of the screened records, in screening order.
    n_total
        Number of records in total, screened or not.
    recall_target
        Target recall ``tau`` in (0, 1).

    Returns
    -------
    float
        ``min_n p_n`` over all windows of the last ``n`` screened records (1 when nothing
        has been screened).

    Notes
    -----
    Callaghan & Müller-Hansen (2020), Syst Rev 9:273, "Ranked quasi-sampling": the last
    ``n`` screened records are treated as a random sample from the ``N_n = N - N_seen + n``
    records left before them, and :func:`random_sampling_p` is computed for each ``n``; the
    smallest value is reported, as in the authors' code (``h0_p`` in
    ``analysis/hyper_criteriaR.md``). The test is conservative only if the ranking puts
    relevant records first.

    Examples
    --------
    The authors' worked example: 20 relevant then 70 irrelevant of 100 records, target 90%;
    "based on the last 70 documents, the p-value ... is 0.00146056475170399":

    >>> round(hypergeometric_p([1] * 20 + [0] * 70, 100, recall_target=0.9), 12)
    0.001460564752

    20 relevant then 780 irrelevant of 1,000, target 95%: the best window is the last 780,
    ``K = floor(20/0.95 - 20 + 1) = 2`` of ``N_n = 980``, so
    ``p = C(978, 780) / C(980, 780) = (200 * 199) / (980 * 979)``:

    >>> round(hypergeometric_p([1] * 20 + [0] * 780, 1000), 6)
    0.041483
    """
    check_target(recall_target)
    y = check_labels(screened, n_total)
    if y.size == 0:
        return 1.0
    return float(np.min(_p_values(y, n_total, recall_target)))


def _rejects(y: np.ndarray, n_total: int, target: float, alpha: float, start: int | None) -> bool:
    if start is None:
        return bool(np.min(_p_values(y, n_total, target)) < alpha)
    before = int(y[:start].sum())
    p = random_sampling_p(n_total - start, before, y[start:].tolist(), recall_target=target)
    return p < alpha


def recall_lower_bound(
    screened: Sequence[int],
    n_total: int,
    *,
    alpha: float = 0.05,
    sample_start: int | None = None,
) -> float:
    """Largest recall target (to 0.001) that the test rejects at ``alpha``.

    With confidence ``1 - alpha`` the recall reached is at least this value (0 if no target
    is rejected). With ``sample_start`` (the number of records screened before random
    sampling began) the exact random-sampling test is inverted; without it, the ranked
    quasi-sampling test. The p-value rises with the target, so the bound is found by
    bisection on the grid 0.001, 0.002, ..., 0.999.

    Examples
    --------
    >>> recall_lower_bound([1] * 20 + [0] * 780, 1000)
    0.952
    """
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be in (0, 1), got {alpha}")
    y = check_labels(screened, n_total)
    if sample_start is not None and not 0 <= sample_start <= y.size:
        raise InputError(f"sample_start must be between 0 and {y.size}, got {sample_start}")
    if y.size == 0 or y.sum() == 0:
        return 0.0
    lo, hi = 0, 1000  # invariant: lo rejected (or 0), hi not rejected (or 1000)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _rejects(y, n_total, mid / 1000, alpha, sample_start):
            lo = mid
        else:
            hi = mid
    return lo / 1000


def recall_bounds(
    screened: Sequence[int],
    n_total: int,
    *,
    alpha: float = 0.05,
    sample_start: int | None = None,
) -> tuple[float, float]:
    """Estimated recall and its one-sided ``1 - alpha`` lower bound.

    Returns
    -------
    tuple of float
        ``(estimate, lower_bound)``; the lower bound is :func:`recall_lower_bound`.

    Notes
    -----
    The estimate extrapolates the rate of relevant records in a sample to the records left
    (Callaghan & Müller-Hansen 2020; the moment estimate of the hypergeometric ``K``):
    ``recall = rho_seen / (rho_before + k N / n)`` for a sample of ``n`` records with ``k``
    relevant from ``N``. With ``sample_start`` the sample is the random one. Without it, the
    sample is the window of the last ``max(50, 10%)`` prioritised decisions, whose rate is
    taken as an upper bound on the rate among the records left (the ranked
    quasi-sampling assumption), so the estimate then leans low.

    Examples
    --------
    >>> recall_bounds([1] * 20 + [0] * 780, 1000)
    (1.0, 0.952)
    >>> est, low = recall_bounds([1] * 20 + [0] * 10 + [1] + [0] * 9, 1000, sample_start=20)
    >>> round(est, 3), low
    (0.304, 0.091)
    """
    y = check_labels(screened, n_total)
    low = recall_lower_bound(y.tolist(), n_total, alpha=alpha, sample_start=sample_start)
    r_seen = int(y.sum())
    if r_seen == 0:
        return 0.0, low
    if sample_start is None:
        n = min(y.size, max(50, math.ceil(0.1 * y.size)))
        start = y.size - n
    else:
        start, n = sample_start, y.size - sample_start
    if n == 0:
        return 1.0 if y.size == n_total else 0.0, low
    k = int(y[start:].sum())
    expected_left = k * (n_total - start) / n
    est = r_seen / (r_seen - k + expected_left)
    return float(min(1.0, est)), low
