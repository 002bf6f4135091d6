"""SDs of changes from baseline, and the baseline-final correlation they imply.

A trial may report its arms' SDs at baseline and at the end but not the SD of the
changes; Cochrane Handbook version 6.4 (2023), section 6.5.2.8 (v5.1 section 16.1.3.2),
imputes it from a correlation taken from studies that report all three SDs. Vectorised
like :mod:`sysreview.effects.conversions`, whose names include these two.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sysreview.effects.arrays import FloatOrArray, as_array, as_result, reject

__all__ = ["change_sd", "imputed_correlation"]


def change_sd(sd_baseline: ArrayLike, sd_final: ArrayLike, correlation: ArrayLike) -> FloatOrArray:
    """SD of changes from baseline from baseline and final SDs and their correlation.

    Parameters
    ----------
    sd_baseline, sd_final
        SDs at baseline and at the final time point (>= 0).
    correlation
        Correlation between baseline and final values, in [-1, 1]; usually
        imputed (see :func:`imputed_correlation`), so vary it in a sensitivity
        analysis.

    Returns
    -------
    float or numpy.ndarray
        ``sqrt(sd_b^2 + sd_f^2 - 2 r sd_b sd_f)``.

    Raises
    ------
    InputError
        If an SD is negative or the correlation is outside [-1, 1].

    Notes
    -----
    Handbook section 6.5.2.8 (v5.1 section 16.1.3.2), imputing SDs for changes from
    baseline: ``SD_change = sqrt(SD_b^2 + SD_f^2 - 2 Corr SD_b SD_f)``, the variance
    of a difference of two correlated variables.

    Examples
    --------
    >>> round(change_sd(9.0, 11.0, 0.5), 4)
    10.1489
    """
    sb, sf = as_array(sd_baseline, "sd_baseline"), as_array(sd_final, "sd_final")
    r = as_array(correlation, "correlation")
    reject(sb < 0, "sd_baseline must not be negative", sd_baseline=sb)
    reject(sf < 0, "sd_final must not be negative", sd_final=sf)
    reject((r < -1) | (r > 1), "correlation must be between -1 and 1", correlation=r)
    var = sb**2 + sf**2 - 2 * r * sb * sf
    return as_result(np.sqrt(np.maximum(var, 0.0)))


def imputed_correlation(
    sd_baseline: ArrayLike, sd_final: ArrayLike, sd_change: ArrayLike
) -> FloatOrArray:
    """Correlation between baseline and final values implied by three SDs.

    Parameters
    ----------
    sd_baseline, sd_final
        SDs at baseline and final time point (> 0).
    sd_change
        SD of the changes from baseline (>= 0), e.g. from a study that reports all
        three.

    Returns
    -------
    float or numpy.ndarray
        ``(sd_b^2 + sd_f^2 - sd_change^2) / (2 sd_b sd_f)``.

    Raises
    ------
    InputError
        If an SD is not positive, or the three SDs are inconsistent: a correlation
        exists only if ``|sd_b - sd_f| <= sd_change <= sd_b + sd_f``.

    Notes
    -----
    Handbook section 6.5.2.8 (v5.1 section 16.1.3.2):
    ``Corr = (SD_b^2 + SD_f^2 - SD_change^2) / (2 SD_b SD_f)``, the inverse of
    :func:`change_sd`; the Handbook suggests computing it from studies reporting all
    three SDs and imputing it into those that do not.

    Examples
    --------
    >>> round(imputed_correlation(9.0, 11.0, 8.0), 3)
    0.697
    """
    sb, sf = as_array(sd_baseline, "sd_baseline"), as_array(sd_final, "sd_final")
    sc = as_array(sd_change, "sd_change")
    reject(sb <= 0, "sd_baseline must be greater than 0", sd_baseline=sb)
    reject(sf <= 0, "sd_final must be greater than 0", sd_final=sf)
    reject(sc < 0, "sd_change must not be negative", sd_change=sc)
    r = (sb**2 + sf**2 - sc**2) / (2 * sb * sf)
    # 1e-12 slack: sd_change from change_sd(r = +-1) may round just past the bound.
    reject(
        np.abs(r) > 1 + 1e-12,
        "inconsistent SDs: sd_change must lie between |sd_baseline - sd_final| and "
        "sd_baseline + sd_final",
        sd_baseline=sb,
        sd_final=sf,
        sd_change=sc,
    )
    return as_result(np.clip(r, -1.0, 1.0))
