"""Screening: agreement, active-learning prioritisation, stopping tests and SAFE, simulation.

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
from sysreview.screening.prioritise import MODELS, ModelSpec, Prioritiser, Ranking, rank
from sysreview.screening.safe import SafeCheck, safe_check
from sysreview.screening.simulate import (
    ScreeningMetrics,
    SimulationResult,
    metrics,
    simulate,
    simulate_file,
)
from sysreview.screening.stop_record import StopRecord, sample_order, stop_statement
from sysreview.screening.stopping import (
    StoppingEstimate,
    estimate_stopping,
    hypergeometric_p,
    random_sampling_p,
    recall_bounds,
)

__all__ = [
    "MODELS",
    "Agreement",
    "ModelSpec",
    "PairwiseAgreement",
    "Prioritiser",
    "Ranking",
    "SafeCheck",
    "ScreeningMetrics",
    "SimulationResult",
    "StopRecord",
    "StoppingEstimate",
    "agreement",
    "estimate_stopping",
    "hypergeometric_p",
    "metrics",
    "pairwise_agreement",
    "random_sampling_p",
    "rank",
    "recall_bounds",
    "safe_check",
    "sample_order",
    "simulate",
    "simulate_file",
    "stop_statement",
]
