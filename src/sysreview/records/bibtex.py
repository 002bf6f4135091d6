"""BibTeX, read with :mod:`bibtexparser` (1.x); LaTeX accents become Unicode.

bibtexparser silently drops entries it cannot parse; every ``@type{key,`` in the text is
therefore checked against the parsed entries, and a missing one is an error naming its
line. (pyparsing warnings raised while bibtexparser builds its grammar are silenced.)

Two inputs would otherwise end in a traceback and are refused first, naming the line:
a macro used without an ``@string`` definition (BibTeX itself would print a warning and
use an empty value; a reviewer should see the record as written instead), and braces
nested more than :data:`MAX_BRACE_DEPTH` levels deep (bibtexparser's grammar recurses
once per level; real entries nest three or four levels at most, so a deeper one is
almost always a missing closing brace).
"""

from __future__ import annotations

import re
import warnings as _warnings
from typing import Any

from sysreview.errors import InputError
from sysreview.records.model import Citation
from sysreview.records.normalise import Fields, to_citation
from sysreview.text import line_at

_ENTRY = re.compile(r"^[ \t]*@([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s]*)", re.MULTILINE)
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})
_BRACE = re.compile(r"[{}]")

#: Deepest brace nesting read (see the module notes).
MAX_BRACE_DEPTH = 32


def check_braces(text: str, source: str) -> None:
    r"""Refuse braces nested deeper than :data:`MAX_BRACE_DEPTH`, naming the line.

    >>> try:
    ...     check_braces("@article{k,\n title = {" + "{" * 40 + "x}}}", "deep.bib")
    ... except InputError as err:
    ...     print(err)  # doctest: +NORMALIZE_WHITESPACE
    deep.bib, line 2: braces nested more than 32 levels deep
    (is a closing brace missing?)
    """
    depth = 0
    for match in _BRACE.finditer(text):
        if match.group() == "{":
            depth += 1
            if depth > MAX_BRACE_DEPTH:
                raise InputError(
                    f"braces nested more than {MAX_BRACE_DEPTH} levels deep "
                    "(is a closing brace missing?)",
                    source=source,
                    line=line_at(text, match.start()),
                    unit="line",
                )
        elif depth:
            depth -= 1


def _macro_line(text: str, name: str) -> int | None:
    """The line where macro ``name`` is first used as a value (``= name`` or ``# name``)."""
    use = re.compile(rf"[=#]\s*{re.escape(name)}\s*(?=[,#}})\s]|$)", re.IGNORECASE)
    found = use.search(text)
    return line_at(text, found.start()) if found else None


def _load(text: str, source: str) -> list[dict[str, Any]]:
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        import bibtexparser
        from bibtexparser.bibdatabase import UndefinedString
        from bibtexparser.bparser import BibTexParser
        from bibtexparser.customization import convert_to_unicode

        parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
        try:
            database = bibtexparser.loads(text, parser=parser)
        except UndefinedString as exc:
            name = str(exc.args[0]) if exc.args else "?"
            raise InputError(
                f"macro {name!r} is used but not defined: add @string{{{name} = {{...}}}} "
                "or write the value in braces",
                source=source,
                line=_macro_line(text, name),
                unit="line",
            ) from None
        return [convert_to_unicode(dict(entry)) for entry in database.entries]


def _plain(value: Any) -> str | None:
    return str(value).replace("{", "").replace("}", "") if value else None


def bibtex_fields(entry: dict[str, Any]) -> Fields:
    """Map one BibTeX entry (lower-case field names) onto :class:`Fields`."""
    authors = re.split(r"\s+and\s+", _plain(entry.get("author")) or "")
    keywords = re.split(r"[;,]", entry.get("keywords", "") or "")
    return Fields(
        record_id=entry.get("ID"),
        title=_plain(entry.get("title")),
        authors=[a for a in authors if a.strip()],
        year=[("year", entry.get("year"), None), ("date", entry.get("date"), None)],
        journal=_plain(entry.get("journal") or entry.get("journaltitle") or entry.get("booktitle")),
        journal_abbrev=_plain(entry.get("shortjournal")),
        volume=entry.get("volume"),
        issue=entry.get("number") or entry.get("issue"),
        pages=entry.get("pages"),
        doi=entry.get("doi"),
        doi_text=[entry.get("url")],
        pmid=entry.get("pmid"),
        pmid_text=[entry.get("url")],
        abstract=_plain(entry.get("abstract")),
        issn=entry.get("issn"),
        keywords=keywords,
        language=entry.get("language") or entry.get("langid"),
        publication_type=entry.get("ENTRYTYPE"),
        url=entry.get("url"),
        database=entry.get("database"),
    )


def read_bibtex(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    r"""Read BibTeX into citations, in file order, with the line of each entry.

    Raises
    ------
    InputError
        For an entry bibtexparser could not parse (e.g. unbalanced braces), with its line.

    Examples
    --------
    >>> text = ('@article{k1,\n  title = {The {RCT}},\n'
    ...         '  author = {M{\\"u}ller, Hans and John Smith},\n'
    ...         '  year = 2019, pages = {12--20}}\n')
    >>> c = read_bibtex(text)[0][0]
    >>> c.title, c.authors, c.year, c.pages
    ('The RCT', ('Müller, Hans', 'Smith, John'), 2019, '12-20')
    """
    starts = [
        (line_at(text, m.start()), m.group(2))
        for m in _ENTRY.finditer(text)
        if m.group(1).lower() not in _NOT_ENTRIES
    ]
    check_braces(text, source)
    entries = {entry["ID"]: entry for entry in _load(text, source)}
    warnings: list[str] = []
    citations: list[Citation] = []
    for line, key in starts:
        entry = entries.get(key)
        if entry is None:
            raise InputError(
                f"BibTeX entry {key!r} could not be parsed (check its braces, quotes and commas)",
                source=source,
                line=line,
                unit="line",
            )
        citations.append(
            to_citation(
                bibtex_fields(entry),
                position=len(citations) + 1,
                line=line,
                raw={k: v for k, v in entry.items()},
                source=source,
                warnings=warnings,
            )
        )
    return citations, warnings
