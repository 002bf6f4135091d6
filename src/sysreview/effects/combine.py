"""Combining two or more arms into one group (Cochrane Handbook v6.4, Table 6.5.a).

The seed review combines treatment-as-usual and active control arms of multi-arm
trials into one control group with these formulas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from sysreview.effects.arrays import (
    FloatArray,
    FloatOrArray,
    as_array,
    as_result,
    check_n,
    freeze_fields,
    reject,
)
from sysreview.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CombinedEvents", "CombinedGroup", "combine_events", "combine_groups"]


@dataclass(frozen=True, eq=False)
class CombinedGroup:
    """Several arms combined into one group (Handbook Table 6.5.a).

    Fields are floats when each arm was given as a scalar, arrays (one element per
    study) when each arm was given as an array.
    """

    n: FloatOrArray
    mean: FloatOrArray
    sd: FloatOrArray

    def __post_init__(self) -> None:
        freeze_fields(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per combined group: ``n``, ``mean``, ``sd`` (unrounded)."""
        import pandas as pd

        cols = {k: np.ravel(getattr(self, k)) for k in ("n", "mean", "sd")}
        return pd.DataFrame(cols)

    def summary(self) -> str:
        """The combined group as text, one line per group."""
        rows = self.to_frame().itertuples(index=False)
        return "\n".join(f"N = {r.n:g}, mean = {r.mean:.4g}, SD = {r.sd:.4g}" for r in rows)


@dataclass(frozen=True, eq=False)
class CombinedEvents:
    """Dichotomous arms combined into one group: total events and participants."""

    events: FloatOrArray
    n: FloatOrArray

    def __post_init__(self) -> None:
        freeze_fields(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per combined group: ``events``, ``n``."""
        import pandas as pd

        return pd.DataFrame({"events": np.ravel(self.events), "n": np.ravel(self.n)})

    def summary(self) -> str:
        """The combined group as text, one line per group."""
        rows = self.to_frame().itertuples(index=False)
        return "\n".join(f"{r.events:g}/{r.n:g} events" for r in rows)


def _arms(values: ArrayLike, name: str) -> FloatArray:
    arr = as_array(values, name)
    if arr.ndim == 0 or arr.shape[0] == 0:
        raise InputError(f"{name} must be a sequence with one value per arm", column=name)
    return arr


def combine_groups(
    n: ArrayLike,
    mean: ArrayLike,
    sd: ArrayLike,
) -> CombinedGroup:
    """Combine the arms of a continuous outcome into a single group.

    Parameters
    ----------
    n, mean, sd
        Per-arm sample sizes (>= 2), means and SDs (>= 0), one entry per arm along
        the first axis. An entry may itself be an array (one value per study) to
        combine many studies at once.

    Returns
    -------
    CombinedGroup
        Total ``n``, the pooled mean and the SD of the combined group.

    Raises
    ------
    InputError
        If no arm is given, the lengths differ, an ``n`` < 2 or an SD < 0.

    Notes
    -----
    Handbook Table 6.5.a (v5.1 Table 7.7.a) combines two groups:
    ``N = N1 + N2``, ``M = (N1 M1 + N2 M2) / N`` and
    ``SD = sqrt(((N1-1) SD1^2 + (N2-1) SD2^2 + N1 N2 / N (M1 - M2)^2) / (N - 1))``,
    applied repeatedly for more arms. Repeated application equals the one-step
    decomposition of the total sum of squares,
    ``SD^2 = (sum (Ni-1) SDi^2 + sum Ni (Mi - M)^2) / (N - 1)``, which is computed
    here; it is exactly what pooling the raw data would give (sample SD, ``ddof=1``)
    and does not depend on the order of the arms.

    Examples
    --------
    >>> g = combine_groups([10, 20, 15], [11.8, 15.3, 8.4], [2.4, 3.2, 4.1])
    >>> g.n, round(g.mean, 4), round(g.sd, 4)
    (45.0, 12.2222, 4.5028)
    """
    ns, ms, ss = _arms(n, "n"), _arms(mean, "mean"), _arms(sd, "sd")
    if not ns.shape[0] == ms.shape[0] == ss.shape[0]:
        raise InputError(
            f"n, mean and sd must have one entry per arm; got {ns.shape[0]}, "
            f"{ms.shape[0]} and {ss.shape[0]}"
        )
    ns, ms, ss = np.broadcast_arrays(ns, ms, ss)
    check_n(ns)
    reject(ss < 0, "sd must not be negative", sd=ss)
    total = ns.sum(axis=0)
    pooled = (ns * ms).sum(axis=0) / total
    ss_within = ((ns - 1) * ss**2).sum(axis=0)
    ss_between = (ns * (ms - pooled) ** 2).sum(axis=0)
    sd_out = np.sqrt((ss_within + ss_between) / (total - 1))
    return CombinedGroup(n=as_result(total), mean=as_result(pooled), sd=as_result(sd_out))


def combine_events(events: ArrayLike, n: ArrayLike) -> CombinedEvents:
    """Combine the arms of a dichotomous outcome into a single group.

    Parameters
    ----------
    events, n
        Per-arm event counts and sample sizes, one entry per arm along the first
        axis; ``0 <= events <= n`` and ``n >= 1``.

    Returns
    -------
    CombinedEvents
        Total events and total participants.

    Raises
    ------
    InputError
        If no arm is given, the lengths differ, or a count is impossible.

    Notes
    -----
    Handbook chapter 23, multi-arm studies, "How to include multiple groups from
    one study" (v5.1 section 16.5.4): to combine arms of a dichotomous outcome, add
    the numbers of events and the sample sizes (Table 6.5.a does the same for
    continuous outcomes, see :func:`combine_groups`).

    Examples
    --------
    >>> combine_events([12, 8], [50, 48])
    CombinedEvents(events=20.0, n=98.0)
    """
    es, ns = _arms(events, "events"), _arms(n, "n")
    if es.shape[0] != ns.shape[0]:
        raise InputError(
            f"events and n must have one entry per arm; got {es.shape[0]} and {ns.shape[0]}"
        )
    es, ns = np.broadcast_arrays(es, ns)
    reject(ns < 1, "n must be at least 1", n=ns)
    reject((es < 0) | (es > ns), "events must be between 0 and n", events=es, n=ns)
    return CombinedEvents(events=as_result(es.sum(axis=0)), n=as_result(ns.sum(axis=0)))
