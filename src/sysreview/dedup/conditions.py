"""Vectorised conditions on the pair scores that the de-duplication rules combine.

Each takes the pair-score frame of :func:`sysreview.dedup.scoring.score_pairs` (one row
per candidate pair, similarities in 0-1, missing where a field could not be compared)
and returns one boolean per pair; :mod:`sysreview.dedup.rules` names their combinations
and the decisions they lead to.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

BoolArray = npt.NDArray[np.bool_]

#: Record kinds that are separate bibliographic records from the article they concern
#: (an erratum in the article's own volume is linked first, by ``erratum_of``).
NOTICE_KINDS = ("erratum", "retraction", "comment", "conference_abstract")


def eq(s: pd.DataFrame, col: str) -> BoolArray:
    """Pairs whose ``col`` agrees fully (similarity 1)."""
    return np.asarray(s[col].to_numpy(dtype=np.float64) == 1.0)


def ne(s: pd.DataFrame, col: str) -> BoolArray:
    """Pairs whose ``col`` disagrees (similarity 0; missing is neither)."""
    return np.asarray(s[col].to_numpy(dtype=np.float64) == 0.0)


def ge(s: pd.DataFrame, col: str, value: float) -> BoolArray:
    """Pairs whose ``col`` is at least ``value`` (missing is not)."""
    return np.asarray(s[col].to_numpy(dtype=np.float64) >= value)


def lt(s: pd.DataFrame, col: str, value: float) -> BoolArray:
    """Pairs whose ``col`` is below ``value`` (missing is not)."""
    return np.asarray(s[col].to_numpy(dtype=np.float64) < value)


def missing(s: pd.DataFrame, col: str) -> BoolArray:
    """Pairs where ``col`` could not be compared (missing in either record)."""
    return np.asarray(np.isnan(s[col].to_numpy(dtype=np.float64)))


def kind_mismatch(s: pd.DataFrame) -> BoolArray:
    """A notice (:data:`NOTICE_KINDS`) and another kind, or a conference paper and an article."""
    a, b = s["kind_a"].to_numpy(dtype=object), s["kind_b"].to_numpy(dtype=object)
    notice = np.isin(a, NOTICE_KINDS) | np.isin(b, NOTICE_KINDS)
    conf_vs_journal = ((a == "conference_paper") & (b == "article")) | (
        (a == "article") & (b == "conference_paper")
    )
    return np.asarray((a != b) & (notice | conf_vs_journal))


def authors_agree(s: pd.DataFrame) -> BoolArray:
    """Whether each pair's author lists agree.

    Same first author and similar author lists, or near-identical author lists, or lists
    that agree once one database's swap of given names and surnames is undone.
    """
    return (
        (eq(s, "first_author") & ge(s, "authors", 0.6))
        | ge(s, "authors", 0.9)
        | (eq(s, "first_swapped") & ge(s, "authors_swapped", 0.8))
    )


def kind_in(s: pd.DataFrame, kinds: tuple[str, ...]) -> tuple[BoolArray, BoolArray]:
    """Whether each pair's first record, and its second, is of one of ``kinds``."""
    a, b = s["kind_a"].to_numpy(dtype=object), s["kind_b"].to_numpy(dtype=object)
    return np.asarray(np.isin(a, kinds)), np.asarray(np.isin(b, kinds))


def same_version(s: pd.DataFrame) -> BoolArray:
    """The same DOI, or DOIs differing only by a version suffix."""
    return eq(s, "doi") | eq(s, "doi_stem")


def source_agrees(s: pd.DataFrame) -> BoolArray:
    """The records are in the same place: same first page, or same volume, or same journal."""
    return eq(s, "pages") | eq(s, "volume") | ge(s, "journal", 0.9)


def same_title_authors(s: pd.DataFrame) -> BoolArray:
    """Near-identical titles (>= 0.95) and agreeing authors."""
    return ge(s, "title", 0.95) & authors_agree(s)


def flag(s: pd.DataFrame, col: str) -> BoolArray:
    """The boolean column ``col``."""
    return np.asarray(s[col].to_numpy(dtype=bool))


def distinctive_title(s: pd.DataFrame) -> BoolArray:
    """Titles of four words or more; "Editorial" or "Editor's comments" identify nothing."""
    return ge(s, "title_words", 4.0)


def journal_conflict(s: pd.DataFrame) -> BoolArray:
    """Journals that do not match (similarity below 0.6)."""
    return lt(s, "journal", 0.6)


def erratum_of(s: pd.DataFrame) -> BoolArray:
    """A correction notice and the article it corrects, in the same journal volume.

    Either the article's record cites the other record's volume and first page as its
    erratum (``erratum_cited``, MEDLINE's "Erratum appears in"), or exactly one record is
    a notice named after the other: title >= 0.98 similar once the "Erratum:" label and
    the appended citation are removed (or the article's title followed by a cut-off
    remainder) with agreeing or missing authors.  Both need the same volume, a matching
    journal and at most a year between them.  The 0.98 keeps apart a notice on a book
    review ("Erratum - X" vs "Review - X"); a notice citing the article, without the
    article citing it back, is not enough (see benchmarks/DEDUP.md for both cases).
    """
    in_a, in_b = kind_in(s, ("article", "erratum"))
    err_a, err_b = kind_in(s, ("erratum",))
    cited = flag(s, "erratum_cited") & ge(s, "title", 0.8)
    named = (
        (err_a ^ err_b)
        & (ge(s, "title", 0.98) | eq(s, "title_prefix"))
        & (authors_agree(s) | missing(s, "authors"))
    )
    return (
        in_a
        & in_b
        & (cited | named)
        & eq(s, "volume")
        & ge(s, "journal", 0.9)
        & ~ge(s, "year_diff", 2.0)
    )


__all__ = [
    "NOTICE_KINDS",
    "BoolArray",
    "authors_agree",
    "distinctive_title",
    "eq",
    "erratum_of",
    "flag",
    "ge",
    "journal_conflict",
    "kind_in",
    "kind_mismatch",
    "lt",
    "missing",
    "ne",
    "same_title_authors",
    "same_version",
    "source_agrees",
]
