r"""RIS as real exporters write it (Ovid, Embase, Scopus, Zotero, EndNote, Rayyan, ProQuest, Lens).

Parsing rules
-------------
* A tag line is two characters (letter + letter/digit, any case), then ``"  -"``, ``"\t-"``
  or ``" \t-"``, then an optional space and the value; ``ER  -`` may lack its trailing space.
* A record opens at ``TY`` and closes at ``ER``. Lines outside records that are not tags
  (Ovid's ``1.`` record numbers, blank lines, exporter banners) are skipped; a *tag* line
  outside any record is an error (a record without ``TY``).
* Inside a record, a line that is not a tag continues the previous tag: for ``KW`` (and
  other list tags) it is one more value (Rayyan, EndNote), otherwise it is appended to the
  value after a line break (multi-line abstracts, Scopus ``Export Date:`` notes).
* A record still open at end of file, or when the next ``TY`` starts, is accepted with a
  warning (its content is complete; only the ``ER`` terminator is missing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sysreview.errors import InputError
from sysreview.records.model import Citation
from sysreview.records.normalise import Fields, first, join_pages, tagged_citations

_TAG = re.compile(r"^([A-Za-z][A-Za-z0-9])(?:  | ?\t)-(?:[ \t](.*))?$")
_LIST_TAGS = frozenset({"KW", "AU", "A1", "A2", "A3", "A4", "DE"})
_PMID_DATABASES = re.compile(r"nlm|pubmed|medline", re.IGNORECASE)


@dataclass
class RisRecord:
    """One RIS record as tags -> values, with the line of each tag's first value.

    Continuation lines of a value are collected and joined once, when the next tag comes
    or the record is :meth:`closed <close>` (joining them one by one would copy a long
    multi-line value once per line).
    """

    line: int
    tags: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    last: str | None = None
    _more: list[str] = field(default_factory=list, repr=False)

    def add(self, tag: str, value: str, line: int) -> None:
        """Append a value for ``tag`` found at ``line``."""
        if self._more:
            self._merge()
        self.tags.setdefault(tag, []).append(value)
        self.lines.setdefault(tag, line)
        self.last = tag

    def extend_last(self, text: str, list_tags: frozenset[str] = _LIST_TAGS) -> None:
        """Attach an untagged line to the previous tag.

        It is one more value of a list tag, else the value's next line (see the module
        notes).
        """
        if self.last is None:
            return
        if self.last in list_tags:
            self.tags[self.last].append(text)
        else:
            self._more.append(text)

    def _merge(self) -> None:
        assert self.last is not None
        values = self.tags[self.last]
        more = "\n".join(self._more)
        values[-1] = f"{values[-1]}\n{more}" if values[-1] else more
        self._more = []

    def close(self) -> RisRecord:
        """Join pending continuation lines; the record, complete."""
        if self._more:
            self._merge()
        return self

    def get(self, *tags: str) -> list[str]:
        """All values of the first of ``tags`` that has a non-empty value."""
        found = self.tags
        for tag in tags:
            values = found.get(tag)
            if values:  # values are stored stripped: a blank one is ""
                kept = values if "" not in values else [v for v in values if v]
                if kept:
                    return list(kept)
        return []


def _attach(previous: RisRecord | None, stray: RisRecord, source: str) -> None:
    """Keep tags found after an ``ER`` (Ovid's ``NL``) with the record before them."""
    stray.close()
    if previous is None:
        tag = next(iter(stray.tags))
        raise InputError(
            f"tag {tag!r} before the first 'TY  - ' line: a RIS record must start with 'TY  - '",
            source=source,
            line=stray.line,
            unit="line",
            column=tag,
        )
    for tag, values in stray.tags.items():
        for value in values:
            previous.add(tag, value, stray.lines[tag])


def iter_ris(lines: Iterable[str], source: str, warnings: list[str]) -> Iterator[RisRecord]:
    """Split RIS lines into records, one at a time (the *read* step).

    A record is yielded once the next one starts (or the file ends), because tags after
    its ``ER`` may still belong to it. Warnings are appended to ``warnings``.

    Raises
    ------
    InputError
        For tag lines before the first ``TY`` that no ``ER`` closes, naming line and tag.
    """
    held: RisRecord | None = None  # the last record started; yielded when the next one starts
    current: RisRecord | None = None
    stray: RisRecord | None = None  # tags outside a record: a TY-less record or a trailer
    trailers: list[str] = []
    stray_continues = False  # untagged lines after a stray tag continue it until a blank line
    match_tag = _TAG.match
    for number, line in enumerate(lines, start=1):
        match = match_tag(line)
        if match is None:
            if current is not None:
                if line.strip():
                    current.extend_last(line.strip())
            elif not line.strip():
                stray_continues = False
            elif stray is not None and stray_continues:
                stray.extend_last(line.strip())
            continue
        tag, value = match.groups()
        tag, value = tag.upper(), value.strip() if value else ""
        if current is not None and tag != "TY" and tag != "ER":
            current.add(tag, value, number)
        elif tag == "TY":
            if current is not None:
                warnings.append(
                    f"{source}:{current.line}: record has no 'ER  -' before the next "
                    f"'TY' at line {number}; accepted"
                )
            if stray is not None:
                _attach(held, stray, source)
                trailers.append(f"{next(iter(stray.tags))!r} at line {stray.line}")
                stray = None
            if held is not None:
                yield held.close()
            current = held = RisRecord(line=number)
            current.add(tag, value, number)
        elif tag == "ER":
            if stray is not None:
                warnings.append(
                    f"{source}:{stray.line}: record has no 'TY  - ' line; accepted as a "
                    "record of unknown type"
                )
                if held is not None:
                    yield held.close()
                held = stray
            current = stray = None
        else:
            stray = stray or RisRecord(line=number)
            stray.add(tag, value, number)
            stray_continues = True
    if current is not None:
        warnings.append(
            f"{source}:{current.line}: record not terminated by 'ER  -' at end of file; accepted"
        )
    if stray is not None:
        _attach(held, stray, source)
        trailers.append(f"{next(iter(stray.tags))!r} at line {stray.line}")
    if held is not None:
        yield held.close()
    if trailers:
        warnings.append(
            f"{source}: {len(trailers)} tag line(s) after an 'ER  -' (first: {trailers[0]}) "
            "were kept with the record before them"
        )


def parse_ris(text: str, source: str = "<text>") -> tuple[list[RisRecord], list[str]]:
    r"""Split RIS text into records (:func:`iter_ris` over its lines).

    Raises
    ------
    InputError
        For tag lines before the first ``TY`` that no ``ER`` closes, naming line and tag.

    Examples
    --------
    >>> records, warnings = parse_ris("1.\nTY  - JOUR\nkw  - a\nb\nER  -\n")
    >>> records[0].tags, warnings
    ({'TY': ['JOUR'], 'KW': ['a', 'b']}, [])
    """
    warnings: list[str] = []
    records = list(iter_ris(text.split("\n"), source, warnings))
    return records, warnings


def ris_fields(record: RisRecord) -> Fields:
    """Map RIS tags (all dialects) onto :class:`Fields`."""
    g = record.get
    journal = first(g("JF"), g("T2"), g("JO"), g("JA"), g("J2"))
    abbrev = [v for v in g("J2") + g("JA") + g("JI") + g("JO") + g("J9") if v != journal]
    databases = g("DB") + g("DP")
    pmid_tags = g("PM")
    if any(_PMID_DATABASES.search(d) for d in databases):
        pmid_tags = pmid_tags + g("AN")
    issn = first(g("SN"))
    return Fields(
        record_id=first(g("ID"), g("AN"), g("U2")),
        title=first(g("TI"), g("T1"), g("CT"), g("BT"), g("ST")),
        authors=g("AU") or g("A1"),
        year=[(t, first(g(t)), record.lines.get(t)) for t in ("PY", "Y1", "DA")],
        journal=journal,
        journal_abbrev=abbrev,
        volume=g("VL") or g("VO"),
        issue=g("IS") or g("CP"),
        pages=join_pages(first(g("SP")), first(g("EP"))),
        doi=g("DO") or g("DI"),
        doi_text=g("M3") + g("UR") + g("L2") + g("LK"),
        pmid=[p for p in pmid_tags if p.strip().isdigit()],
        pmid_text=g("UR") + g("L2") + g("L1"),
        abstract=first(g("AB"), g("N2")),
        issn=issn.split(" (")[0].split(",")[0].split(" ")[0] if issn else None,
        keywords=g("KW") + g("DE"),
        language=g("LA") or g("LG"),
        publication_type=g("TY"),
        url=g("UR") or g("L2"),
        database=databases,
    )


def read_ris(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    r"""Read RIS text into citations (read -> clean -> to_records).

    Examples
    --------
    >>> text = "TY  - JOUR\nAU  - Liu R.\nTI  - A trial\nPY  - 2019///\nER  - \n"
    >>> citations, warnings = read_ris(text)
    >>> citations[0].authors, citations[0].year
    (('Liu, R.',), 2019)
    """
    records, warnings = parse_ris(text, source)
    return tagged_citations(records, ris_fields, source, warnings), warnings


def write_ris(citations: list[Citation]) -> str:
    r"""Write citations as minimal RIS (enough to read them back; not a full exporter).

    >>> from sysreview.records.model import Citation
    >>> write_ris([Citation(position=1, title="A", authors=("Liu, R.",), year=2019)]).split("\n")
    ['TY  - JOUR', 'TI  - A', 'AU  - Liu, R.', 'PY  - 2019', 'ER  - ', '']
    """
    out: list[str] = []
    for c in citations:
        out.append(f"TY  - {c.publication_type or 'JOUR'}")
        pairs: list[tuple[str, object]] = [("ID", c.record_id), ("TI", c.title)]
        pairs += [("AU", a) for a in c.authors]
        pairs += [("PY", c.year), ("JF", c.journal), ("J2", c.journal_abbrev)]
        pairs += [("VL", c.volume), ("IS", c.issue), ("SP", c.pages), ("DO", c.doi)]
        pairs += [("AB", c.abstract), ("SN", c.issn), ("LA", c.language), ("UR", c.url)]
        pairs += [("KW", k) for k in c.keywords]
        pairs += [("DB", c.database)]
        out += [f"{tag}  - {value}" for tag, value in pairs if value is not None]
        out.append("ER  - \n")
    return "\n".join(out)
