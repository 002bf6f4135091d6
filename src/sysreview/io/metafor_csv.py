"""A CSV of per-arm data with metafor's, meta's or RevMan's column names, as the form's rows.

The columns are those ``sysreview pool`` reads (:mod:`sysreview.analysis_table`, whose
names and aliases are used as they are): ``study`` (metafor's ``slab``), and per study one
family of per-arm data,

* continuous: ``mean_e, sd_e, n_e, mean_c, sd_c, n_c`` (metafor ``m1i, sd1i, n1i, m2i,
  sd2i, n2i``; RevMan ``mean_1 ... total_2``);
* dichotomous: ``events_e, n_e, events_c, n_c`` (metafor ``ai, n1i, ci, n2i``; RevMan
  ``events_1, total_1, ...``); metafor's non-events ``bi``/``di`` (read as
  ``nonevents_e``/``nonevents_c``) give ``n_e``/``n_c`` when those are absent.

The experimental arm (``e``, metafor's group 1) is the intervention, the other the
control. Where each row goes in the protocol comes from the table itself (columns
``domain``, ``measure`` and optionally ``weeks_after_end``, ``timepoint_label``,
``comparator``) or from an outcome mapping (:mod:`sysreview.io.outcomes`) keyed by an
``outcome`` column; a row without a domain, measure and comparator is an error naming it.
Rows with only an estimate and its SE (``yi``/``sei``) have no per-arm data and are
refused. Every row's ``location`` is its file and line. Pure but for reading the files.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path, PurePath
from typing import Any

from sysreview.analysis_table import CONTINUOUS, DICHOTOMOUS, MISSING, canonical_header
from sysreview.cells import restore
from sysreview.errors import InputError
from sysreview.extraction.dataset import INTERVENTION
from sysreview.io.dataset import Dataset, Row
from sysreview.io.outcomes import OutcomeMapping, OutcomeTarget, read_outcome_mapping
from sysreview.protocol import Protocol

__all__ = ["FORMAT", "PLACEMENT", "read_metafor_csv"]

FORMAT = "metafor-csv"
PLACEMENT = ("domain", "measure", "weeks_after_end", "timepoint_label", "comparator", "outcome")
"""Columns saying where a row goes in the protocol (matched in any case)."""


class _Table:
    """The rows of one CSV file, each cell read by column name with its line for errors."""

    def __init__(self, path: Path) -> None:
        self.source = str(path)
        self.name = PurePath(path).name
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text ({exc.reason})", source=self.source) from None
        reader = csv.reader(io.StringIO(text, newline=""))
        written = [h.strip() for h in next(reader, [])]
        if not written:
            raise InputError("empty file", source=self.source)
        header, self.shown = canonical_header(written, self.source)
        self.header = [
            h if h in (*CONTINUOUS, *DICHOTOMOUS, "study") else h.lower() for h in header
        ]
        self.rows: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(self.header):
                raise InputError(
                    f"{len(cells)} cells but the header has {len(self.header)}",
                    source=self.source,
                    line=line,
                )
            self.rows.append((line, dict(zip(self.header, cells, strict=True))))
        if "study" not in self.header:
            raise InputError(
                "missing required column 'study' (metafor: 'slab')", source=self.source, line=1
            )

    def column(self, name: str) -> str:
        return self.shown[self.header.index(name)] if name in self.header else name

    def text(self, cells: dict[str, str], name: str) -> str | None:
        value = restore(cells.get(name, "")).strip()
        return None if value.lower() in MISSING else value

    def number(self, cells: dict[str, str], name: str, line: int) -> float | None:
        value = self.text(cells, name)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            raise InputError(
                f"not a number: {value!r}", source=self.source, line=line, column=self.column(name)
            ) from None
        if not math.isfinite(number):
            raise InputError(
                f"not a finite number: {value!r}",
                source=self.source,
                line=line,
                column=self.column(name),
            )
        return number

    def count(self, cells: dict[str, str], name: str, line: int) -> int | None:
        value = self.number(cells, name, line)
        if value is not None and (value != int(value) or value < 0):
            raise InputError(
                f"{value:g} is not a count", source=self.source, line=line, column=self.column(name)
            )
        return None if value is None else int(value)


def _target(
    table: _Table, cells: dict[str, str], line: int, mapping: OutcomeMapping | None
) -> OutcomeTarget:
    """Where the row goes.

    Its own placement columns, else the mapping's rule of its ``outcome``, else the
    mapping's defaults.
    """
    rule = None
    outcome = table.text(cells, "outcome")
    if mapping is not None and outcome is not None:
        rule = mapping.target(outcome)
        if rule is None:
            raise InputError(
                f"outcome {outcome!r} is not listed in {mapping.source}",
                source=table.source,
                line=line,
                column=table.column("outcome"),
            )
    weeks = table.number(cells, "weeks_after_end", line)
    given = {
        "domain": table.text(cells, "domain") or (rule.domain if rule else None),
        "measure": table.text(cells, "measure") or (rule.measure if rule else None),
        "comparator": table.text(cells, "comparator")
        or (rule.comparator if rule else mapping.comparator if mapping else None),
    }
    missing = [k for k, v in given.items() if v is None]
    if missing:
        raise InputError(
            f"no {', '.join(missing)}: give the column(s), or an outcome mapping "
            "(--mapping) and an 'outcome' column",
            source=table.source,
            line=line,
        )
    if weeks is None:
        weeks = rule.weeks_after_end if rule else mapping.weeks_after_end if mapping else 0.0
    label = table.text(cells, "timepoint_label") or (rule.timepoint_label if rule else None)
    return OutcomeTarget(
        str(given["domain"]), str(given["measure"]), weeks, str(given["comparator"]), label
    )


def _numbers(table: _Table, cells: dict[str, str], line: int) -> tuple[dict[str, Any], ...]:
    """The two arms' numbers of one row, in the form's words."""
    present = set(table.header)
    if set(CONTINUOUS) <= present and table.text(cells, "mean_e") is not None:
        return tuple(
            {
                "mean": table.number(cells, f"mean_{s}", line),
                "sd": table.number(cells, f"sd_{s}", line),
                "n": table.count(cells, f"n_{s}", line),
            }
            for s in "ec"
        )
    if "events_e" in present and "events_c" in present:
        arms = []
        for side, other in (("e", "nonevents_e"), ("c", "nonevents_c")):
            events = table.count(cells, f"events_{side}", line)
            n = table.count(cells, f"n_{side}", line) if f"n_{side}" in present else None
            if n is None and other in present and events is not None:
                rest = table.count(cells, other, line)
                n = None if rest is None else events + rest
            arms.append({"events": events, "n": n})
        return tuple(arms)
    raise InputError(
        "no per-arm data: expected mean_e, sd_e, n_e, mean_c, sd_c, n_c (m1i ... "
        "n2i) or events_e, n_e, events_c, n_c (ai, n1i, ci, n2i); an estimate and "
        "its SE alone cannot be extracted data",
        source=table.source,
        line=line,
    )


def read_metafor_csv(
    path: str | Path, protocol: Protocol, mapping: str | Path | None = None
) -> Dataset:
    """Read a CSV of per-arm data (see the module docstring) into the form's rows.

    Raises
    ------
    InputError
        A missing study column, a row without per-arm data or without a protocol domain,
        measure and comparator, a cell that is not a number or not a count (naming the
        file, line and column), a mapping mistake (with its line).
    """
    rules = None if mapping is None else read_outcome_mapping(mapping, protocol)
    table = _Table(Path(path))
    names = (rules.intervention_arm, rules.control_arm) if rules else ("intervention", "control")
    first: list[str] = []  # the first comparator code seen: its arm is plain "control"
    studies: dict[str, Row] = {}
    arms: dict[tuple[str, str], Row] = {}
    outcomes: list[Row] = []
    for line, cells in table.rows:
        study = table.text(cells, "study")
        if study is None:
            raise InputError(
                "empty study label", source=table.source, line=line, column=table.column("study")
            )
        where = f"{table.name}, line {line}"
        target = _target(table, cells, line, rules)
        studies.setdefault(study, {"study_id": study, "location": where})
        first = first or [target.comparator]
        control = (
            rules.arm_name(target.comparator)
            if rules is not None
            else names[1]
            if target.comparator == first[0]
            else f"{names[1]} ({target.comparator})"
        )
        for (arm, code), numbers in zip(
            ((names[0], INTERVENTION), (control, target.comparator)),
            _numbers(table, cells, line),
            strict=True,
        ):
            arms.setdefault(
                (study, arm), {"study_id": study, "arm": arm, "arm_type": code, "location": where}
            )
            row = {
                "study_id": study,
                "arm": arm,
                "domain": target.domain,
                "measure": target.measure,
                "weeks_after_end": target.weeks_after_end,
                "timepoint_label": target.timepoint_label,
                "location": where,
                **numbers,
            }
            outcomes.append({k: v for k, v in row.items() if v is not None})
    return Dataset(
        str(path), FORMAT, tuple(studies.values()), tuple(arms.values()), tuple(outcomes)
    )
