"""When may prioritised screening stop? A statistical stopping aid (issue 5).

The aid is shown next to a ranking; it never excludes a record. Two criteria:

1. **Hypergeometric test** of Callaghan & Müller-Hansen (2020): the p-value of the null
   hypothesis that recall is still below the target. Stopping when ``p < alpha`` keeps
   the probability of missing the recall target below ``alpha``, *if* the recent
   screening was no better than random sampling from what was left (a prioritised
   order finds relevant records faster than random, which makes the test conservative).
2. **Consecutive irrelevant heuristic**: the number of irrelevant decisions in a row at
   the end of the screening, compared with a threshold (e.g. 50 or 100; no statistical
   guarantee; see Ros et al. 2017 and the ASReview documentation on stopping).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import hypergeom

from sysreview.errors import InputError

__all__ = ["StoppingEstimate", "estimate_stopping", "hypergeometric_p", "recall_lower_bound"]


def _check(screened: Sequence[int], n_total: int) -> np.ndarray:
    y = np.asarray(list(screened), dtype=np.int64)
    if y.size and not np.isin(y, (0, 1)).all():
        raise InputError("screened labels must be 0 or 1, in the order screened")
    if n_total < y.size:
        raise InputError(f"n_total ({n_total}) is smaller than the {y.size} records screened")
    return y


def _p_values(y: np.ndarray, n_total: int, recall_target: float) -> np.ndarray:
    """p-value of H0 "recall < target" for every window of the last n = 1..len(y) records."""
    r_seen = int(y.sum())
    window = y[::-1]
    k = np.cumsum(window)  # relevant records among the last n screened
    n = np.arange(1, y.size + 1)
    population = n_total - y.size + n  # the window plus everything still unscreened
    k_hat = np.floor(r_seen / recall_target - (r_seen - k) + 1)
    p = hypergeom.cdf(k, population, np.minimum(k_hat, population), n)
    # More relevant records than the population can hold: H0 is impossible.
    return np.where(k_hat > population, 0.0, p)


def hypergeometric_p(
    screened: Sequence[int], n_total: int, *, recall_target: float = 0.95
) -> float:
    """p-value of the null hypothesis that recall is below ``recall_target``.

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
        ``min_n p_n`` over all windows of the last ``n`` screened records (1 when
        nothing has been screened).

    Notes
    -----
    Callaghan & Müller-Hansen (2020), Syst Rev 9:262, eq. 1-3. Treat the last ``n``
    screened records as a random sample, without replacement, from the ``N_n = N -
    N_seen + n`` records left before them, of which ``k`` were relevant. With ``r`` the
    relevant records seen in total, recall is below ``tau`` if at least
    ``K = floor(r / tau - (r - k) + 1)`` of those ``N_n`` are relevant. The p-value is
    the hypergeometric probability of seeing ``k`` or fewer relevant records in the
    sample if exactly ``K`` were relevant::

        p_n = P(X <= k),  X ~ Hypergeometric(N_n, K, n)

    (if ``K > N_n`` the null is impossible and ``p_n = 0``). Every window is a test of the
    same null, so the smallest p-value is reported, as in the authors' code
    (``mcallaghan/rapid-screening``, ``calculate_h0``).

    Examples
    --------
    20 relevant records found first, then 780 irrelevant ones; 1,000 records in all.
    The best window is the last 780: ``N_n = 1000 - 800 + 780 = 980``,
    ``K = floor(20 / 0.95 - 20 + 1) = 2``, so
    ``p = C(978, 780) / C(980, 780) = (200 * 199) / (980 * 979)``:

    >>> y = [1] * 20 + [0] * 780
    >>> round(hypergeometric_p(y, 1000), 6)
    0.041483
    >>> round(200 * 199 / (980 * 979), 6)
    0.041483
    """
    if not 0 < recall_target < 1:
        raise InputError(f"recall_target must be in (0, 1), got {recall_target}")
    y = _check(screened, n_total)
    if y.size == 0:
        return 1.0
    return float(np.min(_p_values(y, n_total, recall_target)))


def recall_lower_bound(screened: Sequence[int], n_total: int, *, alpha: float = 0.05) -> float:
    """Largest recall target (to 0.001) that the hypergeometric test rejects at ``alpha``.

    With confidence ``1 - alpha`` the recall reached is at least this value (0 if no
    target is rejected). The test's p-value rises with the target, so the bound is found
    by bisection on the grid of targets 0.001, 0.002, ..., 0.999.

    Examples
    --------
    >>> recall_lower_bound([1] * 20 + [0] * 780, 1000)
    0.952
    """
    y = _check(screened, n_total)
    if y.size == 0 or y.sum() == 0:
        return 0.0
    # p rises with the target (K falls), so bisect on the grid 1..999 (per mille).
    lo, hi = 0, 1000  # invariant: lo rejected (or 0), hi not rejected (or 1000)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if np.min(_p_values(y, n_total, mid / 1000)) < alpha:
            lo = mid
        else:
            hi = mid
    best = lo / 1000
    return best


@dataclass(frozen=True)
class StoppingEstimate:
    """The stopping aid at one moment of screening. It never excludes a record.

    Attributes
    ----------
    n_total, n_screened, n_relevant
        Records in total, screened, and screened as relevant.
    recall_target, alpha
        The target recall and the significance level of the test.
    p_value
        :func:`hypergeometric_p` for ``recall_target``.
    recall_lower_bound
        :func:`recall_lower_bound` at ``alpha``.
    consecutive_irrelevant
        Irrelevant decisions in a row at the end.
    consecutive_threshold
        Threshold of the heuristic.
    """

    n_total: int
    n_screened: int
    n_relevant: int
    recall_target: float
    alpha: float
    p_value: float
    recall_lower_bound: float
    consecutive_irrelevant: int
    consecutive_threshold: int

    @property
    def statistical_stop(self) -> bool:
        """True when ``p_value < alpha``: the recall target is reached with confidence."""
        return self.p_value < self.alpha

    @property
    def heuristic_stop(self) -> bool:
        """True when the last ``consecutive_threshold`` decisions were all irrelevant."""
        return self.consecutive_irrelevant >= self.consecutive_threshold

    def to_frame(self) -> pd.DataFrame:
        """One row with every field and both stop flags (unrounded)."""
        row = dict(self.__dict__)
        row["statistical_stop"] = self.statistical_stop
        row["heuristic_stop"] = self.heuristic_stop
        return pd.DataFrame([row])

    def summary(self) -> str:
        """Formatted text for display next to the ranking.

        Examples
        --------
        >>> print(estimate_stopping([1] * 20 + [0] * 780, 1000).summary())
        Stopping aid (advisory; no record is excluded): 800 of 1000 screened, 20 relevant.
          Hypergeometric test (Callaghan & Müller-Hansen 2020): H0 recall < 95%, p = 0.0415 (alpha 0.05): target reached.
          Recall is at least 95.2% with 95% confidence.
          Heuristic: 780 irrelevant in a row (threshold 100): threshold met.
        """  # noqa: E501
        verdict = "target reached" if self.statistical_stop else "keep screening"
        heuristic = "threshold met" if self.heuristic_stop else "keep screening"
        return "\n".join(
            [
                f"Stopping aid (advisory; no record is excluded): {self.n_screened} of "
                f"{self.n_total} screened, {self.n_relevant} relevant.",
                f"  Hypergeometric test (Callaghan & Müller-Hansen 2020): H0 recall < "
                f"{self.recall_target:.0%}, p = {self.p_value:.3g} (alpha {self.alpha:g}): "
                f"{verdict}.",
                f"  Recall is at least {self.recall_lower_bound:.1%} with "
                f"{1 - self.alpha:.0%} confidence.",
                f"  Heuristic: {self.consecutive_irrelevant} irrelevant in a row "
                f"(threshold {self.consecutive_threshold}): {heuristic}.",
            ]
        )


def estimate_stopping(
    screened: Sequence[int],
    n_total: int,
    *,
    recall_target: float = 0.95,
    alpha: float = 0.05,
    consecutive_threshold: int = 100,
) -> StoppingEstimate:
    """Compute the stopping aid from the screening history.

    Parameters
    ----------
    screened
        Labels (1/0) of the screened records in screening order.
    n_total
        Number of records in total.
    recall_target, alpha
        Target recall and significance level (Callaghan & Müller-Hansen used 0.95 and
        0.05).
    consecutive_threshold
        Threshold of the consecutive-irrelevant heuristic.

    Examples
    --------
    >>> e = estimate_stopping([1, 0, 1] + [0] * 5, 50)
    >>> e.consecutive_irrelevant, e.statistical_stop, e.heuristic_stop
    (5, False, False)
    """
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be in (0, 1), got {alpha}")
    if consecutive_threshold < 1:
        raise InputError(f"consecutive_threshold must be >= 1, got {consecutive_threshold}")
    y = _check(screened, n_total)
    ones = np.flatnonzero(y == 1)
    run = y.size if ones.size == 0 else int(y.size - 1 - ones[-1])
    return StoppingEstimate(
        n_total=n_total,
        n_screened=int(y.size),
        n_relevant=int(y.sum()),
        recall_target=recall_target,
        alpha=alpha,
        p_value=hypergeometric_p(y.tolist(), n_total, recall_target=recall_target),
        recall_lower_bound=recall_lower_bound(y.tolist(), n_total, alpha=alpha),
        consecutive_irrelevant=run,
        consecutive_threshold=consecutive_threshold,
    )
