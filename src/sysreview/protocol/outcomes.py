"""Outcomes (groups → domains → measures) and the timepoint rules.

Sections ``[outcomes]`` and ``[timepoints]`` of ``review.toml``. One meta-analysis is
run per outcome domain per timepoint, so domain names are unique across all groups.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from sysreview.protocol._base import (
    NO_VALUE,
    Checker,
    Flag,
    Frozen,
    Name,
    Number,
    Positive,
    Text,
    choice,
)
from sysreview.protocol.filters import TIMEPOINTS
from sysreview.vocab import Measure, Method, Model


class OutcomeMeasure(Frozen):
    """An instrument measuring a domain: scale range, direction, validation status.

    Examples
    --------
    >>> m = OutcomeMeasure(name="CES-D", scale_min=0, scale_max=60, higher_is_better=False,
    ...                    validated=True)
    >>> m.scale_max, m.higher_is_better
    (60.0, False)
    """

    name: Text
    scale_min: Number | None = None
    scale_max: Number | None = None
    higher_is_better: Flag
    validated: Flag

    @model_validator(mode="after")
    def _check(self) -> OutcomeMeasure:
        check = Checker()
        lo, hi = self.scale_min, self.scale_max
        check.that(
            (lo is None) == (hi is None),
            ("scale_min" if lo is None else "scale_max",),
            NO_VALUE,
            "give both scale_min and scale_max, or neither",
        )
        if lo is not None and hi is not None:
            check.that(lo < hi, ("scale_max",), hi, f"must be greater than scale_min ({lo:g})")
        check.raise_if_any()
        return self


class DomainAnalysis(Frozen):
    """How one domain is analysed where it differs from ``[analysis]`` (all optional).

    ``measure`` fixes the effect measure (for means: whatever the instruments; for
    counts: instead of ``effect_measure.dichotomous``), ``method`` the pooling method and
    ``model`` the model, as a Cochrane review chooses them per outcome (RevMan stores them
    per analysis; ``sysreview revman import`` writes them here).

    Examples
    --------
    >>> DomainAnalysis(measure="OR", method="MH", model="fixed").describe()
    'OR, MH, fixed'
    """

    measure: Annotated[Measure, choice(Measure)] | None = None
    method: Annotated[Method, choice(Method)] | None = None
    model: Annotated[Model, choice(Model)] | None = None

    @model_validator(mode="after")
    def _check(self) -> DomainAnalysis:
        check = Checker()
        m = self.measure
        if m is not None:
            ok = m.is_continuous or m.is_dichotomous
            check.that(ok, ("measure",), m.value, "must be one of MD, SMD, SMDH, ROM, RR, OR, "
                       "RD, PETO_OR")  # fmt: skip
        if self.method is not None and m is not None:
            pools = {
                Method.MH: (Measure.RR, Measure.OR, Measure.RD),
                Method.PETO: (Measure.PETO_OR,),
            }.get(self.method)
            fits = m is not Measure.PETO_OR if pools is None else m in pools
            check.that(fits, ("method",), self.method.value,
                       f"does not pool {m.value}: MH pools RR, OR and RD; PETO pools "
                       "PETO_OR; IV pools any other measure")  # fmt: skip
        check.raise_if_any()
        return self

    def describe(self) -> str:
        """The settings given, in words."""
        return ", ".join(x.value for x in (self.measure, self.method, self.model) if x)


class Domain(Frozen):
    """An outcome domain (e.g. ``hope``): the unit of one meta-analysis per timepoint.

    ``analysis`` (optional) overrides ``[analysis]``'s measure, method and model for this
    domain (:class:`DomainAnalysis`).
    """

    name: Name
    label: Text
    description: Text | None = None
    measures: tuple[OutcomeMeasure, ...] = ()
    analysis: DomainAnalysis | None = None

    @model_validator(mode="after")
    def _check(self) -> Domain:
        check = Checker()
        check.unique([m.name for m in self.measures], ("measures",), "measure name", "name")
        check.raise_if_any()
        return self


class OutcomeGroup(Frozen):
    """A group of outcome domains (e.g. personal recovery)."""

    name: Name
    label: Text
    domains: tuple[Domain, ...] = Field(min_length=1)


class Outcomes(Frozen):
    """All outcome groups (``[[outcomes.groups]]``); domain names unique across groups."""

    groups: tuple[OutcomeGroup, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Outcomes:
        check = Checker()
        check.unique([g.name for g in self.groups], ("groups",), "group name", "name")
        seen: set[str] = set()
        for gi, group in enumerate(self.groups):
            for di, domain in enumerate(group.domains):
                loc = ("groups", gi, "domains", di, "name")
                ok = domain.name.lower() not in seen
                check.that(ok, loc, domain.name, "duplicate domain name; each must be unique")
                seen.add(domain.name.lower())
        check.raise_if_any()
        return self

    def domains(self) -> Iterator[tuple[OutcomeGroup, Domain]]:
        """Every ``(group, domain)`` pair, in protocol order."""
        for group in self.groups:
            for domain in group.domains:
                yield group, domain

    def domain(self, name: str) -> Domain:
        """The domain called ``name``.

        Raises
        ------
        KeyError
            When no domain has that name.
        """
        for _, domain in self.domains():
            if domain.name == name:
                return domain
        raise KeyError(f"no outcome domain {name!r}")

    def measure_names(self) -> frozenset[str]:
        """Names of all declared measures."""
        return frozenset(m.name for _, d in self.domains() for m in d.measures)


class Pick(StrEnum):
    """Which of several timepoints in a window to analyse."""

    LATEST = "latest"
    EARLIEST = "earliest"


class Timepoints(Frozen):
    """Timepoint rules: post-intervention, short-term and long-term follow-up.

    Times are weeks after the end of the intervention. Post-intervention is week 0;
    short-term follow-up is ``0 < weeks <= short_term_max_weeks``; long-term is
    ``weeks > long_term_after_weeks``. Within a window, ``latest`` picks the one nearest
    to but not beyond the upper bound (short-term) or the longest (long-term).

    Examples
    --------
    >>> t = Timepoints()
    >>> t.classify(0), t.classify(26), t.classify(52), t.classify(104)
    ('post_intervention', 'short_term', 'short_term', 'long_term')
    >>> t.select([0, 12, 40, 78, 104])
    {'post_intervention': 0.0, 'short_term': 40.0, 'long_term': 104.0}
    """

    post_intervention: Flag = True
    short_term_max_weeks: Positive = 52.0
    long_term_after_weeks: Positive = 52.0
    short_term_pick: Annotated[Pick, choice(Pick)] = Pick.LATEST
    long_term_pick: Annotated[Pick, choice(Pick)] = Pick.LATEST

    @model_validator(mode="after")
    def _check(self) -> Timepoints:
        check = Checker()
        check.that(
            self.long_term_after_weeks >= self.short_term_max_weeks,
            ("long_term_after_weeks",),
            self.long_term_after_weeks,
            f"must be at least short_term_max_weeks ({self.short_term_max_weeks:g})",
        )
        check.raise_if_any()
        return self

    def classify(self, weeks_after_end: float) -> str | None:
        """The timepoint (one of ``post_intervention, short_term, long_term``) or ``None``."""
        if weeks_after_end < 0:
            raise ValueError(f"weeks after the end must be >= 0, not {weeks_after_end!r}")
        if weeks_after_end == 0:
            return TIMEPOINTS[0] if self.post_intervention else None
        if weeks_after_end <= self.short_term_max_weeks:
            return TIMEPOINTS[1]
        return TIMEPOINTS[2] if weeks_after_end > self.long_term_after_weeks else None

    def select(self, weeks_after_end: Sequence[float]) -> dict[str, float]:
        """The time analysed at each timepoint, from the times a study reported."""
        windows: dict[str, list[float]] = {}
        for w in weeks_after_end:
            label = self.classify(w)
            if label is not None:
                windows.setdefault(label, []).append(float(w))
        picks = {
            TIMEPOINTS[0]: Pick.LATEST,
            TIMEPOINTS[1]: self.short_term_pick,
            TIMEPOINTS[2]: self.long_term_pick,
        }
        return {
            label: (max(windows[label]) if picks[label] is Pick.LATEST else min(windows[label]))
            for label in TIMEPOINTS
            if label in windows
        }


__all__ = [
    "Domain",
    "DomainAnalysis",
    "OutcomeGroup",
    "OutcomeMeasure",
    "Outcomes",
    "Pick",
    "Timepoints",
]
