"""Pooling: tau² estimators, fixed and random effects, MH and Peto, and more.

Subgroups, sensitivity analyses, meta-regression, influence diagnostics and tests for
small-study effects too.
"""

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
from sysreview.meta.design import Design, design_matrix
from sysreview.meta.influence import Influence, influence
from sysreview.meta.metareg import meta_regression
from sysreview.meta.metareg_result import MetaRegression, Prediction
from sysreview.meta.pooling import PooledBatch, pool_batch
from sysreview.meta.regression import RegressionFit, regression_fit
from sysreview.meta.result import MetaAnalysis, SubgroupTest
from sysreview.meta.sensitivity import Cumulative, LeaveOneOut, cumulative, leave_one_out
from sysreview.meta.tau2 import ESTIMATORS, Tau2Fit, estimate_tau2
from sysreview.meta.trimfill import TrimAndFill, trim_and_fill

__all__ = [
    "ESTIMATORS",
    "Batch",
    "Cumulative",
    "Design",
    "Influence",
    "LeaveOneOut",
    "MetaAnalysis",
    "MetaRegression",
    "PooledBatch",
    "Prediction",
    "RegressionFit",
    "SmallStudyTest",
    "SubgroupTest",
    "Tau2Fit",
    "TrimAndFill",
    "begg_test",
    "cumulative",
    "design_matrix",
    "egger_test",
    "estimate_tau2",
    "harbord_test",
    "influence",
    "leave_one_out",
    "meta_analyses",
    "meta_analysis",
    "meta_regression",
    "peters_test",
    "pool_batch",
    "regression_fit",
    "regression_test",
    "subgroup_test",
    "trim_and_fill",
]
