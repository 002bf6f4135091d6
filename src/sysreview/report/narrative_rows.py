"""Narrative results: each study's finding for an outcome summarised, not pooled.

:func:`narrative_from_json` reads the ``narrative`` lists of the synthesis's
``results.json`` records (checked as :mod:`sysreview.report.records` checks the rest) into
:class:`NarrativeRow` s: the effect as the synthesis computed it, the study's own reported
test, and which arm its result favoured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .records import _not_usable, _Reader


class Direction(StrEnum):
    """Which arm a study's own result favoured (for narrative summaries).

    ``not_usable`` for a study that reported means without any measure of spread.
    """

    INTERVENTION = "intervention"
    CONTROL = "control"
    NONE = "none"
    UNKNOWN = "unknown"
    NOT_USABLE = "not_usable"


@dataclass(frozen=True)
class NarrativeRow:
    """One study's finding for an outcome that was summarised, not pooled.

    ``effect`` is the effect as reported or computed (``"RR 0.92 (95% CI 0.73 to 1.16)"``);
    ``significance`` the reported test (``"p = 0.03"``, ``"p not reported"``).
    """

    study: str
    direction: Direction
    effect: str
    significance: str
    measure: str | None = None
    effect_measure: str | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


_DIRECTIONS = {
    "favours intervention": Direction.INTERVENTION,
    "favours control": Direction.CONTROL,
    "no difference": Direction.NONE,
}


def _narrative_row(rid: str, item: Mapping[str, Any], level: float) -> NarrativeRow:
    from .words import fmt_ci, fmt_num, fmt_p

    r = _Reader(f"results record {rid!r}, narrative row of {item.get('study')!r}", item)
    study, direction = r.text("study"), r.text("direction") or ""
    if not study:
        raise r.fail("study", "is missing")
    est, low, high = r.number("estimate"), r.number("ci_low"), r.number("ci_high")
    measure = r.text("effect_measure") or ""
    if est is None:
        why = direction.partition(":")[2].strip()
        effect = f"not estimable: {why}" if why else "not estimable"
    elif low is None or high is None:
        effect = f"{measure} {fmt_num(est)}".strip()
    else:
        effect = f"{measure} {fmt_num(est)} ({fmt_ci(low, high, level)})".strip()
    p = r.number("reported_p")
    significance = "p not reported" if p is None else f"reported {fmt_p(p)}"
    found = _DIRECTIONS.get(direction.lower(), Direction.UNKNOWN)
    return NarrativeRow(study, found, effect, significance, r.text("measure"), measure or None,
                        est, low, high)  # fmt: skip


def narrative_from_json(
    items: Sequence[Mapping[str, Any]], level: float = 95.0
) -> dict[str, tuple[NarrativeRow, ...]]:
    """``analysis id -> rows`` from the ``narrative`` lists of ``results.json`` records.

    Each row's ``effect_measure``, ``estimate`` and CI become the effect text; the
    ``direction`` words (``favours intervention``, ``favours control``, ``no
    difference``, ``not estimable: ...``) become a :class:`Direction`; ``reported_p``
    the significance. Studies the record lists as ``excluded`` with ``reported`` means
    (means without any measure of spread) follow as rows of :attr:`Direction.NOT_USABLE`
    with those means.
    """
    out: dict[str, tuple[NarrativeRow, ...]] = {}
    for item in items:
        if item.get("kind") != "narrative":
            continue
        rid = str(item.get("analysis"))
        reader = _Reader(f"results record {rid!r}", item)
        rows = [_narrative_row(rid, row, level) for row in reader.items("narrative")]
        rows += [
            NarrativeRow(
                u.study,
                Direction.NOT_USABLE,
                f"means as reported: {u.means}",
                "not pooled: no SD, SE or CI",
                u.measure,
            )
            for u in (_not_usable(rid, e) for e in reader.items("excluded") if e.get("reported"))
        ]
        if rows:
            out[rid] = tuple(rows)
    return out


__all__ = ["Direction", "NarrativeRow", "narrative_from_json"]
