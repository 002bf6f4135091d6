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
    journals_match,
    normalise_author,
    normalise_doi,
    normalise_journal,
    normalise_pages,
    normalise_pmid,
    normalise_text,
    normalise_year,
    title_variants,
)
from sysreview.records.model import Citation

__all__ = ["FIELDS", "KINDS", "prepare", "record_kind", "score_pairs"]

#: The compared fields, in the order they are reported as agreeing.
FIELDS = ("doi", "pmid", "title", "authors", "year", "journal", "volume", "issue", "pages")

#: Kinds of record that are never the same bibliographic record as an ordinary article
#: even when they share a DOI or a title (publication notices and conference abstracts).
KINDS = (
    "article",
    "book_section",
    "conference_paper",
    "conference_abstract",
    "erratum",
    "retraction",
    "comment",
)

_ERRATUM = re.compile(r"^(erratum|errata|correction|corrigendum|addendum)\b")
_RETRACTION = re.compile(r"^(retraction|retracted|withdrawn|expression of concern)\b")
_COMMENT = re.compile(r"^(comment|reply|response|in reply|re|author reply|authors reply)\b")
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
    """Issue number; values over three digits are accession numbers that EndNote exports
    put in the issue field (Rathbone et al. 2015 data), so they count as missing."""
    digits = _digits(text)
    return digits if len(digits) <= 3 else ""


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
        authors = [normalise_author(a) for a in c.authors]
        authors = [a for a in authors if a.surname]
        first, last = normalise_pages(c.pages)
        doi = normalise_doi(c.doi)
        rows.append(
            {
                "title": title,
                "title_alt": title_alt,
                "first_author": authors[0].surname if authors else "",
                "first_initial": authors[0].initials[:1] if authors else "",
                "authors": " ".join(a.surname for a in authors[:_MAX_AUTHORS]),
                "n_authors": len(authors),
                "year": normalise_year(c.year),
                "journal": normalise_journal(c.journal or c.journal_abbrev),
                "journal_raw": c.journal or c.journal_abbrev or "",
                "volume": _digits(c.volume),
                "issue": _issue(c.issue),
                "page_first": first,
                "page_last": last,
                "doi": doi,
                "doi_stem": re.sub(r"\.pub\d+$|v\d+$", "", doi),
                "pmid": normalise_pmid(c.pmid),
                "abstract": normalise_text((c.abstract or "")[:600])[:500],
                "kind": record_kind(c.publication_type, title),
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


def _exact(a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]) -> FloatArray:
    """1 where equal, 0 where both present and different, NaN where either is missing."""
    missing = (a == "") | (b == "")
    return np.where(missing, np.nan, (a == b).astype(np.float64))


def score_pairs(frame: pd.DataFrame, i: npt.ArrayLike, j: npt.ArrayLike) -> pd.DataFrame:
    """Field similarities for the record pairs ``(i[k], j[k])`` (positional indices).

    Columns: ``title`` (max of ratio and token-sort ratio), ``authors`` (ratio of the
    first six surnames), ``first_author`` (exact), ``year_diff``, ``journal`` (1 when
    :func:`~sysreview.dedup.normalise.journals_match`, else the ratio of the normalised
    names), ``volume``, ``issue``, ``pages`` (first page), ``last_page``, ``doi``,
    ``doi_stem``, ``pmid`` (exact), ``abstract`` (ratio), and ``kind_a``/``kind_b``.

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
    out["title_words"] = np.array(
        [min(x.count(" "), y.count(" ")) + 1 for x, y in zip(ta, tb, strict=True)], dtype=float
    )
    aa, ab = col["authors"][ia], col["authors"][ib]
    out["authors"] = np.fmax(
        _similarity(aa, ab, fuzz.ratio), _similarity(aa, ab, fuzz.token_sort_ratio)
    )
    out["first_author"] = _exact(col["first_author"][ia], col["first_author"][ib])
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
    return pd.DataFrame(out)
