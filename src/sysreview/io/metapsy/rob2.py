"""RoB 2 judgements as a Metapsy dataset gives them (``RoB_D1``-``RoB_D5``, ``overall_RoB``).

:func:`rob2_from_metapsy` reads the judgement texts of the trials a
:class:`~sysreview.io.metapsy.mapping.MetapsyMapping` selects, translated by its ``rob``
table, into :class:`~sysreview.io.dataset.RobRow` objects (judgements only, no signalling
answers), keeping the dataset's overall judgement: RoB 2 lets assessors rate a result at
high risk for several domains with some concerns (Sterne et al. 2019), so it may differ
from the algorithm's. Pure: no files, no printing.

References
----------
Sterne JAC, Savović J, Page MJ, et al. RoB 2: a revised tool for assessing risk of bias in
randomised trials. BMJ 2019;366:l4898.
"""

from __future__ import annotations

from sysreview.errors import InputError
from sysreview.io.dataset import RobRow
from sysreview.io.metapsy.mapping import MetapsyMapping
from sysreview.io.metapsy.reader import MetapsyData, MetapsyRow, cell
from sysreview.protocol import ROB2_DOMAINS

__all__ = ["rob2_from_metapsy"]

_ROB_COLUMNS = ("RoB_D1", "RoB_D2", "RoB_D3", "RoB_D4", "RoB_D5")


def rows_text(name: str, rows: list[MetapsyRow]) -> str:
    """Where rows are in the file: ``"data.csv, rows 6-8"`` (or ``row 6``, ``rows 6, 9``)."""
    numbers = sorted(r.row for r in rows)
    if len(numbers) == 1:
        return f"{name}, row {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{name}, rows {numbers[0]}-{numbers[-1]}"
    return f"{name}, rows {', '.join(map(str, numbers))}"


def rob2_from_metapsy(
    data: MetapsyData, mapping: MetapsyMapping, *, name: str | None = None
) -> tuple[RobRow, ...]:
    """Per-study RoB 2 judgements (``RoB_D1``-``RoB_D5``, ``overall_RoB``) of selected trials.

    A study whose rows carry different judgements (assessed per outcome) gets one
    :class:`RobRow` per distinct set, its ``result`` naming the instruments. ``name`` is
    how locations name the file (default: its source).

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
            text = cell(r, column)
            if text is None or text not in mapping.rob:
                raise InputError(
                    f"RoB judgement {text!r} has no entry in {mapping.source}",
                    source=data.source,
                    line=r.row,
                    column=column,
                )
            values.append(mapping.rob[text])
        sets.setdefault(r.study or "", {}).setdefault(tuple(values), []).append(r)
    out = []
    for study, groups in sets.items():
        for judgements, rows in groups.items():
            result = (
                None
                if len(groups) == 1
                else "; ".join(dict.fromkeys(cell(r, "instrument") or "" for r in rows))
            )
            judged = dict(zip(ROB2_DOMAINS, judgements[:5], strict=True))
            where = rows_text(name or data.source, rows)
            out.append(RobRow(study, "RoB2", judged, judgements[5], result, where))
    return tuple(out)
