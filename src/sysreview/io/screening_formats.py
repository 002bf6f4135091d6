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
list's, given by the caller. Its CSV has the columns ``Title, Authors, Abstract,
Published Year, Published Month, Journal, Volume, Issue, Pages, Accession Number, DOI,
Ref, Covidence #, Study, Notes, Tags`` (the header of a real export, reproduced in
``rdoughty/csv_to_rsi``'s README at commit fdf730b5); ``Covidence #`` is Covidence's own
id (``#123``), named in messages, never matched against the project's ids; authors are
separated by ``;``, ``Accession Number`` is the PMID of a PubMed record. A full-text
exclusion's reason is read from an ``Exclusion reason`` column where the file has one,
else from a note ``Exclusion reason: ...``.

Covidence imports references, not decisions (RIS, EndNote XML or PubMed text), each file
into the list the team chooses (Screen, Full text review, Irrelevant, Included,
Excluded); :func:`covidence_lists` writes one RIS file per list a stage's records belong
in, a full-text exclusion's reason as that note. :func:`write_decisions` writes
ASReview's and Rayyan's files (ASReview: CSV; Rayyan: RIS). Files are read with
:mod:`csv` and :mod:`rispy`, written with :mod:`csv` (cells through
:func:`sysreview.cells.safe_row`) and :mod:`rispy`. Pure: text in and out.
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
    "CovidenceList",
    "DecisionRow",
    "ForeignDecision",
    "covidence_lists",
    "read_decisions",
    "write_decisions",
]

FORMATS = ("asreview", "rayyan", "covidence")
WRITES = ("asreview", "rayyan", "covidence")
_ASREVIEW_NOTE = re.compile(r"ASReview_(relevant|irrelevant|not_seen)")
_ASREVIEW = {"relevant": "include", "irrelevant": "exclude", "not_seen": None}
_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{([^}]*)\}")
_RAYYAN_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"')
_RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")
_RAYYAN = {"included": "include", "excluded": "exclude", "maybe": "maybe"}
_RAYYAN_OUT = {"include": "Included", "exclude": "Excluded", "maybe": "Maybe"}
_SPACES = re.compile(r"\s+")
_COVIDENCE_REASON = re.compile(r"Exclusion reason:\s*([^;|\n]+)", re.IGNORECASE)
_COVIDENCE_NOTE = re.compile(r"^\s*Exclusion reason:[ \t]*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


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
            out.append(_covidence_row(row, where, source, listed))
            continue
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


def _covidence_row(row: Mapping[str, str], where: str, source: str, listed: str) -> ForeignDecision:
    """One row of a Covidence list export (CSV; columns as the module docstring lists)."""
    if "covidence #" not in row and "title" not in row:
        raise InputError(f"{source}: no 'Covidence #' or 'Title' column: not a "
                         "Covidence export")  # fmt: skip
    number = _clean(row.get("covidence #"))
    if number:
        where = f"{where} (Covidence {number if number.startswith('#') else '#' + number})"
    reason = _clean(row.get("exclusion reason"))
    if reason is None:
        found = _COVIDENCE_REASON.search(row.get("notes", ""))
        reason = _clean(found.group(1)) if found else None
    accession = _clean(row.get("accession number")) or ""
    authors = tuple(a for a in (_clean(x) for x in row.get("authors", "").split(";")) if a)
    extra = {k: v for k in ("covidence #", "tags") if (v := _clean(row.get(k)) or "")}
    return ForeignDecision(
        where, {"": listed}, None, _clean(row.get("doi")),
        accession if accession.isdigit() else None, _clean(row.get("title")), reason,
        authors, _year(row.get("published year")), _clean(row.get("abstract")), extra,
    )  # fmt: skip


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
        elif fmt == "covidence":  # a note of its own: the reason is the rest of its line
            found = [m for n in e.get("notes", []) if (m := _COVIDENCE_NOTE.search(str(n)))]
            decisions, reason = {"": listed}, _clean(found[0].group(1)) if found else None
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


def _ris_entry(r: DecisionRow, notes: list[str]) -> dict[str, object]:
    """A record as rispy's entry (empty fields left out), with ``notes`` as ``N1``."""
    entry: dict[str, object] = {"type_of_reference": "JOUR", "id": str(r.record_id),
             "title": _clean(r.title) or "", "authors": list(r.authors),
             "year": str(r.year or ""), "doi": r.doi or "",
             "abstract": _clean(r.abstract) or "", "notes": notes}  # fmt: skip
    return {k: v for k, v in entry.items() if v}


def write_decisions(rows: Sequence[DecisionRow], fmt: str) -> str:
    """The decisions as ASReview or Rayyan import them.

    ASReview: a CSV its LAB imports (``record_id``, ``title``, ``abstract``, ``authors``,
    ``year``, ``doi``, ``included`` 1/0/empty); Rayyan: RIS with the ``RAYYAN-INCLUSION``
    note. (Covidence's lists: :func:`covidence_lists`.)
    """
    if fmt not in ("asreview", "rayyan"):
        raise InputError(f"format {fmt!r}: write_decisions writes asreview or rayyan")
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
        entries.append(_ris_entry(r, [note]))
    return ris_text(entries)


@dataclass(frozen=True)
class CovidenceList:
    """One file for Covidence: the list its records go in, and the RIS text."""

    file_name: str
    covidence_list: str
    decision: str | None
    count: int
    text: str


# (stage, settled decision) -> (file name, the Covidence list to import the file into)
_COVIDENCE_OUT: dict[tuple[str, str | None], tuple[str, str]] = {
    ("ta", None): ("screen.ris", "Screen"),
    ("ta", "include"): ("full-text-review.ris", "Full text review"),
    ("ta", "maybe"): ("full-text-review-maybe.ris", "Full text review"),
    ("ta", "exclude"): ("irrelevant.ris", "Irrelevant"),
    ("ft", None): ("full-text-review.ris", "Full text review"),
    ("ft", "maybe"): ("full-text-review-maybe.ris", "Full text review"),
    ("ft", "include"): ("included.ris", "Included"),
    ("ft", "exclude"): ("excluded.ris", "Excluded"),
}


def covidence_lists(rows: Sequence[DecisionRow], stage: str) -> list[CovidenceList]:
    """A stage's records as RIS files, one per Covidence list they go in (none empty).

    ``rows`` carry the settled decision (``{"": decision}``, or none when not settled).
    At title/abstract: included -> Full text review, maybe -> Full text review (its own
    file, so a maybe reads back as a maybe), excluded -> Irrelevant, not settled ->
    Screen; at full text: included -> Included, excluded -> Excluded (the reason as the
    note ``Exclusion reason: ...``), not settled or maybe -> Full text review.
    :func:`read_decisions` reads each file back with its list's decision.

    Examples
    --------
    >>> row = DecisionRow(7, "A trial", ("Doe, J",), 2020, None, None, {"": "exclude"}, "Design")
    >>> [(f.file_name, f.covidence_list, f.count) for f in covidence_lists([row], "ft")]
    [('excluded.ris', 'Excluded', 1)]
    """
    grouped: dict[tuple[str, str | None], list[DecisionRow]] = {}
    for r in rows:
        decision = next(iter(r.decisions.values()), None)
        grouped.setdefault((stage, decision), []).append(r)
    out = []
    for key, (file_name, name) in _COVIDENCE_OUT.items():
        if key not in grouped:
            continue
        entries = []
        for r in grouped[key]:
            reason = _clean(r.reason) if key[1] == "exclude" else None
            entries.append(_ris_entry(r, [f"Exclusion reason: {reason}"] if reason else []))
        out.append(CovidenceList(file_name, name, key[1], len(entries), ris_text(entries)))
    return out
