"""Explicit, named decision rules for candidate pairs.

Each :class:`Rule` is a vectorised predicate over the pair scores of
:func:`sysreview.dedup.scoring.score_pairs` (combining the conditions of
:mod:`sysreview.dedup.conditions`) with a fixed decision.  Rules are applied in
the order of :data:`RULES`; the first rule that holds decides the pair, so vetoes
("distinct" rules) come first and every decision names the rule that made it.

The duplicate definition is that of Rathbone et al. 2015 (*Syst Rev* 4:6): the *same
bibliographic record*, however its details are reported.  Multiple reports of one study,
a conference abstract and its full paper, a conference paper and its journal version,
and comments, replies or retractions (even when they share the article's DOI) are
different records.  Versions of the same record are the same record: ahead-of-print and
final, DOIs that differ only by a ``.pubN`` version suffix, and (issue 4) corrected
versions, so an erratum printed in the article's own volume is linked to the article
(``erratum_of``); a notice in a later volume stays a separate record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from sysreview.dedup.conditions import (
    BoolArray,
    authors_agree,
    distinctive_title,
    eq,
    erratum_of,
    flag,
    ge,
    journal_conflict,
    kind_mismatch,
    lt,
    missing,
    ne,
    same_title_authors,
    same_version,
    source_agrees,
)

__all__ = ["DECISIONS", "RULES", "Decision", "Rule", "apply_rules", "pair_score"]

Decision = Literal["duplicate", "uncertain", "distinct"]
DECISIONS: tuple[Decision, ...] = ("duplicate", "uncertain", "distinct")


@dataclass(frozen=True)
class Rule:
    """A named decision rule.

    Attributes
    ----------
    name
        Short identifier stored on every link the rule decides.
    decision
        ``"duplicate"``, ``"uncertain"`` (goes to the review queue) or ``"distinct"``.
    predicate
        Vectorised test: pair-score frame -> boolean array.
    description
        One sentence saying when the rule applies and why.
    """

    name: str
    decision: Decision
    predicate: Callable[[pd.DataFrame], BoolArray]
    description: str


RULES: tuple[Rule, ...] = (
    Rule(
        "erratum_of",
        "duplicate",
        erratum_of,
        "A correction notice (erratum, corrigendum) and the article it corrects, in the "
        "same journal volume: the notice is named after the article (same title, agreeing "
        "authors), or the article's record cites the notice's volume and first page as its "
        "erratum.  Corrected versions of a record are the same record; a notice in a later "
        "volume is a separate record.",
    ),
    Rule(
        "different_kind",
        "distinct",
        kind_mismatch,
        "An erratum, retraction, comment/reply or conference abstract and a different kind "
        "of record (or a conference paper and a journal article) are separate records, "
        "even with the same DOI or title.",
    ),
    Rule(
        "different_doi_same_abstract",
        "duplicate",
        lambda s: (
            ne(s, "doi")
            & ~eq(s, "doi_stem")
            & same_title_authors(s)
            & distinctive_title(s)
            & ge(s, "journal", 0.9)
            & ge(s, "abstract", 0.95)
            & ~ge(s, "year_diff", 2.0)
        ),
        "Different DOIs but the same title, authors, journal and abstract within a year: "
        "the journal published the same article twice (online-first DOI and issue DOI).",
    ),
    Rule(
        "different_doi_same_title",
        "uncertain",
        lambda s: (
            ne(s, "doi")
            & ~eq(s, "doi_stem")
            & same_title_authors(s)
            & distinctive_title(s)
            & ~ge(s, "year_diff", 2.0)
        ),
        "Different DOIs but the same title and authors: usually separate records "
        "(reprints, yearly editorials), sometimes a DOI error; needs a human.",
    ),
    Rule(
        "different_doi",
        "distinct",
        lambda s: ne(s, "doi") & ~eq(s, "doi_stem"),
        "Different DOIs (other than a version suffix such as .pub2) identify different records.",
    ),
    Rule("different_pmid", "distinct", lambda s: ne(s, "pmid"), "Different PubMed IDs."),
    Rule(
        "same_doi_title_authors",
        "duplicate",
        lambda s: (
            eq(s, "doi")
            & ne(s, "pages")
            & ge(s, "title", 0.95)
            & authors_agree(s)
            & eq(s, "year")
            & ~ne(s, "volume")
        ),
        "Same DOI, title, authors and year but different first pages: an article number "
        "in one record, the page count in the other.",
    ),
    Rule(
        "short_item_same_issue",
        "duplicate",
        lambda s: (
            flag(s, "short_items")
            & ne(s, "pages")
            & ge(s, "title", 0.95)
            & distinctive_title(s)
            & authors_agree(s)
            & eq(s, "year")
            & ge(s, "journal", 0.9)
            & eq(s, "volume")
            & ~ne(s, "issue")
        ),
        "Two one- or two-page items (meeting abstracts) with the same title and authors in "
        "the same journal volume and issue but on different pages: the same abstract, "
        "numbered differently by two databases (supplement pages, e-pages, abstract "
        "numbers).",
    ),
    Rule(
        "page_conflict",
        "distinct",
        lambda s: ne(s, "pages"),
        "Different first pages (of the same style: print page vs print page, e-locator vs "
        "e-locator) place the records in different parts of the literature.",
    ),
    Rule(
        "updated_review",
        "duplicate",
        lambda s: flag(s, "cochrane") & same_title_authors(s) & distinctive_title(s),
        "A Cochrane review and its update (same title and authors, any year): versions of "
        "one record.",
    ),
    Rule(
        "year_conflict",
        "distinct",
        lambda s: ge(s, "year_diff", 2.0),
        "Years two or more apart (ahead-of-print and final differ by at most one year).",
    ),
    Rule("volume_conflict", "distinct", lambda s: ne(s, "volume"), "Different volumes."),
    Rule(
        "issue_conflict",
        "distinct",
        lambda s: ne(s, "issue") & missing(s, "pages"),
        "Different issues where the first page is unknown (issue fields often hold "
        "database accession numbers, so the issue only decides when no page can).",
    ),
    Rule(
        "same_doi",
        "duplicate",
        lambda s: (
            same_version(s)
            & ~ge(s, "year_diff", 2.0)
            & (
                ge(s, "title", 0.9)
                | (
                    (authors_agree(s) | missing(s, "authors"))
                    & (eq(s, "title_prefix") | missing(s, "title") | eq(s, "pages"))
                )
            )
        ),
        "Same DOI (or DOI version stem) and a similar title; or agreeing authors and a "
        "title that is a shortened form of the other, or the same first page (translated "
        "titles).",
    ),
    Rule(
        "same_pmid",
        "duplicate",
        lambda s: eq(s, "pmid") & (ge(s, "title", 0.9) | missing(s, "title")),
        "Same PubMed ID and similar title.",
    ),
    Rule(
        "same_page_range",
        "duplicate",
        lambda s: (
            eq(s, "first_author")
            & eq(s, "year")
            & eq(s, "volume")
            & eq(s, "pages")
            & eq(s, "last_page")
            & flag(s, "multi_page")
            & ge(s, "title", 0.6)
        ),
        "Same first author, year, volume and multi-page range (first and last page) and a "
        "related title (>= 60%): two articles cannot occupy one page range; the titles "
        "differ through translation, truncation or added subtitles.",
    ),
    Rule(
        "title_conflict",
        "distinct",
        lambda s: lt(s, "title", 0.8) & ~eq(s, "title_prefix"),
        "Both titles present, less than 80% similar, and neither a shortened form of the other.",
    ),
    Rule(
        "short_title",
        "uncertain",
        lambda s: ~distinctive_title(s) & ~missing(s, "title"),
        "Titles under four words (editorials, 'Introduction') identify nothing on their own.",
    ),
    Rule(
        "title_volume_pages",
        "duplicate",
        lambda s: ge(s, "title", 0.95) & eq(s, "year") & eq(s, "volume") & eq(s, "pages"),
        "Title >= 95% similar with the same year, volume and first page (author lists are "
        "often garbled: swapped given/surnames, group authors).",
    ),
    Rule(
        "title_authors_source",
        "duplicate",
        lambda s: (
            same_title_authors(s)
            & eq(s, "year")
            & (
                eq(s, "pages")
                | (eq(s, "volume") & ~journal_conflict(s))
                | (eq(s, "volume") & eq(s, "issue"))
                | ge(s, "journal", 0.9)
            )
        ),
        "Title >= 95% similar, authors agree, same year, and the same first page, the same "
        "journal, the same volume in a compatible journal, or the same volume and issue "
        "(a journal name translated or transliterated).",
    ),
    Rule(
        "title_prefix_pages",
        "duplicate",
        lambda s: (
            eq(s, "title_prefix")
            & authors_agree(s)
            & eq(s, "year")
            & (eq(s, "pages") | (eq(s, "volume") & eq(s, "last_page") & flag(s, "multi_page")))
        ),
        "One title is the other without its subtitle; authors, year and first page (or "
        "volume and last page) agree.",
    ),
    Rule(
        "title_part_journal",
        "duplicate",
        lambda s: (
            eq(s, "title_part")
            & ge(s, "title", 0.9)
            & authors_agree(s)
            & eq(s, "year")
            & ge(s, "journal", 0.9)
        ),
        "One title is the other with a lead-in or subtitle added (>= 90% similar), and "
        "authors, year and journal agree.",
    ),
    Rule(
        "conference_title_authors",
        "duplicate",
        lambda s: (
            (s["kind_a"] == "conference_paper").to_numpy()
            & (s["kind_b"] == "conference_paper").to_numpy()
            & same_title_authors(s)
            & eq(s, "year")
            & ge(s, "venue", 0.8)
        ),
        "Two conference papers with the same title, authors and year and overlapping venue "
        "names (proceedings titles vary between databases).",
    ),
    Rule(
        "ahead_of_print",
        "duplicate",
        lambda s: same_title_authors(s) & ge(s, "year_diff", 1.0) & ge(s, "journal", 0.9),
        "Same title, authors and journal one year apart: the online-first and the final "
        "version of one article, or proceedings dated the year after the meeting.",
    ),
    Rule(
        "bibliographic_no_title",
        "uncertain",
        lambda s: (
            missing(s, "title")
            & eq(s, "first_author")
            & eq(s, "year")
            & eq(s, "volume")
            & eq(s, "pages")
            & ge(s, "journal", 0.9)
        ),
        "A title is missing but first author, year, journal, volume and first page agree: "
        "likely the same record, but a record without a title is confirmed by a human.",
    ),
    Rule(
        "similar_title",
        "uncertain",
        lambda s: ge(s, "title", 0.9) & (authors_agree(s) | source_agrees(s)),
        "Title >= 90% similar with agreeing authors or source, but no duplicate rule holds.",
    ),
    Rule(
        "similar_bibliographic",
        "uncertain",
        lambda s: eq(s, "first_author") & eq(s, "pages") & eq(s, "volume"),
        "Same first author, volume and first page, but the titles differ.",
    ),
)

#: Pairs that no rule decides are distinct under this name.
DEFAULT_RULE = Rule("no_rule", "distinct", lambda s: np.ones(len(s), bool), "No rule applies.")

_SCORE_FIELDS = ("title", "authors", "journal", "volume", "pages", "doi", "year")


def pair_score(scores: pd.DataFrame) -> npt.NDArray[np.float64]:
    """Mean of the available field similarities (0-1), the score stored on each link.

    Notes
    -----
    ``score = mean(s_f for f in fields if s_f is not missing)`` over title, authors,
    journal, volume, first page, DOI and year agreement.  It summarises evidence; the
    decision itself comes from the rules.
    """
    values = scores.loc[:, list(_SCORE_FIELDS)].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        counts = (~np.isnan(values)).sum(axis=1)
        return np.where(counts > 0, np.nansum(values, axis=1) / np.maximum(counts, 1), 0.0)


def apply_rules(
    scores: pd.DataFrame, rules: tuple[Rule, ...] = RULES
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Decide every pair with the first rule that holds; returns (rule names, decisions).

    Examples
    --------
    >>> s = pd.DataFrame({"title": [1.0, 0.5], "authors": [1.0, 1.0],
    ...     "first_author": [1.0, 1.0], "year": [1.0, 1.0], "year_diff": [0.0, 0.0],
    ...     "journal": [1.0, 1.0], "volume": [np.nan] * 2, "issue": [np.nan] * 2,
    ...     "pages": [np.nan] * 2, "last_page": [np.nan] * 2, "title_prefix": [0.0, 0.0],
    ...     "title_words": [5.0, 5.0], "venue": [1.0, 1.0], "cochrane": [False] * 2,
    ...     "multi_page": [False] * 2, "doi": [np.nan] * 2, "doi_stem": [np.nan] * 2,
    ...     "pmid": [np.nan] * 2, "abstract": [np.nan] * 2,
    ...     "kind_a": ["article"] * 2, "kind_b": ["article"] * 2,
    ...     "title_part": [0.0, 0.0], "authors_swapped": [np.nan] * 2,
    ...     "first_swapped": [0.0, 0.0], "short_items": [False] * 2,
    ...     "erratum_cited": [False] * 2})
    >>> names, decisions = apply_rules(s)
    >>> list(zip(names, decisions))
    [('title_authors_source', 'duplicate'), ('title_conflict', 'distinct')]
    """
    n = len(scores)
    names = np.full(n, DEFAULT_RULE.name, dtype=object)
    decisions = np.full(n, DEFAULT_RULE.decision, dtype=object)
    open_ = np.ones(n, dtype=bool)
    for rule in rules:
        hit = open_ & np.asarray(rule.predicate(scores), dtype=bool)
        names[hit], decisions[hit] = rule.name, rule.decision
        open_ &= ~hit
    return names, decisions
