"""Extracted review data as plain values: studies, arms and outcome numbers per arm.

This is the hand-over between where data comes from (the project store, an extraction
template, the Metapsy importer, the Python API) and where it goes (analysis-ready
comparisons, the synthesis, the report's study tables). It knows nothing of files or
databases.

Numbers are *as extracted* (already converted to mean/SD when a report gave SE, CI or
median/IQR — ``flags`` says so), in the instrument's own direction; aligning directions
and choosing or combining arms happens later, in :mod:`sysreview.extraction.analysis_ready`.

Examples
--------
>>> study = StudyEntry("Smith 2019", {"year": 2019, "population": "severe"})
>>> arms = (ArmEntry("Smith 2019", "peer group", "intervention", 40),
...         ArmEntry("Smith 2019", "usual care", "TAU", 41))
>>> out = (OutcomeEntry("Smith 2019", "peer group", "hope", "Herth Hope Index", 0.0,
...                     mean=35.1, sd=5.2, n=38),
...        OutcomeEntry("Smith 2019", "usual care", "hope", "Herth Hope Index", 0.0,
...                     mean=33.0, sd=5.9, n=39))
>>> data = ReviewData((study,), arms, out)
>>> [a.arm for a in data.arms_of("Smith 2019")]
['peer group', 'usual care']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sysreview.errors import SysreviewError

Scalar = bool | int | float | str

INTERVENTION = "intervention"
"""The ``arm_type`` of an intervention arm; other arms carry a comparator code."""


class DatasetError(SysreviewError):
    """Extracted data that cannot be used as given, naming the study, arm or row."""


def _frozen_mapping(values: Mapping[str, Scalar]) -> Mapping[str, Scalar]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True)
class StudyEntry:
    """A study: its identifier, filterable attributes and descriptive characteristics.

    ``attributes`` uses the names of :data:`sysreview.protocol.filters.STUDY_ATTRIBUTES`
    (``year``, ``country``, ``population``, ``intervention_structured``, ``overall_rob``,
    ``n_randomised``, ``attrition``, ``duration_weeks``, ...). ``characteristics`` holds
    the free descriptive fields of Table 1 (aims, setting, eligibility, age, gender,
    ethnicity, diagnoses, baseline imbalance, ...), by field name.
    """

    study_id: str
    attributes: Mapping[str, Scalar] = field(default_factory=dict)
    characteristics: Mapping[str, Scalar] = field(default_factory=dict)
    reference: str | None = None

    def __post_init__(self) -> None:
        if not self.study_id.strip():
            raise DatasetError("a study needs a non-empty study_id")
        object.__setattr__(self, "attributes", _frozen_mapping(self.attributes))
        object.__setattr__(self, "characteristics", _frozen_mapping(self.characteristics))


@dataclass(frozen=True)
class ArmEntry:
    """One randomised arm: ``arm_type`` is ``"intervention"`` or a comparator code."""

    study_id: str
    arm: str
    arm_type: str
    n_randomised: int | None = None
    description: str | None = None
    structured: bool | None = None


@dataclass(frozen=True)
class OutcomeEntry:
    """Numbers for one arm, outcome domain, measure and time after the intervention ended.

    Continuous outcomes fill ``mean``, ``sd`` and ``n``; dichotomous ones ``events`` and
    ``n``. ``weeks_after_end`` is 0 for post-intervention; ``timepoint_label`` is the time
    as the report gave it (``"6 months"``). ``source`` says where the numbers were found;
    ``flags`` lists conversions applied (e.g. ``"sd from 95% CI"``). ``reported_p`` is the
    between-group p value as the report gave it (on the intervention arm's entry), for
    narrative summaries of outcomes with too few studies to pool.
    """

    study_id: str
    arm: str
    domain: str
    measure: str
    weeks_after_end: float
    mean: float | None = None
    sd: float | None = None
    n: int | None = None
    events: int | None = None
    timepoint_label: str | None = None
    source: str | None = None
    flags: tuple[str, ...] = ()
    reported_p: float | None = None

    @property
    def is_dichotomous(self) -> bool:
        """Whether the entry holds events rather than a mean."""
        return self.events is not None


@dataclass(frozen=True)
class ReviewData:
    """All extracted studies, arms and outcome entries of a review."""

    studies: tuple[StudyEntry, ...]
    arms: tuple[ArmEntry, ...]
    outcomes: tuple[OutcomeEntry, ...]

    def __post_init__(self) -> None:
        ids = [s.study_id for s in self.studies]
        seen: set[str] = set()
        for sid in ids:
            if sid in seen:
                raise DatasetError(f"study {sid!r} is listed twice")
            seen.add(sid)
        arm_keys: set[tuple[str, str]] = set()
        for arm in self.arms:
            if arm.study_id not in seen:
                raise DatasetError(f"arm {arm.arm!r} names unknown study {arm.study_id!r}")
            key = (arm.study_id, arm.arm)
            if key in arm_keys:
                raise DatasetError(f"study {arm.study_id!r}: arm {arm.arm!r} is listed twice")
            arm_keys.add(key)
        for entry in self.outcomes:
            if (entry.study_id, entry.arm) not in arm_keys:
                raise DatasetError(
                    f"study {entry.study_id!r}: outcome {entry.domain}/{entry.measure} "
                    f"names unknown arm {entry.arm!r}"
                )

    def study(self, study_id: str) -> StudyEntry:
        """The study called ``study_id``.

        Raises
        ------
        KeyError
            When there is no such study.
        """
        for study in self.studies:
            if study.study_id == study_id:
                return study
        raise KeyError(f"no study {study_id!r}")

    def arms_of(self, study_id: str) -> tuple[ArmEntry, ...]:
        """The arms of one study, in the order given."""
        return tuple(a for a in self.arms if a.study_id == study_id)

    def outcomes_of(self, study_id: str) -> tuple[OutcomeEntry, ...]:
        """The outcome entries of one study, in the order given."""
        return tuple(o for o in self.outcomes if o.study_id == study_id)


OUTCOME_ROB = "overall_rob:"
"""Prefix of a study attribute holding the overall risk of bias of one outcome domain.

``overall_rob:<outcome>`` is set when some risk-of-bias domain was judged for that outcome
(RoB 1 outcome-level domains); a comparison of that outcome then sees it as its
``overall_rob`` (:func:`outcome_attributes`), other outcomes see the study's.
"""


def outcome_attributes(attributes: Mapping[str, Scalar], outcome: str) -> dict[str, Scalar]:
    """A study's attributes as one outcome sees them: its own ``overall_rob`` if it has one.

    Examples
    --------
    >>> a = {"overall_rob": "low", "overall_rob:hope": "high", "year": 2019}
    >>> outcome_attributes(a, "hope"), outcome_attributes(a, "anxiety")
    ({'overall_rob': 'high', 'year': 2019}, {'overall_rob': 'low', 'year': 2019})
    """
    out = {k: v for k, v in attributes.items() if not k.startswith(OUTCOME_ROB)}
    own = attributes.get(OUTCOME_ROB + outcome)
    if own is not None:
        out["overall_rob"] = own
    return out


__all__ = [
    "INTERVENTION",
    "OUTCOME_ROB",
    "ArmEntry",
    "DatasetError",
    "OutcomeEntry",
    "ReviewData",
    "Scalar",
    "StudyEntry",
    "outcome_attributes",
]
