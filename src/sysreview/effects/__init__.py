"""Per-study effect sizes and conversions.

Measures (:mod:`sysreview.effects.registry`): MD, SMD, SMDH, ROM (means); RR, OR, RD,
Peto OR (2x2 tables); IRR (rates); PR, PLO, PFT (proportions); ZCOR (correlations);
generic estimates. :func:`escalc` computes any of them from a table, with metafor's
argument names.
"""

from sysreview.effects.base import EffectSizes, TwoByTwo
from sysreview.effects.combine import CombinedEvents, CombinedGroup, combine_events, combine_groups
from sysreview.effects.continuous import (
    hedges_correction,
    mean_difference,
    ratio_of_means,
    smd_heteroscedastic,
    standardized_mean_difference,
)
from sysreview.effects.conversions import (
    change_sd,
    imputed_correlation,
    sd_from_ci,
    sd_from_p,
    sd_from_se,
    sd_from_t,
    se_from_ci,
    se_from_sd,
)
from sysreview.effects.dichotomous import dichotomous_effects
from sysreview.effects.escalc import escalc
from sysreview.effects.generic import generic_effects
from sysreview.effects.one_group import (
    fisher_z,
    freeman_tukey_proportion,
    logit_proportion,
    proportion,
)
from sysreview.effects.rates import incidence_rate_ratio
from sysreview.effects.registry import FAMILIES, MEASURES, Family, MeasureSpec, compute_effects
from sysreview.effects.skewed import MeanSD, mean_sd_from_median
from sysreview.effects.transforms import Transform

__all__ = [
    "FAMILIES",
    "MEASURES",
    "CombinedEvents",
    "CombinedGroup",
    "EffectSizes",
    "Family",
    "MeanSD",
    "MeasureSpec",
    "Transform",
    "TwoByTwo",
    "change_sd",
    "combine_events",
    "combine_groups",
    "compute_effects",
    "dichotomous_effects",
    "escalc",
    "fisher_z",
    "freeman_tukey_proportion",
    "generic_effects",
    "hedges_correction",
    "imputed_correlation",
    "incidence_rate_ratio",
    "logit_proportion",
    "mean_difference",
    "mean_sd_from_median",
    "proportion",
    "ratio_of_means",
    "sd_from_ci",
    "sd_from_p",
    "sd_from_se",
    "sd_from_t",
    "se_from_ci",
    "se_from_sd",
    "smd_heteroscedastic",
    "standardized_mean_difference",
]
