"""Two records' fields side by side, with what differs marked (safely, and not by colour only).

The differences are found by :class:`difflib.SequenceMatcher` (Ratcliff/Obershelp
matching, Python's standard library) on words for text (title, authors, journal,
abstract) and on characters for short codes (DOI, PMID, year, volume, pages). Each side
is split at the matching blocks, *every* piece is HTML-escaped, and only then are the
differing pieces wrapped in ``<mark class="diff">`` (underlined and bold in the style
sheet, and named in each row's text status), so nothing of a record's text becomes
markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

__all__ = ["FIELDS", "FieldComparison", "compare_records", "marked_pair"]

FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("title", "Title", True),
    ("authors", "Authors", True),
    ("year", "Year", False),
    ("journal", "Journal", True),
    ("volume", "Volume", False),
    ("issue", "Issue", False),
    ("pages", "Pages", False),
    ("doi", "DOI", False),
    ("pmid", "PMID", False),
    ("abstract", "Abstract", True),
)
"""``(key, label, by_words)`` of the compared fields, in the order shown."""

_TOKENS = re.compile(r"\s+|[^\s]+")
_LOOSE = re.compile(r"[\W_]+", re.UNICODE)


def _pieces(text: str, by_words: bool) -> list[str]:
    return _TOKENS.findall(text) if by_words else list(text)


def marked_pair(a: str, b: str, *, by_words: bool = True) -> tuple[Markup, Markup]:
    """``a`` and ``b`` as HTML, each with the pieces the other lacks in ``<mark>``.

    Examples
    --------
    >>> left, right = marked_pair("Peer support <b>", "Peer group <b>")
    >>> str(left)
    'Peer <mark class="diff">support</mark> &lt;b&gt;'
    >>> str(right)
    'Peer <mark class="diff">group</mark> &lt;b&gt;'
    >>> str(marked_pair("a b c d", "a x y d")[1])
    'a <mark class="diff">x y</mark> d'
    >>> [str(x) for x in marked_pair("10.1/ab", "10.1/ac", by_words=False)]
    ['10.1/a<mark class="diff">b</mark>', '10.1/a<mark class="diff">c</mark>']
    """
    left, right = _pieces(a, by_words), _pieces(b, by_words)
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    out_a: list[str] = []
    out_b: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for side, pieces, lo, hi in ((out_a, left, i1, i2), (out_b, right, j1, j2)):
            text = "".join(pieces[lo:hi])
            if not text:
                continue
            if tag == "equal" or not text.strip():
                side.append(str(escape(text)))
            else:
                stripped = text.strip()
                lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
                side.append(
                    f'{escape(lead)}<mark class="diff">{escape(stripped)}</mark>{escape(trail)}'
                )
    return _joined(out_a), _joined(out_b)


_BETWEEN_MARKS = re.compile(r'</mark>(\s+)<mark class="diff">')


def _joined(pieces: list[str]) -> Markup:
    """The pieces as one string, neighbouring marks separated by spaces only merged."""
    return Markup(_BETWEEN_MARKS.sub(r"\1", "".join(pieces)))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value).strip()


@dataclass(frozen=True)
class FieldComparison:
    """One field of two records: both values marked, and a status in words.

    ``status`` is ``same``, ``loose`` (the same letters and digits, differing only in
    case, spaces or punctuation), ``differs``, ``only-a``, ``only-b`` or ``empty``.
    """

    key: str
    label: str
    a: Markup
    b: Markup
    status: str

    @property
    def status_text(self) -> str:
        """The status as shown in the row (the words a screen reader reads)."""
        return {
            "same": "Same",
            "loose": "Same apart from case or punctuation",
            "differs": "Differs",
            "only-a": "Only in record A",
            "only-b": "Only in record B",
            "empty": "Neither has one",
        }[self.status]


def _status(a: str, b: str) -> str:
    if not a and not b:
        return "empty"
    if not b:
        return "only-a"
    if not a:
        return "only-b"
    if a == b:
        return "same"
    if _LOOSE.sub("", a).casefold() == _LOOSE.sub("", b).casefold():
        return "loose"
    return "differs"


def compare_records(
    a: Mapping[str, object],
    b: Mapping[str, object],
    fields: Sequence[tuple[str, str, bool]] = FIELDS,
) -> list[FieldComparison]:
    """Each of ``fields`` of two records (as dicts), aligned and marked.

    ``authors`` is read from ``all_authors`` when the dict has it (every author).

    Examples
    --------
    >>> a, b = {"title": "A trial", "year": 2020}, {"title": "A Trial", "year": 2021}
    >>> rows = compare_records(a, b)
    >>> [(r.key, r.status) for r in rows][:3]
    [('title', 'loose'), ('authors', 'empty'), ('year', 'differs')]
    """
    rows = []
    for key, label, by_words in fields:
        source = "all_authors" if key == "authors" and "all_authors" in a else key
        text_a, text_b = _text(a.get(source)), _text(b.get(source))
        status = _status(text_a, text_b)
        if status in ("same", "empty", "only-a", "only-b"):
            marked_a, marked_b = escape(text_a), escape(text_b)
        else:
            marked_a, marked_b = marked_pair(text_a, text_b, by_words=by_words)
        rows.append(FieldComparison(key, label, Markup(marked_a), Markup(marked_b), status))
    return rows
