"""When may prioritised screening stop? Statistical stopping tests and a recall estimate.

The aid is shown next to a ranking; it never excludes a record: stopping is the team's
decision, recorded with the evidence shown at that moment.

Callaghan & Müller-Hansen (2020), "Statistical stopping criteria for automated screening
in systematic reviews", Systematic Reviews 9:273 (doi 10.1186/s13643-020-01521-4), test the
null hypothesis that recall is still below a target ``tau`` with the hypergeometric
distribution:

1. **Random sampling** (:func:`random_sampling_p`): after prioritised screening, the team
   screens records drawn at random from those left. The test is then exact: stopping when
   ``p < alpha`` misses the recall target with probability at most ``alpha``.
2. **Ranked quasi-sampling** (:func:`hypergeometric_p`): every run of the last ``n``
   prioritised decisions is treated as if it were a random sample. This is conservative if
   the ranking puts relevant records first (the rate of relevant records in a recent window
   is then at least the rate among those left), but it is not guaranteed. The authors use it
   to decide when to begin random sampling.

:func:`recall_bounds` inverts the same test into a recall estimate with a one-sided lower
confidence bound. The SAFE procedure of Boetje & van de Schoot (2024) is in
:mod:`sysreview.screening.safe`.

The tests and the bounds are in :mod:`sysreview.screening.stopping_tests` (exported
here too). The "k irrelevant records in a row" heuristic is deliberately not offered as
a stopping rule: in simulations it stopped at 22-44% recall on one SYNERGY review
(``benchmarks/SCREENING.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from sysreview.errors import InputError
from sysreview.screening.stopping_tests import (
    check_labels,
    check_target,
    hypergeometric_p,
    random_sampling_p,
    recall_bounds,
    recall_lower_bound,
)

__all__ = [
    "StoppingEstimate",
    "estimate_stopping",
    "hypergeometric_p",
    "random_sampling_p",
    "recall_bounds",
    "recall_lower_bound",
]


@dataclass(frozen=True)
class StoppingEstimate:
    """The stopping aid at one moment of screening. It never excludes a record.

    Attributes
    ----------
    n_total, n_screened, n_relevant
        Records in total, screened, and screened as relevant.
    recall_target, alpha
        The target recall and the significance level of the test.
    method
        ``"random sampling"`` (exact test on a random sample of the records left) or
        ``"ranked quasi-sampling"`` (conservative if the ranking works; no guarantee).
    sample_start
        Records screened before random sampling began (None: no random sample yet).
    p_value
        p of "recall < target" by ``method``.
    recall_estimate, recall_lower_bound
        :func:`recall_bounds` by ``method``.
    """

    n_total: int
    n_screened: int
    n_relevant: int
    recall_target: float
    alpha: float
    method: str
    sample_start: int | None
    p_value: float
    recall_estimate: float
    recall_lower_bound: float

    @property
    def target_reached(self) -> bool:
        """True when ``p_value < alpha``: the test rejects "recall < target"."""
        return self.p_value < self.alpha

    @property
    def records_left(self) -> int:
        """Records that stopping now would leave unscreened (the work saved)."""
        return self.n_total - self.n_screened

    @property
    def sample_size(self) -> int:
        """Records screened in the random sample so far (0 before sampling began)."""
        return 0 if self.sample_start is None else self.n_screened - self.sample_start

    def to_frame(self) -> pd.DataFrame:
        """One row with every field, ``target_reached`` and ``records_left`` (unrounded)."""
        row = dict(self.__dict__)
        row["target_reached"] = self.target_reached
        row["records_left"] = self.records_left
        return pd.DataFrame([row])

    def summary(self) -> str:
        """Formatted text for display next to the ranking.

        Examples
        --------
        >>> print(estimate_stopping([1] * 20 + [0] * 780, 1000).summary())
        Stopping aid (advisory; no record is excluded): 800 of 1000 screened, 20 relevant.
          Estimated recall 100.0%; at least 95.2% with 95% confidence (ranked quasi-sampling, Callaghan & Müller-Hansen 2020).
          Test of recall < 95%: p = 0.0415 (alpha 0.05): target reached, if the ranking put relevant records first; screen a random sample of the rest to confirm.
          Stopping now would leave 200 records (20.0%) unscreened.
        """  # noqa: E501
        lines = [
            f"Stopping aid (advisory; no record is excluded): {self.n_screened} of "
            f"{self.n_total} screened, {self.n_relevant} relevant.",
            f"  Estimated recall {self.recall_estimate:.1%}; at least "
            f"{self.recall_lower_bound:.1%} with {1 - self.alpha:.0%} confidence "
            f"({self.method}, Callaghan & Müller-Hansen 2020).",
        ]
        test = (
            f"  Test of recall < {self.recall_target:.0%}: p = {self.p_value:.3g} "
            f"(alpha {self.alpha:g}): "
        )
        if not self.target_reached:
            test += "keep screening."
        elif self.method == "random sampling":
            test += "target reached."
        else:
            test += (
                "target reached, if the ranking put relevant records first; "
                "screen a random sample of the rest to confirm."
            )
        lines.append(test)
        if self.sample_start is not None:
            lines.append(
                f"  Random sample: {self.sample_size} records drawn from the "
                f"{self.n_total - self.sample_start} left after {self.sample_start}."
            )
        share = self.records_left / self.n_total if self.n_total else 0.0
        lines.append(
            f"  Stopping now would leave {self.records_left} records ({share:.1%}) unscreened."
        )
        return "\n".join(lines)


def estimate_stopping(
    screened: Sequence[int],
    n_total: int,
    *,
    recall_target: float = 0.95,
    alpha: float = 0.05,
    sample_start: int | None = None,
) -> StoppingEstimate:
    """Compute the stopping aid from the screening history.

    Parameters
    ----------
    screened
        Labels (1/0) of the screened records in screening order.
    n_total
        Number of records in total.
    recall_target, alpha
        Target recall and significance level (Callaghan & Müller-Hansen used 0.95 and 0.05).
    sample_start
        Records screened before the team began screening a random sample of the rest
        (None: no random sample; the ranked quasi-sampling test is used).

    Examples
    --------
    >>> e = estimate_stopping([1, 0, 1] + [0] * 5, 50)
    >>> e.target_reached, e.records_left
    (False, 42)
    """
    check_target(recall_target)
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be in (0, 1), got {alpha}")
    y = check_labels(screened, n_total)
    if sample_start is not None and not 0 <= sample_start <= y.size:
        raise InputError(f"sample_start must be between 0 and {y.size}, got {sample_start}")
    if sample_start is None:
        method = "ranked quasi-sampling"
        p = hypergeometric_p(y.tolist(), n_total, recall_target=recall_target)
    else:
        method = "random sampling"
        p = random_sampling_p(
            n_total - sample_start,
            int(y[:sample_start].sum()),
            y[sample_start:].tolist(),
            recall_target=recall_target,
        )
    est, low = recall_bounds(y.tolist(), n_total, alpha=alpha, sample_start=sample_start)
    return StoppingEstimate(
        n_total=n_total,
        n_screened=int(y.size),
        n_relevant=int(y.sum()),
        recall_target=recall_target,
        alpha=alpha,
        method=method,
        sample_start=sample_start,
        p_value=p,
        recall_estimate=est,
        recall_lower_bound=low,
    )
