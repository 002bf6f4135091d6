"""Prepare records for matching and score candidate pairs field by field.

:func:`prepare` turns citations into a frame of normalised fields (one row per record);
:func:`score_pairs` compares the records of each candidate pair and returns one row of
field similarities per pair.  String similarities are rapidfuzz's normalised Indel
similarity (``fuzz.ratio``, 0-100; Bachmann 2021, *RapidFuzz*, doi:10.5281/zenodo.
4579541) computed for all pairs at once with ``process.cpdist``.  Exact fields
(year, volume, pages, DOI, PMID) score 1 (agree), 0 (conflict) or NaN (missing in one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz, process

from sysreview.dedup.normalise import (
    correction_reference,
    given_name,
    normalise_author,
    normalise_doi,
    normalise_pages,
    normalise_pmid,
    normalise_text,
    normalise_year,
    title_variants,
)
from sysreview.dedup.venues import journals_match, normalise_journal
from sysreview.records.model import Citation

__all__ = ["FIELDS", "KINDS", "prepare", "record_kind", "score_pairs"]

#: The compared fields, in the order they are reported as agreeing.
FIELDS = ("doi", "pmid", "title", "authors", "year", "journal", "volume", "issue", "pages")

#: Kinds of record.  Publication notices and conference abstracts are never the same
#: bibliographic record as an ordinary article, even when they share a DOI or a title,
#: except an erratum in the article's own volume (the ``erratum_of`` rule).
KINDS = (
    "article",
    "book_section",
    "conference_paper",
    "conference_abstract",
    "erratum",
    "retraction",
    "comment",
)

_ERRATUM = re.compile(r"^(?:erratum|errata|corrigendum|addendum|correction(?! of\b))\b")
_RETRACTION = re.compile(r"^(retraction|retracted|withdrawn|expression of concern)\b")
_COMMENT = re.compile(r"^(comment|reply|response|in reply|re|author reply|authors reply)\b")
_NOTICE_PREFIX = re.compile(
    r"^(?:erratum|errata|correction|corrigendum|addendum)(?: to| for| notice)?\s+(?=\S+ \S+ \S)"
)
_MAX_AUTHORS = 6


def record_kind(publication_type: str | None, title: str) -> str:
    """Classify a record as one of :data:`KINDS` from its type and normalised title.

    Examples
    --------
    >>> record_kind("Conference Abstract", "efficacy of x")
    'conference_abstract'
    >>> record_kind("article", "erratum to how do requirements evolve")
    'erratum'
    >>> record_kind("inproceedings", "a study")
    'conference_paper'
    """
    ptype = normalise_text(publication_type)
    if _ERRATUM.match(title) or "erratum" in ptype:
        return "erratum"
    if _RETRACTION.match(title) or "retraction" in ptype:
        return "retraction"
    if _COMMENT.match(title) or "comment" in ptype:
        return "comment"
    if any(w in ptype for w in ("incollection", "inbook", "book section", "chapter")):
        return "book_section"
    if "abstract" in ptype:
        return "conference_abstract"
    if any(w in ptype for w in ("inproceedings", "conference", "proceedings")):
        return "conference_paper"
    return "article"


def _digits(text: str | None) -> str:
    match = re.search(r"\d+", text or "")
    return match.group(0).lstrip("0") if match else ""


def _issue(text: str | None) -> str:
    """Issue number; accession numbers in the issue field count as missing.

    Values over three digits are accession numbers that EndNote exports put in the issue
    field (Rathbone et al. 2015 data).
    """
    digits = _digits(text)
    return digits if len(digits) <= 3 else ""


def _checked_pages(pages: str | None) -> tuple[str, str]:
    """First and last page; a range that ends before it starts counts as missing.

    Such a range (``2297-2108``) has a mistyped page.
    """
    first, last = normalise_pages(pages)
    if first.isdigit() and last.isdigit() and int(last) < int(first):
        return "", ""
    return first, last


def _is_short(first: str, last: str) -> bool:
    """One or two pages: the size of a meeting abstract, a letter or a notice."""
    if not first:
        return False
    if not last:
        return True
    a, b = first.lstrip("abcdefghijklmnopqrstuvwxyz"), last.lstrip("abcdefghijklmnopqrstuvwxyz")
    return a.isdigit() and b.isdigit() and int(b) - int(a) <= 1


def prepare(citations: Sequence[Citation]) -> pd.DataFrame:
    """Normalised fields, one row per citation (see :mod:`sysreview.dedup.normalise`).

    Examples
    --------
    >>> frame = prepare([Citation(1, title="A trial. [Chinese]", authors=("Zhou, X.",),
    ...                           year=2002, pages="595-7", volume="25")])
    >>> frame.loc[0, ["title", "first_author", "page_first", "page_last"]].tolist()
    ['a trial', 'zhou', '595', '597']
    """
    rows = []
    for c in citations:
        title, title_alt = title_variants(c.title)
        role, ref_volume, ref_page = correction_reference(c.title)
        kind = record_kind(c.publication_type, title)
        if role == "corrects" and kind == "article":
            kind = "erratum"
        if kind == "erratum":
            title = _NOTICE_PREFIX.sub("", title)
        parsed = [(raw, normalise_author(raw)) for raw in c.authors]
        authors = [author for _, author in parsed if author.surname]
        given = [given_name(raw) for raw, author in parsed[: _MAX_AUTHORS + 2] if author.surname]
        first, last = _checked_pages(c.pages)
        doi = normalise_doi(c.doi)
        year = normalise_year(c.year)
        volume = _digits(c.volume)
        rows.append(
            {
                "title": title,
                "title_alt": title_alt,
                "first_author": authors[0].surname if authors else "",
                "first_initial": authors[0].initials[:1] if authors else "",
                "first_letter": authors[0].surname[:1] if authors else "",
                "authors": " ".join(a.surname for a in authors[:_MAX_AUTHORS]),
                "given": " ".join(given[:_MAX_AUTHORS]).strip(),
                "first_given": given[0] if given else "",
                "n_authors": len(authors),
                "year": year,
                "journal": normalise_journal(c.journal or c.journal_abbrev),
                "journal_raw": c.journal or c.journal_abbrev or "",
                # A volume equal to the year is the year repeated (magazines), not a volume.
                "volume": "" if year is not None and volume == str(year) else volume,
                "issue": _issue(c.issue),
                "page_first": first,
                "page_last": last,
                "short_item": _is_short(first, last),
                "doi": doi,
                "doi_stem": re.sub(r"\.pub\d+$|v\d+$", "", doi),
                "pmid": normalise_pmid(c.pmid),
                "abstract": normalise_text((c.abstract or "")[:600])[:500],
                "kind": kind,
                "located": f"{volume}|{first}" if volume and first else "",
                "erratum_at": f"{ref_volume}|{ref_page}" if role == "corrected_in" else "",
            }
        )
    frame = pd.DataFrame(rows, columns=None if rows else ["title"])
    if rows:
        frame["year"] = frame["year"].astype("Float64")
    return frame


FloatArray = npt.NDArray[np.float64]


def _similarity(
    a: npt.NDArray[np.object_], b: npt.NDArray[np.object_], scorer: Callable[..., float]
) -> FloatArray:
    """Elementwise similarity / 100, NaN where either string is empty."""
    if len(a) == 0:
        return np.empty(0)
    sim = process.cpdist(list(a), list(b), scorer=scorer, workers=-1, dtype=np.float64) / 100.0
    missing = (a == "") | (b == "")
    return np.where(missing, np.nan, sim)


def _page_bounds(frame: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
    """Numeric first and last page (NaN when not purely numeric)."""
    first = pd.to_numeric(frame["page_first"], errors="coerce").to_numpy(dtype=np.float64)
    last = pd.to_numeric(frame["page_last"], errors="coerce").to_numpy(dtype=np.float64)
    last = np.where(np.isnan(last) | (last < first), first, last)
    return first, last


def _is_prefix(a: str, b: str) -> float:
    """1 when the shorter title (three words or more) starts the longer one, else 0."""
    if not a or not b:
        return np.nan
    short, full = (a, b) if len(a) <= len(b) else (b, a)
    return float(short.count(" ") >= 2 and full.startswith(short + " "))


def _title_parts(
    ta: npt.NDArray[np.object_], tb: npt.NDArray[np.object_], similar: npt.NDArray[np.bool_]
) -> FloatArray:
    """``title_part``: whether one title starts or ends the other.

    1 when the shorter title (four words or more) starts or ends the longer one, 0
    otherwise, NaN when a title is missing.  Only the ``similar`` pairs are examined (the
    rules use ``title_part`` with title similarity >= 0.9).
    """
    out = np.where((ta == "") | (tb == ""), np.nan, 0.0)
    for k in np.flatnonzero(similar & (out == 0.0)):
        a, b = ta[k], tb[k]
        short, full = (a, b) if len(a) <= len(b) else (b, a)
        if short.count(" ") >= 3 and (full.startswith(short + " ") or full.endswith(" " + short)):
            out[k] = 1.0
    return out


def _swapped_authors(
    col: dict[str, npt.NDArray[np.object_]], ia: npt.NDArray[np.int64], ib: npt.NDArray[np.int64]
) -> tuple[FloatArray, FloatArray]:
    """Author agreement when one database swapped given names and surnames.

    ``first_swapped`` is 1 when the first author's given name in one record is the
    first surname in the other, and that record's first initial is the first letter of
    this record's first surname (``Carignani, Andrea`` ~ ``Andrea, C.``).  For those
    pairs ``authors_swapped`` compares one record's full given names with the other's
    surnames (token-sort ratio, the better direction).
    """
    fa, fb = col["first_author"][ia], col["first_author"][ib]
    fga, fgb = col["first_given"][ia], col["first_given"][ib]
    ina, inb = col["first_initial"][ia], col["first_initial"][ib]
    # a's given name is b's surname, and b's initial is the first letter of a's surname.
    a_in_b = (fga != "") & (fga == fb) & (inb != "") & (inb == col["first_letter"][ia])
    b_in_a = (fgb != "") & (fgb == fa) & (ina != "") & (ina == col["first_letter"][ib])
    first = a_in_b | b_in_a
    sim = np.full(len(ia), np.nan)
    # Only pairs whose first author matches across the swap can use the list score.
    k = np.flatnonzero(first)
    if len(k):
        ga, gb = col["given"][ia[k]], col["given"][ib[k]]
        aa, ab = col["authors"][ia[k]], col["authors"][ib[k]]
        sim[k] = np.fmax(
            _similarity(ga, ab, fuzz.token_sort_ratio),
            _similarity(aa, gb, fuzz.token_sort_ratio),
        )
    return sim, first.astype(np.float64)


def _exact(a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]) -> FloatArray:
    """1 where equal, 0 where both present and different, NaN where either is missing."""
    missing = (a == "") | (b == "")
    return np.where(missing, np.nan, (a == b).astype(np.float64))


def score_pairs(frame: pd.DataFrame, i: npt.ArrayLike, j: npt.ArrayLike) -> pd.DataFrame:
    """Field similarities for the record pairs ``(i[k], j[k])`` (positional indices).

    Columns: ``title`` (max of ratio and token-sort ratio), ``authors`` (ratio of the
    first six surnames), ``first_author`` (exact), ``year_diff``, ``journal`` (1 when
    :func:`~sysreview.dedup.venues.journals_match`, else the ratio of the normalised
    names), ``volume``, ``issue``, ``pages`` (first page), ``last_page``, ``doi``,
    ``doi_stem``, ``pmid`` (exact), ``abstract`` (ratio), and ``kind_a``/``kind_b``.
    Further evidence: ``title_part`` (one title starts or ends the other),
    ``authors_swapped``/``first_swapped`` (given names and surnames swapped),
    ``short_items`` (both one or two pages long) and ``erratum_cited`` (one record
    names the other's volume and first page as the place of its erratum).

    Examples
    --------
    >>> f = prepare([Citation(1, title="Aspirin for stroke", year=2001, volume="3"),
    ...              Citation(2, title="Aspirin for stroke.", year=2001, volume="4")])
    >>> s = score_pairs(f, [0], [1])
    >>> s.loc[0, ["title", "volume"]].tolist()
    [1.0, 0.0]
    """
    ia, ib = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    col = {name: frame[name].to_numpy(dtype=object) for name in frame.columns}
    out: dict[str, npt.ArrayLike] = {"i": ia, "j": ib}
    ta, tb = col["title"][ia], col["title"][ib]
    alt_a, alt_b = col["title_alt"][ia], col["title_alt"][ib]
    title = np.full(len(ia), np.nan)
    for x, y in ((ta, tb), (alt_a, tb), (ta, alt_b), (alt_a, alt_b)):
        title = np.fmax(title, _similarity(x, y, fuzz.ratio))
        title = np.fmax(title, _similarity(x, y, fuzz.token_sort_ratio))
    out["title"] = title
    out["title_prefix"] = np.array([_is_prefix(x, y) for x, y in zip(ta, tb, strict=True)])
    out["title_part"] = _title_parts(ta, tb, title >= 0.9)
    out["title_words"] = np.array(
        [min(x.count(" "), y.count(" ")) + 1 for x, y in zip(ta, tb, strict=True)], dtype=float
    )
    aa, ab = col["authors"][ia], col["authors"][ib]
    out["authors"] = np.fmax(
        _similarity(aa, ab, fuzz.ratio), _similarity(aa, ab, fuzz.token_sort_ratio)
    )
    out["first_author"] = _exact(col["first_author"][ia], col["first_author"][ib])
    out["authors_swapped"], out["first_swapped"] = _swapped_authors(col, ia, ib)
    years = frame["year"].to_numpy(dtype=np.float64, na_value=np.nan)
    out["year_diff"] = np.abs(years[ia] - years[ib])
    out["year"] = np.where(np.isnan(out["year_diff"]), np.nan, out["year_diff"] == 0)
    ja, jb = col["journal"][ia], col["journal"][ib]
    jsim = _similarity(ja, jb, fuzz.ratio)
    cache: dict[tuple[str, str], bool] = {}
    matched = np.zeros(len(ia), dtype=bool)
    raw = col["journal_raw"]
    for k in np.flatnonzero((jsim < 1.0) & ~np.isnan(jsim)):
        key = (str(raw[ia[k]]), str(raw[ib[k]]))
        if key not in cache:
            cache[key] = journals_match(*key)
        matched[k] = cache[key]
    out["journal"] = np.where(matched, 1.0, jsim)
    out["venue"] = np.fmax(out["journal"], _similarity(ja, jb, fuzz.token_set_ratio))
    is_cochrane = np.array(["cochrane" in str(x) for x in col["journal"]])
    out["cochrane"] = is_cochrane[ia] & is_cochrane[ib]
    for name in ("volume", "issue", "doi", "doi_stem", "pmid"):
        out[name] = _exact(col[name][ia], col[name][ib])
    pa, pb = col["page_first"][ia], col["page_first"][ib]
    style_a = np.array([p[:1] if p[:1].isalpha() else "" for p in pa], dtype=object)
    style_b = np.array([p[:1] if p[:1].isalpha() else "" for p in pb], dtype=object)
    # An e-locator (e1234, c1804) and a print page are not comparable: missing, not conflict.
    pages = np.where(style_a == style_b, _exact(pa, pb), np.nan)
    # One range inside the other (488 vs 487-488): compatible, not a conflict.
    lo, hi = _page_bounds(frame)
    inside = ((lo[ia] >= lo[ib]) & (hi[ia] <= hi[ib])) | ((lo[ib] >= lo[ia]) & (hi[ib] <= hi[ia]))
    out["pages"] = np.where((pages == 0) & inside, np.nan, pages)
    out["last_page"] = _exact(col["page_last"][ia], col["page_last"][ib])
    out["multi_page"] = (col["page_last"][ia] != "") & (col["page_last"][ia] != pa)
    out["abstract"] = _similarity(col["abstract"][ia], col["abstract"][ib], fuzz.ratio)
    out["kind_a"], out["kind_b"] = col["kind"][ia], col["kind"][ib]
    short = frame["short_item"].to_numpy(bool)
    out["short_items"] = short[ia] & short[ib]
    cites, located = col["erratum_at"], col["located"]
    out["erratum_cited"] = ((cites[ia] != "") & (cites[ia] == located[ib])) | (
        (cites[ib] != "") & (cites[ib] == located[ia])
    )
    return pd.DataFrame(out)
