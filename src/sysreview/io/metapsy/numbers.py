"""The per-arm numbers of one Metapsy row: mean/SD/N, change scores, or events/N.

Keyed by the extraction form's field names (``mean, sd, n``; ``mean_change, sd_change,
n``; ``events, n``).

:class:`RowNumbers` reads both arms of a row for
:func:`~sysreview.io.metapsy.convert.convert_metapsy`: means, SDs and Ns (or change
scores, flagged), or event counts for a dichotomous row. A row with nothing but a
precalculated g/SE raises :class:`RowExcluded` (recorded as the row's decision).

The Metapsy file has dichotomous rows without event counts whose counts sit on another
(continuous) row. :func:`g_from_events` computes g as metapsyTools does, so such counts are
taken only from the row the mapping names (``events_from_row``) and only when they
reproduce this row's stored ``.g`` and SE within :data:`EVENTS_ATOL`;
:meth:`RowNumbers.events_owner` names the row displaced counts belong to. Pure: no files,
no printing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sysreview.effects import dichotomous_effects, hedges_correction
from sysreview.errors import InputError
from sysreview.io.metapsy.mapping import OutcomeRule
from sysreview.io.metapsy.reader import MetapsyData, MetapsyRow, cell
from sysreview.protocol import Protocol

__all__ = [
    "EVENTS_ATOL",
    "ArmNumbers",
    "RowExcluded",
    "RowNumbers",
    "as_count",
    "g_from_events",
    "is_dichotomous",
    "row_error",
]

EVENTS_ATOL = 1e-6
"""Tolerance for g from relocated event counts against the row's stored ``.g`` and SE."""

_DICHOTOMOUS = frozenset({"dich", "binary", "response", "remission", "deterioration", "events"})


def row_error(r: MetapsyRow, message: str, column: str | None = None, *, source: str) -> InputError:
    """An :class:`InputError` at the row (and column), its message led by the row's study."""
    return InputError(f"{r.study}: {message}", source=source, line=r.row, column=column)


def as_count(value: float | None, *, source: str, row: int, column: str) -> int | None:
    """``value`` as a count (``None`` when missing); an :class:`InputError` if it is not one."""
    if value is None:
        return None
    if value != int(value) or value < 0:
        raise InputError(f"{value:g} is not a count", source=source, line=row, column=column)
    return int(value)


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


def is_dichotomous(r: MetapsyRow) -> bool:
    """Whether the row's ``outcome_type`` is a dichotomous one (events / N)."""
    return (r.outcome_type or "").lower() in _DICHOTOMOUS


def _has_change(r: MetapsyRow) -> bool:
    values = (r.mean_change1, r.sd_change1, r.n_change1, r.mean_change2, r.sd_change2)
    return all(v is not None for v in (*values, r.n_change2))


@dataclass(frozen=True)
class ArmNumbers:
    """The numbers of both arms of one row: (mean, sd, n) or (events, n)."""

    first: dict[str, Any]
    second: dict[str, Any]
    flags: tuple[str, ...] = ()


class RowExcluded(Exception):
    """A row the conversion leaves out, with the reason (recorded, never raised out of it)."""


class RowNumbers:
    """Reads the per-arm numbers of the rows of one Metapsy file (see :meth:`of`)."""

    def __init__(self, data: MetapsyData, protocol: Protocol) -> None:
        self.data, self.protocol = data, protocol
        self.by_row = {r.row: r for r in data.rows}
        self.source = data.source

    def error(self, r: MetapsyRow, message: str, column: str | None = None) -> InputError:
        """An :class:`InputError` naming the file, row ``r`` and ``column``."""
        return row_error(r, message, column, source=self.source)

    def events_owner(self, holder: MetapsyRow) -> str:
        """The dichotomous row whose stored g and SE the counts on ``holder`` reproduce."""
        counts = (holder.ai, holder.n1i_events, holder.ci, holder.n2i_events)
        if any(c is None for c in counts):
            return "another row"
        g, se = g_from_events(*(float(c) for c in counts if c is not None))
        for r in self.data.rows:
            if (
                is_dichotomous(r)
                and not r.has_events
                and r.g is not None
                and r.g_se is not None
                and abs(abs(g) - abs(r.g)) <= EVENTS_ATOL
                and abs(se - r.g_se) <= EVENTS_ATOL
            ):
                return f"row {r.row} ({r.study}, {cell(r, 'instrument')})"
        return "another row"

    def count(self, r: MetapsyRow, name: str, column: str) -> int | None:
        """The count in field ``name`` of row ``r`` (``None`` if empty); ``column`` names it."""
        return as_count(getattr(r, name), source=self.source, row=r.row, column=column)

    def of(self, r: MetapsyRow, rule: OutcomeRule) -> ArmNumbers:
        """Both arms' numbers of row ``r``; :class:`RowExcluded` when it has none."""
        if is_dichotomous(r):
            return self.events(r, rule)
        if r.has_means:
            return ArmNumbers(
                {"mean": r.m1i, "sd": r.sd1i, "n": self.count(r, "n1i", "n_arm1")},
                {"mean": r.m2i, "sd": r.sd2i, "n": self.count(r, "n2i", "n_arm2")},
            )
        if _has_change(r):
            return ArmNumbers(
                {
                    "mean_change": r.mean_change1,
                    "sd_change": r.sd_change1,
                    "n": self.count(r, "n_change1", "n_change_arm1"),
                },
                {
                    "mean_change": r.mean_change2,
                    "sd_change": r.sd_change2,
                    "n": self.count(r, "n_change2", "n_change_arm2"),
                },
            )
        if r.precalc_g is not None or r.g is not None:
            raise RowExcluded(
                "only a precalculated g/SE: the extracted-data contract carries per-arm "
                "numbers, not generic inverse-variance estimates"
            )
        raise RowExcluded("no per-arm numbers on this row")

    def events(self, r: MetapsyRow, rule: OutcomeRule) -> ArmNumbers:
        """Both arms' event counts of dichotomous row ``r`` (from the row holding them)."""
        holder, flags = r, tuple[str, ...]()
        if not r.has_events:
            if rule.events_from_row is None:
                raise RowExcluded("dichotomous row without event counts (displaced-events defect)")
            holder = self.relocated(r, rule)
            dich = cell(holder, "dich")
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
        return ArmNumbers({"events": a, "n": n1}, {"events": c, "n": n2}, flags)

    def relocated(self, r: MetapsyRow, rule: OutcomeRule) -> MetapsyRow:
        """The row holding the event counts the file displaced from row ``r``."""
        assert rule.events_from_row is not None
        holder = self.by_row.get(rule.events_from_row)
        if holder is None or is_dichotomous(holder) or not holder.has_events:
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
