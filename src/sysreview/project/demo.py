"""The bundled demo review: read ``examples/group-peer-support/`` into analysis inputs.

A demo folder holds a protocol and the real Metapsy peer-support data it runs on::

    review.toml                       the protocol (seed review's method; RoB 2)
    mapping.toml                      rows -> studies, arms, domains, measures (explicit)
    data/metapsy-peer-support.csv     the Metapsy data file, unchanged
    data/references.json              full citations by study label
    data/search_flow.json             the search's PRISMA flow

:func:`load_demo` reads them all (nothing is written) and returns :class:`DemoInputs`: the
protocol, the converted :class:`~sysreview.extraction.dataset.ReviewData` with a decision
per row, RoB 2 judgements, PRISMA counts, references and the data-quality report.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sysreview.appraisal.rob2 import Rob2Judgements
from sysreview.errors import InputError
from sysreview.extraction.dataset import ReviewData
from sysreview.extraction.metapsy import MetapsyData, read_metapsy_text
from sysreview.extraction.metapsy_convert import MetapsyConversion, convert_metapsy
from sysreview.extraction.metapsy_mapping import ComparatorRule, Loc, MetapsyMapping, OutcomeRule
from sysreview.extraction.metapsy_prisma import prisma_from_search_flow
from sysreview.extraction.metapsy_references import references_from_metapsy
from sysreview.extraction.metapsy_rob2 import rob2_from_metapsy
from sysreview.extraction.quality import QualityReport, quality_report
from sysreview.prisma.result import PrismaCounts
from sysreview.project.services import PathLike, validate_protocol
from sysreview.protocol import Problem, Protocol, ProtocolError
from sysreview.protocol.loader import toml_loads
from sysreview.protocol.locate import key_lines, line_of

__all__ = [
    "DATA_FILE",
    "MAPPING_FILE",
    "REFERENCES_FILE",
    "SEARCH_FLOW_FILE",
    "DemoInputs",
    "check_mapping",
    "load_demo",
    "read_mapping",
]

MAPPING_FILE = "mapping.toml"
DATA_FILE = "data/metapsy-peer-support.csv"
REFERENCES_FILE = "data/references.json"
SEARCH_FLOW_FILE = "data/search_flow.json"
DATABASES = "PubMed, Embase, PsycINFO (not itemised by database)"


@dataclass(frozen=True)
class DemoInputs:
    """Everything the demo review's analysis and report need, read from its folder.

    Attributes
    ----------
    protocol
        The validated ``review.toml``.
    mapping
        The conversion table (``mapping.toml``).
    metapsy
        The raw Metapsy rows (unrepaired, as in the file).
    quality
        The data-quality report of those rows.
    conversion
        The converted :class:`ReviewData` and a decision per file row.
    rob
        RoB 2 judgements of the selected trials, as the dataset gives them.
    prisma
        The demo review's PRISMA counts: the dataset's search flow with the trials the
        mapping does not select counted as full-text exclusions.
    prisma_search
        The dataset's search flow exactly as ``search_flow.json`` gives it.
    references
        ``{study: citation}``.
    """

    directory: Path
    protocol: Protocol
    mapping: MetapsyMapping
    metapsy: MetapsyData
    quality: QualityReport
    conversion: MetapsyConversion
    rob: tuple[Rob2Judgements, ...]
    prisma: PrismaCounts
    prisma_search: PrismaCounts
    references: dict[str, str]

    @property
    def data(self) -> ReviewData:
        """The converted studies, arms and outcome entries."""
        return self.conversion.data

    def summary(self) -> str:
        """What was read: studies, rows used and excluded, quality problems, PRISMA."""
        counts = ", ".join(f"{k} {n}" for k, n in self.quality.counts().items())
        return "\n".join(
            [
                f"Demo review {self.directory}: {self.protocol.review.title}",
                self.conversion.summary(),
                f"Data-quality report: {len(self.quality.problems)} problems ({counts})",
                f"RoB 2: {len(self.rob)} assessments; PRISMA: {self.prisma.records_identified} "
                f"identified, {self.prisma.studies_included} studies included",
            ]
        )


def _read(directory: Path, name: str) -> tuple[str, str]:
    path = directory / name
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError(f"cannot read the demo's {name}: {reason}", source=str(path)) from exc


def _json(directory: Path, name: str) -> tuple[Any, str]:
    text, source = _read(directory, name)
    try:
        return json.loads(text), source
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", source=source, line=exc.lineno) from None


_OUTCOME_KEYS = {"study": str, "instrument": str, "domain": str, "measure": str}
_OUTCOME_OPTIONAL = {"row": int, "events_from_row": int}


def _key(loc: Loc) -> str:
    """A key path as written in messages: ``outcomes[3].measure``."""
    return "".join(
        f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(loc)
    )


class _Reader:
    """Typed access to a parsed mapping document that records located problems."""

    def __init__(self, doc: dict[str, Any], text: str) -> None:
        self.doc = doc
        self.lines = key_lines(text)
        self.problems: list[Problem] = []

    def bad(self, loc: Loc, message: str, *value: object) -> None:
        """Record a problem at ``loc`` (with the offending value, when there is one)."""
        line = line_of(self.lines, loc)
        problem = Problem(_key(loc), message, line, value[0]) if value else None
        self.problems.append(problem or Problem(_key(loc), message, line))

    def table(self, name: str) -> dict[str, Any]:
        value = self.doc.get(name)
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


def read_mapping(text: str, source: str = MAPPING_FILE) -> MetapsyMapping:
    """Parse ``mapping.toml`` text into a :class:`MetapsyMapping`.

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
    for key in doc.keys() - {
        "selection",
        "comparators",
        "rob",
        "population",
        "structure",
        "outcomes",
    }:
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
    outcomes = []
    entries = doc.get("outcomes", [])
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            read.bad(("outcomes", i), "must be a table")
            continue
        for key in entry.keys() - _OUTCOME_KEYS.keys() - _OUTCOME_OPTIONAL.keys():
            read.bad(("outcomes", i, key), "unknown key")
        values = {k: read.typed(entry, ("outcomes", i, k), v) for k, v in _OUTCOME_KEYS.items()}
        values.update(
            {
                k: read.typed(entry, ("outcomes", i, k), v, required=False)
                for k, v in _OUTCOME_OPTIONAL.items()
            }
        )
        outcomes.append(OutcomeRule(**values))
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
    )


def check_mapping(mapping: MetapsyMapping, protocol: Protocol, text: str) -> None:
    """Raise :class:`ProtocolError` (with lines of ``text``) if the mapping and protocol
    disagree (:meth:`MetapsyMapping.problems`)."""
    lines = key_lines(text)
    found = [
        Problem(_key(loc), message, line_of(lines, loc), value)
        for loc, value, message in mapping.problems(protocol)
    ]
    if found:
        raise ProtocolError(found, source=mapping.source)


def load_demo(directory: PathLike) -> DemoInputs:
    """Read a demo review folder (see the module docstring); writes nothing.

    Raises
    ------
    ProtocolError
        ``review.toml`` is invalid.
    InputError
        A file is missing or malformed, the mapping names codes or measures the protocol
        lacks, or the data break a rule of the conversion (the message names file and row).
    """
    directory = Path(directory)
    protocol = validate_protocol(directory)
    text, source = _read(directory, MAPPING_FILE)
    mapping = read_mapping(text, source)
    check_mapping(mapping, protocol, text)
    refs_doc, refs_source = _json(directory, REFERENCES_FILE)
    references = references_from_metapsy(refs_doc, source=refs_source)
    flow, flow_source = _json(directory, SEARCH_FLOW_FILE)
    csv_text, csv_source = _read(directory, DATA_FILE)
    keys = frozenset(refs_doc) if isinstance(refs_doc, dict) else None
    metapsy = read_metapsy_text(csv_text, source=csv_source, references=keys)
    conversion = convert_metapsy(metapsy, protocol, mapping=mapping, references=references)
    not_selected = {r.study for r in conversion.of("not selected")} - {
        s.study_id for s in conversion.data.studies
    }
    search = prisma_from_search_flow(flow, source=flow_source, database_label=DATABASES)
    prisma = prisma_from_search_flow(
        flow,
        source=flow_source,
        database_label=DATABASES,
        extra_exclusions={mapping.selection_reason: len(not_selected)},
    )
    return DemoInputs(
        directory=directory,
        protocol=protocol,
        mapping=mapping,
        metapsy=metapsy,
        quality=quality_report(metapsy),
        conversion=conversion,
        rob=rob2_from_metapsy(metapsy, mapping),
        prisma=prisma,
        prisma_search=search,
        references=references,
    )
