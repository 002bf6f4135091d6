"""A recorded stopping decision and the sentence the report states about it (pure).

Stopping prioritised screening is the team's decision, never the software's: nothing is
excluded automatically. When a team stops, the evidence shown at that moment (method,
records screened, relevant found, estimated recall and its lower bound, the test's p) is
recorded with who decided and when, and the methods section reports it (PRISMA 2020 item
8: "details of automation tools used in the process").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

__all__ = ["StopRecord", "sample_order", "stop_statement"]

_STAGE_NAMES = {"ta": "Title/abstract", "ft": "Full-text"}


@dataclass(frozen=True)
class StopRecord:
    """One entry of the stopping log.

    Attributes
    ----------
    stage
        ``ta`` or ``ft``.
    kind
        ``sample`` (a random sample of the records left was begun), ``stop`` or ``resume``.
    who, at
        Who recorded it, and when (UTC).
    method
        The stopping aid's test (``random sampling`` or ``ranked quasi-sampling``).
    n_total, n_screened, n_relevant
        Records at the stage, screened, and found relevant at that moment.
    recall_target, alpha, p_value, recall_estimate, recall_lower_bound
        The aid's numbers at that moment.
    sample_start, sample_seed
        Records screened before the random sample began, and the seed of its order.
    evidence
        The aid's text as shown.
    note
        The team's comment.
    """

    stage: str
    kind: str
    who: str
    at: datetime
    method: str
    n_total: int
    n_screened: int
    n_relevant: int
    recall_target: float
    alpha: float
    p_value: float | None
    recall_estimate: float | None
    recall_lower_bound: float | None
    sample_start: int | None
    sample_seed: int | None
    evidence: str
    note: str | None = None

    @property
    def records_left(self) -> int:
        """Records left unscreened when this was recorded."""
        return self.n_total - self.n_screened


def stop_statement(record: StopRecord) -> str:
    """The methods-section sentence for a recorded stop.

    Examples
    --------
    >>> from datetime import UTC
    >>> r = StopRecord("ta", "stop", "R1", datetime(2026, 12, 6, tzinfo=UTC),
    ...     "random sampling", 1630, 1187, 9, 0.95, 0.05, 0.031, 1.0, 0.951, 812, 7, "...")
    >>> print(stop_statement(r))
    Title/abstract screening in prioritised order (active learning) was stopped on 2026-12-06 by R1 after 1187 of 1630 records (72.8%) had been screened, 9 of them relevant. At that point the stopping aid (Callaghan & Müller-Hansen 2020, test on a random sample of 375 of the 818 records left after 812 prioritised) estimated recall at 100.0%, at least 95.1% with 95% confidence (p = 0.031 for recall below 95%). The 443 records not screened were not excluded by any rule: they were left unscreened by the team's decision.
    """  # noqa: E501
    stage = _STAGE_NAMES.get(record.stage, record.stage)
    share = record.n_screened / record.n_total if record.n_total else 0.0
    text = (
        f"{stage} screening in prioritised order (active learning) was stopped on "
        f"{record.at:%Y-%m-%d} by {record.who} after {record.n_screened} of "
        f"{record.n_total} records ({share:.1%}) had been screened, {record.n_relevant} of "
        "them relevant."
    )
    if record.method == "random sampling" and record.sample_start is not None:
        sampled = record.n_screened - record.sample_start
        basis = (
            f"test on a random sample of {sampled} of the "
            f"{record.n_total - record.sample_start} records left after "
            f"{record.sample_start} prioritised"
        )
    else:
        basis = "ranked quasi-sampling test, which assumes the ranking put relevant records first"
    if record.recall_estimate is not None and record.recall_lower_bound is not None:
        p = "" if record.p_value is None else f" (p = {record.p_value:.3g} for recall below "
        p += "" if record.p_value is None else f"{record.recall_target:.0%})"
        text += (
            f" At that point the stopping aid (Callaghan & Müller-Hansen 2020, {basis}) "
            f"estimated recall at {record.recall_estimate:.1%}, at least "
            f"{record.recall_lower_bound:.1%} with {1 - record.alpha:.0%} confidence{p}."
        )
    text += (
        f" The {record.records_left} records not screened were not excluded by any rule: "
        "they were left unscreened by the team's decision."
    )
    return text


def sample_order(record_ids: list[int] | tuple[int, ...], seed: int) -> tuple[int, ...]:
    """The order in which to screen a random sample of the records left (reproducible).

    A permutation of ``sorted(record_ids)`` drawn with ``numpy.random.default_rng(seed)``;
    screening the records in this order makes every prefix a simple random sample, as
    the random-sampling test needs.

    Examples
    --------
    >>> sample_order([5, 3, 9, 1], seed=0) == sample_order([1, 3, 5, 9], seed=0)
    True
    >>> sorted(sample_order([5, 3, 9, 1], seed=0))
    [1, 3, 5, 9]
    """
    ids = np.asarray(sorted(record_ids), dtype=np.int64)
    return tuple(int(i) for i in np.random.default_rng(seed).permutation(ids))
