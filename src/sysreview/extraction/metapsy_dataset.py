"""Metapsy rows as a review's data: studies, arms, outcomes, RoB 2, PRISMA and references.

The Metapsy data standard has one row per study x outcome (see
:mod:`sysreview.extraction.metapsy`). This module turns such rows into the hand-over objects
of :mod:`sysreview.extraction.dataset`, driven by an explicit :class:`MetapsyMapping` (which
trials to keep, comparator codes, RoB vocabulary, and one outcome rule per study and
instrument) and checked against the review's :class:`~sysreview.protocol.Protocol`::

    convert_metapsy(data, protocol, mapping=...) -> MetapsyConversion(data, rows)
    rob2_from_metapsy(data, mapping)              -> (Rob2Judgements, ...)
    prisma_from_search_flow(flow)                 -> PrismaCounts
    references_from_metapsy(refs)                 -> {study: citation}

Text cells are repaired (:func:`~sysreview.extraction.quality.repair_mojibake`) before use.
Known defects are refused or handled in the open, each use recorded on the row's
:class:`RowDecision`: a dichotomous row without event counts takes them from the row the
mapping names only if Hedges' g from those counts reproduces the row's stored ``.g``; rows
with nothing but a precalculated g/SE are excluded (the contract carries per-arm data only).
Pure: no files, no printing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from sysreview.appraisal.rob2 import JUDGEMENTS, Rob2Judgements
from sysreview.effects import dichotomous_effects, hedges_correction
from sysreview.errors import InputError
from sysreview.extraction.dataset import (
    INTERVENTION,
    ArmEntry,
    OutcomeEntry,
    ReviewData,
    Scalar,
    StudyEntry,
)
from sysreview.extraction.metapsy import MISSING, MetapsyData, MetapsyRow, parse_number
from sysreview.extraction.quality import repair_mojibake
from sysreview.prisma.result import PrismaCounts
from sysreview.protocol import ROB2_DOMAINS, Protocol

__all__ = [
    "EVENTS_ATOL",
    "INTERVENTION_ARM",
    "ComparatorRule",
    "Loc",
    "MetapsyConversion",
    "MetapsyMapping",
    "OutcomeRule",
    "Rob2Judgements",
    "RowDecision",
    "convert_metapsy",
    "g_from_events",
    "prisma_from_search_flow",
    "references_from_metapsy",
    "review_data_from_metapsy",
    "rob2_from_metapsy",
]

EVENTS_ATOL = 1e-6
"""Tolerance for g from relocated event counts against the row's stored ``.g`` and SE."""

INTERVENTION_ARM = "intervention"
"""Name of the intervention arm when ``condition_arm1`` is empty (else its text, lower case)."""

_DICHOTOMOUS = frozenset({"dich", "binary", "response", "remission", "deterioration", "events"})
_ROB_COLUMNS = ("RoB_D1", "RoB_D2", "RoB_D3", "RoB_D4", "RoB_D5")
_CHARACTERISTICS = {  # characteristic name -> Metapsy column (Table 1)
    "format": "format",
    "delivery": "delivery",
    "delivery_mode": "delivery2",
    "duration": "duration_int",
    "structure": "structure_intervention",
    "diagnosis": "disorder",
    "diagnosis_inclusion": "diagnosis_inclusion",
    "recruitment": "recruitment",
    "setting": "in_out_patients",
    "specific_group": "specific_group",
    "perinatal": "perinatal",
    "comparator": "condition_arm2",
}


def _text(value: str | None) -> str | None:
    """A cell's text with mojibake repaired; ``None`` when missing."""
    if value is None or value.strip() in MISSING:
        return None
    value = value.strip()
    return repair_mojibake(value) or value


def _cell(row: MetapsyRow, column: str) -> str | None:
    return _text(row.raw.get(column))


def _count(value: float | None, *, source: str, row: int, column: str) -> int | None:
    if value is None:
        return None
    if value != int(value) or value < 0:
        raise InputError(f"{value:g} is not a count", source=source, line=row, column=column)
    return int(value)


@dataclass(frozen=True)
class ComparatorRule:
    """A Metapsy ``condition_arm2`` value's comparator code and the control arm's name."""

    code: str
    label: str


@dataclass(frozen=True)
class OutcomeRule:
    """Where one study's instrument goes: protocol domain and measure.

    ``row`` (optional) documents the file row and is checked; ``events_from_row`` names the
    row holding this dichotomous row's displaced event counts.
    """

    study: str
    instrument: str
    domain: str
    measure: str
    row: int | None = None
    events_from_row: int | None = None


Loc = tuple[str | int, ...]
"""A key path in a mapping document, e.g. ``("outcomes", 3, "measure")``."""


def _dotted(loc: Loc) -> str:
    return "".join(
        f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(loc)
    )


@dataclass(frozen=True)
class MetapsyMapping:
    """Every non-numeric decision of a Metapsy conversion, stated explicitly.

    :meth:`problems` and :meth:`check` compare it with the protocol. Reading it from a file
    (``mapping.toml``) is :func:`sysreview.project.demo.read_mapping`.
    """

    selection_column: str
    selection_include: tuple[str, ...]
    selection_reason: str
    comparators: Mapping[str, ComparatorRule]
    rob: Mapping[str, str]
    population: Mapping[str, str]
    structure: Mapping[str, bool]
    outcomes: tuple[OutcomeRule, ...]
    source: str = "mapping"

    def __post_init__(self) -> None:
        for name in ("comparators", "rob", "population", "structure"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def problems(self, protocol: Protocol) -> tuple[tuple[Loc, object, str], ...]:
        """``(key path, value, message)`` for every code, domain or measure the protocol lacks.

        Key paths are those of the mapping document (``("outcomes", 3, "measure")``), so a
        reader of the file can point at the line.
        """
        found: list[tuple[Loc, object, str]] = []
        codes = protocol.comparators.codes()
        for raw, comparator in self.comparators.items():
            if comparator.code not in codes:
                msg = f"must be a comparator code of the protocol: {', '.join(codes)}"
                found.append((("comparators", raw, "code"), comparator.code, msg))
        for raw, judgement in self.rob.items():
            if judgement not in JUDGEMENTS:
                found.append((("rob", raw), judgement, f"must be one of {', '.join(JUDGEMENTS)}"))
        seen: set[tuple[str, str]] = set()
        for i, rule in enumerate(self.outcomes):
            key = (rule.study, rule.instrument)
            if key in seen:
                found.append((("outcomes", i, "instrument"), rule.instrument, "listed twice"))
            seen.add(key)
            try:
                domain = protocol.outcomes.domain(rule.domain)
            except KeyError:
                found.append((("outcomes", i, "domain"), rule.domain, "not a protocol domain"))
                continue
            if rule.measure not in {m.name for m in domain.measures}:
                msg = f"is not declared in domain {rule.domain!r} of the protocol"
                found.append((("outcomes", i, "measure"), rule.measure, msg))
        return tuple(found)

    def check(self, protocol: Protocol) -> None:
        """Raise :class:`InputError` listing :meth:`problems` (if any)."""
        found = self.problems(protocol)
        if found:
            text = "; ".join(f"{_dotted(loc)} = {value!r}: {msg}" for loc, value, msg in found)
            raise InputError(text, source=self.source)

    def rule(self, study: str, instrument: str) -> OutcomeRule | None:
        """The outcome rule of one study and instrument (``None`` when there is none)."""
        for rule in self.outcomes:
            if rule.study == study and rule.instrument == instrument:
                return rule
        return None

    def selects(self, row: MetapsyRow) -> bool:
        """Whether the row's selection cell is one of the included values."""
        return _cell(row, self.selection_column) in self.selection_include


@dataclass(frozen=True)
class RowDecision:
    """What the conversion did with one Metapsy row, and why."""

    row: int
    study: str
    instrument: str | None
    decision: str
    reason: str = ""
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class MetapsyConversion:
    """The converted :class:`ReviewData` and one :class:`RowDecision` per file row."""

    data: ReviewData
    rows: tuple[RowDecision, ...]

    def of(self, decision: str) -> tuple[RowDecision, ...]:
        """The rows with one decision (``used``, ``excluded`` or ``not selected``)."""
        return tuple(r for r in self.rows if r.decision == decision)

    def to_frame(self) -> pd.DataFrame:
        """One row per file row: row, study, instrument, decision, reason, flags."""
        names = ["row", "study", "instrument", "decision", "reason", "flags"]
        records = [[getattr(r, n) for n in names[:-1]] + ["; ".join(r.flags)] for r in self.rows]
        return pd.DataFrame(records, columns=names)

    def summary(self) -> str:
        """Counts, then every excluded row with its reason and every flagged used row."""
        d = self.data
        lines = [
            f"Metapsy conversion: {len(d.studies)} studies, {len(d.arms)} arms, "
            f"{len(d.outcomes)} outcome entries; rows used {len(self.of('used'))}, excluded "
            f"{len(self.of('excluded'))}, not selected {len(self.of('not selected'))}"
        ]
        for r in self.of("excluded"):
            lines.append(f"  row {r.row} ({r.study}, {r.instrument}): excluded: {r.reason}")
        for r in self.of("used"):
            if r.flags:
                lines.append(f"  row {r.row} ({r.study}, {r.instrument}): {'; '.join(r.flags)}")
        return "\n".join(lines)


def g_from_events(ai: float, n1i: float, ci: float, n2i: float) -> tuple[float, float]:
    """Hedges' g and its SE from a 2x2 table, by the logit method (as metapsyTools does).

    Notes
    -----
    ``d = ln(OR) sqrt(3)/pi`` with ``SE_d = SE_ln(OR) sqrt(3)/pi`` (Chinn 2000; Borenstein
    et al. 2009, eq. 7.1-7.2), then both times ``J = 1 - 3/(4N - 9)``: the formula of R's
    ``esc::esc_2x2(es.type = "g")``, which ``metapsyTools`` uses for binary outcomes. ``ln(OR)``
    and its variance come from :func:`sysreview.effects.dichotomous_effects`.

    Examples
    --------
    >>> g, se = g_from_events(35, 52, 52, 71)  # Metapsy peer-support row 8's counts
    >>> round(g, 12), round(se, 12)
    (-0.15597198388, 0.218652548675)
    """
    es = dichotomous_effects([ai], [n1i], [ci], [n2i], "OR")
    j = float(hedges_correction(n1i + n2i - 2, "revman"))
    k = math.sqrt(3.0) / math.pi
    return j * k * float(es.yi[0]), j * k * math.sqrt(float(es.vi[0]))


def _dichotomous(r: MetapsyRow) -> bool:
    return (r.outcome_type or "").lower() in _DICHOTOMOUS


def _has_change(r: MetapsyRow) -> bool:
    values = (r.mean_change1, r.sd_change1, r.n_change1, r.mean_change2, r.sd_change2)
    return all(v is not None for v in (*values, r.n_change2))


@dataclass(frozen=True)
class _Arms:
    """The numbers of both arms of one row: (mean, sd, n) or (events, n)."""

    first: dict[str, Any]
    second: dict[str, Any]
    flags: tuple[str, ...] = ()


class _Excluded(Exception):
    """A row the conversion leaves out, with the reason (recorded, never raised out)."""


class _Converter:
    """One conversion run: rows grouped by study, then studies, arms and outcome entries."""

    def __init__(
        self,
        data: MetapsyData,
        protocol: Protocol,
        mapping: MetapsyMapping,
        references: Mapping[str, str],
    ) -> None:
        mapping.check(protocol)
        self.data, self.protocol, self.mapping = data, protocol, mapping
        self.references = references
        self.by_row = {r.row: r for r in data.rows}
        self.source = data.source

    def error(self, r: MetapsyRow, message: str, column: str | None = None) -> InputError:
        return InputError(
            f"{_text(r.study)}: {message}", source=self.source, line=r.row, column=column
        )

    def run(self) -> MetapsyConversion:
        decisions: dict[int, RowDecision] = {}
        grouped: dict[str, list[MetapsyRow]] = {}
        for r in self.data.rows:
            study = _text(r.study)
            if study is None:
                raise InputError("no study label", source=self.source, line=r.row, column="study")
            if self.mapping.selects(r):
                grouped.setdefault(study, []).append(r)
            else:
                instrument = _cell(r, "instrument")
                reason = self.mapping.selection_reason
                decisions[r.row] = RowDecision(r.row, study, instrument, "not selected", reason)
        studies, arms, outcomes = [], [], []
        for study, rows in grouped.items():
            controls = self.controls(study, rows)
            arms.append(intervention := self.intervention_arm(study, rows))
            arms.extend(controls.values())
            sizes = []
            for r in rows:
                entries, decision = self.outcome(study, r, intervention, controls)
                outcomes.extend(entries)
                decisions[r.row] = decision
                sizes.append(sum(e.n or 0 for e in entries))
            studies.append(self.study(study, rows, max(sizes)))
        data = ReviewData(tuple(studies), tuple(arms), tuple(outcomes))
        return MetapsyConversion(data, tuple(decisions[r.row] for r in self.data.rows))

    def distinct(self, rows: Iterable[MetapsyRow], column: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for r in rows if (v := _cell(r, column)) is not None))

    def lookup(self, r: MetapsyRow, column: str, table: Mapping[str, Any], what: str) -> Any:
        value = _cell(r, column)
        if value is None or value not in table:
            known = ", ".join(repr(k) for k in table)
            raise self.error(
                r,
                f"{column} {value!r} has no {what} in {self.mapping.source} (known: {known})",
                column,
            )
        return table[value]

    def study(self, study: str, rows: list[MetapsyRow], n_analysed: int) -> StudyEntry:
        first = rows[0]
        attributes: dict[str, Scalar] = {}
        if first.year is not None:
            attributes["year"] = int(first.year)
        if (country := _cell(first, "country")) is not None:
            attributes["country"] = country
        attributes["population"] = self.lookup(
            first, "disorder", self.mapping.population, "population"
        )
        attributes["intervention_structured"] = self.lookup(
            first, "structure_intervention", self.mapping.structure, "structure value"
        )
        overall = [self.lookup(r, "overall_RoB", self.mapping.rob, "RoB 2 judgement") for r in rows]
        attributes["overall_rob"] = max(overall, key=JUDGEMENTS.index)
        n1, n2 = self.baseline_n(rows, "baseline_n_arm1"), self.baseline_n(rows, "baseline_n_arm2")
        if n1 is not None and n2 is not None:
            attributes["n_randomised"] = n1 + n2
        codes = {
            self.lookup(r, "condition_arm2", self.mapping.comparators, "comparator").code
            for r in rows
        }
        attributes["n_arms"] = 1 + len(codes)
        if len(codes) == 1:
            attributes["comparator"] = codes.pop()
        characteristics: dict[str, Scalar] = {
            name: "; ".join(values)
            for name, column in _CHARACTERISTICS.items()
            if (values := self.distinct(rows, column))
        }
        for name in ("mean_age", "percent_women"):
            if (value := getattr(first, name)) is not None:
                characteristics[name] = value
        characteristics["instruments"] = "; ".join(self.distinct(rows, "instrument"))
        if n_analysed:
            characteristics["n_analysed"] = n_analysed
        return StudyEntry(study, attributes, characteristics, self.references.get(study))

    def intervention_arm(self, study: str, rows: list[MetapsyRow]) -> ArmEntry:
        structured = self.mapping.structure.get(_cell(rows[0], "structure_intervention") or "")
        description = "; ".join(
            self.distinct(rows, "condition_arm1") + self.distinct(rows, "delivery")
        )
        n = self.baseline_n(rows, "baseline_n_arm1")
        name = (_cell(rows[0], "condition_arm1") or INTERVENTION_ARM).lower()
        return ArmEntry(study, name, INTERVENTION, n, description, structured)

    def baseline_n(self, rows: list[MetapsyRow], column: str) -> int | None:
        """The largest baseline N of one arm over the rows (``None`` when none gives it)."""
        found = [
            _count(
                parse_number(r.raw.get(column, "")), source=self.source, row=r.row, column=column
            )
            for r in rows
        ]
        values = [v for v in found if v is not None]
        return max(values) if values else None

    def controls(self, study: str, rows: list[MetapsyRow]) -> dict[str, ArmEntry]:
        out: dict[str, ArmEntry] = {}
        for r in rows:
            raw = _cell(r, "condition_arm2") or ""
            if raw in out:
                continue
            rule = self.lookup(r, "condition_arm2", self.mapping.comparators, "comparator")
            same = [s for s in rows if _cell(s, "condition_arm2") == _cell(r, "condition_arm2")]
            n = self.baseline_n(same, "baseline_n_arm2")
            desc = f"Metapsy condition_arm2 {raw!r}"
            out[raw] = ArmEntry(study, rule.label, rule.code, n, desc)
        return out

    def outcome(
        self, study: str, r: MetapsyRow, intervention: ArmEntry, controls: Mapping[str, ArmEntry]
    ) -> tuple[list[OutcomeEntry], RowDecision]:
        instrument = _cell(r, "instrument") or ""
        rule = self.mapping.rule(study, instrument)
        if rule is None:
            raise self.error(
                r,
                f"no outcome rule for instrument {instrument!r} in "
                f"{self.mapping.source}; every row of a selected trial needs one",
                "instrument",
            )
        if rule.row is not None and rule.row != r.row:
            raise self.error(r, f"{self.mapping.source} says {instrument!r} is on row {rule.row}")
        flags = list(self.text_flags(r))
        if r.has_events and not _dichotomous(r):
            flags.append(f"event counts on this row belong to {self.events_owner(r)}; not used")
        if r.precalc_g is not None:
            own = r.g is not None and abs(r.precalc_g - r.g) <= 5e-4
            whose = "" if own else " (not this row's .g: displaced)"
            flags.append(f"precalculated g {r.precalc_g:g}{whose} not used")
        try:
            arms = self.numbers(r, rule)
        except _Excluded as why:
            decision = RowDecision(r.row, study, instrument, "excluded", str(why), tuple(flags))
            return [], decision
        control = controls[_cell(r, "condition_arm2") or ""]
        common: dict[str, Any] = {
            "study_id": study,
            "domain": rule.domain,
            "measure": rule.measure,
            "weeks_after_end": 0.0,
            "timepoint_label": "post-test",
            "source": f"{self.source}, row {r.row}",
            "flags": tuple(flags) + arms.flags,
        }
        entries = [
            OutcomeEntry(arm=intervention.arm, **common, **arms.first),
            OutcomeEntry(arm=control.arm, **common, **arms.second),
        ]
        decision = RowDecision(r.row, study, instrument, "used", "", tuple(flags) + arms.flags)
        return entries, decision

    def events_owner(self, holder: MetapsyRow) -> str:
        """The dichotomous row whose stored g and SE the counts on ``holder`` reproduce."""
        counts = (holder.ai, holder.n1i_events, holder.ci, holder.n2i_events)
        if any(c is None for c in counts):
            return "another row"
        g, se = g_from_events(*(float(c) for c in counts if c is not None))
        for r in self.data.rows:
            if (
                _dichotomous(r)
                and not r.has_events
                and r.g is not None
                and r.g_se is not None
                and abs(abs(g) - abs(r.g)) <= EVENTS_ATOL
                and abs(se - r.g_se) <= EVENTS_ATOL
            ):
                return f"row {r.row} ({_text(r.study)}, {_cell(r, 'instrument')})"
        return "another row"

    def text_flags(self, r: MetapsyRow) -> Iterable[str]:
        for column in ("study", "instrument"):
            raw = r.raw.get(column, "")
            if repair_mojibake(raw) is not None:
                yield f"{column} text repaired (mojibake {raw!r})"

    def count(self, r: MetapsyRow, name: str, column: str) -> int | None:
        return _count(getattr(r, name), source=self.source, row=r.row, column=column)

    def numbers(self, r: MetapsyRow, rule: OutcomeRule) -> _Arms:
        if _dichotomous(r):
            return self.events(r, rule)
        if r.has_means:
            return _Arms(
                {"mean": r.m1i, "sd": r.sd1i, "n": self.count(r, "n1i", "n_arm1")},
                {"mean": r.m2i, "sd": r.sd2i, "n": self.count(r, "n2i", "n_arm2")},
            )
        if _has_change(r):
            return _Arms(
                {
                    "mean": r.mean_change1,
                    "sd": r.sd_change1,
                    "n": self.count(r, "n_change1", "n_change_arm1"),
                },
                {
                    "mean": r.mean_change2,
                    "sd": r.sd_change2,
                    "n": self.count(r, "n_change2", "n_change_arm2"),
                },
                ("change from baseline",),
            )
        if r.precalc_g is not None or r.g is not None:
            raise _Excluded(
                "only a precalculated g/SE: the extracted-data contract carries per-arm "
                "numbers, not generic inverse-variance estimates"
            )
        raise _Excluded("no per-arm numbers on this row")

    def events(self, r: MetapsyRow, rule: OutcomeRule) -> _Arms:
        holder, flags = r, tuple[str, ...]()
        if not r.has_events:
            if rule.events_from_row is None:
                raise _Excluded("dichotomous row without event counts (displaced-events defect)")
            holder = self.relocated(r, rule)
            dich = _cell(holder, "dich")
            flags = (
                f"event counts taken from row {holder.row} (definition {dich!r}), where "
                "the file displaced them; g from them equals this row's .g",
            )
        counts = [
            self.count(holder, name, column)
            for name, column in (
                ("ai", "event_arm1"),
                ("n1i_events", "totaln_arm1"),
                ("ci", "event_arm2"),
                ("n2i_events", "totaln_arm2"),
            )
        ]
        if any(c is None for c in counts):
            raise self.error(holder, "incomplete event counts", "event_arm1")
        a, n1, c, n2 = counts
        return _Arms({"events": a, "n": n1}, {"events": c, "n": n2}, flags)

    def relocated(self, r: MetapsyRow, rule: OutcomeRule) -> MetapsyRow:
        assert rule.events_from_row is not None
        holder = self.by_row.get(rule.events_from_row)
        if holder is None or _dichotomous(holder) or not holder.has_events:
            raise self.error(
                r,
                f"events_from_row {rule.events_from_row} is not a row with displaced event counts",
                "event_arm1",
            )
        ai, ci = holder.ai, holder.ci
        n1, n2 = holder.n1i_events, holder.n2i_events
        if ai is None or ci is None or n1 is None or n2 is None or r.g is None or r.g_se is None:
            raise self.error(r, f"row {holder.row}'s counts or this row's .g are incomplete")
        g, se = g_from_events(ai, n1, ci, n2)
        measures = self.protocol.outcomes.domain(rule.domain).measures
        higher_is_better = next(m for m in measures if m.name == rule.measure).higher_is_better
        sign = 1.0 if higher_is_better else -1.0
        if abs(sign * g - r.g) > EVENTS_ATOL or abs(se - r.g_se) > EVENTS_ATOL:
            raise self.error(
                r,
                f"g from row {holder.row}'s counts is {sign * g:.6f} (SE {se:.6f}), not this "
                f"row's .g {r.g:.6f} (SE {r.g_se:.6f}): refusing to move them",
                "event_arm1",
            )
        return holder


def convert_metapsy(
    data: MetapsyData,
    protocol: Protocol,
    *,
    mapping: MetapsyMapping,
    references: Mapping[str, str] | None = None,
) -> MetapsyConversion:
    """Convert Metapsy rows into :class:`ReviewData`, recording a decision for every row.

    Parameters
    ----------
    data
        Rows read by :func:`~sysreview.extraction.metapsy.read_metapsy` (unrepaired).
    protocol
        The review protocol: domains, measures and comparator codes must be declared there.
    mapping
        The explicit conversion table (see :class:`MetapsyMapping`).
    references
        ``{study: citation}`` (:func:`references_from_metapsy`), joined after repair.

    Returns
    -------
    MetapsyConversion
        One study per selected trial: attributes (``year, country, population,
        intervention_structured, overall_rob, n_arms, comparator`` and ``n_randomised`` when
        the file gives baseline Ns), Table 1 characteristics, an intervention arm and one
        control arm per comparator; per-arm outcome entries at post-test in the instrument's
        own direction (mean/SD/N, change scores flagged, or events/N).

    Raises
    ------
    InputError
        A mapping code or measure the protocol lacks; a selected row without an outcome
        rule; a value with no mapping entry; relocated events that do not reproduce ``.g``.
    """
    return _Converter(data, protocol, mapping, references or {}).run()


def review_data_from_metapsy(
    data: MetapsyData,
    protocol: Protocol,
    *,
    mapping: MetapsyMapping,
    references: Mapping[str, str] | None = None,
) -> ReviewData:
    """The :class:`ReviewData` of :func:`convert_metapsy` (without the row decisions)."""
    return convert_metapsy(data, protocol, mapping=mapping, references=references).data

    def summary(self) -> str:
        """The judgements as text, noting a difference from RoB 2's overall rule."""
        lines = [f"Risk of bias (RoB 2, as given): {self.study} — {self.result}"]
        lines += [f"  {d:<40} {j}" for d, j in self.domain_judgements.items()]
        note = (
            ""
            if self.overall == self.algorithm_overall
            else (f" (RoB 2's rule gives {self.algorithm_overall})")
        )
        lines.append(f"  {'overall':<40} {self.overall}{note}")
        return "\n".join(lines)


def rob2_from_metapsy(data: MetapsyData, mapping: MetapsyMapping) -> tuple[Rob2Judgements, ...]:
    """Per-study RoB 2 judgements (``RoB_D1``-``RoB_D5``, ``overall_RoB``) of selected trials.

    A study whose rows carry different judgements (assessed per outcome) gets one
    :class:`Rob2Judgements` per distinct set, its ``result`` naming the instruments.

    Raises
    ------
    InputError
        A judgement text with no entry in ``mapping.rob`` (naming the row and column).
    """
    sets: dict[str, dict[tuple[str, ...], list[MetapsyRow]]] = {}
    for r in data.rows:
        if not mapping.selects(r):
            continue
        values = []
        for column in (*_ROB_COLUMNS, "overall_RoB"):
            text = _cell(r, column)
            if text is None or text not in mapping.rob:
                raise InputError(
                    f"RoB judgement {text!r} has no entry in {mapping.source}",
                    source=data.source,
                    line=r.row,
                    column=column,
                )
            values.append(mapping.rob[text])
        sets.setdefault(_text(r.study) or "", {}).setdefault(tuple(values), []).append(r)
    out = []
    for study, groups in sets.items():
        for judgements, rows in groups.items():
            result = (
                "all outcomes"
                if len(groups) == 1
                else "; ".join(dict.fromkeys(_cell(r, "instrument") or "" for r in rows))
            )
            judged = dict(zip(ROB2_DOMAINS, judgements[:5], strict=True))
            out.append(
                Rob2Judgements(study, result, judged, judgements[5], tuple(r.row for r in rows))
            )
    return tuple(out)


def _flow_int(flow: Mapping[str, Any], key: str, source: str) -> int:
    value = flow.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"{key!r} must be a count, not {value!r}", source=source)
    return value


def prisma_from_search_flow(
    flow: Mapping[str, Any] | str,
    *,
    source: str = "search_flow.json",
    database_label: str = "Databases (not itemised)",
    other_label: str = "Additional records",
    extra_exclusions: Mapping[str, int] | None = None,
) -> PrismaCounts:
    """PRISMA 2020 counts from a Metapsy ``search_flow.json`` (parsed, or its text).

    Identified = ``database.hits`` + ``additional.records``; duplicates removed = identified
    - ``database.hits.duplicates.removed``; any remaining gap to ``records.screened`` is
    "removed for other reasons"; records excluded = screened - full texts assessed; full-text
    exclusions are ``full.text.excluded.reasons`` (largest first) plus ``extra_exclusions``
    (e.g. a review's own selection among the included studies). The dataset reports no
    per-database split, no duplicate groups and no reports not retrieved: given as one
    source, 0 and 0.

    Raises
    ------
    InputError
        A missing or non-count entry, or included != assessed - excluded.
    """
    if isinstance(flow, str):
        flow = json.loads(flow)
    if not isinstance(flow, Mapping):
        raise InputError("the search flow must be a JSON object", source=source)
    hits = _flow_int(flow, "database.hits", source)
    other = _flow_int(flow, "additional.records", source)
    deduplicated = _flow_int(flow, "database.hits.duplicates.removed", source)
    screened = _flow_int(flow, "records.screened", source)
    assessed = _flow_int(flow, "full.text.assessed.for.eligibility", source)
    included = _flow_int(flow, "included", source)
    reasons = flow.get("full.text.excluded.reasons")
    if not isinstance(reasons, Mapping):
        raise InputError("'full.text.excluded.reasons' must be an object", source=source)
    counted = {str(k): _flow_int(reasons, k, source) for k in reasons}
    excluded = sum(counted.values())
    if assessed - excluded != included:
        raise InputError(
            f"full texts assessed ({assessed}) - excluded ({excluded}) != included ({included})",
            source=source,
        )
    extra = dict(extra_exclusions or {})
    if sum(extra.values()) > included:
        raise InputError(f"extra exclusions {extra} exceed the {included} included", source=source)
    counted.update(extra)
    by_reason = tuple(sorted(counted.items(), key=lambda kv: -kv[1]))
    studies = included - sum(extra.values())
    return PrismaCounts(
        records_databases=hits,
        records_databases_by_source=((database_label, hits),),
        records_registers=0,
        records_registers_by_source=(),
        records_other_methods=other,
        records_other_methods_by_source=((other_label, other),) if other else (),
        duplicates_removed=hits + other - deduplicated,
        duplicate_groups=0,
        removed_by_automation=0,
        removed_other_reasons=deduplicated - screened,
        records_screened=screened,
        records_excluded=screened - assessed,
        awaiting_screening=0,
        conflicts_screening=0,
        reports_sought=assessed,
        reports_not_retrieved=0,
        reports_assessed=assessed,
        reports_excluded=excluded + sum(extra.values()),
        reports_excluded_by_reason=by_reason,
        awaiting_full_text=0,
        conflicts_full_text=0,
        reports_included=studies,
        studies_included=studies,
        reports_included_without_study=0,
    )


def references_from_metapsy(
    references: Mapping[str, Any] | str, *, source: str = "references.json"
) -> dict[str, str]:
    """``{study label: citation}`` from a Metapsy ``references.json`` (parsed, or its text).

    Labels and citations are repaired (mojibake) and their whitespace collapsed; the
    citation text is otherwise kept as given.

    Examples
    --------
    >>> references_from_metapsy('{"RÃ¼sch, 2014": "RÃ¼sch, N.  (2014). Title."}')
    {'Rüsch, 2014': 'Rüsch, N. (2014). Title.'}
    """
    if isinstance(references, str):
        references = json.loads(references)
    if not isinstance(references, Mapping):
        raise InputError("references must be a JSON object {study: citation}", source=source)
    out: dict[str, str] = {}
    for key, value in references.items():
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{key!r}: the citation must be non-empty text", source=source)
        label = " ".join((_text(str(key)) or "").split())
        out[label] = " ".join((repair_mojibake(value) or value).split())
    return out
