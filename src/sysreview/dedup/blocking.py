"""Blocking: cheap exact keys that put possible duplicates into the same block.

Only pairs that share at least one key are scored.  Several independent keys are used so
that an error in one field cannot hide a duplicate (the multi-pass "sorted neighbourhood"
idea of Hernández & Stolfo 1995, *SIGMOD Rec* 24(2):127-138; ASySD and bib-dedupe use the
same strategy): a typo in the title still leaves the author-year and volume-page keys, a
missing DOI still leaves the title keys.

Pair generation is vectorised with numpy: records are sorted by key code and, for every
block size ``s``, all blocks of that size are expanded at once with ``triu_indices``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["BLOCKING_KEYS", "MAX_BLOCK_SIZE", "blocking_keys", "candidate_pairs"]

IntArray = npt.NDArray[np.int64]

#: Blocks larger than this are skipped for that key (a key shared by hundreds of records,
#: such as a common surname and year, carries little information; the other keys still
#: apply).  Identifier keys (DOI, PMID) are never capped.
MAX_BLOCK_SIZE = 400


def _join(frame: pd.DataFrame, *columns: str) -> pd.Series:
    """Concatenate columns with ``|``; empty when any part is empty."""
    parts = [frame[c].astype(str) for c in columns]
    key = parts[0]
    empty = parts[0] == ""
    for part in parts[1:]:
        key = key + "|" + part
        empty |= part == ""
    return key.mask(empty, "")


def _title_prefix(frame: pd.DataFrame) -> pd.Series:
    compact = frame["title"].str.replace(" ", "", regex=False)
    return compact.str[:40].where(compact.str.len() >= 12, "")


def _title_suffix(frame: pd.DataFrame) -> pd.Series:
    compact = frame["title"].str.replace(" ", "", regex=False)
    return compact.str[-40:].where(compact.str.len() >= 12, "")


def _title_sorted_tokens(frame: pd.DataFrame) -> pd.Series:
    tokens = (
        frame["title"].str.split().map(lambda ws: " ".join(sorted({w for w in ws if len(w) > 3})))
    )
    return tokens.where(tokens.str.len() >= 12, "")


def _year_str(frame: pd.DataFrame) -> pd.Series:
    return frame["year"].map(lambda y: "" if pd.isna(y) else str(int(y)))


#: The blocking keys, name -> function of the prepared frame giving one string per
#: record (``""`` = no key).  ``True`` marks identifier keys that are never capped.
BLOCKING_KEYS: Mapping[str, tuple[Callable[[pd.DataFrame], pd.Series], bool]] = {
    "doi": (lambda f: f["doi"], True),
    "pmid": (lambda f: f["pmid"], True),
    "title_prefix": (_title_prefix, False),
    "title_suffix": (_title_suffix, False),
    "title_tokens": (_title_sorted_tokens, False),
    "author_year": (
        lambda f: _join(f.assign(y=_year_str(f)), "first_author", "y"),
        False,
    ),
    "volume_page": (lambda f: _join(f, "volume", "page_first"), False),
    "author_page": (lambda f: _join(f, "first_author", "page_first"), False),
}


def blocking_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """One column per blocking key (see :data:`BLOCKING_KEYS`) for the prepared frame."""
    return pd.DataFrame({name: fn(frame) for name, (fn, _) in BLOCKING_KEYS.items()})


def _pairs_from_codes(codes: IntArray, max_size: int | None) -> IntArray:
    """All pairs ``i < j`` of records with the same non-negative code, as ``i * n + j``."""
    n = len(codes)
    valid = np.flatnonzero(codes >= 0)
    if len(valid) < 2:
        return np.empty(0, dtype=np.int64)
    order = valid[np.argsort(codes[valid], kind="stable")]
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    out = []
    for size in np.unique(sizes):
        if size < 2 or (max_size is not None and size > max_size):
            continue
        block_starts = starts[sizes == size]
        members = order[block_starts[:, None] + np.arange(size)[None, :]]  # (blocks, size)
        a, b = np.triu_indices(int(size), k=1)
        left, right = members[:, a].ravel(), members[:, b].ravel()
        lo, hi = np.minimum(left, right), np.maximum(left, right)
        out.append(lo.astype(np.int64) * n + hi)
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def candidate_pairs(
    keys: pd.DataFrame, max_block_size: int = MAX_BLOCK_SIZE
) -> tuple[IntArray, IntArray]:
    """Unique record pairs ``(i, j)``, ``i < j``, that share at least one blocking key.

    Examples
    --------
    >>> keys = pd.DataFrame({"doi": ["10.1/a", "", "10.1/a"], "title_prefix": ["x", "x", ""]})
    >>> i, j = candidate_pairs(keys)
    >>> list(zip(i.tolist(), j.tolist()))
    [(0, 1), (0, 2)]
    """
    n = len(keys)
    found = []
    for name in keys.columns:
        column = keys[name]
        codes, _ = pd.factorize(column.where(column != "", None), use_na_sentinel=True)
        is_identifier = BLOCKING_KEYS.get(name, (None, False))[1]
        found.append(
            _pairs_from_codes(codes.astype(np.int64), None if is_identifier else max_block_size)
        )
    flat = np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    return flat // max(n, 1), flat % max(n, 1)
