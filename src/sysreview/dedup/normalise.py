"""Normalise the fields that de-duplication compares.

Every function is pure and total: it accepts ``None`` or free text as exported by a
bibliographic database and returns a canonical string (``""`` when nothing usable is
left) or ``None``.  The rules follow the normalisation steps described for ASySD
(Hair et al. 2023, *BMC Biology* 21:189) and bib-dedupe (Wagner 2024, *J Open Source
Softw*), plus ISO 4 word abbreviations (ISSN International Centre, *List of Title
Word Abbreviations*) for journal names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

__all__ = [
    "Author",
    "journal_key",
    "journals_match",
    "normalise_author",
    "normalise_doi",
    "normalise_journal",
    "normalise_pages",
    "normalise_pmid",
    "normalise_text",
    "normalise_title",
    "normalise_year",
    "title_variants",
]

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"10\.\d{4,9}/\S+")
_TAGS = re.compile(r"<[^>]+>")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ANNOTATION = re.compile(
    r"\s*(?:\[(?:erratum|comment|retraction|update|corrected)[^\]]*(?:\]|$)"
    r"|\((?:structured|provisional) abstract\)|\(brief record\))",
    re.IGNORECASE,
)
_EXPORT_SUFFIX = re.compile(r"\s*(?:<ORIGINAL>|\bTO:|\bLA:|\.\.\. includes discussion).*$")
_TRAILING_BRACKET = re.compile(r"(?<=\S)\s*\[[^\[\]]{1,60}\]\s*\.?\s*$")
_PAGE_SPLIT = re.compile(r"\s*(?:-+|–|—)\s*")
_PAGE = re.compile(r"^[a-z]?\d+[a-z]?(?=$|[;,\s])")

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


def normalise_text(text: str | None) -> str:
    """Lower-case ASCII words separated by single spaces.

    Examples
    --------
    >>> normalise_text("Zürich &amp; <i>Génève</i>: a study")
    'zurich amp geneve a study'
    """
    if not text:
        return ""
    if "<" in text:
        text = _TAGS.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_ALNUM.sub(" ", text.lower()).split())


def normalise_doi(doi: str | None) -> str:
    """DOI lower-cased, without resolver prefix or trailing punctuation.

    Examples
    --------
    >>> normalise_doi("https://doi.org/10.1000/ABC.12.")
    '10.1000/abc.12'
    >>> normalise_doi("not a doi")
    ''
    """
    if not doi:
        return ""
    text = _DOI_PREFIX.sub("", doi.strip()).lower()
    match = _DOI_SHAPE.search(text)
    return match.group(0).rstrip(".,;") if match else ""


def normalise_pmid(pmid: str | None) -> str:
    """PubMed ID as digits only (``"PMID: 123"`` -> ``"123"``).

    Examples
    --------
    >>> normalise_pmid("PMID: 0012345")
    '12345'
    """
    digits = "".join(ch for ch in pmid or "" if ch.isdigit()).lstrip("0")
    return digits


def normalise_title(title: str | None) -> str:
    """Title as lower-case ASCII words, without database annotations.

    Removed: MEDLINE's square brackets around translated titles; trailing bracketed
    annotations such as Embase's ``[Chinese]`` language tags, ``[Review] [91 refs]``
    and ``[Erratum appears in ...]``; and CRD's trailing ``(Structured abstract)``,
    ``(Provisional abstract)`` and ``(Brief record)`` labels.

    Examples
    --------
    >>> normalise_title("[A study of asthma in children]. [Chinese]")
    'a study of asthma in children'
    >>> normalise_title("HPV testing: a review. [Review] [19 refs]")
    'hpv testing a review'
    >>> normalise_title("[Fast track surgery] LA: Chi")
    'fast track surgery'
    >>> normalise_title("Cost of screening (Structured abstract)")
    'cost of screening'
    >>> normalise_title("Efficacy of X: a <i>randomised</i> trial.")
    'efficacy of x a randomised trial'
    """
    if not title:
        return ""
    text = _EXPORT_SUFFIX.sub("", title)
    text = _TAGS.sub(" ", text).strip()
    text = _ANNOTATION.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_BRACKET.sub("", text).strip(" .")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return normalise_text(text)


def title_variants(title: str | None) -> tuple[str, str]:
    """The normalised title and an alternative-language title, if the record holds two.

    Scopus appends the original-language title in brackets (``English [Deutsch]``) and
    some databases join the two with ``;``.  Both parts need four words or more.

    Examples
    --------
    >>> title_variants("Crowdwork: a relational theory [Arbeiten in der Crowd: Perspektiven]")
    ('crowdwork a relational theory', 'arbeiten in der crowd perspektiven')
    >>> title_variants("Efeito da pressao positiva; Effect of positive airway pressure")
    ('efeito da pressao positiva', 'effect of positive airway pressure')
    >>> title_variants("A trial of aspirin")
    ('a trial of aspirin', '')
    """
    main = normalise_title(title)
    if not title:
        return main, ""
    text = _EXPORT_SUFFIX.sub("", title).strip(" .")
    bracket = re.match(r"^(.*\S)\s*\[([^\[\]]+)\]$", text)
    if bracket:
        first, second = bracket.group(1), bracket.group(2)
    elif text.count(";") == 1:
        first, second = text.split(";")
    else:
        return main, ""
    first_n, second_n = normalise_title(first), normalise_text(second)
    if len(first_n.split()) >= 4 and len(second_n.split()) >= 4:
        return first_n, second_n
    return main, ""


def normalise_year(year: int | str | None) -> int | None:
    """Four-digit year or ``None``.

    Examples
    --------
    >>> normalise_year("2011 Mar")
    2011
    >>> normalise_year("n.d.") is None
    True
    """
    if year is None:
        return None
    match = re.search(r"(1[5-9]|20)\d\d", str(year))
    return int(match.group(0)) if match else None


def normalise_pages(pages: str | None) -> tuple[str, str]:
    """First and last page, with abbreviated last pages expanded (``123-30`` -> ``123-130``).

    A page is digits with at most one leading letter (``S12``, ``e1002``, ``c1804``) and
    one trailing letter (``100A``); anything else (``Suppl-6``, ``t-71``) is a damaged
    export and gives ``""``.

    Examples
    --------
    >>> normalise_pages("123-30")
    ('123', '130')
    >>> normalise_pages("376 -- 383")
    ('376', '383')
    >>> normalise_pages("e1002")
    ('e1002', '')
    >>> normalise_pages("S12-4")
    ('s12', 's14')
    >>> normalise_pages("742-8; discussion 748-9")
    ('742', '748')
    >>> normalise_pages("Suppl-41")
    ('', '')
    """
    if not pages:
        return "", ""
    text = re.sub(r"^(?:pp?\.?|pages?)\s*", "", pages.strip(), flags=re.IGNORECASE)
    parts = [p.strip().lower() for p in _PAGE_SPLIT.split(text, maxsplit=1)]
    first = parts[0].lstrip("0") if _PAGE.match(parts[0]) else ""
    if not first:
        return "", ""
    tail = _PAGE.match(parts[1]) if len(parts) > 1 else None
    last = tail.group(0) if tail else ""
    if last and last.isdigit() and first[-1].isdigit():
        head = re.match(r"^([a-z]?)(\d+)$", first)
        if head and len(last) < len(head.group(2)):
            digits = head.group(2)
            last = head.group(1) + digits[: len(digits) - len(last)] + last
        elif head and head.group(1):
            last = head.group(1) + last
    return first, last.lstrip("0")


class Author(tuple[str, str]):
    """``(surname, initials)`` in lower-case ASCII."""

    __slots__ = ()

    @property
    def surname(self) -> str:
        """The normalised surname."""
        return self[0]

    @property
    def initials(self) -> str:
        """The initials of the given names."""
        return self[1]


@lru_cache(maxsize=262_144)
def normalise_author(name: str) -> Author:
    """Surname and initials from ``"Surname, Given"``, ``"Surname GA"`` or ``"Given Surname"``.

    Examples
    --------
    >>> normalise_author("Le Quintrec, M.")
    ('lequintrec', 'm')
    >>> normalise_author("Fremeaux-Bacchi, Véronique")
    ('fremeauxbacchi', 'v')
    >>> normalise_author("Smith JA")
    ('smith', 'ja')
    >>> normalise_author("John A. Smith")
    ('smith', 'ja')
    """
    if "," in name:
        surname, _, given = name.partition(",")
        words = given.replace(".", " ").replace("-", " ").split()
        initials = "".join(w[0] for w in words if w)
    else:
        parts = name.replace(".", " ").split()
        if len(parts) >= 2 and parts[-1].isupper() and len(parts[-1]) <= 3:
            surname, initials = " ".join(parts[:-1]), parts[-1]
        elif parts:
            surname, initials = parts[-1], "".join(w[0] for w in parts[:-1])
        else:
            surname, initials = "", ""
    return Author((normalise_text(surname).replace(" ", ""), normalise_text(initials)[:3]))


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
    """
    na, nb = normalise_journal(a).split(), normalise_journal(b).split()
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, full = (na, nb) if len(na) <= len(nb) else (nb, na)
    return _abbreviates(short, full[: len(short)])
