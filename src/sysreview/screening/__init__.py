"""Screening: agreement, active-learning prioritisation, stopping tests and SAFE, simulation.

Examples
--------
>>> from sysreview.screening import agreement
>>> r = agreement(["include", "exclude", "exclude"], ["include", "exclude", "exclude"])
>>> r.percent_agreement, r.kappa, r.ac1
(1.0, 1.0, 1.0)
"""

from typing import TYPE_CHECKING

from sysreview.lazy import lazy_exports

if TYPE_CHECKING:
    from sysreview.screening.interrater import (
        Agreement,
        PairwiseAgreement,
        agreement,
        pairwise_agreement,
    )
    from sysreview.screening.prioritise import MODELS, ModelSpec, Prioritiser, rank
    from sysreview.screening.ranking import Ranking
    from sysreview.screening.safe import SafeCheck, safe_check
    from sysreview.screening.simulation import (
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

_EXPORTS = {
    "Agreement": "sysreview.screening.interrater",
    "PairwiseAgreement": "sysreview.screening.interrater",
    "agreement": "sysreview.screening.interrater",
    "pairwise_agreement": "sysreview.screening.interrater",
    "MODELS": "sysreview.screening.prioritise",
    "ModelSpec": "sysreview.screening.prioritise",
    "Prioritiser": "sysreview.screening.prioritise",
    "Ranking": "sysreview.screening.ranking",
    "rank": "sysreview.screening.prioritise",
    "SafeCheck": "sysreview.screening.safe",
    "safe_check": "sysreview.screening.safe",
    "ScreeningMetrics": "sysreview.screening.simulation",
    "SimulationResult": "sysreview.screening.simulation",
    "metrics": "sysreview.screening.simulation",
    "simulate": "sysreview.screening.simulation",
    "simulate_file": "sysreview.screening.simulation",
    "StopRecord": "sysreview.screening.stop_record",
    "sample_order": "sysreview.screening.stop_record",
    "stop_statement": "sysreview.screening.stop_record",
    "StoppingEstimate": "sysreview.screening.stopping",
    "estimate_stopping": "sysreview.screening.stopping",
    "hypergeometric_p": "sysreview.screening.stopping",
    "random_sampling_p": "sysreview.screening.stopping",
    "recall_bounds": "sysreview.screening.stopping",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

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
