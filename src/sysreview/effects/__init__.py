"""Per-study effect sizes (MD, SMD, RR, OR, RD, Peto OR, generic) and conversions."""

from sysreview.effects.base import EffectSizes, TwoByTwo
from sysreview.effects.continuous import (
    hedges_correction,
    mean_difference,
    standardized_mean_difference,
)
from sysreview.effects.dichotomous import dichotomous_effects
from sysreview.effects.generic import generic_effects

__all__ = [
    "EffectSizes",
    "TwoByTwo",
    "dichotomous_effects",
    "generic_effects",
    "hedges_correction",
    "mean_difference",
    "standardized_mean_difference",
]
