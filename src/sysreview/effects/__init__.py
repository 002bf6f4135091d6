"""Per-study effect sizes (MD, SMD, RR, OR, RD, Peto OR, generic) and conversions."""

from sysreview.effects.base import EffectSizes, TwoByTwo
from sysreview.effects.combine import CombinedEvents, CombinedGroup, combine_events, combine_groups
from sysreview.effects.continuous import (
    hedges_correction,
    mean_difference,
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
from sysreview.effects.generic import generic_effects
from sysreview.effects.skewed import MeanSD, mean_sd_from_median

__all__ = [
    "CombinedEvents",
    "CombinedGroup",
    "EffectSizes",
    "MeanSD",
    "TwoByTwo",
    "change_sd",
    "combine_events",
    "combine_groups",
    "dichotomous_effects",
    "generic_effects",
    "hedges_correction",
    "imputed_correlation",
    "mean_difference",
    "mean_sd_from_median",
    "sd_from_ci",
    "sd_from_p",
    "sd_from_se",
    "sd_from_t",
    "se_from_ci",
    "se_from_sd",
    "standardized_mean_difference",
]
