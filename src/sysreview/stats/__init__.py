"""Distribution functions of the statistics core (:mod:`scipy.special`, named for use)."""

from sysreview.stats.distributions import (
    chi2_quantile,
    chi2_sf,
    f_sf,
    normal_cdf,
    normal_quantile,
    normal_two_sided_p,
    t_quantile,
    t_two_sided_p,
    z_critical,
)

__all__ = [
    "chi2_quantile",
    "chi2_sf",
    "f_sf",
    "normal_cdf",
    "normal_quantile",
    "normal_two_sided_p",
    "t_quantile",
    "t_two_sided_p",
    "z_critical",
]
