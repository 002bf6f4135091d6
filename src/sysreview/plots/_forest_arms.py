"""The per-arm data of a forest plot's study rows: checked, and read as numbers.

A forest plot shows each study's arms (means, SDs and totals, or events and totals) next
to its estimate. They are inputs, given with the analysis or kept with its effect sizes
(2x2 tables, group sizes); :func:`arm_values` checks them against the analysis (one row
per study, in order; columns that fit the measure; numbers, none negative) and reads
them for :mod:`sysreview.plots._forest_text`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import numpy as np

from sysreview.errors import InputError
from sysreview.meta.result import MetaAnalysis
from sysreview.vocab import Measure

ARM_COLUMNS: Final = MappingProxyType(
    {
        "continuous": ("mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c"),
        "dichotomous": ("events_e", "n_e", "events_c", "n_c"),
        "sizes": ("n_e", "n_c"),
    }
)
"""Accepted per-arm column sets (``_e`` experimental arm, ``_c`` control arm)."""


def _number(value: Any, study: str, row: int, column: str) -> float:
    if value is None:
        return math.nan
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"study {study!r}: {column} is not a number: {value!r}", line=row, column=column
        ) from None
    if column.split("_")[0] in ("n", "sd", "events") and x < 0:
        raise InputError(f"study {study!r}: {column} is negative ({x:g})", line=row, column=column)
    return x


def _arm_kind(columns: set[str], measure: Measure) -> str:
    for kind in ("continuous", "dichotomous"):
        prefix = set(ARM_COLUMNS[kind]) - {"n_e", "n_c"}
        if columns & prefix:
            missing = sorted(set(ARM_COLUMNS[kind]) - columns)
            if missing:
                raise InputError(f"arms: {kind} data need columns " + ", ".join(missing))
            break
    else:
        kind = "sizes"
        if not {"n_e", "n_c"} <= columns:
            raise InputError(
                "arms: need columns mean_e, sd_e, n_e, mean_c, sd_c, n_c (continuous), "
                "events_e, n_e, events_c, n_c (dichotomous) or n_e, n_c; got "
                + (", ".join(sorted(columns)) or "none")
            )
    if (kind == "continuous" and measure.is_dichotomous) or (
        kind == "dichotomous" and measure.is_continuous
    ):
        raise InputError(f"arms: {kind} data do not fit the measure {measure.value}")
    return kind


def arm_values(result: MetaAnalysis, arms: Any) -> tuple[str | None, list[dict[str, float]]]:
    """Validate the per-arm table and read it as floats, one dict per study.

    Without ``arms``, the 2x2 tables kept in ``result.effects`` (dichotomous measures) or
    the group sizes ``n1i``/``n2i`` (when known) are used.
    """
    es = result.effects
    if arms is None:
        if es.tables is not None:
            t = es.tables
            data = zip(t.ai, t.n1i, t.ci, t.n2i, strict=True)
            return "dichotomous", [
                {"events_e": a, "n_e": n1, "events_c": c, "n_c": n2} for a, n1, c, n2 in data
            ]
        if np.all(np.isfinite(es.n1i)) and np.all(np.isfinite(es.n2i)) and es.k:
            return "sizes", [{"n_e": a, "n_c": b} for a, b in zip(es.n1i, es.n2i, strict=True)]
        return None, [{} for _ in es.studies]
    records = arms.to_dict("records") if hasattr(arms, "to_dict") else list(arms)
    if len(records) != es.k:
        raise InputError(f"arms: {len(records)} rows given for {es.k} studies")
    if not all(isinstance(r, Mapping) for r in records):
        raise InputError("arms must be a DataFrame or a sequence of mappings (one per study)")
    kind = _arm_kind(set().union(*(set(r) for r in records)) if records else set(), result.measure)
    values = []
    for i, (study, record) in enumerate(zip(es.studies, records, strict=True), start=1):
        named = record.get("study")
        if named is not None and str(named) != study:
            raise InputError(
                f"arms: row {i} is for study {named!r}, but the analysis has {study!r} there",
                line=i,
                column="study",
            )
        values.append({c: _number(record.get(c), study, i, c) for c in ARM_COLUMNS[kind]})
    return kind, values


__all__ = ["ARM_COLUMNS", "arm_values"]
