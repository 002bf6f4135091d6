"""Screening: reviewer agreement, active-learning prioritisation, stopping aid, simulation.

Examples
--------
>>> from sysreview.screening import agreement
>>> r = agreement(["include", "exclude", "exclude"], ["include", "exclude", "exclude"])
>>> r.percent_agreement, r.kappa, r.ac1
(1.0, 1.0, 1.0)
"""

from sysreview.screening.agreement import (
    Agreement,
    PairwiseAgreement,
    agreement,
    pairwise_agreement,
)
from sysreview.screening.prioritise import Prioritiser, Ranking, rank
from sysreview.screening.simulate import (
    ScreeningMetrics,
    SimulationResult,
    metrics,
    simulate,
    simulate_file,
)
from sysreview.screening.stopping import StoppingEstimate, estimate_stopping

__all__ = [
    "Agreement",
    "PairwiseAgreement",
    "Prioritiser",
    "Ranking",
    "ScreeningMetrics",
    "SimulationResult",
    "StoppingEstimate",
    "agreement",
    "estimate_stopping",
    "metrics",
    "pairwise_agreement",
    "rank",
    "simulate",
    "simulate_file",
]
