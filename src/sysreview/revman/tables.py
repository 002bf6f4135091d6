"""A RevMan 5 review as the analyses ``sysreview pool`` pools: one per outcome.

Each outcome (``DICH_OUTCOME``, ``CONT_OUTCOME``, ``IV_OUTCOME``) becomes a
:class:`~sysreview.analysis_table.TableAnalysis` holding the same data columns a CSV
table would (``events_e, n_e, events_c, n_c``; ``mean_e, sd_e, n_e, mean_c, sd_c,
n_c``; ``estimate, se``), its subgroups, and RevMan's settings for it: the effect
measure, the method (MH, IV, Peto), the model (``RANDOM="YES"``), the confidence level
(``CI_TOTAL``) and, for generic inverse variance, whether the estimates are log ratios
(``LOG_DATA``). Options given to ``sysreview pool`` override them, as they override the
settings columns of a CSV table.

Every outcome is kept, also one without study rows (it is reported as not estimable).
With ``SWAP_EVENTS="YES"`` RevMan analyses non-events, so the events columns hold
``total - events``.
"""

from __future__ import annotations

import math

import numpy as np

from sysreview.analysis_table import TableAnalysis
from sysreview.effects.base import FloatArray
from sysreview.errors import InputError
from sysreview.revman.model import Outcome, Review, StudyRow
from sysreview.revman.reader import parse_rm5

#: The StudyRow attribute holding each data column, per data type.
_SOURCE: dict[str, dict[str, str]] = {
    "CONT": {
        "mean_e": "mean_1", "sd_e": "sd_1", "n_e": "total_1",
        "mean_c": "mean_2", "sd_c": "sd_2", "n_c": "total_2",
    },
    "DICH": {"events_e": "events_1", "n_e": "total_1", "events_c": "events_2", "n_c": "total_2"},
    "IV": {"estimate": "estimate", "se": "se_input"},
}  # fmt: skip


def read_review_tables(data: bytes, source: str) -> tuple[tuple[str, ...], list[TableAnalysis]]:
    """Parse a RevMan 5 file into what :func:`~sysreview.analysis_table.read_table` returns.

    As for a CSV: the data columns of the first analysis and one analysis per outcome (each
    with its own data columns and measure).
    """
    tables = review_tables(parse_rm5(data, source=source))
    if not tables:
        raise InputError("the RevMan file has no analyses (no outcomes)", source=source)
    return tuple(tables[0].columns), tables


def review_tables(review: Review) -> list[TableAnalysis]:
    """Every outcome of ``review``, in document order, as an analysis to pool.

    Examples
    --------
    >>> from sysreview.revman import parse_rm5
    >>> rm5 = b'''<COCHRANE_REVIEW><ANALYSES_AND_DATA><COMPARISON ID="CMP-001" NO="1">
    ... <NAME>A vs B</NAME><DICH_OUTCOME ID="CMP-001.01" NO="1" EFFECT_MEASURE="OR"
    ...  METHOD="MH" RANDOM="NO" TOTALS="YES"><NAME>Death</NAME>
    ... <DICH_DATA STUDY_ID="STD-Smith-2001" EVENTS_1="5" TOTAL_1="50" EVENTS_2="10"
    ...  TOTAL_2="50"/></DICH_OUTCOME></COMPARISON></ANALYSES_AND_DATA></COCHRANE_REVIEW>'''
    >>> (table,) = review_tables(parse_rm5(rm5))
    >>> table.label, table.studies, table.settings["method"], table.settings["model"]
    ('1.1 Death', ('Smith 2001',), 'MH', 'fixed')
    >>> table.columns["events_c"].tolist()
    [10.0]
    """
    out: list[TableAnalysis] = []
    for comparison in review.comparisons:
        for outcome in comparison.outcomes:
            label = f"{comparison.no}.{outcome.no} {outcome.name}".strip()
            out.append(outcome_table(outcome, label))
    return out


def outcome_table(outcome: Outcome, label: str) -> TableAnalysis:
    """One outcome's study rows, subgroups and settings as an analysis to pool."""
    rows = outcome.studies
    columns = {
        column: _values(rows, attribute) for column, attribute in _SOURCE[outcome.data_type].items()
    }
    if outcome.data_type == "DICH" and outcome.swap_events:
        columns["events_e"] = columns["n_e"] - columns["events_e"]
        columns["events_c"] = columns["n_c"] - columns["events_c"]
    settings = {
        "measure": outcome.measure,
        "method": outcome.method,
        "model": "random" if outcome.random else "fixed",
        "level": f"{outcome.ci_total:g}",
        "log_scale": "yes" if outcome.log_data else "no",
    }
    return TableAnalysis(
        label=label,
        studies=tuple(row.study_name for row in rows),
        subgroups=_subgroup_labels(outcome),
        columns=columns,
        rows=(),
        settings=settings,
    )


def _values(rows: tuple[StudyRow, ...], attribute: str) -> FloatArray:
    values = [getattr(row, attribute) for row in rows]
    return np.array([math.nan if v is None else v for v in values], dtype=float)


def _subgroup_labels(outcome: Outcome) -> tuple[str, ...] | None:
    """Each study row's subgroup name; ``None`` when the outcome has no subgroups.

    Names are made unique, ``Subgroup N`` if blank.
    """
    if not outcome.subgroups:
        return None
    names: dict[int, str] = {}
    for sub in outcome.subgroups:
        name = sub.name or f"Subgroup {sub.no}"
        names[sub.no] = f"{name} ({sub.no})" if name in names.values() else name
    return tuple(names.get(row.subgroup_no or 0, "") for row in outcome.studies)


__all__ = ["outcome_table", "read_review_tables", "review_tables"]
