"""Frozen records of a RevMan 5 review's analyses, as read from an ``.rm5`` file.

The tree mirrors the file: a :class:`Review` holds :class:`Comparison` objects, each
holding :class:`Outcome` objects (``DICH_OUTCOME``, ``CONT_OUTCOME``, ``IV_OUTCOME``),
optionally split into :class:`Subgroup` objects; every study row is a
:class:`StudyRow`. Next to the inputs, RevMan's own computed results are kept
verbatim (:class:`StoredStudy`, :class:`StoredPooled`) so that an implementation
can be checked number for number. Nothing here recomputes anything.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np
import pandas as pd

DataType = Literal["DICH", "CONT", "IV"]
Totals = Literal["YES", "SUB", "NO"]

#: Input columns of :meth:`Outcome.to_frame`, per data type.
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "DICH": ("events_1", "total_1", "events_2", "total_2"),
    "CONT": ("mean_1", "sd_1", "total_1", "mean_2", "sd_2", "total_2"),
    "IV": ("estimate", "se_input", "total_1", "total_2"),
}


@dataclass(frozen=True, slots=True)
class StoredStudy:
    """RevMan's stored result for one study row (attributes of ``*_DATA``).

    For ``DICH_DATA`` and ``CONT_DATA`` rows ``se`` is RevMan's computed standard
    error (of the log effect for ratio measures); for ``IV_DATA`` rows the ``SE``
    attribute is the *input*, found in :attr:`StudyRow.se_input`, and ``se`` is
    ``None``. Rows that RevMan marks not estimable store zeros here.
    ``log_*`` are **base-10** logarithms of the effect and its limits (RevMan writes
    them for DICH and IV rows; 0.0 for IV rows when ``LOG_DATA="NO"``).
    ``o_e`` and ``var`` are the ``O_E`` and ``VAR`` attributes of ``DICH_DATA`` rows
    (in the golden files ``O_E`` is 0 and ``VAR`` equals ``SE**2``); else ``None``.
    """

    effect_size: float | None
    se: float | None
    ci_start: float | None
    ci_end: float | None
    weight: float | None
    log_effect_size: float | None
    log_ci_start: float | None
    log_ci_end: float | None
    o_e: float | None = None
    var: float | None = None


@dataclass(frozen=True, slots=True)
class StoredPooled:
    """RevMan's stored pooled result of an outcome or a subgroup.

    ``'NaN'`` in the file becomes ``float('nan')``, ``'-Infinity'`` becomes
    ``-inf``; an empty attribute becomes ``None``. ``log_*`` are base-10 logarithms;
    ``studies`` counts distinct studies, which can be fewer than the outcome's rows
    when a study appears more than once (e.g. in several subgroups). Values are kept exactly as
    stored: RevMan writes, for instance, tiny negative ``P_CHI2`` values
    (``-1.5543122344752192E-15``) from floating-point cancellation.
    """

    effect_size: float | None
    ci_start: float | None
    ci_end: float | None
    z: float | None
    p_z: float | None
    chi2: float | None
    df: float | None
    p_chi2: float | None
    i2: float | None
    tau2: float | None
    weight: float | None
    log_effect_size: float | None
    log_ci_start: float | None
    log_ci_end: float | None
    studies: int | None
    total_1: float | None
    total_2: float | None
    events_1: float | None
    events_2: float | None


@dataclass(frozen=True, slots=True)
class StudyRow:
    """One study's data in one outcome (a ``DICH_DATA``, ``CONT_DATA`` or ``IV_DATA``).

    Inputs not used by the outcome's data type are ``None``; ``total_1``/``total_2``
    are read for every type. ``estimable`` is ``False`` exactly when RevMan wrote
    ``ESTIMABLE="NO"``: such a row is part of the analysis (and must be reported as
    not estimable), but contributes no weight.
    """

    study_id: str
    study_name: str
    subgroup_no: int | None
    order: int | None
    events_1: float | None
    total_1: float | None
    events_2: float | None
    total_2: float | None
    mean_1: float | None
    sd_1: float | None
    mean_2: float | None
    sd_2: float | None
    estimate: float | None
    se_input: float | None
    estimable: bool
    stored: StoredStudy | None


@dataclass(frozen=True, slots=True)
class Subgroup:
    """A subgroup of an outcome (``*_SUBGROUP``) with its stored subtotal."""

    id: str
    no: int
    name: str
    stored: StoredPooled | None
    studies: tuple[StudyRow, ...]
    estimable: bool = True


@dataclass(frozen=True, slots=True)
class Outcome:
    """One analysis (``DICH_OUTCOME``, ``CONT_OUTCOME`` or ``IV_OUTCOME``).

    ``studies`` holds every study row in document order, including the rows
    inside ``subgroups``. ``stored`` is ``None`` when RevMan stored no overall
    estimate (an empty ``EFFECT_SIZE``). Stored totals are meaningful only where
    ``totals == 'YES'``; with ``'SUB'`` only the subgroup subtotals are real.
    ``subgroup_test`` is ``(Q, P_Q, I2_Q)`` exactly as stored, which RevMan also
    writes (as zeros or rounding noise) for outcomes without subgroups.
    ``estimable`` is ``False`` when RevMan wrote ``ESTIMABLE="NO"`` on the outcome
    (e.g. single-study ``TOTALS="SUB"`` outcomes, or outcomes with no rows).
    """

    id: str
    no: int
    name: str
    data_type: DataType
    measure: str
    iv_measure_label: str | None
    method: str
    random: bool
    totals: Totals
    log_data: bool
    ci_study: float
    ci_total: float
    swap_events: bool
    subgroups_flag: bool
    subgroup_test_flag: bool
    group_label_1: str | None
    group_label_2: str | None
    stored: StoredPooled | None
    subgroup_test: tuple[float, float, float] | None
    subgroups: tuple[Subgroup, ...]
    studies: tuple[StudyRow, ...]
    estimable: bool = True

    def to_frame(self) -> pd.DataFrame:
        """Return the study rows as a tidy, unrounded DataFrame.

        One row per :class:`StudyRow`, in document order, with columns
        ``study_id, study, subgroup_no, subgroup, order, estimable``, the inputs of
        the data type (see :data:`INPUT_COLUMNS`) and every :class:`StoredStudy`
        field. Missing values are ``NaN`` (``<NA>`` for the integer columns).
        """
        names = {sub.no: sub.name for sub in self.subgroups}
        rows = self.studies
        data: dict[str, object] = {
            "study_id": [r.study_id for r in rows],
            "study": [r.study_name for r in rows],
            "subgroup_no": pd.array([r.subgroup_no for r in rows], dtype="Int64"),
            "subgroup": [None if r.subgroup_no is None else names.get(r.subgroup_no) for r in rows],
            "order": pd.array([r.order for r in rows], dtype="Int64"),
            "estimable": np.array([r.estimable for r in rows], dtype=bool),
        }
        for col in INPUT_COLUMNS[self.data_type]:
            data[col] = np.array([_nan(getattr(r, col)) for r in rows], dtype=float)
        for col in (f.name for f in fields(StoredStudy)):
            data[col] = np.array(
                [math.nan if r.stored is None else _nan(getattr(r.stored, col)) for r in rows],
                dtype=float,
            )
        return pd.DataFrame(data)

    def summary(self) -> str:
        """Return a header line and one line per study (inputs and stored result)."""
        head = f"{self.id} {self.name}: {self.data_type} {self.measure}"
        if self.iv_measure_label:
            head += f" ({self.iv_measure_label})"
        model = "random" if self.random else "fixed"
        head += f", {self.method} {model}, totals {self.totals}, {len(self.studies)} studies"
        if self.stored is not None and self.stored.effect_size is not None:
            head += f"; stored {self.measure} {_ci(self.stored.effect_size, self.stored)}"
        lines = [head]
        names = {sub.no: sub.name for sub in self.subgroups}
        for row in self.studies:
            where = "" if row.subgroup_no is None else f" [{names.get(row.subgroup_no, '?')}]"
            result = "not estimable"
            if row.estimable and row.stored is not None and row.stored.effect_size is not None:
                result = f"{self.measure} {_ci(row.stored.effect_size, row.stored)}"
                if row.stored.weight is not None:
                    result += f", weight {row.stored.weight:.1f}%"
            elif row.estimable:
                result = "no stored result"
            lines.append(f"  {row.study_name}{where}: {self._inputs(row)}; {result}")
        return "\n".join(lines)

    def _inputs(self, row: StudyRow) -> str:
        if self.data_type == "DICH":
            return f"{_g(row.events_1)}/{_g(row.total_1)} vs {_g(row.events_2)}/{_g(row.total_2)}"
        if self.data_type == "CONT":
            return (
                f"{_g(row.mean_1)} ({_g(row.sd_1)}, n={_g(row.total_1)}) vs "
                f"{_g(row.mean_2)} ({_g(row.sd_2)}, n={_g(row.total_2)})"
            )
        return f"estimate {_g(row.estimate)} (SE {_g(row.se_input)})"


@dataclass(frozen=True, slots=True)
class Comparison:
    """A comparison (``COMPARISON``) and its outcomes."""

    id: str
    no: int
    name: str
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True, slots=True)
class Review:
    """The analyses of one RevMan 5 review.

    ``study_names`` maps every ``STUDY_ID`` (from ``<STUDY>`` elements, plus any id
    used by a data row) to the study's name. ``skipped_outcomes`` lists the ids of
    outcomes of types this reader does not model (e.g. ``IPD_OUTCOME``,
    ``OTHER_OUTCOME``), so that nothing is dropped silently.
    """

    title: str
    path: str
    comparisons: tuple[Comparison, ...]
    study_names: dict[str, str]
    skipped_outcomes: tuple[str, ...] = ()

    def outcomes(self) -> Iterator[Outcome]:
        """Iterate over every outcome of every comparison, in document order."""
        for comparison in self.comparisons:
            yield from comparison.outcomes

    def outcome(self, outcome_id: str) -> Outcome:
        """Return the outcome with id ``outcome_id`` (e.g. ``'CMP-001.02'``).

        Raises
        ------
        KeyError
            If the review has no such outcome.
        """
        for outcome in self.outcomes():
            if outcome.id == outcome_id:
                return outcome
        raise KeyError(f"{self.path}: no outcome {outcome_id!r}")

    def to_frame(self) -> pd.DataFrame:
        """Return one row per outcome: ids, names, settings and the stored result."""
        rows = []
        pooled_cols = [f.name for f in fields(StoredPooled)]
        for comparison in self.comparisons:
            for o in comparison.outcomes:
                row: dict[str, object] = {
                    "comparison_id": comparison.id,
                    "comparison": comparison.name,
                    "outcome_id": o.id,
                    "outcome": o.name,
                    "data_type": o.data_type,
                    "measure": o.measure,
                    "method": o.method,
                    "random": o.random,
                    "totals": o.totals,
                    "n_rows": len(o.studies),
                }
                for col in pooled_cols:
                    row[col] = math.nan if o.stored is None else _nan(getattr(o.stored, col))
                rows.append(row)
        columns = [
            "comparison_id",
            "comparison",
            "outcome_id",
            "outcome",
            "data_type",
            "measure",
            "method",
            "random",
            "totals",
            "n_rows",
            *pooled_cols,
        ]
        return pd.DataFrame(rows, columns=columns).astype({c: "float64" for c in pooled_cols})

    def summary(self) -> str:
        """Return the title and one line per outcome."""
        lines = [f"{self.title} ({self.path})"]
        for o in self.outcomes():
            model = "random" if o.random else "fixed"
            line = f"  {o.id} {o.data_type} {o.measure} {o.method} {model}"
            line += f" totals={o.totals} k={len(o.studies)}: {o.name}"
            lines.append(line)
        return "\n".join(lines)


def _nan(value: float | int | None) -> float:
    return math.nan if value is None else float(value)


def _g(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _ci(effect: float, stored: StoredStudy | StoredPooled) -> str:
    return f"{effect:.4g} [{_g4(stored.ci_start)}, {_g4(stored.ci_end)}]"


def _g4(value: float | None) -> str:
    return "?" if value is None else f"{value:.4g}"
