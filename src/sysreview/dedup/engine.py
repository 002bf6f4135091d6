"""The de-duplication pipeline: normalise -> block -> score -> decide -> link.

:func:`find_duplicates` never drops a record.  It returns every input record linked into
groups, the rule and score behind every link, and the uncertain pairs as a review queue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from sysreview.dedup.blocking import MAX_BLOCK_SIZE, iter_candidate_pairs, key_blocks, key_codes
from sysreview.dedup.groups import DedupResult, DuplicateLink
from sysreview.dedup.rules import DEFAULT_RULE, RULES, Rule, apply_rules, pair_score
from sysreview.dedup.scoring import prepare, score_pairs
from sysreview.records.model import Citation

__all__ = ["AGREEMENT_FIELDS", "Progress", "find_duplicates"]

#: ``progress(stage, fraction_done)``; stages are ``normalise``, ``block``, ``score``
#: and ``group``, each reported from 0 to 1.
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

#: Candidate pairs scored at a time, and records normalised at a time.
CHUNK_PAIRS = 200_000
CHUNK_RECORDS = 50_000

IntArray = npt.NDArray[np.int64]


def _agreed_codes(scores: pd.DataFrame) -> IntArray:
    """The agreeing fields of every pair as a bit pattern (bit k = field k agrees)."""
    values = scores.loc[:, list(AGREEMENT_FIELDS)].to_numpy(dtype=np.float64) >= 0.9
    return np.asarray(values.astype(np.int64) @ (1 << np.arange(len(AGREEMENT_FIELDS))))


def _agreed_tuple(code: int) -> tuple[str, ...]:
    return tuple(name for bit, name in enumerate(AGREEMENT_FIELDS.values()) if code >> bit & 1)


def _prepare(records: Sequence[Citation], report: Progress) -> pd.DataFrame:
    """:func:`~sysreview.dedup.scoring.prepare` a chunk of records at a time."""
    frames = []
    for start in range(0, len(records), CHUNK_RECORDS):
        report("normalise", start / len(records))
        frames.append(prepare(records[start : start + CHUNK_RECORDS]))
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    report("normalise", 1.0)
    return frame


@dataclass
class _Decided:
    """Non-distinct pairs of the chunks scored so far, as arrays, and the rule counts."""

    parts: list[
        tuple[
            IntArray,
            IntArray,
            npt.NDArray[np.object_],
            npt.NDArray[np.object_],
            npt.NDArray[np.float64],
            IntArray,
        ]
    ]
    counts: Counter[str]
    n_candidates: int = 0

    def score(
        self, frame: pd.DataFrame, lo: IntArray, hi: IntArray, rules: tuple[Rule, ...]
    ) -> None:
        """Score and decide one chunk of pairs; keep the duplicate and uncertain ones.

        Only the records the chunk touches are passed to ``score_pairs`` (every score is
        a function of the two records alone), so a chunk costs O(chunk), not O(n).
        """
        if len(lo) == 0:
            return
        used, local = np.unique(np.concatenate([lo, hi]), return_inverse=True)
        sub = frame.take(used).reset_index(drop=True)
        scores = score_pairs(sub, local[: len(lo)], local[len(lo) :])
        names, decisions = apply_rules(scores, rules)
        self.n_candidates += len(lo)
        rule_names, counts = np.unique(names.astype(str), return_counts=True)
        self.counts.update(dict(zip(rule_names.tolist(), counts.tolist(), strict=True)))
        keep = np.flatnonzero(decisions != "distinct")
        kept = scores.iloc[keep]
        self.parts.append(
            (
                lo[keep],
                hi[keep],
                names[keep],
                decisions[keep],
                pair_score(kept),
                _agreed_codes(kept),
            )
        )

    def links(self) -> tuple[list[DuplicateLink], list[DuplicateLink]]:
        """Duplicate and uncertain links, ordered by ``(record_a, record_b)``."""
        if not self.parts:
            return [], []
        a, b, names, decisions, scores, agreed = (
            np.concatenate([p[k] for p in self.parts]) for k in range(6)
        )
        order = np.lexsort((b, a))
        cache = {int(code): _agreed_tuple(int(code)) for code in np.unique(agreed)}
        links: list[DuplicateLink] = []
        uncertain: list[DuplicateLink] = []
        for x, y, name, decision, score, code in zip(
            a[order].tolist(),
            b[order].tolist(),
            names[order].tolist(),
            decisions[order].tolist(),
            scores[order].tolist(),
            agreed[order].tolist(),
            strict=True,
        ):
            link = DuplicateLink(x, y, str(name), score, str(decision), cache[code])
            (links if decision == "duplicate" else uncertain).append(link)
        return links, uncertain


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
    Steps: normalise every field (:mod:`~sysreview.dedup.normalise`, in chunks of
    :data:`CHUNK_RECORDS` records); stream the candidate pairs that share any blocking
    key, each once (:func:`~sysreview.dedup.blocking.iter_candidate_pairs`); score them
    with rapidfuzz (:mod:`~sysreview.dedup.scoring`) and decide each with the first
    matching named rule (:mod:`~sysreview.dedup.rules`), :data:`CHUNK_PAIRS` pairs at a
    time, keeping only non-distinct pairs; group the duplicate links into connected
    components (:mod:`~sysreview.dedup.groups`).  Links come out ordered by
    ``(record_a, record_b)`` whatever the chunk sizes.

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
    frame = _prepare(records, report)
    report("block", 0.0)
    keys = key_blocks(key_codes(frame), max_block_size)
    total = max(sum(b.n_pairs for b in keys.values()), 1)
    report("block", 1.0)
    decided = _Decided([], Counter())
    pending: list[tuple[IntArray, IntArray]] = []
    n_pending = done = 0
    report("score", 0.0)
    for lo, hi, generated in iter_candidate_pairs(keys, CHUNK_PAIRS):
        pending.append((lo, hi))
        n_pending += len(lo)
        done += generated
        if n_pending >= CHUNK_PAIRS:
            decided.score(frame, *_joined(pending), rules)
            pending, n_pending = [], 0
            report("score", done / total)
    decided.score(frame, *_joined(pending), rules)
    report("score", 1.0)
    report("group", 0.0)
    links, uncertain = decided.links()
    order = [r.name for r in (*rules, DEFAULT_RULE)]
    counts = {name: decided.counts[name] for name in order if decided.counts[name]}
    result = DedupResult(records, tuple(links), tuple(uncertain), counts, decided.n_candidates)
    report("group", 1.0)
    return result


def _joined(parts: list[tuple[IntArray, IntArray]]) -> tuple[IntArray, IntArray]:
    if not parts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
