"""sysreview: Cochrane-style systematic reviews of randomised trials, end to end.

The statistics core (:mod:`sysreview.effects`, :mod:`sysreview.meta`) reproduces
RevMan 5 by default and R's metafor on request. From a notebook, in metafor's words:

>>> import sysreview as sr
>>> dat = sr.datasets.bcg()
>>> es = sr.escalc("RR", data=dat, ai="tpos", bi="tneg", ci="cpos", di="cneg",
...                slab="author")
>>> res = sr.meta_analysis(es, tau2_method="REML")
>>> res
<MetaAnalysis k=13 IV random REML RR=0.49 [0.34, 0.70]>
>>> reg = sr.meta_regression(es, "~ ablat", data=dat)
>>> round(float(reg.coef[1]), 4), round(reg.r2, 2)
(-0.0291, 75.63)

A table of many analyses (a DataFrame, CSV or RevMan file) is pooled in one call, as
``sysreview pool`` does: ``sr.pool_table(frame, by="outcome")``.

The names here are imported on first use, so ``import sysreview`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from sysreview.errors import (
    ConvergenceError,
    InputError,
    NotEstimableError,
    StoreError,
    SysreviewError,
    TooFewStudiesError,
)
from sysreview.lazy import lazy_exports


def _version() -> str:
    """One version, the installed distribution's (pyproject.toml), read on first use."""
    from importlib import metadata as _metadata

    try:
        return _metadata.version("sysreview")
    except _metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0+unknown"


if TYPE_CHECKING:
    __version__: str
    from sysreview import datasets
    from sysreview.effects import EffectSizes, escalc
    from sysreview.meta import (
        Influence,
        MetaAnalysis,
        MetaRegression,
        cumulative,
        influence,
        leave_one_out,
        meta_analysis,
        meta_regression,
    )
    from sysreview.plots import bubble_plot, forest_plot, funnel_plot
    from sysreview.pooled_table import PooledTable, pool_table

_LAZY = {
    "EffectSizes": "sysreview.effects",
    "escalc": "sysreview.effects",
    "Influence": "sysreview.meta",
    "MetaAnalysis": "sysreview.meta",
    "MetaRegression": "sysreview.meta",
    "cumulative": "sysreview.meta",
    "influence": "sysreview.meta",
    "leave_one_out": "sysreview.meta",
    "meta_analysis": "sysreview.meta",
    "meta_regression": "sysreview.meta",
    "bubble_plot": "sysreview.plots",
    "forest_plot": "sysreview.plots",
    "funnel_plot": "sysreview.plots",
    "PooledTable": "sysreview.pooled_table",
    "pool_table": "sysreview.pooled_table",
}
"""Public name -> the module it lives in (imported on first access, PEP 562)."""


_lazy_name, _ = lazy_exports(__name__, _LAZY, globals())


def __getattr__(name: str) -> Any:
    """The version, the datasets module, or a name of :data:`_LAZY`, read on first use."""
    if name == "__version__":
        globals()[name] = version = _version()
        return version
    if name == "datasets":
        return import_module("sysreview.datasets")
    return _lazy_name(name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "ConvergenceError",
    "EffectSizes",
    "Influence",
    "InputError",
    "MetaAnalysis",
    "MetaRegression",
    "NotEstimableError",
    "PooledTable",
    "StoreError",
    "SysreviewError",
    "TooFewStudiesError",
    "__version__",
    "bubble_plot",
    "cumulative",
    "datasets",
    "escalc",
    "forest_plot",
    "funnel_plot",
    "influence",
    "leave_one_out",
    "meta_analysis",
    "meta_regression",
    "pool_table",
]
