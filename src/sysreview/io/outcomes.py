"""Which protocol outcome each outcome of a file is: the mapping of the RevMan and CSV adapters.

A RevMan review names its outcomes in its own words ("1.2 Depression at end of
treatment"), and a CSV table may too (its ``outcome`` column); the protocol has domains
and measures. An outcome mapping (TOML) says which is which, and what the file does not
say: the comparator code of the control arms and the time after the intervention::

    comparator = "TAU"            # the control arms' code (a protocol comparator code)
    weeks_after_end = 0           # optional, default 0 (post-intervention)
    intervention_arm = "intervention"   # optional arm names (these are the defaults)
    control_arm = "control"

    [[outcomes]]
    outcome = "1.2 Depression"    # RevMan: "<comparison>.<outcome> <name>", or the name
    domain = "depression"         # a protocol domain ...
    measure = "CES-D"             # ... and one of its measures
    weeks_after_end = 26          # optional: overrides the default
    timepoint_label = "6 months"  # optional
    comparator = "WL"             # optional: overrides the default

:func:`read_outcome_mapping` reads and checks it against the protocol, every mistake
located by line (a :class:`~sysreview.protocol.ProtocolError`). Pure but for reading the
file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sysreview.errors import InputError
from sysreview.protocol import Problem, Protocol, ProtocolError
from sysreview.protocol._base import NO_VALUE
from sysreview.protocol.loader import toml_loads
from sysreview.protocol.locate import key_lines, line_of

__all__ = ["OutcomeMapping", "OutcomeTarget", "read_outcome_mapping"]

_TOP = {
    "comparator": str,
    "weeks_after_end": (int, float),
    "intervention_arm": str,
    "control_arm": str,
    "outcomes": list,
}
_RULE = {
    "outcome": str,
    "domain": str,
    "measure": str,
    "weeks_after_end": (int, float),
    "timepoint_label": str,
    "comparator": str,
}
_REQUIRED_RULE = ("outcome", "domain", "measure")


@dataclass(frozen=True)
class OutcomeTarget:
    """Where one outcome of the file goes: domain, measure, time and comparator code."""

    domain: str
    measure: str
    weeks_after_end: float
    comparator: str
    timepoint_label: str | None = None


@dataclass(frozen=True)
class OutcomeMapping:
    """The outcome mapping of a file (see the module docstring)."""

    targets: Mapping[str, OutcomeTarget]
    comparator: str
    weeks_after_end: float = 0.0
    intervention_arm: str = "intervention"
    control_arm: str = "control"
    source: str = "mapping"

    def target(self, *names: str) -> OutcomeTarget | None:
        """The target of the first of ``names`` the mapping lists (``None``: none is)."""
        for name in names:
            if name in self.targets:
                return self.targets[name]
        return None

    def arm_name(self, code: str) -> str:
        """The control arm's name for comparator ``code``.

        The default comparator's arm is ``control_arm``, another comparator's is
        ``control_arm (code)``.
        """
        return self.control_arm if code == self.comparator else f"{self.control_arm} ({code})"


def _dotted(loc: tuple[str | int, ...]) -> str:
    """``("outcomes", 2, "measure")`` as ``outcomes[2].measure``."""
    return "".join(
        f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(loc)
    )


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", list: "an array of tables", int: "a number", float: "a number"}
    return names[kind[0] if isinstance(kind, tuple) else kind]


def _check(
    doc: Mapping[str, Any],
    where: tuple[str | int, ...],
    keys: Mapping[str, Any],
    bad: list[tuple[tuple[str | int, ...], str, object]],
) -> None:
    for key, value in doc.items():
        loc = (*where, key)
        if key not in keys:
            bad.append((loc, f"unknown key; must be one of {', '.join(keys)}", value))
        elif isinstance(value, bool) or not isinstance(value, keys[key]):
            bad.append((loc, f"must be {_kind_name(keys[key])}", value))


def _problems(
    doc: Mapping[str, Any], protocol: Protocol
) -> list[tuple[tuple[str | int, ...], str, object]]:
    bad: list[tuple[tuple[str | int, ...], str, object]] = []
    _check(doc, (), _TOP, bad)
    codes = protocol.comparators.codes()
    if "comparator" not in doc:
        bad.append((("comparator",), "required key is missing", NO_VALUE))
    elif doc["comparator"] not in codes:
        bad.append(
            (
                ("comparator",),
                f"must be a comparator code of the protocol: {', '.join(codes)}",
                doc["comparator"],
            )
        )
    seen: set[str] = set()
    rules = doc.get("outcomes", [])
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            bad.append((("outcomes", i), "must be a table", rule))
            continue
        _check(rule, ("outcomes", i), _RULE, bad)
        bad += [
            (("outcomes", i, k), "required key is missing", NO_VALUE)
            for k in _REQUIRED_RULE
            if k not in rule
        ]
        if rule.get("outcome") in seen:
            bad.append((("outcomes", i, "outcome"), "listed twice", rule["outcome"]))
        seen.add(str(rule.get("outcome")))
        if "comparator" in rule and rule["comparator"] not in codes:
            bad.append(
                (
                    ("outcomes", i, "comparator"),
                    "not a comparator code of the protocol",
                    rule["comparator"],
                )
            )
        try:
            domain = protocol.outcomes.domain(str(rule.get("domain")))
        except KeyError:
            bad.append((("outcomes", i, "domain"), "not a protocol domain", rule.get("domain")))
            continue
        if rule.get("measure") not in {m.name for m in domain.measures}:
            bad.append(
                (
                    ("outcomes", i, "measure"),
                    f"is not declared in domain {domain.name!r} of the protocol",
                    rule.get("measure"),
                )
            )
    return bad


def read_outcome_mapping(path: str | Path, protocol: Protocol) -> OutcomeMapping:
    """Read an outcome mapping file and check it against ``protocol``.

    Raises
    ------
    InputError
        The file cannot be read or is not TOML; :class:`ProtocolError` listing every
        unknown, missing or mistyped key, unknown domain, measure or comparator code, and
        outcome listed twice, each with its line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = toml_loads(text)
    except OSError as exc:
        raise InputError(f"cannot read the mapping: {exc.strerror}", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("the mapping is not UTF-8 text", source=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", source=str(path)) from None
    found = _problems(doc, protocol)
    if found:
        lines = key_lines(text)
        raise ProtocolError(
            [
                Problem(_dotted(loc), message, line_of(lines, loc), value)
                for loc, message, value in found
            ],
            source=str(path),
        )
    weeks = float(doc.get("weeks_after_end", 0.0))
    targets = {
        str(rule["outcome"]): OutcomeTarget(
            rule["domain"],
            rule["measure"],
            float(rule.get("weeks_after_end", weeks)),
            rule.get("comparator", doc["comparator"]),
            rule.get("timepoint_label"),
        )
        for rule in doc.get("outcomes", [])
    }
    return OutcomeMapping(
        targets,
        doc["comparator"],
        weeks,
        doc.get("intervention_arm", "intervention"),
        doc.get("control_arm", "control"),
        str(path),
    )
