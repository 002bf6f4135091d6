"""Screening: agreement between reviewers on title/abstract and full-text decisions.

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

__all__ = ["Agreement", "PairwiseAgreement", "agreement", "pairwise_agreement"]
