"""sysreview: Cochrane-style systematic reviews of randomised trials, end to end.

The statistics core (:mod:`sysreview.effects`, :mod:`sysreview.meta`) reproduces
RevMan 5 by default and R's metafor on request.
"""

from importlib import metadata as _metadata

from sysreview.errors import (
    ConvergenceError,
    InputError,
    NotEstimableError,
    StoreError,
    SysreviewError,
    TooFewStudiesError,
)

try:  # one version, the installed distribution's (pyproject.toml)
    __version__ = _metadata.version("sysreview")
except _metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
    __version__ = "0+unknown"

__all__ = [
    "ConvergenceError",
    "InputError",
    "NotEstimableError",
    "StoreError",
    "SysreviewError",
    "TooFewStudiesError",
    "__version__",
]
