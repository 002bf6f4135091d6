"""Small numerical helpers shared by the statistics core (distributions, weighted sums)."""

from sysreview.stats.distributions import (
    chi2_quantile,
    chi2_sf,
    normal_quantile,
    normal_two_sided_p,
    t_quantile,
    t_two_sided_p,
    z_critical,
)

__all__ = [
    "chi2_quantile",
    "chi2_sf",
    "normal_quantile",
    "normal_two_sided_p",
    "t_quantile",
    "t_two_sided_p",
    "z_critical",
]
