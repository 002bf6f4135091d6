"""The Metapsy mapping: every non-numeric decision of a conversion, stated explicitly.

A :class:`MetapsyMapping` says which trials a review keeps (a selection column and its
included values), the comparator code and control-arm name of each ``condition_arm2`` value
(:class:`ComparatorRule`), the RoB 2 judgement of each RoB text, the population and
structure codes, one :class:`OutcomeRule` per study and instrument (protocol domain and
measure), and the dataset's other files (:class:`DatasetFiles`: its references and its
search flow, and who published them). :meth:`MetapsyMapping.problems` compares it with
the review's :class:`~sysreview.protocol.Protocol`; :func:`read_mapping` reads it from a
``mapping.toml`` file, locating every mistake by line::

    [dataset]
    source = "Smit D, et al. Metapsy peer-support dataset (doi:10.5281/zenodo.7687898)"
    references = "data/references.json"    # optional, relative to the mapping file
    search_flow = "data/search_flow.json"   # optional: PRISMA counts from another source
    databases = "PubMed, Embase, PsycINFO"  # optional: how the flow names its databases

    [selection]
    column = "format"
    include = ["Group"]
    reason = "Not group peer support"       # full-text exclusion reason of the others

    [comparators.WL]
    code = "WL"
    label = "waiting list"

    [rob]        # "Low risk" = "low", ...
    [population] # disorder -> population attribute
    [structure]  # structure_intervention -> true / false

    [[outcomes]]
    study = "Cook, 2012a"
    instrument = "RAS - total"
    domain = "recovery"
    measure = "RAS (total score)"
    row = 8                 # optional, checked
    events_from_row = 12    # optional: where a dichotomous row's counts were displaced to
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sysreview.appraisal.rob2 import JUDGEMENTS
from sysreview.errors import InputError
from sysreview.io.metapsy.reader import MetapsyRow, cell
from sysreview.protocol import Problem, Protocol, ProtocolError
from sysreview.protocol.loader import toml_loads
from sysreview.protocol.locate import key_lines, line_of

__all__ = [
    "ComparatorRule",
    "DatasetFiles",
    "Loc",
    "MetapsyMapping",
    "OutcomeRule",
    "check_mapping",
    "read_mapping",
    "read_mapping_file",
]


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


@dataclass(frozen=True)
class DatasetFiles:
    """The dataset's files besides the data, and who published them.

    ``source`` is how the report cites the dataset (its PRISMA counts come from there);
    ``references`` (``{study: citation}`` JSON) and ``search_flow`` (the search's flow
    JSON) are paths, resolved against the mapping file's folder, or ``None``;
    ``databases`` is how the flow's database box is labelled (the dataset does not split
    its records by database).
    """

    source: str | None = None
    references: Path | None = None
    search_flow: Path | None = None
    databases: str = "Databases (not itemised)"


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
    (``mapping.toml``) is :func:`read_mapping`.
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
    dataset: DatasetFiles = field(default_factory=DatasetFiles)

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
        return cell(row, self.selection_column) in self.selection_include


# ---- reading mapping.toml -----------------------------------------------------------------

_OUTCOME_KEYS = {"study": str, "instrument": str, "domain": str, "measure": str}
_OUTCOME_OPTIONAL = {"row": int, "events_from_row": int}
_TABLES = {"dataset", "selection", "comparators", "rob", "population", "structure", "outcomes"}
_DATASET_KEYS = ("source", "references", "search_flow", "databases")


class _Reader:
    """Typed access to a parsed mapping document that records located problems."""

    def __init__(self, doc: dict[str, Any], text: str) -> None:
        self.doc = doc
        self.lines = key_lines(text)
        self.problems: list[Problem] = []

    def bad(self, loc: Loc, message: str, *value: object) -> None:
        """Record a problem at ``loc`` (with the offending value, when there is one)."""
        line = line_of(self.lines, loc)
        problem = Problem(_dotted(loc), message, line, value[0]) if value else None
        self.problems.append(problem or Problem(_dotted(loc), message, line))

    def table(self, name: str, *, required: bool = True) -> dict[str, Any]:
        value = self.doc.get(name)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.bad((name,), "required table is missing" if value is None else "must be a table")
            return {}
        return value

    def typed(self, table: dict[str, Any], loc: Loc, kind: type, required: bool = True) -> Any:
        value = table.get(str(loc[-1]))
        if value is None:
            if required:
                self.bad(loc, "required key is missing")
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = {str: "a string", int: "an integer", bool: "true or false", list: "an array"}
            self.bad(loc, f"must be {names[kind]}", value)
            return None
        return value

    def outcomes(self) -> list[OutcomeRule]:
        found = []
        entries = self.doc.get("outcomes", [])
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict):
                self.bad(("outcomes", i), "must be a table")
                continue
            for key in entry.keys() - _OUTCOME_KEYS.keys() - _OUTCOME_OPTIONAL.keys():
                self.bad(("outcomes", i, key), "unknown key")
            values = {k: self.typed(entry, ("outcomes", i, k), v) for k, v in _OUTCOME_KEYS.items()}
            values.update({k: self.typed(entry, ("outcomes", i, k), v, required=False)
                           for k, v in _OUTCOME_OPTIONAL.items()})  # fmt: skip
            found.append(OutcomeRule(**values))
        return found

    def dataset(self, folder: Path) -> DatasetFiles:
        table = self.table("dataset", required=False)
        for key in table.keys() - set(_DATASET_KEYS):
            self.bad(("dataset", key), f"unknown key; must be one of {', '.join(_DATASET_KEYS)}")
        given = {k: self.typed(table, ("dataset", k), str, required=False) for k in _DATASET_KEYS}
        return DatasetFiles(
            source=given["source"],
            references=None if given["references"] is None else folder / given["references"],
            search_flow=None if given["search_flow"] is None else folder / given["search_flow"],
            databases=given["databases"] or DatasetFiles.databases,
        )


def read_mapping(
    text: str, source: str = "mapping.toml", folder: Path | None = None
) -> MetapsyMapping:
    """Parse ``mapping.toml`` text (see the module docstring) into a :class:`MetapsyMapping`.

    Parameters
    ----------
    text, source
        The file's text and its name (for messages).
    folder
        What the ``[dataset]`` paths are relative to (default: the current folder).

    Raises
    ------
    ProtocolError
        Every missing, unknown or mistyped key, one per line with its line number (an
        :class:`InputError`).
    """
    try:
        doc = toml_loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", source=source) from None
    read = _Reader(doc, text)
    for key in doc.keys() - _TABLES:
        read.bad((key,), "unknown key")
    sel = read.table("selection")
    column = read.typed(sel, ("selection", "column"), str)
    include = read.typed(sel, ("selection", "include"), list)
    reason = read.typed(sel, ("selection", "reason"), str)
    comparators = {}
    for raw, entry in read.table("comparators").items():
        if not isinstance(entry, dict):
            read.bad(("comparators", raw), "must be a table with code and label")
            continue
        code = read.typed(entry, ("comparators", raw, "code"), str)
        label = read.typed(entry, ("comparators", raw, "label"), str)
        comparators[raw] = ComparatorRule(code or "", label or "")
    simple: dict[str, dict[str, Any]] = {}
    for name, kind in (("rob", str), ("population", str), ("structure", bool)):
        table = read.table(name)
        simple[name] = {k: read.typed(table, (name, k), kind) for k in table}
    outcomes = read.outcomes()
    dataset = read.dataset(Path(".") if folder is None else folder)
    if read.problems:
        raise ProtocolError(read.problems, source=source)
    return MetapsyMapping(
        selection_column=column,
        selection_include=tuple(str(v) for v in include),
        selection_reason=reason,
        comparators=comparators,
        rob=simple["rob"],
        population=simple["population"],
        structure=simple["structure"],
        outcomes=tuple(outcomes),
        source=source,
        dataset=dataset,
    )


def check_mapping(mapping: MetapsyMapping, protocol: Protocol, text: str) -> None:
    """Raise :class:`ProtocolError` if the mapping and the protocol disagree.

    The error has the lines of ``text``, the mapping file; the problems are
    :meth:`MetapsyMapping.problems`.
    """
    lines = key_lines(text)
    found = [
        Problem(_dotted(loc), message, line_of(lines, loc), value)
        for loc, value, message in mapping.problems(protocol)
    ]
    if found:
        raise ProtocolError(found, source=mapping.source)


def read_mapping_file(path: str | Path, protocol: Protocol) -> MetapsyMapping:
    """Read and check a ``mapping.toml`` file against ``protocol`` (see :func:`read_mapping`).

    Raises
    ------
    InputError
        The file cannot be read; :class:`ProtocolError` for any mistake, with its line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the mapping: {exc.strerror}", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("the mapping is not UTF-8 text", source=str(path)) from None
    mapping = read_mapping(text, str(path), path.parent)
    check_mapping(mapping, protocol, text)
    return mapping
