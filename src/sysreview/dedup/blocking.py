"""Blocking: cheap exact keys that put possible duplicates into the same block.

Only pairs that share at least one key are scored.  Several independent keys are used so
that an error in one field cannot hide a duplicate (the multi-pass "sorted neighbourhood"
idea of Hernández & Stolfo 1995, *SIGMOD Rec* 24(2):127-138; ASySD and bib-dedupe use the
same strategy): a typo in the title still leaves the author-year and volume-page keys, a
missing DOI still leaves the title keys.

Pair generation is vectorised with numpy: records are sorted by key code and, for every
block size ``s``, the blocks of that size are expanded a chunk at a time with
``triu_indices``.  Pairs are streamed (:func:`iter_candidate_pairs`); a pair shared by
several keys is emitted once, by the first key that generates it, without a global set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "BLOCKING_KEYS",
    "MAX_BLOCK_SIZE",
    "Blocks",
    "blocking_keys",
    "blocks",
    "candidate_pairs",
    "iter_candidate_pairs",
    "key_blocks",
    "key_codes",
]

IntArray = npt.NDArray[np.int64]

#: Blocks larger than this are skipped for that key (a key shared by hundreds of records,
#: such as a common surname and year, carries little information; the other keys still
#: apply).  Identifier keys (DOI, PMID) are never capped.
MAX_BLOCK_SIZE = 400


Keys = list[str]


def _strings(frame: pd.DataFrame, column: str) -> Keys:
    return [str(x) for x in frame[column].tolist()]


def _join(*parts: Keys) -> Keys:
    """Concatenate with ``|``; empty when any part is empty."""
    return ["|".join(p) if all(p) else "" for p in zip(*parts, strict=True)]


def _title_prefix(frame: pd.DataFrame) -> Keys:
    compact = [t.replace(" ", "") for t in _strings(frame, "title")]
    return [c[:40] if len(c) >= 12 else "" for c in compact]


def _title_suffix(frame: pd.DataFrame) -> Keys:
    compact = [t.replace(" ", "") for t in _strings(frame, "title")]
    return [c[-40:] if len(c) >= 12 else "" for c in compact]


def _title_sorted_tokens(frame: pd.DataFrame) -> Keys:
    tokens = [" ".join(sorted({w for w in t.split() if len(w) > 3})) for t in frame["title"]]
    return [t if len(t) >= 12 else "" for t in tokens]


def _year_str(frame: pd.DataFrame) -> Keys:
    return ["" if pd.isna(y) else str(int(y)) for y in frame["year"].tolist()]


#: The blocking keys, name -> function of the prepared frame giving one string per
#: record (``""`` = no key).  ``True`` marks identifier keys that are never capped.
BLOCKING_KEYS: Mapping[str, tuple[Callable[[pd.DataFrame], Keys], bool]] = {
    "doi": (lambda f: _strings(f, "doi"), True),
    "pmid": (lambda f: _strings(f, "pmid"), True),
    "title_prefix": (_title_prefix, False),
    "title_suffix": (_title_suffix, False),
    "title_tokens": (_title_sorted_tokens, False),
    "author_year": (lambda f: _join(_strings(f, "first_author"), _year_str(f)), False),
    "volume_page": (lambda f: _join(_strings(f, "volume"), _strings(f, "page_first")), False),
    "author_page": (
        lambda f: _join(_strings(f, "first_author"), _strings(f, "page_first")),
        False,
    ),
}


def blocking_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """One column per blocking key (see :data:`BLOCKING_KEYS`) for the prepared frame."""
    columns = {name: fn(frame) for name, (fn, _) in BLOCKING_KEYS.items()}
    return pd.DataFrame(columns, index=frame.index, dtype=object)


def _codes(keys: Keys | pd.Series) -> IntArray:
    """Integer code per record for one key; ``-1`` where the key is empty."""
    codes, uniques = pd.factorize(np.asarray(keys, dtype=object))
    codes = np.asarray(codes, dtype=np.int64)
    empty = np.flatnonzero(np.asarray(uniques, dtype=object) == "")
    if len(empty):
        codes[codes == empty[0]] = -1
    return codes


def key_codes(frame: pd.DataFrame) -> dict[str, IntArray]:
    """Integer codes of every blocking key, computed one key at a time.

    Only one key's strings exist at a time, so memory stays at one string column plus
    ``8 * len(BLOCKING_KEYS)`` bytes per record.
    """
    return {name: _codes(fn(frame)) for name, (fn, _) in BLOCKING_KEYS.items()}


@dataclass(frozen=True)
class Blocks:
    """The blocks of one key that generate pairs, and the key's effective codes.

    Attributes
    ----------
    order
        Records with the key, sorted by code (blocks are runs of ``order``).
    starts, sizes
        Start offset in ``order`` and size of every block that generates pairs
        (two or more records, and at most the cap for non-identifier keys).
    effective
        Code per record, ``-1`` where the record has no key or sits in an oversized
        block: two records generate a pair through this key iff their effective codes
        are equal and non-negative.
    """

    order: IntArray
    starts: IntArray
    sizes: IntArray
    effective: IntArray

    @property
    def n_pairs(self) -> int:
        """Pairs generated by this key (before removing those found by earlier keys)."""
        return int((self.sizes * (self.sizes - 1) // 2).sum())


def blocks(codes: IntArray, max_size: int | None) -> Blocks:
    """Sort records by code and keep the blocks of 2 to ``max_size`` records (no cap: None)."""
    valid = np.flatnonzero(codes >= 0)
    order = valid[np.argsort(codes[valid], kind="stable")]
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])[: len(order)]
    sizes = np.diff(np.r_[starts, len(order)]).astype(np.int64)
    effective = codes.copy()
    if max_size is not None:
        big = sizes > max_size
        members = np.repeat(starts[big], sizes[big]) + _ranges(sizes[big])
        effective[order[members]] = -1
        keep = (sizes >= 2) & ~big
    else:
        keep = sizes >= 2
    return Blocks(order, starts[keep], sizes[keep], effective)


def _ranges(sizes: IntArray) -> IntArray:
    """``0..s-1`` for every ``s`` in ``sizes``, concatenated."""
    if len(sizes) == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(sizes)
    return np.arange(int(ends[-1]), dtype=np.int64) - np.repeat(ends - sizes, sizes)


def _block_pairs(b: Blocks, chunk: int) -> Iterator[tuple[IntArray, IntArray]]:
    """All pairs ``lo < hi`` within the blocks, about ``chunk`` pairs at a time."""
    for size in np.unique(b.sizes).tolist():
        a, c = np.triu_indices(size, k=1)
        block_starts = b.starts[b.sizes == size]
        step = max(1, chunk // len(a))
        for k in range(0, len(block_starts), step):
            members = b.order[block_starts[k : k + step, None] + np.arange(size)[None, :]]
            left, right = members[:, a].ravel(), members[:, c].ravel()
            yield np.minimum(left, right), np.maximum(left, right)


def key_blocks(
    codes: Mapping[str, IntArray], max_block_size: int | None = MAX_BLOCK_SIZE
) -> dict[str, Blocks]:
    """:func:`blocks` of every key; identifier keys (DOI, PMID) are never capped."""
    return {
        name: blocks(key, None if BLOCKING_KEYS.get(name, (None, False))[1] else max_block_size)
        for name, key in codes.items()
    }


def iter_candidate_pairs(
    keys: Mapping[str, Blocks], chunk: int = 200_000
) -> Iterator[tuple[IntArray, IntArray, int]]:
    """Stream every candidate pair exactly once, in chunks of about ``chunk`` pairs.

    Yields ``(lo, hi, generated)``: the new pairs (``lo < hi``) and how many pairs the
    key generated for this chunk before repeats were removed (for progress; the total
    is the sum of :attr:`Blocks.n_pairs`).

    Notes
    -----
    A pair shared by several keys is kept only by the *first* key (in the order of
    ``keys``) that generates it: a pair generated by key ``k`` is dropped when an
    earlier key ``m`` has ``effective_m[lo] == effective_m[hi] >= 0``.  So no set of
    all pairs is ever built; memory is bounded by one chunk, and the pairs streamed
    are exactly the union over keys (:func:`candidate_pairs` sorts them).
    """
    earlier: list[IntArray] = []
    for b in keys.values():
        for lo, hi in _block_pairs(b, chunk):
            keep = np.ones(len(lo), dtype=bool)
            for eff in earlier:
                left = eff[lo]
                keep &= (left < 0) | (left != eff[hi])
            yield lo[keep], hi[keep], len(lo)
        earlier.append(b.effective)


def candidate_pairs(
    keys: pd.DataFrame, max_block_size: int = MAX_BLOCK_SIZE
) -> tuple[IntArray, IntArray]:
    """Unique record pairs ``(i, j)``, ``i < j``, that share at least one blocking key.

    Sorted by ``i`` then ``j``.  :func:`iter_candidate_pairs` streams the same pairs
    without building them all.

    Examples
    --------
    >>> keys = pd.DataFrame({"doi": ["10.1/a", "", "10.1/a"], "title_prefix": ["x", "x", ""]})
    >>> i, j = candidate_pairs(keys)
    >>> list(zip(i.tolist(), j.tolist()))
    [(0, 1), (0, 2)]
    """
    codes = {name: _codes(keys[name]) for name in keys.columns}
    parts = list(iter_candidate_pairs(key_blocks(codes, max_block_size)))
    lo = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, dtype=np.int64)
    hi = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, dtype=np.int64)
    order = np.lexsort((hi, lo))
    return lo[order], hi[order]
