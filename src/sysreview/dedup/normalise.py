"""Normalise the fields that de-duplication compares.

Every function is pure and total: it accepts ``None`` or free text as exported by a
bibliographic database and returns a canonical string (``""`` when nothing usable is
left) or ``None``.  The rules follow the normalisation steps described for ASySD
(Hair et al. 2023, *BMC Biology* 21:189) and bib-dedupe (Wagner 2024, *J Open Source
Softw*).  Journal and venue names are compared in :mod:`sysreview.dedup.venues`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "Author",
    "correction_reference",
    "given_name",
    "normalise_author",
    "normalise_doi",
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
_PAGE_PREFIX = re.compile(r"^(?:pp?\.?|pages?)\s*", re.IGNORECASE)
_PAGE_COUNT = re.compile(r"^\d+\s*(?:p|pp|pages)\.?$", re.IGNORECASE)
# Correction notices cite the article they correct, and MEDLINE records cite their erratum:
# Web of Science "(vol 360, pg 542, 2009)"; Embase "(N Engl J Med (2009) 360 (542-544))";
# MEDLINE "[Erratum appears in N Engl J Med. 2009 Jun 4;360(23):2487 ...]".
_WOS_CORRECTION = re.compile(r"\(vol\.? (\d+), pg\.? ([a-z]?\d+), (?:\d{4})\)", re.IGNORECASE)
_EMBASE_CORRECTION = re.compile(
    r"\((?:[^()]*)\((?:\d{4})\)\s+(\d+)\s+\(([a-z]?\d+)(?:-[a-z]?\d+)?\)\)", re.IGNORECASE
)
_ERRATUM_IN = re.compile(
    r"erratum appears in [^\[\]]*?;\s*(\d+)\s*(?:\([^)]*\))?\s*:\s*([a-z]?\d+)", re.IGNORECASE
)
_CORRECTION_SUFFIX = re.compile(
    r"\s*(?:\(vol\.? \d+, pg\.? [a-z]?\d+, \d{4}\)|\([^()]*\(\d{4}\)\s+\d+\s+\([^()]*\)\))\s*\.?$",
    re.IGNORECASE,
)
# A parenthesis opened and never closed at the end of a title: the export cut the title.
_CUT_PARENTHESIS = re.compile(r"\s*\([^()]*(?:\([^()]*\)[^()]*)*(?:\([^()]*)?$")


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
    and ``[Erratum appears in ...]``; CRD's trailing ``(Structured abstract)``,
    ``(Provisional abstract)`` and ``(Brief record)`` labels; the citation that a
    correction notice appends (Web of Science ``(vol 360, pg 542, 2009)``, Embase
    ``(N Engl J Med (2009) 360 (542-544))``, see :func:`correction_reference`); and a
    parenthesis left open at the end, where the export cut the title.

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
    >>> normalise_title("Eculizumab for aHUS (vol 360, pg 542, 2009)")
    'eculizumab for ahus'
    >>> normalise_title("Erratum: Eculizumab for aHUS (The New England Journal (Janu")
    'erratum eculizumab for ahus'
    """
    if not title:
        return ""
    text = _EXPORT_SUFFIX.sub("", title)
    text = _TAGS.sub(" ", text).strip()
    text = _ANNOTATION.sub("", text)
    if text.endswith((")", ").")):
        text = _CORRECTION_SUFFIX.sub("", text)
    if text.count("(") > text.count(")"):
        text = _CUT_PARENTHESIS.sub("", text)
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


def correction_reference(title: str | None) -> tuple[str, str, str]:
    """The location a title cites for a correction: ``(role, volume, first page)``.

    ``role`` is ``"corrects"`` when the record is a correction notice that cites the
    article it corrects (Web of Science appends ``(vol 360, pg 542, 2009)`` and Embase
    ``(N Engl J Med (2009) 360 (542-544))`` to the corrected article's title), and
    ``"corrected_in"`` when the record is the article and cites its erratum (MEDLINE's
    ``[Erratum appears in N Engl J Med. 2009 Jun 4;360(23):2487]``).  ``("", "", "")``
    when the title cites nothing.

    Examples
    --------
    >>> correction_reference("Eculizumab for aHUS (vol 360, pg 542, 2009)")
    ('corrects', '360', '542')
    >>> correction_reference("Eculizumab for aHUS (N Engl J Med (2009) 360 (542-544))")
    ('corrects', '360', '542')
    >>> correction_reference("X.[Erratum appears in N Engl J Med. 2009 Jun 4;360(23):2487]")
    ('corrected_in', '360', '2487')
    >>> correction_reference("Eculizumab for aHUS")
    ('', '', '')
    """
    if not title or ("(" not in title and "rratum" not in title):
        return "", "", ""
    for role, pattern in (
        ("corrects", _WOS_CORRECTION),
        ("corrects", _EMBASE_CORRECTION),
        ("corrected_in", _ERRATUM_IN),
    ):
        match = pattern.search(title)
        if match:
            return role, match.group(1).lstrip("0"), match.group(2).lower().lstrip("0")
    return "", "", ""


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
    >>> normalise_pages("532, 534-536, 538-540")
    ('532', '536')

    A page count (``215 p``, as theses are catalogued) is not a page: ``("", "")``.

    >>> normalise_pages("215 p")
    ('', '')
    """
    if not pages or _PAGE_COUNT.match(pages.strip()):
        return "", ""
    text = _PAGE_PREFIX.sub("", pages.strip())
    parts = [p.strip().lower() for p in _PAGE_SPLIT.split(text, maxsplit=1)]
    head_match = _PAGE.match(parts[0])
    first = head_match.group(0).lstrip("0") if head_match else ""
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


@lru_cache(maxsize=262_144)
def given_name(name: str) -> str:
    """The first given name written out in full (two letters or more), else ``""``.

    Used to recognise author lists whose given names and surnames were swapped by one
    database (``"Andrea, C."`` for ``"Carignani, Andrea"``).

    Examples
    --------
    >>> given_name("Carignani, Andrea")
    'andrea'
    >>> given_name("Smith, J. A.")
    ''
    >>> given_name("John A. Smith")
    'john'
    """
    if "," in name:
        words = name.partition(",")[2].replace(".", " ").split()
    else:
        parts = name.replace(".", " ").split()
        words = parts[:-1] if len(parts) >= 2 and not parts[-1].isupper() else []
    first = normalise_text(words[0]).replace(" ", "") if words else ""
    return first if len(first) >= 2 else ""
