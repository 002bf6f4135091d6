"""Duplicate links, groups built from them, and the de-duplication result.

Links are never applied destructively: every record stays in the result, each group
lists its members in input order (the first is the *primary* record), and every link
keeps the rule, score and agreeing fields that justified it.  Groups are the connected
components of the duplicate links (a breadth-first search over the sparse link graph,
``scipy.sparse.csgraph.connected_components``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from sysreview.records.model import Citation

__all__ = ["DedupResult", "DuplicateLink", "connected_groups"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class DuplicateLink:
    """One decided pair of records.

    Attributes
    ----------
    record_a, record_b
        0-based indices of the two records in the input sequence (``record_a < record_b``).
    rule
        Name of the rule in :data:`sysreview.dedup.rules.RULES` that decided the pair.
    score
        Mean field similarity in [0, 1] (:func:`sysreview.dedup.rules.pair_score`).
    decision
        ``"duplicate"`` or ``"uncertain"``.
    agreed
        The fields that agree exactly or nearly (title/authors/journal >= 0.9).
    """

    record_a: int
    record_b: int
    rule: str
    score: float
    decision: str
    agreed: tuple[str, ...] = ()


def connected_groups(n: int, pairs: Iterable[tuple[int, int]]) -> npt.NDArray[np.int64]:
    """Group label per record: the smallest record index of its connected component.

    Components come from :func:`scipy.sparse.csgraph.connected_components` (a
    breadth-first search over the sparse link graph, linear in records plus links).

    Examples
    --------
    >>> connected_groups(5, [(0, 3), (3, 4)]).tolist()
    [0, 1, 2, 0, 0]
    """
    edges = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    return _smallest_member(n, edges[:, 0], edges[:, 1])


def _smallest_member(n: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> IntArray:
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    # Records are numbered in order, so a component's first occurrence is its smallest.
    _, first = np.unique(component, return_index=True)
    return np.asarray(first[component], dtype=np.int64)


@dataclass(frozen=True)
class DedupResult:
    """Records linked into duplicate groups, plus the pairs left for human review.

    Attributes
    ----------
    citations
        The input records, unchanged and in input order.
    links
        Pairs decided ``"duplicate"``; they define :attr:`groups`.
    uncertain
        Pairs decided ``"uncertain"``: the review queue.  They do not join groups.
    rule_counts
        Number of candidate pairs decided by each rule (including ``distinct`` rules).
    n_candidates
        Number of candidate pairs produced by blocking and scored.
    """

    citations: tuple[Citation, ...]
    links: tuple[DuplicateLink, ...]
    uncertain: tuple[DuplicateLink, ...]
    rule_counts: Mapping[str, int] = field(default_factory=dict)
    n_candidates: int = 0

    @cached_property
    def labels(self) -> IntArray:
        """Group label per record (the index of the group's primary record); read-only."""
        n = len(self.links)
        a = np.fromiter((x.record_a for x in self.links), dtype=np.int64, count=n)
        b = np.fromiter((x.record_b for x in self.links), dtype=np.int64, count=n)
        labels = _smallest_member(len(self.citations), a, b)
        labels.flags.writeable = False
        return labels

    @cached_property
    def groups(self) -> tuple[tuple[int, ...], ...]:
        """Duplicate groups of two or more records, as sorted record indices.

        Groups are ordered by their primary (first) record.
        """
        labels = self.labels
        order = np.argsort(labels, kind="stable")
        bounds = np.flatnonzero(np.diff(labels[order])) + 1
        return tuple(
            tuple(members.tolist()) for members in np.split(order, bounds) if len(members) > 1
        )

    @property
    def n_unique(self) -> int:
        """Records left after keeping one record per group."""
        return len(self.citations) - sum(len(g) - 1 for g in self.groups)

    def to_frame(self) -> pd.DataFrame:
        """One row per record: its group, whether it is the primary, and the group size."""
        labels = self.labels
        sizes = pd.Series(labels).map(pd.Series(labels).value_counts())
        return pd.DataFrame(
            {
                "record": np.arange(len(self.citations)),
                "record_id": [c.record_id for c in self.citations],
                "group": labels,
                "primary": labels == np.arange(len(self.citations)),
                "group_size": sizes.to_numpy(dtype=np.int64),
                "title": [c.title for c in self.citations],
            }
        )

    def links_frame(self) -> pd.DataFrame:
        """One row per duplicate or uncertain link, with rule, score and agreeing fields."""
        rows = [
            {
                "record_a": x.record_a,
                "record_b": x.record_b,
                "decision": x.decision,
                "rule": x.rule,
                "score": x.score,
                "agreed": ",".join(x.agreed),
            }
            for x in (*self.links, *self.uncertain)
        ]
        columns = ["record_a", "record_b", "decision", "rule", "score", "agreed"]
        return pd.DataFrame(rows, columns=columns)

    def summary(self) -> str:
        """Counts of records, groups, links per rule and the review queue."""
        groups = self.groups
        lines = [
            f"Records:              {len(self.citations)}",
            f"Candidate pairs:      {self.n_candidates}",
            f"Duplicate groups:     {len(groups)} "
            f"({sum(len(g) for g in groups)} records, largest {max(map(len, groups), default=0)})",
            f"Duplicates to remove: {len(self.citations) - self.n_unique}",
            f"Unique records:       {self.n_unique}",
            f"Review queue:         {len(self.uncertain)} uncertain pairs",
            "Pairs decided per rule:",
        ]
        lines += [f"  {name:<26} {count}" for name, count in _sorted_counts(self.rule_counts)]
        return "\n".join(lines)


def _sorted_counts(counts: Mapping[str, int]) -> Sequence[tuple[str, int]]:
    return Counter(counts).most_common()
