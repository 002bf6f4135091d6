"""sysreview: Cochrane-style systematic reviews of randomised trials, end to end.

The statistics core (:mod:`sysreview.effects`, :mod:`sysreview.meta`) reproduces
RevMan 5 by default and R's metafor on request.
"""

from sysreview.errors import (
    ConvergenceError,
    InputError,
    NotEstimableError,
    StoreError,
    SysreviewError,
    TooFewStudiesError,
)

__version__ = "0.1.0"

__all__ = [
    "ConvergenceError",
    "InputError",
    "NotEstimableError",
    "StoreError",
    "SysreviewError",
    "TooFewStudiesError",
    "__version__",
]
