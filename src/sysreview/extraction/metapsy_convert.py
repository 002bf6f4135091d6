"""Metapsy rows as a review's data: studies, arms and outcome entries, a decision per row.

The Metapsy data standard has one row per study x outcome (see
:mod:`sysreview.extraction.metapsy`). :func:`convert_metapsy` turns such rows into the
hand-over objects of :mod:`sysreview.extraction.dataset`, driven by an explicit
:class:`~sysreview.extraction.metapsy_mapping.MetapsyMapping` (which trials to keep,
comparator codes, RoB vocabulary, and one outcome rule per study and instrument) and checked
against the review's :class:`~sysreview.protocol.Protocol`::

    convert_metapsy(data, protocol, mapping=...) -> MetapsyConversion(data, rows)

Text cells are repaired (:func:`~sysreview.extraction.quality.repair_mojibake`) before use.
Known defects are refused or handled in the open, each use recorded on the row's
:class:`RowDecision`: a dichotomous row without event counts takes them from the row the
mapping names only if Hedges' g from those counts reproduces the row's stored ``.g``
(:mod:`~sysreview.extraction.metapsy_numbers`); rows with nothing but a precalculated g/SE
are excluded (the contract carries per-arm data only). RoB 2 judgements, the PRISMA flow
and references: :mod:`~sysreview.extraction.metapsy_rob2`,
:mod:`~sysreview.extraction.metapsy_prisma`, :mod:`~sysreview.extraction.metapsy_references`.
Pure: no files, no printing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sysreview.appraisal.rob2 import JUDGEMENTS
from sysreview.errors import InputError
from sysreview.extraction.dataset import (
    INTERVENTION,
    ArmEntry,
    OutcomeEntry,
    ReviewData,
    Scalar,
    StudyEntry,
)
from sysreview.extraction.metapsy import MetapsyData, MetapsyRow, parse_number
from sysreview.extraction.metapsy_mapping import MetapsyMapping
from sysreview.extraction.metapsy_numbers import (
    RowExcluded,
    RowNumbers,
    as_count,
    is_dichotomous,
    row_error,
)
from sysreview.extraction.quality import repair_mojibake, repaired_cell, repaired_text
from sysreview.protocol import Protocol

__all__ = [
    "INTERVENTION_ARM",
    "MetapsyConversion",
    "RowDecision",
    "convert_metapsy",
    "review_data_from_metapsy",
]

INTERVENTION_ARM = "intervention"
"""Name of the intervention arm when ``condition_arm1`` is empty (else its text, lower case)."""

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
        self.data, self.mapping = data, mapping
        self.references = references
        self.source = data.source
        self.numbers = RowNumbers(data, protocol)

    def error(self, r: MetapsyRow, message: str, column: str | None = None) -> InputError:
        return row_error(r, message, column, source=self.source)

    def run(self) -> MetapsyConversion:
        decisions: dict[int, RowDecision] = {}
        grouped: dict[str, list[MetapsyRow]] = {}
        for r in self.data.rows:
            study = repaired_text(r.study)
            if study is None:
                raise InputError("no study label", source=self.source, line=r.row, column="study")
            if self.mapping.selects(r):
                grouped.setdefault(study, []).append(r)
            else:
                instrument = repaired_cell(r, "instrument")
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
        return tuple(dict.fromkeys(v for r in rows if (v := repaired_cell(r, column)) is not None))

    def lookup(self, r: MetapsyRow, column: str, table: Mapping[str, Any], what: str) -> Any:
        value = repaired_cell(r, column)
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
        if (country := repaired_cell(first, "country")) is not None:
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
        structured = self.mapping.structure.get(
            repaired_cell(rows[0], "structure_intervention") or ""
        )
        description = "; ".join(
            self.distinct(rows, "condition_arm1") + self.distinct(rows, "delivery")
        )
        n = self.baseline_n(rows, "baseline_n_arm1")
        name = (repaired_cell(rows[0], "condition_arm1") or INTERVENTION_ARM).lower()
        return ArmEntry(study, name, INTERVENTION, n, description, structured)

    def baseline_n(self, rows: list[MetapsyRow], column: str) -> int | None:
        """The largest baseline N of one arm over the rows (``None`` when none gives it)."""
        found = [
            as_count(
                parse_number(r.raw.get(column, "")), source=self.source, row=r.row, column=column
            )
            for r in rows
        ]
        values = [v for v in found if v is not None]
        return max(values) if values else None

    def controls(self, study: str, rows: list[MetapsyRow]) -> dict[str, ArmEntry]:
        out: dict[str, ArmEntry] = {}
        for r in rows:
            raw = repaired_cell(r, "condition_arm2") or ""
            if raw in out:
                continue
            rule = self.lookup(r, "condition_arm2", self.mapping.comparators, "comparator")
            same = [
                s
                for s in rows
                if repaired_cell(s, "condition_arm2") == repaired_cell(r, "condition_arm2")
            ]
            n = self.baseline_n(same, "baseline_n_arm2")
            desc = f"Metapsy condition_arm2 {raw!r}"
            out[raw] = ArmEntry(study, rule.label, rule.code, n, desc)
        return out

    def outcome(
        self, study: str, r: MetapsyRow, intervention: ArmEntry, controls: Mapping[str, ArmEntry]
    ) -> tuple[list[OutcomeEntry], RowDecision]:
        instrument = repaired_cell(r, "instrument") or ""
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
        if r.has_events and not is_dichotomous(r):
            flags.append(
                f"event counts on this row belong to {self.numbers.events_owner(r)}; not used"
            )
        if r.precalc_g is not None:
            own = r.g is not None and abs(r.precalc_g - r.g) <= 5e-4
            whose = "" if own else " (not this row's .g: displaced)"
            flags.append(f"precalculated g {r.precalc_g:g}{whose} not used")
        try:
            arms = self.numbers.of(r, rule)
        except RowExcluded as why:
            decision = RowDecision(r.row, study, instrument, "excluded", str(why), tuple(flags))
            return [], decision
        control = controls[repaired_cell(r, "condition_arm2") or ""]
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

    def text_flags(self, r: MetapsyRow) -> Iterable[str]:
        for column in ("study", "instrument"):
            raw = r.raw.get(column, "")
            if repair_mojibake(raw) is not None:
                yield f"{column} text repaired (mojibake {raw!r})"


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
        The explicit conversion table (see
        :class:`~sysreview.extraction.metapsy_mapping.MetapsyMapping`).
    references
        ``{study: citation}``
        (:func:`~sysreview.extraction.metapsy_references.references_from_metapsy`), joined
        after repair.

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
