"""Metapsy rows as the extraction form's rows: studies, arms and outcomes, a decision per row.

The Metapsy data standard has one row per study x outcome (see
:mod:`sysreview.io.metapsy.reader`). :func:`convert_metapsy` turns such rows into the rows a
filled extraction template holds (:mod:`sysreview.extraction.forms`: one per study, per arm
and per arm x measure x time), driven by an explicit
:class:`~sysreview.io.metapsy.mapping.MetapsyMapping` (which trials to keep, comparator
codes, RoB vocabulary, and one outcome rule per study and instrument) and checked against
the review's :class:`~sysreview.protocol.Protocol`::

    convert_metapsy(data, protocol, mapping=...) -> MetapsyConversion(studies, arms,
                                                                      outcomes, rows)

Every value keeps where it came from (``location``: the file and row) and what was done to
it (``note``). Known defects are refused or handled in the open, each use recorded on the
row's :class:`RowDecision`: a dichotomous row without event counts takes them from the row
the mapping names only if Hedges' g from those counts reproduces the row's stored ``.g``
(:mod:`~sysreview.io.metapsy.numbers`); rows with nothing but a precalculated g/SE are
excluded (the form carries per-arm data only). RoB 2 judgements and the PRISMA flow:
:mod:`~sysreview.io.metapsy.rob2`, :mod:`~sysreview.io.metapsy.flow`. Pure: no files, no
printing.

Study fields (the form's names): ``year``, ``country``, ``setting`` (``in_out_patients``),
``population`` (``disorder`` through the mapping), ``age`` and ``gender`` (``mean_age``,
``percent_women``), ``diagnoses`` (``disorder`` and ``diagnosis_inclusion``), and
``notes`` with the dataset's other descriptive columns (format, delivery mode, duration,
structure, recruitment, specific group, perinatal). Arms: the intervention
(``condition_arm1``, ``delivery``, ``structured`` through the mapping) and one control per
``condition_arm2`` value (code and name from the mapping); each with its baseline N as
``n_randomised`` where the file gives one. Outcomes: post-test
(``weeks_after_end = 0``, ``timepoint_label = "post-test"``), mean/SD/N, change
scores (``mean_change``, ``sd_change``) or events/N, in the instrument's own direction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import pandas as pd

from sysreview.errors import InputError
from sysreview.extraction.dataset import INTERVENTION
from sysreview.io.dataset import Row
from sysreview.io.metapsy.mapping import MetapsyMapping
from sysreview.io.metapsy.numbers import (
    RowExcluded,
    RowNumbers,
    as_count,
    is_dichotomous,
    row_error,
)
from sysreview.io.metapsy.reader import MetapsyData, MetapsyRow, cell, parse_number
from sysreview.io.metapsy.rob2 import rows_text
from sysreview.protocol import Protocol
from sysreview.text import repair_mojibake

__all__ = [
    "INTERVENTION_ARM",
    "MetapsyConversion",
    "RowDecision",
    "convert_metapsy",
]

INTERVENTION_ARM = "intervention"
"""Name of the intervention arm when ``condition_arm1`` is empty (else its text, lower case)."""

TIMEPOINT = "post-test"
"""Every row enters as post-intervention: the file's ``time_weeks`` is not reliable (it often
holds months, see the quality report), and the dataset codes all its rows ``post``."""

_NOTES = {  # label in the study's notes -> Metapsy column (delivery is the arm's)
    "format": "format",
    "delivery mode": "delivery2",
    "duration": "duration_int",
    "structure": "structure_intervention",
    "recruitment": "recruitment",
    "specific group": "specific_group",
    "perinatal": "perinatal",
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
    """The form's rows (studies, arms, outcomes) and one :class:`RowDecision` per file row."""

    studies: tuple[Row, ...]
    arms: tuple[Row, ...]
    outcomes: tuple[Row, ...]
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
        lines = [
            f"Metapsy conversion: {len(self.studies)} studies, {len(self.arms)} arms, "
            f"{len(self.outcomes)} outcome rows; file rows used {len(self.of('used'))}, "
            f"excluded {len(self.of('excluded'))}, not selected {len(self.of('not selected'))}"
        ]
        for r in self.of("excluded"):
            lines.append(f"  row {r.row} ({r.study}, {r.instrument}): excluded: {r.reason}")
        for r in self.of("used"):
            if r.flags:
                lines.append(f"  row {r.row} ({r.study}, {r.instrument}): {'; '.join(r.flags)}")
        return "\n".join(lines)


class _Converter:
    """One conversion run: rows grouped by study, then studies, arms and outcome rows."""

    def __init__(self, data: MetapsyData, protocol: Protocol, mapping: MetapsyMapping) -> None:
        mapping.check(protocol)
        self.data, self.mapping = data, mapping
        self.source = data.source
        self.name = PurePath(data.source).name
        self.numbers = RowNumbers(data, protocol)

    def error(self, r: MetapsyRow, message: str, column: str | None = None) -> InputError:
        return row_error(r, message, column, source=self.source)

    def run(self) -> MetapsyConversion:
        decisions: dict[int, RowDecision] = {}
        grouped: dict[str, list[MetapsyRow]] = {}
        for r in self.data.rows:
            if r.study is None:
                raise InputError("no study label", source=self.source, line=r.row, column="study")
            if self.mapping.selects(r):
                grouped.setdefault(r.study, []).append(r)
            else:
                reason = self.mapping.selection_reason
                decisions[r.row] = RowDecision(r.row, r.study, r.instrument, "not selected", reason)
        studies: list[Row] = []
        arms: list[Row] = []
        outcomes: list[Row] = []
        for study, rows in grouped.items():
            studies.append(self.study(study, rows))
            intervention = self.intervention_arm(study, rows)
            controls = self.controls(study, rows)
            arms += [intervention, *controls.values()]
            for r in rows:
                entries, decision = self.outcome(study, r, intervention, controls)
                outcomes += entries
                decisions[r.row] = decision
        rows_out = tuple(decisions[r.row] for r in self.data.rows)
        return MetapsyConversion(tuple(studies), tuple(arms), tuple(outcomes), rows_out)

    def where(self, rows: list[MetapsyRow]) -> str:
        return rows_text(self.name, rows)

    def distinct(self, rows: Iterable[MetapsyRow], column: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for r in rows if (v := cell(r, column)) is not None))

    def lookup(self, r: MetapsyRow, column: str, table: Mapping[str, Any], what: str) -> Any:
        value = cell(r, column)
        if value is None or value not in table:
            known = ", ".join(repr(k) for k in table)
            raise self.error(
                r,
                f"{column} {value!r} has no {what} in {self.mapping.source} (known: {known})",
                column,
            )
        return table[value]

    def study(self, study: str, rows: list[MetapsyRow]) -> Row:
        first = rows[0]
        out: dict[str, Any] = {"study_id": study, "location": self.where(rows)}
        if first.year is not None:
            out["year"] = int(first.year)
        out["country"] = cell(first, "country")
        out["setting"] = cell(first, "in_out_patients")
        out["population"] = self.lookup(first, "disorder", self.mapping.population, "population")
        for r in rows:  # every row of the study carries an overall judgement the mapping knows
            self.lookup(r, "overall_RoB", self.mapping.rob, "RoB 2 judgement")
        if first.mean_age is not None:
            out["age"] = f"mean {first.mean_age:g} years"
        if first.percent_women is not None:
            out["gender"] = f"{first.percent_women:g}% women"
        diagnoses = "; ".join(self.distinct(rows, "disorder"))
        inclusion = "; ".join(self.distinct(rows, "diagnosis_inclusion"))
        if diagnoses:
            out["diagnoses"] = f"{diagnoses} (inclusion by {inclusion})" if inclusion else diagnoses
        notes = [
            f"{label}: {'; '.join(values)}"
            for label, column in _NOTES.items()
            if (values := self.distinct(rows, column))
        ]
        if notes:
            out["notes"] = "Metapsy " + "; ".join(notes)
        return {k: v for k, v in out.items() if v is not None}

    def intervention_arm(self, study: str, rows: list[MetapsyRow]) -> Row:
        structured = self.lookup(
            rows[0], "structure_intervention", self.mapping.structure, "structure value"
        )
        out: dict[str, Any] = {
            "study_id": study,
            "arm": (cell(rows[0], "condition_arm1") or INTERVENTION_ARM).lower(),
            "arm_type": INTERVENTION,
            "n_randomised": self.baseline_n(rows, "baseline_n_arm1"),
            "description": "; ".join(self.distinct(rows, "condition_arm1")) or None,
            "delivery": "; ".join(self.distinct(rows, "delivery")) or None,
            "structured": structured,
            "location": self.where(rows),
        }
        return {k: v for k, v in out.items() if v is not None}

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

    def controls(self, study: str, rows: list[MetapsyRow]) -> dict[str, Row]:
        out: dict[str, Row] = {}
        for r in rows:
            raw = cell(r, "condition_arm2") or ""
            if raw in out:
                continue
            rule = self.lookup(r, "condition_arm2", self.mapping.comparators, "comparator")
            same = [s for s in rows if (cell(s, "condition_arm2") or "") == raw]
            arm: dict[str, Any] = {
                "study_id": study,
                "arm": rule.label,
                "arm_type": rule.code,
                "n_randomised": self.baseline_n(same, "baseline_n_arm2"),
                "description": raw,
                "location": self.where(same),
            }
            out[raw] = {k: v for k, v in arm.items() if v is not None}
        return out

    def outcome(
        self, study: str, r: MetapsyRow, intervention: Row, controls: Mapping[str, Row]
    ) -> tuple[list[Row], RowDecision]:
        instrument = r.instrument or ""
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
        control = controls[cell(r, "condition_arm2") or ""]
        notes = (*flags, *arms.flags)
        common: dict[str, Any] = {
            "study_id": study,
            "domain": rule.domain,
            "measure": rule.measure,
            "weeks_after_end": 0.0,
            "timepoint_label": TIMEPOINT,
            "location": f"{self.name}, row {r.row}",
            "note": "; ".join(notes) or None,
        }
        entries: list[Row] = [
            {k: v for k, v in {**common, "arm": arm["arm"], **numbers}.items() if v is not None}
            for arm, numbers in ((intervention, arms.first), (control, arms.second))
        ]
        decision = RowDecision(r.row, study, instrument, "used", "", notes)
        return entries, decision

    def text_flags(self, r: MetapsyRow) -> Iterable[str]:
        for column in ("study", "instrument"):
            raw = r.raw.get(column, "")
            if repair_mojibake(raw) != raw:
                yield f"{column} text repaired (mojibake {raw!r})"


def convert_metapsy(
    data: MetapsyData, protocol: Protocol, *, mapping: MetapsyMapping
) -> MetapsyConversion:
    """Convert Metapsy rows into the extraction form's rows, a decision for every file row.

    Parameters
    ----------
    data
        Rows read by :func:`~sysreview.io.metapsy.reader.read_metapsy`.
    protocol
        The review protocol: domains, measures and comparator codes must be declared there.
    mapping
        The explicit conversion table (see
        :class:`~sysreview.io.metapsy.mapping.MetapsyMapping`).

    Returns
    -------
    MetapsyConversion
        One studies row per selected trial (see the module docstring for its fields), an
        intervention arm and one control arm per comparator; per-arm outcome rows at
        post-test in the instrument's own direction (mean/SD/N, change scores, or
        events/N), each with its location in the file and a note of what was done.

    Raises
    ------
    InputError
        A mapping code or measure the protocol lacks; a selected row without an outcome
        rule; a value with no mapping entry; relocated events that do not reproduce ``.g``.
    """
    return _Converter(data, protocol, mapping).run()
