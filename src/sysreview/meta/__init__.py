"""Pooling: tau² estimators, fixed and random effects, MH and Peto, subgroups,
sensitivity analyses, meta-regression and tests for small-study effects."""

from sysreview.meta.analysis import meta_analyses, meta_analysis, subgroup_test
from sysreview.meta.batch import Batch
from sysreview.meta.bias import (
    SmallStudyTest,
    begg_test,
    egger_test,
    harbord_test,
    peters_test,
    regression_test,
)
from sysreview.meta.pooling import PooledBatch, pool_batch
from sysreview.meta.regression import RegressionFit, meta_regression
from sysreview.meta.result import MetaAnalysis, SubgroupTest
from sysreview.meta.sensitivity import Cumulative, LeaveOneOut, cumulative, leave_one_out
from sysreview.meta.tau2 import ESTIMATORS, Tau2Fit, estimate_tau2
from sysreview.meta.trimfill import TrimAndFill, trim_and_fill

__all__ = [
    "ESTIMATORS",
    "Batch",
    "Cumulative",
    "LeaveOneOut",
    "MetaAnalysis",
    "PooledBatch",
    "RegressionFit",
    "SmallStudyTest",
    "SubgroupTest",
    "Tau2Fit",
    "TrimAndFill",
    "begg_test",
    "cumulative",
    "egger_test",
    "estimate_tau2",
    "harbord_test",
    "leave_one_out",
    "meta_analyses",
    "meta_analysis",
    "meta_regression",
    "peters_test",
    "pool_batch",
    "regression_test",
    "subgroup_test",
    "trim_and_fill",
]
