"""Screening decisions in ASReview's, Rayyan's and Covidence's file formats.

ASReview LAB labels records in a column ``included`` (``label_included`` in older
exports): ``1`` relevant, ``0`` irrelevant, empty not seen; its RIS export writes the
label as a note, ``N1  - ASReview_relevant``, ``ASReview_irrelevant`` or
``ASReview_not_seen`` (the notes may hold other text around it). Rayyan keeps each
collaborator's decision in the notes of its RIS and CSV exports:
``RAYYAN-INCLUSION: {"Alice"=>"Included", "Bob"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS:
wrong population`` (``Maybe`` for undecided); CSV exports put that text in ``notes``.

:func:`read_decisions` gives one :class:`ForeignDecision` per labelled record, with what
identifies the record (an id the file carries, DOI, PMID, title) and the line or row it
came from. Covidence exports one list at a time (Irrelevant, Excluded, Included...) as
CSV or RIS with the reviewers' notes and tags but no decision column: the decision is the
list's, given by the caller, and a full-text exclusion's reason is read from a note
``Exclusion reason: ...`` where the file has one. Covidence imports references, not
decisions, so nothing is written in its format (``sysreview references export`` writes
the references). :func:`write_decisions` writes ASReview's and Rayyan's files
(ASReview: CSV; Rayyan: RIS). Files are read with :mod:`csv` and :mod:`rispy`, written
with :mod:`csv` (cells through :func:`sysreview.cells.safe_row`) and :mod:`rispy`. Pure:
text in and out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import rispy

from sysreview.cells import restore, safe_row
from sysreview.errors import InputError
from sysreview.io.references_write import ris_text
from sysreview.text import strip_controls

__all__ = [
    "FORMATS",
    "WRITES",
    "DecisionRow",
    "ForeignDecision",
    "read_decisions",
    "write_decisions",
]

FORMATS = ("asreview", "rayyan", "covidence")
WRITES = ("asreview", "rayyan")
_ASREVIEW_NOTE = re.compile(r"ASReview_(relevant|irrelevant|not_seen)")
_ASREVIEW = {"relevant": "include", "irrelevant": "exclude", "not_seen": None}
_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{([^}]*)\}")
_RAYYAN_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"')
_RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")
_RAYYAN = {"included": "include", "excluded": "exclude", "maybe": "maybe"}
_RAYYAN_OUT = {"include": "Included", "exclude": "Excluded", "maybe": "Maybe"}
_SPACES = re.compile(r"\s+")
_COVIDENCE_REASON = re.compile(r"Exclusion reason:\s*([^;|\n]+)", re.IGNORECASE)


@dataclass(frozen=True)
class ForeignDecision:
    """One record's decisions as a file gives them.

    ``decisions`` maps the file's reviewer name (``""`` where the format has one labeller,
    as ASReview) to ``include``, ``exclude`` or ``maybe``; ``where`` names the file and
    its row or record.
    """

    where: str
    decisions: Mapping[str, str]
    key: str | None = None
    doi: str | None = None
    pmid: str | None = None
    title: str | None = None
    reason: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    abstract: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


def _clean(text: object) -> str | None:
    if text is None:
        return None
    value = _SPACES.sub(" ", strip_controls(restore(str(text)))).strip()
    return value or None


def _year(text: object) -> int | None:
    m = re.search(r"\d{4}", str(text or ""))
    return int(m.group()) if m else None


def _rayyan(notes: str, where: str) -> tuple[dict[str, str], str | None]:
    found = _RAYYAN_INCLUSION.search(notes)
    if found is None:
        return {}, None
    decisions = {}
    for name, value in _RAYYAN_PAIR.findall(found.group(1)):
        decision = _RAYYAN.get(value.strip().casefold())
        if decision is None:
            raise InputError(f"{where}: Rayyan decision {value!r} of {name!r}: must be "
                             "Included, Excluded or Maybe")  # fmt: skip
        decisions[name] = decision
    reasons = _RAYYAN_REASONS.search(notes)
    return decisions, _clean(reasons.group(1)) if reasons else None


def _from_csv(text: str, fmt: str, source: str, listed: str) -> list[ForeignDecision]:
    rows = list(csv.DictReader(io.StringIO(text)))
    out = []
    for i, row in enumerate(rows, start=2):
        row = {(k or "").strip().casefold(): (v or "") for k, v in row.items()}
        where = f"{source}, row {i}"
        if fmt == "asreview":
            if "included" not in row and "label_included" not in row:
                raise InputError(f"{source}: no 'included' column: not an ASReview export")
            label = (row.get("included") or row.get("label_included") or "").strip()
            if label in ("", "-1"):
                continue
            if label not in ("0", "1", "0.0", "1.0"):
                raise InputError(f"{where}, column 'included': {label!r}: must be 1, 0 or empty")
            decisions = {"": "include" if label.startswith("1") else "exclude"}
            reason = None
        elif fmt == "covidence":
            if "covidence #" not in row and "title" not in row:
                raise InputError(f"{source}: no 'Covidence #' or 'Title' column: not a "
                                 "Covidence export")  # fmt: skip
            decisions = {"": listed}
            found = _COVIDENCE_REASON.search(row.get("notes", ""))
            reason = _clean(found.group(1)) if found else None
        else:
            if "notes" not in row:
                raise InputError(f"{source}: no 'notes' column: not a Rayyan export")
            decisions, reason = _rayyan(row["notes"], where)
            if not decisions:
                continue
        out.append(
            ForeignDecision(
                where, decisions, _clean(row.get("record_id") or row.get("key")),
                _clean(row.get("doi")), _clean(row.get("pmid") or row.get("pubmed_id")),
                _clean(row.get("title")), reason,
            )
        )  # fmt: skip
    return out


def _from_ris(text: str, fmt: str, source: str, listed: str) -> list[ForeignDecision]:
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except (OSError, ValueError) as exc:
        raise InputError(f"not a RIS file: {exc}", source=source) from exc
    out = []
    for i, e in enumerate(entries, start=1):
        where = f"{source}, record {i}"
        notes = " | ".join(str(n) for n in e.get("notes", []))
        if fmt == "asreview":
            labels = _ASREVIEW_NOTE.findall(notes)
            decision = _ASREVIEW[labels[-1]] if labels else None
            if decision is None:
                continue
            decisions, reason = {"": decision}, None
        elif fmt == "covidence":
            found = _COVIDENCE_REASON.search(notes)
            decisions, reason = {"": listed}, _clean(found.group(1)) if found else None
        else:
            decisions, reason = _rayyan(notes, where)
            if not decisions:
                continue
        pmid = e.get("accession_number") if str(e.get("accession_number", "")).isdigit() else None
        out.append(
            ForeignDecision(
                where, decisions, _clean(e.get("id")), _clean(e.get("doi")), _clean(pmid),
                _clean(e.get("title") or e.get("primary_title")), reason,
            )
        )  # fmt: skip
    return out


def read_decisions(
    text: str, fmt: str, *, source: str, listed: str | None = None
) -> list[ForeignDecision]:
    r"""The labelled records of an ASReview, Rayyan or Covidence export (RIS or CSV).

    The format is told by the content; ``listed`` is the decision of the Covidence list
    exported (``include``, ``exclude`` or ``maybe``).

    Records without a decision (ASReview's not seen, Rayyan's without an inclusion note)
    are left out.

    Examples
    --------
    >>> ris = 'TY  - JOUR\nTI  - A trial\nN1  - RAYYAN-INCLUSION: {"Ann"=>"Excluded"} | '
    >>> ris += 'RAYYAN-EXCLUSION-REASONS: wrong population\nER  - \n'
    >>> d, = read_decisions(ris, "rayyan", source="r.ris")
    >>> dict(d.decisions), d.reason, d.title
    ({'Ann': 'exclude'}, 'wrong population', 'A trial')

    Raises
    ------
    InputError
        Not an export of that tool, or a label it does not use (naming the row).
    """
    if fmt not in FORMATS:
        raise InputError(f"format {fmt!r}: must be one of {', '.join(FORMATS)}", source=source)
    if fmt == "covidence" and listed not in ("include", "exclude", "maybe"):
        raise InputError("a Covidence export holds one list: say its decision (include, "
                         "exclude or maybe)", source=source)  # fmt: skip
    body = text.lstrip("\ufeff")
    if re.match(r"\s*(\d+\.\s*)?TY  - ", body):
        return _from_ris(body, fmt, source, listed or "")
    return _from_csv(body, fmt, source, listed or "")


@dataclass(frozen=True)
class DecisionRow:
    """A record and its decisions to write (reviewer name -> decision)."""

    record_id: int
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    doi: str | None
    abstract: str | None
    decisions: Mapping[str, str]
    reason: str | None


def write_decisions(rows: Sequence[DecisionRow], fmt: str) -> str:
    """The decisions as ASReview or Rayyan import them.

    ASReview: a CSV its LAB imports (``record_id``, ``title``, ``abstract``, ``authors``,
    ``year``, ``doi``, ``included`` 1/0/empty); Rayyan: RIS with the ``RAYYAN-INCLUSION``
    note.
    """
    if fmt == "asreview":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(["record_id", "title", "abstract", "authors", "year", "doi", "included"])
        for r in rows:
            label = {"include": 1, "exclude": 0}.get(next(iter(r.decisions.values()), ""), "")
            cells = [r.record_id, _clean(r.title) or "", _clean(r.abstract) or "",
                     "; ".join(r.authors), r.year or "", r.doi or "", label]  # fmt: skip
            w.writerow(safe_row(cells))
        return buf.getvalue()
    entries: list[dict[str, object]] = []
    for r in rows:
        pairs = ", ".join(
            f'"{n.replace(chr(34), "")}"=>"{_RAYYAN_OUT[d]}"' for n, d in r.decisions.items()
        )
        note = f"RAYYAN-INCLUSION: {{{pairs}}}"
        if r.reason:
            reason = (_clean(r.reason) or "").replace("|", "/")  # "|" separates Rayyan's parts
            note += f" | RAYYAN-EXCLUSION-REASONS: {reason}"
        entry: dict[str, object] = {"type_of_reference": "JOUR", "id": str(r.record_id),
                 "title": _clean(r.title) or "", "authors": list(r.authors),
                 "year": str(r.year or ""), "doi": r.doi or "",
                 "abstract": _clean(r.abstract) or "", "notes": [note]}  # fmt: skip
        entries.append({k: v for k, v in entry.items() if v})
    return ris_text(entries)
