"""The per-study effect sizes every analysis starts from.

:class:`EffectSizes` holds, for each study, the effect estimate ``yi`` and its
sampling variance ``vi`` (metafor's vocabulary), on the log scale for ratio
measures, together with the reason why a study is not estimable (``None`` where it
is). Not-estimable studies are kept, with ``yi`` and ``vi`` set to NaN, so reports
can list them; they are never dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sysreview.effects.transforms import (
    TRANSFORM_OF,
    Transform,
    back_transform,
    harmonic_mean,
)
from sysreview.errors import InputError
from sysreview.stats import z_critical
from sysreview.vocab import Convention, Measure

if TYPE_CHECKING:
    import pandas as pd

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def as_float_array(values: ArrayLike, name: str) -> FloatArray:
    """Return ``values`` as a 1-d float array (``None`` becomes NaN).

    Raises
    ------
    InputError
        If a value cannot be read as a number.
    """
    try:
        return np.array(values, dtype=float, ndmin=1).ravel()
    except (TypeError, ValueError):
        pass
    try:
        return np.array(
            [np.nan if v is None else v for v in np.atleast_1d(np.asarray(values, dtype=object))],
            dtype=float,
        )
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric ({exc})", column=name) from exc


def frozen(arr: NDArray[Any]) -> NDArray[Any]:
    """Make ``arr`` read-only (result objects are immutable) and return it."""
    arr.setflags(write=False)
    return arr


def study_labels(studies: Sequence[str] | None, k: int) -> tuple[str, ...]:
    """Study labels, defaulting to ``Study 1 … Study k``; checks the length."""
    if studies is None:
        return tuple(f"Study {i + 1}" for i in range(k))
    labels = tuple(str(s) for s in studies)
    if len(labels) != k:
        raise InputError(f"{len(labels)} study labels given for {k} studies", column="study")
    return labels


@dataclass(frozen=True, eq=False)
class TwoByTwo:
    """Raw 2x2 tables, one per study (experimental arm first).

    ``ai``/``n1i`` are events/participants in the experimental group, ``ci``/``n2i``
    in the control group; ``bi = n1i - ai`` and ``di = n2i - ci``.
    """

    ai: FloatArray
    n1i: FloatArray
    ci: FloatArray
    n2i: FloatArray

    @property
    def bi(self) -> FloatArray:
        """Non-events in the experimental group."""
        return self.n1i - self.ai

    @property
    def di(self) -> FloatArray:
        """Non-events in the control group."""
        return self.n2i - self.ci

    def subset(self, index: NDArray[Any]) -> TwoByTwo:
        """The tables of the studies selected by a boolean or integer ``index``."""
        return TwoByTwo(self.ai[index], self.n1i[index], self.ci[index], self.n2i[index])


@dataclass(frozen=True, eq=False)
class EffectSizes:
    """Per-study effect sizes ``yi`` with sampling variances ``vi``.

    Attributes
    ----------
    measure
        The effect measure (:class:`~sysreview.vocab.Measure`).
    convention
        Whose rules computed the values (RevMan's or metafor's).
    studies
        Study labels.
    yi, vi
        Estimates and variances; log scale when ``log_scale``; NaN where not estimable.
    reasons
        Why each study is not estimable (``None`` where it is).
    log_scale
        Whether ``yi`` is a log ratio (results are back-transformed by exponentiation).
    tables
        Raw 2x2 tables for dichotomous measures (needed by Mantel-Haenszel and Peto).
    n1i, n2i
        Participants per group where known (NaN otherwise); for one-group measures
        (proportions, correlations) ``n1i`` is the sample size and ``n2i`` NaN.
    """

    measure: Measure
    convention: Convention
    studies: tuple[str, ...]
    yi: FloatArray
    vi: FloatArray
    reasons: tuple[str | None, ...]
    log_scale: bool = False
    tables: TwoByTwo | None = None
    n1i: FloatArray = field(default_factory=lambda: np.empty(0))
    n2i: FloatArray = field(default_factory=lambda: np.empty(0))

    def __post_init__(self) -> None:
        k = len(self.studies)
        if self.yi.shape != (k,) or self.vi.shape != (k,) or len(self.reasons) != k:
            raise ValueError("studies, yi, vi and reasons must have the same length")
        for name in ("n1i", "n2i"):
            if getattr(self, name).shape != (k,):
                object.__setattr__(self, name, np.full(k, np.nan))
        for name in ("yi", "vi", "n1i", "n2i"):
            frozen(getattr(self, name))

    @property
    def k(self) -> int:
        """Number of studies, estimable or not."""
        return len(self.studies)

    @cached_property
    def estimable(self) -> BoolArray:
        """Which studies have an estimate (read-only)."""
        return frozen(np.array([r is None for r in self.reasons], dtype=bool))

    @property
    def sei(self) -> FloatArray:
        """Standard errors, ``sqrt(vi)``."""
        return np.sqrt(self.vi)

    @property
    def transform(self) -> Transform:
        """The back-transformation to the reading scale (:mod:`sysreview.effects.transforms`)."""
        if self.measure is Measure.GIV:
            return Transform.EXP if self.log_scale else Transform.IDENTITY
        return TRANSFORM_OF[self.measure]

    def back_transform(self, values: Any, n: Any = None) -> Any:
        """``values`` on the reading scale (ratios, proportions, correlations).

        For the Freeman-Tukey measure (PFT) ``n`` is the sample size; by default the
        harmonic mean of the estimable studies' sizes, as for a pooled estimate
        (metafor ``transf.ipft.hm``).
        """
        if self.transform is Transform.IPFT and n is None:
            n = harmonic_mean(self.n1i[self.estimable])
        return back_transform(self.transform, values, n)

    def ci(self, level: float = 95.0) -> tuple[FloatArray, FloatArray]:
        """Per-study Wald confidence limits on the analysis (log) scale."""
        crit = z_critical(level)
        return self.yi - crit * self.sei, self.yi + crit * self.sei

    def reading(self, level: float = 95.0) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Per-study estimate and confidence limits on the reading scale.

        Each study is back-transformed with its own sample size where the
        transformation needs one (PFT: Miller 1978).
        """
        low, high = self.ci(level)
        n = self.n1i if self.transform is Transform.IPFT else None
        est, lo, hi = (
            np.asarray(self.back_transform(v, n), dtype=float) for v in (self.yi, low, high)
        )
        return est, lo, hi

    def subset(self, mask: ArrayLike) -> EffectSizes:
        """The effect sizes of the studies selected by a boolean or index ``mask``."""
        idx = np.arange(self.k)[np.asarray(mask)]
        return replace(
            self,
            studies=tuple(self.studies[i] for i in idx),
            yi=self.yi[idx].copy(),
            vi=self.vi[idx].copy(),
            reasons=tuple(self.reasons[i] for i in idx),
            tables=None if self.tables is None else self.tables.subset(idx),
            n1i=self.n1i[idx].copy(),
            n2i=self.n2i[idx].copy(),
        )

    def to_frame(self, level: float = 95.0) -> pd.DataFrame:
        """One row per study, unrounded.

        Columns: ``study, yi, vi, sei`` (analysis scale), ``estimate, ci_low, ci_high``
        (reading scale, Wald limits at ``level``), ``estimable, reason``.
        """
        import pandas as pd

        est, low, high = self.reading(level)
        return pd.DataFrame(
            {
                "study": list(self.studies),
                "yi": self.yi,
                "vi": self.vi,
                "sei": self.sei,
                "estimate": est,
                "ci_low": low,
                "ci_high": high,
                "estimable": self.estimable,
                "reason": list(self.reasons),
            }
        )

    def _heading(self) -> str:
        scale = "" if self.transform is Transform.IDENTITY else f"; read by {self.transform.value}"
        return f"{self.measure.value} ({self.convention.value} convention{scale})"

    def summary(self) -> str:
        """A readable table of the effect sizes on the reading scale (95% CI)."""
        est, low, high = self.reading()
        lines = [self._heading()]
        for i, study in enumerate(self.studies):
            if self.reasons[i] is not None:
                lines.append(f"  {study:<30} not estimable: {self.reasons[i]}")
                continue
            lines.append(f"  {study:<30} {est[i]:9.4f} [{low[i]:9.4f}, {high[i]:9.4f}]")
        return "\n".join(lines)

    def __repr__(self) -> str:
        missing = self.k - int(self.estimable.sum())
        more = f", {missing} not estimable" if missing else ""
        return f"<EffectSizes {self.measure.value} k={self.k}{more} ({self.convention.value})>"

    def _repr_html_(self) -> str:
        from sysreview.effects._html import fmt, table_html

        est, low, high = self.reading()
        rows = []
        for i, study in enumerate(self.studies):
            reason = self.reasons[i]
            cells = [fmt(v) for v in (self.yi[i], self.vi[i], est[i], low[i], high[i])]
            rows.append([study, *cells, "" if reason is None else f"not estimable: {reason}"])
        columns = ["study", "yi", "vi", "estimate", "ci_low", "ci_high", ""]
        return table_html(columns, rows, caption=self._heading())


def finalize(
    measure: Measure,
    convention: Convention,
    studies: tuple[str, ...],
    yi: FloatArray,
    vi: FloatArray,
    reasons: list[str | None],
    **extra: Any,
) -> EffectSizes:
    """Build :class:`EffectSizes`, setting ``yi``/``vi`` to NaN where not estimable."""
    bad = np.array([r is not None for r in reasons], dtype=bool)
    yi = np.where(bad, np.nan, yi)
    vi = np.where(bad, np.nan, vi)
    return EffectSizes(measure, convention, studies, yi, vi, tuple(reasons), **extra)
