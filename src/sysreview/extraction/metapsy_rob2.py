"""RoB 2 judgements as a Metapsy dataset gives them (``RoB_D1``-``RoB_D5``, ``overall_RoB``).

:func:`rob2_from_metapsy` reads the judgement texts of the trials a
:class:`~sysreview.extraction.metapsy_mapping.MetapsyMapping` selects, translated by its
``rob`` table, into :class:`~sysreview.appraisal.rob2.Rob2Judgements` (judgements only, no
signalling answers). Pure: no files, no printing.
"""

from __future__ import annotations

from sysreview.appraisal.rob2 import Rob2Judgements
from sysreview.errors import InputError
from sysreview.extraction.metapsy import MetapsyData, MetapsyRow
from sysreview.extraction.metapsy_mapping import MetapsyMapping
from sysreview.extraction.quality import repaired_cell, repaired_text
from sysreview.protocol import ROB2_DOMAINS

__all__ = ["rob2_from_metapsy"]

_ROB_COLUMNS = ("RoB_D1", "RoB_D2", "RoB_D3", "RoB_D4", "RoB_D5")


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
            text = repaired_cell(r, column)
            if text is None or text not in mapping.rob:
                raise InputError(
                    f"RoB judgement {text!r} has no entry in {mapping.source}",
                    source=data.source,
                    line=r.row,
                    column=column,
                )
            values.append(mapping.rob[text])
        sets.setdefault(repaired_text(r.study) or "", {}).setdefault(tuple(values), []).append(r)
    out = []
    for study, groups in sets.items():
        for judgements, rows in groups.items():
            result = (
                "all outcomes"
                if len(groups) == 1
                else "; ".join(dict.fromkeys(repaired_cell(r, "instrument") or "" for r in rows))
            )
            judged = dict(zip(ROB2_DOMAINS, judgements[:5], strict=True))
            out.append(
                Rob2Judgements(study, result, judged, judgements[5], tuple(r.row for r in rows))
            )
    return tuple(out)
