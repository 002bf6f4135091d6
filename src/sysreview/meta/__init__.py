"""Pooling: tau² estimators, fixed and random effects, MH and Peto, subgroups."""

from sysreview.meta.analysis import meta_analyses, meta_analysis, subgroup_test
from sysreview.meta.batch import Batch
from sysreview.meta.pooling import PooledBatch, pool_batch
from sysreview.meta.result import MetaAnalysis, SubgroupTest
from sysreview.meta.tau2 import ESTIMATORS, Tau2Fit, estimate_tau2

__all__ = [
    "ESTIMATORS",
    "Batch",
    "MetaAnalysis",
    "PooledBatch",
    "SubgroupTest",
    "Tau2Fit",
    "estimate_tau2",
    "meta_analyses",
    "meta_analysis",
    "pool_batch",
    "subgroup_test",
]
