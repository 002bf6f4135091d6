"""The de-duplication pipeline: normalise -> block -> score -> decide -> link.

:func:`find_duplicates` never drops a record.  It returns every input record linked into
groups, the rule and score behind every link, and the uncertain pairs as a review queue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from sysreview.dedup.blocking import MAX_BLOCK_SIZE, blocking_keys, candidate_pairs
from sysreview.dedup.groups import DedupResult, DuplicateLink
from sysreview.dedup.rules import RULES, Rule, apply_rules, pair_score
from sysreview.dedup.scoring import prepare, score_pairs
from sysreview.records.model import Citation

__all__ = ["AGREEMENT_FIELDS", "Progress", "find_duplicates"]

#: ``progress(stage, fraction_done)``; stages are ``normalise``, ``block``, ``score``,
#: ``decide`` and ``group``.
Progress = Callable[[str, float], None]

#: Score column -> field name reported in :attr:`DuplicateLink.agreed`; similarity
#: fields count as agreeing at >= 0.9, exact fields at 1.
AGREEMENT_FIELDS = {
    "doi": "doi",
    "pmid": "pmid",
    "title": "title",
    "authors": "authors",
    "year": "year",
    "journal": "journal",
    "volume": "volume",
    "issue": "issue",
    "pages": "pages",
    "abstract": "abstract",
}

_CHUNK = 200_000


def _agreed(scores: pd.DataFrame) -> list[tuple[str, ...]]:
    values = scores.loc[:, list(AGREEMENT_FIELDS)].to_numpy(dtype=np.float64) >= 0.9
    names = list(AGREEMENT_FIELDS.values())
    # Rows are bit patterns; build each distinct pattern's tuple once.
    codes = values.astype(np.int64) @ (1 << np.arange(len(names), dtype=np.int64))
    cache = {
        int(code): tuple(n for bit, n in enumerate(names) if int(code) >> bit & 1)
        for code in np.unique(codes)
    }
    return [cache[code] for code in codes.tolist()]


def find_duplicates(
    citations: Sequence[Citation],
    *,
    progress: Progress | None = None,
    rules: tuple[Rule, ...] = RULES,
    max_block_size: int = MAX_BLOCK_SIZE,
) -> DedupResult:
    """Find duplicate records and link them into groups.

    Parameters
    ----------
    citations
        Records from one or more searches, in any order.
    progress
        Optional callback ``progress(stage, fraction)`` called as the stages run.
    rules
        Decision rules, applied in order (default :data:`sysreview.dedup.rules.RULES`).
    max_block_size
        Blocks larger than this are skipped for non-identifier keys.

    Returns
    -------
    DedupResult
        Groups (connected components of ``duplicate`` links), the links with their rule,
        score and agreeing fields, and the ``uncertain`` pairs for review.

    Notes
    -----
    Steps: normalise every field (:mod:`~sysreview.dedup.normalise`); generate candidate
    pairs that share any blocking key (:mod:`~sysreview.dedup.blocking`); score fields
    with rapidfuzz (:mod:`~sysreview.dedup.scoring`); decide each pair with the first
    matching named rule (:mod:`~sysreview.dedup.rules`); union-find the duplicate links
    (:mod:`~sysreview.dedup.groups`).

    Examples
    --------
    >>> a = Citation(1, title="Aspirin after stroke: a randomised trial",
    ...              authors=("Smith, J. A.", "Jones, B."), year=2001,
    ...              journal="Stroke", volume="32", pages="123-30")
    >>> b = Citation(2, title="Aspirin after stroke - a randomised trial.",
    ...              authors=("Smith JA", "Jones B"), year=2001,
    ...              journal="Stroke", volume="32", pages="123-130")
    >>> c = Citation(3, title="Erratum: Aspirin after stroke", year=2001, journal="Stroke")
    >>> result = find_duplicates([a, b, c])
    >>> result.groups
    ((0, 1),)
    >>> link = result.links[0]
    >>> link.rule, link.decision, link.agreed
    ('same_page_range', 'duplicate', ('title', 'authors', 'year', 'journal', 'volume', 'pages'))
    """
    report = progress or (lambda stage, fraction: None)
    records = tuple(citations)
    if not records:
        return DedupResult((), (), (), {}, 0)
    report("normalise", 0.0)
    frame = prepare(records)
    report("block", 0.0)
    i, j = candidate_pairs(blocking_keys(frame), max_block_size)
    links: list[DuplicateLink] = []
    uncertain: list[DuplicateLink] = []
    counts: Counter[str] = Counter()
    n = len(i)
    for start in range(0, max(n, 1), _CHUNK):
        report("score", start / max(n, 1))
        scores = score_pairs(frame, i[start : start + _CHUNK], j[start : start + _CHUNK])
        names, decisions = apply_rules(scores, rules)
        counts.update(names.tolist())
        keep = np.flatnonzero(decisions != "distinct")
        kept = scores.iloc[keep]
        values = pair_score(kept).tolist()
        left, right = kept["i"].tolist(), kept["j"].tolist()
        for k, agreed, score, a, b in zip(
            keep.tolist(), _agreed(kept), values, left, right, strict=True
        ):
            link = DuplicateLink(a, b, str(names[k]), score, str(decisions[k]), agreed)
            (links if link.decision == "duplicate" else uncertain).append(link)
    report("group", 1.0)
    return DedupResult(records, tuple(links), tuple(uncertain), dict(counts), n)
