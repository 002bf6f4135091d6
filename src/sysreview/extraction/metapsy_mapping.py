"""The Metapsy mapping: every non-numeric decision of a conversion, stated explicitly.

A :class:`MetapsyMapping` says which trials a review keeps (a selection column and its
included values), the comparator code and control-arm name of each ``condition_arm2`` value
(:class:`ComparatorRule`), the RoB 2 judgement of each RoB text, the population and
structure codes, and one :class:`OutcomeRule` per study and instrument (protocol domain and
measure). :meth:`MetapsyMapping.check` compares it with the review's
:class:`~sysreview.protocol.Protocol`; reading it from ``mapping.toml`` is
:func:`sysreview.project.demo.read_mapping`. Used by
:func:`~sysreview.extraction.metapsy_convert.convert_metapsy` and
:func:`~sysreview.extraction.metapsy_rob2.rob2_from_metapsy`. Pure: no files, no printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sysreview.appraisal.rob2 import JUDGEMENTS
from sysreview.errors import InputError
from sysreview.extraction.metapsy import MetapsyRow
from sysreview.extraction.quality import repaired_cell
from sysreview.protocol import Protocol

__all__ = ["ComparatorRule", "Loc", "MetapsyMapping", "OutcomeRule"]


@dataclass(frozen=True)
class ComparatorRule:
    """A Metapsy ``condition_arm2`` value's comparator code and the control arm's name."""

    code: str
    label: str


@dataclass(frozen=True)
class OutcomeRule:
    """Where one study's instrument goes: protocol domain and measure.

    ``row`` (optional) documents the file row and is checked; ``events_from_row`` names the
    row holding this dichotomous row's displaced event counts.
    """

    study: str
    instrument: str
    domain: str
    measure: str
    row: int | None = None
    events_from_row: int | None = None


Loc = tuple[str | int, ...]
"""A key path in a mapping document, e.g. ``("outcomes", 3, "measure")``."""


def _dotted(loc: Loc) -> str:
    return "".join(
        f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(loc)
    )


@dataclass(frozen=True)
class MetapsyMapping:
    """Every non-numeric decision of a Metapsy conversion, stated explicitly.

    :meth:`problems` and :meth:`check` compare it with the protocol. Reading it from a file
    (``mapping.toml``) is :func:`sysreview.project.demo.read_mapping`.
    """

    selection_column: str
    selection_include: tuple[str, ...]
    selection_reason: str
    comparators: Mapping[str, ComparatorRule]
    rob: Mapping[str, str]
    population: Mapping[str, str]
    structure: Mapping[str, bool]
    outcomes: tuple[OutcomeRule, ...]
    source: str = "mapping"

    def __post_init__(self) -> None:
        for name in ("comparators", "rob", "population", "structure"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def problems(self, protocol: Protocol) -> tuple[tuple[Loc, object, str], ...]:
        """``(key path, value, message)`` for every code, domain or measure the protocol lacks.

        Key paths are those of the mapping document (``("outcomes", 3, "measure")``), so a
        reader of the file can point at the line.
        """
        found: list[tuple[Loc, object, str]] = []
        codes = protocol.comparators.codes()
        for raw, comparator in self.comparators.items():
            if comparator.code not in codes:
                msg = f"must be a comparator code of the protocol: {', '.join(codes)}"
                found.append((("comparators", raw, "code"), comparator.code, msg))
        for raw, judgement in self.rob.items():
            if judgement not in JUDGEMENTS:
                found.append((("rob", raw), judgement, f"must be one of {', '.join(JUDGEMENTS)}"))
        seen: set[tuple[str, str]] = set()
        for i, rule in enumerate(self.outcomes):
            key = (rule.study, rule.instrument)
            if key in seen:
                found.append((("outcomes", i, "instrument"), rule.instrument, "listed twice"))
            seen.add(key)
            try:
                domain = protocol.outcomes.domain(rule.domain)
            except KeyError:
                found.append((("outcomes", i, "domain"), rule.domain, "not a protocol domain"))
                continue
            if rule.measure not in {m.name for m in domain.measures}:
                msg = f"is not declared in domain {rule.domain!r} of the protocol"
                found.append((("outcomes", i, "measure"), rule.measure, msg))
        return tuple(found)

    def check(self, protocol: Protocol) -> None:
        """Raise :class:`InputError` listing :meth:`problems` (if any)."""
        found = self.problems(protocol)
        if found:
            text = "; ".join(f"{_dotted(loc)} = {value!r}: {msg}" for loc, value, msg in found)
            raise InputError(text, source=self.source)

    def rule(self, study: str, instrument: str) -> OutcomeRule | None:
        """The outcome rule of one study and instrument (``None`` when there is none)."""
        for rule in self.outcomes:
            if rule.study == study and rule.instrument == instrument:
                return rule
        return None

    def selects(self, row: MetapsyRow) -> bool:
        """Whether the row's selection cell is one of the included values."""
        return repaired_cell(row, self.selection_column) in self.selection_include
