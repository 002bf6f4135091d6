"""Analysis-ready comparisons and exclusions: what the synthesis pools.

:class:`Comparison` is one study's intervention-vs-control numbers for an outcome domain at
a timepoint (means aligned to the protocol's benefit sign, or counts); :class:`Exclusion` a
study left out of a domain, and why; :class:`AnalysisReady` all comparisons of a review
under one multi-arm rule, with the exclusions. They are built by
:func:`~sysreview.extraction.analysis_ready.analysis_ready` (the protocol's rules) and read
by :mod:`sysreview.synthesis`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from sysreview.extraction.dataset import Scalar
from sysreview.protocol.analysis import MultiArm

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AnalysisReady", "Comparison", "Exclusion", "ReportedMean"]


@dataclass(frozen=True)
class Comparison:
    """One study's intervention-vs-control numbers for a domain at a timepoint.

    Continuous comparisons fill ``mean_*``, ``sd_*`` and ``n_*``; dichotomous ones
    ``events_*`` and ``n_*`` (``e`` = intervention, ``c`` = control). Means are aligned
    (see ``flipped``); ``higher_is_better`` is the instrument's own direction (``None``
    when the protocol does not declare the instrument, allowed for counts only).
    """

    study_id: str
    domain: str
    timepoint: str
    weeks_after_end: float
    measure: str
    higher_is_better: bool | None
    flipped: bool
    intervention_arms: tuple[str, ...]
    control_arms: tuple[str, ...]
    comparator: str
    n_e: float
    n_c: float
    mean_e: float | None = None
    sd_e: float | None = None
    mean_c: float | None = None
    sd_c: float | None = None
    events_e: float | None = None
    events_c: float | None = None
    reported_p: float | None = None
    flags: tuple[str, ...] = ()
    attributes: Mapping[str, Scalar] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))

    @property
    def is_dichotomous(self) -> bool:
        """Whether the comparison holds events rather than means."""
        return self.events_e is not None

    @property
    def participants(self) -> float:
        """Participants analysed in both groups."""
        return self.n_e + self.n_c

    def row(self) -> dict[str, object]:
        """A flat record: keys, numbers and arms (for :meth:`AnalysisReady.to_frame`)."""
        return {
            "study": self.study_id,
            "domain": self.domain,
            "timepoint": self.timepoint,
            "weeks_after_end": self.weeks_after_end,
            "measure": self.measure,
            "higher_is_better": self.higher_is_better,
            "flipped": self.flipped,
            "comparator": self.comparator,
            "intervention_arms": " + ".join(self.intervention_arms),
            "control_arms": " + ".join(self.control_arms),
            "mean_e": self.mean_e,
            "sd_e": self.sd_e,
            "n_e": self.n_e,
            "mean_c": self.mean_c,
            "sd_c": self.sd_c,
            "n_c": self.n_c,
            "events_e": self.events_e,
            "events_c": self.events_c,
        }


@dataclass(frozen=True)
class ReportedMean:
    """One arm's mean as the report gave it (instrument's own direction), for narratives."""

    arm: str
    arm_type: str
    mean: float
    n: int | None = None
    sd: float | None = None

    def summary(self) -> str:
        """``"peer group 20.1 (n = 40)"``, with the SD when there is one.

        Examples
        --------
        >>> ReportedMean("peer group", "intervention", 20.1, 40).summary()
        'peer group 20.1 (n = 40)'
        """
        extra = [] if self.sd is None else [f"SD {self.sd:g}"]
        extra += [] if self.n is None else [f"n = {self.n}"]
        return f"{self.arm} {self.mean:g}" + (f" ({', '.join(extra)})" if extra else "")

    def record(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {"arm": self.arm, "arm_type": self.arm_type, "mean": self.mean, "sd": self.sd,
                "n": self.n}  # fmt: skip


@dataclass(frozen=True)
class Exclusion:
    """A study left out of a domain (at a timepoint, when known), and why.

    ``reported`` holds the means the study did report when they could not be used (a mean
    without any measure of spread): *reported, not usable*, narrated by the synthesis.
    """

    study_id: str
    domain: str
    timepoint: str | None
    reason: str
    measure: str | None = None
    reported: tuple[ReportedMean, ...] = ()

    @property
    def not_usable(self) -> bool:
        """Whether the study reported means that could not be pooled."""
        return bool(self.reported)

    def record(self) -> dict[str, object]:
        """A JSON-ready dict: study, reason and, when reported, measure and means."""
        out: dict[str, object] = {"study": self.study_id, "reason": self.reason}
        if self.reported:
            out.update(measure=self.measure, reported=[m.record() for m in self.reported])
        return out

    def __str__(self) -> str:
        at = "" if self.timepoint is None else f" ({self.timepoint.replace('_', ' ')})"
        return f"{self.study_id} excluded from {self.domain}{at}: {self.reason}"


@dataclass(frozen=True)
class AnalysisReady:
    """All comparisons of a review under one multi-arm rule, with the exclusions."""

    comparisons: tuple[Comparison, ...]
    exclusions: tuple[Exclusion, ...]
    multi_arm: MultiArm

    def select(self, domain: str, timepoint: str) -> tuple[Comparison, ...]:
        """The comparisons of one domain at one timepoint, in study order."""
        return tuple(c for c in self.comparisons if c.domain == domain and c.timepoint == timepoint)

    def excluded(self, domain: str, timepoint: str) -> tuple[Exclusion, ...]:
        """Exclusions from a domain at a timepoint (or at every timepoint)."""
        return tuple(
            e for e in self.exclusions if e.domain == domain and e.timepoint in (None, timepoint)
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per comparison (see :meth:`Comparison.row`), unrounded."""
        import pandas as pd

        return pd.DataFrame([c.row() for c in self.comparisons])

    def summary(self) -> str:
        """The rule, the number of comparisons and each exclusion, as text."""
        lines = [
            f"{len(self.comparisons)} comparisons ({self.multi_arm.describe()}); "
            f"{len(self.exclusions)} exclusions"
        ]
        lines += [f"  {e}" for e in self.exclusions]
        return "\n".join(lines)
