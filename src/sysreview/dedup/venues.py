"""Journal and venue names: ISO 4 abbreviations and acronyms.

Databases write one journal as ``Nat Rev Nephrol``, ``Nature Reviews. Nephrology`` or
``NATURE REVIEWS NEPHROLOGY``, and one conference as ``Americas Conference on
Information Systems`` or ``AMCIS 2017 Proceedings``.  :func:`journals_match` decides
whether two such names denote one venue, word by word with ISO 4 word abbreviations
(ISSN International Centre, *List of Title Word Abbreviations*), or by an acronym
spelt from the other name's words (:func:`acronym_matches`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from sysreview.dedup.normalise import normalise_text

__all__ = [
    "ISO4_ABBREVIATIONS",
    "JOURNAL_STOPWORDS",
    "acronym_matches",
    "journal_key",
    "journals_match",
    "normalise_journal",
]

#: Words dropped from journal names before comparison (ISO 4 omits articles and most
#: prepositions and conjunctions).
JOURNAL_STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "in",
        "on",
        "a",
        "an",
        "de",
        "la",
        "le",
        "des",
        "du",
        "der",
        "die",
        "und",
        "et",
        "y",
        "e",
        "i",
        "of",
        "the",
        "&",
        "official",
    ]
)

#: A compact ISO 4 table (full word -> abbreviation) for words whose abbreviation is
#: not a simple prefix of the word; prefixes ("nephrology" -> "nephrol") are matched
#: by :func:`journals_match` without a table.
ISO4_ABBREVIATIONS: dict[str, str] = {
    "american": "am",
    "annals": "ann",
    "archives": "arch",
    "association": "assoc",
    "british": "br",
    "canadian": "can",
    "chinese": "chin",
    "clinical": "clin",
    "international": "int",
    "journal": "j",
    "national": "natl",
    "proceedings": "proc",
    "research": "res",
    "review": "rev",
    "reviews": "rev",
    "science": "sci",
    "sciences": "sci",
    "society": "soc",
    "university": "univ",
    "zeitschrift": "z",
    "zhonghua": "zhonghua",
    "medicine": "med",
    "medical": "med",
    "management": "manag",
    "information": "inf",
    "systems": "syst",
    "conference": "conf",
    "department": "dep",
    "quarterly": "q",
    "hemostasis": "haemost",
    "haemostasis": "haemost",
    "hematology": "haematol",
    "haematology": "haematol",
    "pediatrics": "paediatr",
    "paediatrics": "paediatr",
    "pediatric": "paediatr",
    "paediatric": "paediatr",
}


@lru_cache(maxsize=65_536)
def normalise_journal(journal: str | None) -> str:
    """Journal name as ISO 4-style abbreviated words, stop words removed.

    Examples
    --------
    >>> normalise_journal("Seminars in Thrombosis & Hemostasis")
    'seminars thrombosis haemost'
    >>> normalise_journal("Journal of the American Medical Association")
    'j am med assoc'
    """
    words = normalise_text((journal or "").split("=")[0]).split()
    return " ".join(ISO4_ABBREVIATIONS.get(w, w) for w in words if w not in JOURNAL_STOPWORDS)


def journal_key(journal: str | None) -> str:
    """First letters of the normalised journal words (a coarse blocking key).

    Examples
    --------
    >>> journal_key("Nat Rev Nephrol") == journal_key("Nature Reviews Nephrology")
    True
    """
    return "".join(w[0] for w in normalise_journal(journal).split())


def _word_matches(short: str, full: str) -> bool:
    """``short`` abbreviates ``full``: a prefix, or its letters in order with the same start."""
    if short == full or full.startswith(short):
        return True
    if len(short) < 2 or short[0] != full[0]:
        return False
    pos = 0
    for ch in short:
        pos = full.find(ch, pos) + 1
        if pos == 0:
            return False
    return True


def _abbreviates(short: Sequence[str], full: Sequence[str]) -> bool:
    if len(short) != len(full) or not short:
        return False
    return all(_word_matches(s, f) or _word_matches(f, s) for s, f in zip(short, full, strict=True))


def _spells(acronym: str, words: Sequence[str]) -> bool:
    """``acronym`` is the concatenation of a non-empty prefix of every word, in order."""
    if not words:
        return not acronym
    word, rest = words[0], words[1:]
    limit = min(len(word), len(acronym) - len(rest))
    return any(acronym[:k] == word[:k] and _spells(acronym[k:], rest) for k in range(limit, 0, -1))


@lru_cache(maxsize=65_536)
def _acronym_parts(name: str | None) -> tuple[str, tuple[str, ...]]:
    """``(acronym candidate, content words)`` of a venue name (see :func:`acronym_matches`)."""
    words = [w for w in normalise_text(name).split() if not w.isdigit()]
    first = words[0] if words else ""
    acronym = first if 3 <= len(first) <= 8 and first.isalpha() else ""
    return acronym, tuple(w for w in words if w not in JOURNAL_STOPWORDS)


def _acronym_of(acronym: str, content: tuple[str, ...]) -> bool:
    return (
        bool(acronym)
        and 3 <= len(content) <= len(acronym)
        and acronym[0] == content[0][0]
        and _spells(acronym, content)
    )


@lru_cache(maxsize=65_536)
def acronym_matches(a: str | None, b: str | None) -> bool:
    """Whether one venue name starts with an acronym of the other.

    For example ``AMCIS`` ~ ``Americas Conference on Information Systems``, ``JAMA`` ~
    ``Journal of the American Medical Association``.

    The acronym is the first word of the shorter-named venue (3-8 letters, numbers and
    years ignored).  It matches when it can be spelt by taking, in order, a non-empty
    leading part of *every* content word of the other name (stop words such as "on",
    "of", "the" skipped), and the other name has at least three content words.  This is
    how acronyms of proceedings and journals are formed, so no list of acronyms is kept;
    requiring every word to contribute keeps short acronyms from matching by chance.

    Examples
    --------
    >>> acronym_matches("AMCIS 2017 Proceedings", "Americas Conference on Information Systems")
    True
    >>> acronym_matches("ICIS 2018", "International Conference on Information Systems")
    True
    >>> acronym_matches("ECIS 2017", "International Conference on Information Systems")
    False
    >>> acronym_matches("Stroke", "Brain")
    False
    """
    (acronym_a, content_a), (acronym_b, content_b) = _acronym_parts(a), _acronym_parts(b)
    return _acronym_of(acronym_a, content_b) or _acronym_of(acronym_b, content_a)


def journals_match(a: str | None, b: str | None) -> bool:
    """Whether two journal names denote the same journal, word by word (ISO 4 style).

    Both names are normalised with :func:`normalise_journal`.  They match when each
    word of the shorter name abbreviates the corresponding word of the longer one
    (``nephrol`` ~ ``nephrology``, ``natl`` ~ ``national``) and the longer name has no
    further words, or only a subtitle after the shorter one (``BMJ`` ~ ``BMJ (Clinical
    research ed.)``, ``Clin Cancer Res`` ~ ``Clinical cancer research: an official
    journal of ...``).

    Examples
    --------
    >>> journals_match("Nat Rev Nephrol", "Nature Reviews. Nephrology")
    True
    >>> journals_match("JPEN. Journal of parenteral and enteral nutrition",
    ...                "Jpen: Journal of Parenteral & Enteral Nutrition")
    True
    >>> journals_match("BMJ", "BMJ (Clinical research ed.)")
    True
    >>> journals_match("Stroke", "Brain")
    False

    A name that starts with the other's acronym also matches (:func:`acronym_matches`):

    >>> journals_match("Amcis 2017 Proceedings", "Americas Conference on Information Systems")
    True
    """
    na, nb = normalise_journal(a).split(), normalise_journal(b).split()
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, full = (na, nb) if len(na) <= len(nb) else (nb, na)
    return _abbreviates(short, full[: len(short)]) or acronym_matches(a, b)
