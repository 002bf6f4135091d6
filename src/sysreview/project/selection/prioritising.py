"""Prioritisation services: stored embeddings, the screening history, a ranking per request.

* :func:`fill_embeddings` computes the sentence embedding of every record that lacks one
  and stores it (``record_embedding``); :func:`after_import` is the hook the import
  service calls once a batch is committed. Without the optional embedding extra the hook
  does nothing and rankings use TF-IDF alone.
* :func:`screening_history` derives, from the screening state, what a ranking learns
  from: one unit per duplicate group, its label (include or maybe = 1, exclude = 0, once
  its decision is settled), and the order in which units were decided.
* :func:`prioritiser_for` returns a :class:`~sysreview.screening.Prioritiser` for a set of
  units, built once per set of records and kept: records are append-only, so a unit's
  text never changes, and re-ranking only refits the classifier
  (``benchmarks/SCREENING.md``: 100,000 records re-ranked in under a second).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Lock

import numpy as np
from sqlalchemy import func, select

from sysreview.project.selection.state import StageState, screening_state
from sysreview.project.storage import Record, Store
from sysreview.project.storage.screening_aids import RecordEmbedding
from sysreview.protocol import Protocol
from sysreview.screening.embeddings import (
    EMBEDDING_MODEL,
    embedding_available,
    encode,
    from_bytes,
    to_bytes,
)
from sysreview.screening.prioritise import MODELS, Prioritiser, model_text, record_text

__all__ = [
    "DEFAULT_MODEL",
    "FALLBACK_MODEL",
    "ScreeningHistory",
    "after_import",
    "fill_embeddings",
    "history_of",
    "load_embeddings",
    "prioritiser_for",
    "records_lacking_embeddings",
    "screening_history",
]

#: The ranking model (chosen in ``benchmarks/SCREENING.md``).
DEFAULT_MODEL = "svm-t2"
#: The model used when the default reads embeddings that are not all stored yet.
FALLBACK_MODEL = "svm-t2"

Encoder = Callable[[Sequence[str]], np.ndarray]


def records_lacking_embeddings(store: Store, *, model: str = EMBEDDING_MODEL) -> list[int]:
    """Ids of the records with no stored embedding under ``model``, in id order."""
    with store.session(readonly=True) as session:
        have = select(RecordEmbedding.record_id).where(RecordEmbedding.model == model)
        query = select(Record.id).where(Record.id.not_in(have)).order_by(Record.id)
        return list(session.scalars(query))


def fill_embeddings(
    store: Store,
    *,
    encoder: Encoder | None = None,
    model: str = EMBEDDING_MODEL,
    batch: int = 512,
) -> int:
    """Embed every record that lacks a stored vector; returns how many were added.

    Parameters
    ----------
    store
        The project store.
    encoder
        ``encoder(texts) -> (n, d) float32``; default
        :func:`sysreview.screening.embeddings.encode` (all-MiniLM-L6-v2, offline).
    model
        The name stored with the vectors.
    batch
        Records encoded and committed together (an interrupted run keeps what it stored).
    """
    encode_texts = encode if encoder is None else encoder
    todo = records_lacking_embeddings(store, model=model)
    done = 0
    for start in range(0, len(todo), batch):
        ids = todo[start : start + batch]
        with store.session(readonly=True) as session:
            rows = session.execute(
                select(Record.id, Record.title, Record.abstract).where(Record.id.in_(ids))
            )
            text = {i: record_text(t, a) for i, t, a in rows}
        vectors = np.asarray(encode_texts([text[i] for i in ids]), dtype=np.float32)
        with store.session() as session:
            session.add_all(
                RecordEmbedding(
                    record_id=i, model=model, dimensions=int(v.size), vector=to_bytes(v)
                )
                for i, v in zip(ids, vectors, strict=True)
            )
        done += len(ids)
    return done


def after_import(store: Store, *, model: str | None = None) -> int:
    """Hook for the import service: embed the new records when the ranking model reads them.

    Call it after an import batch is committed. Returns the number of records embedded:
    0 when ``model`` (default :data:`DEFAULT_MODEL`) reads no embeddings, or when the
    optional ``embeddings`` extra is not installed (rankings then use TF-IDF).
    """
    if not MODELS[model or DEFAULT_MODEL].needs_embeddings or not embedding_available():
        return 0
    return fill_embeddings(store)


def load_embeddings(
    store: Store, record_ids: Sequence[int], *, model: str = EMBEDDING_MODEL
) -> np.ndarray | None:
    """The stored vectors of ``record_ids`` in that order, or None if any is missing."""
    if not record_ids:
        return None
    with store.session(readonly=True) as session:
        query = select(RecordEmbedding.record_id, RecordEmbedding.vector).where(
            RecordEmbedding.model == model
        )
        rows: dict[int, bytes] = {i: v for i, v in session.execute(query)}
    if any(i not in rows for i in record_ids):
        return None
    dims = len(rows[record_ids[0]]) // 4
    out = np.empty((len(record_ids), dims), dtype=np.float32)
    for k, i in enumerate(record_ids):
        out[k] = from_bytes(rows[i], dimensions=dims)
    return out


@dataclass(frozen=True)
class ScreeningHistory:
    """What a ranking at a stage learns from.

    Attributes
    ----------
    units
        Record ids, one per duplicate group (its smallest id) and every unlinked record.
    labels
        Per unit: 1 (settled decision include or maybe), 0 (exclude), None (awaiting a
        decision or in conflict).
    history
        Indices into ``units`` of the decided units, in the order of their latest decision
        event.
    """

    units: tuple[int, ...]
    labels: tuple[int | None, ...]
    history: tuple[int, ...]

    @property
    def screened(self) -> list[int]:
        """Labels of the decided units in decision order (for the stopping aid)."""
        return [int(self.labels[i]) for i in self.history]  # type: ignore[arg-type]


def history_of(stage: StageState) -> ScreeningHistory:
    """What a ranking learns from at ``stage``: the *settled* decisions, in their order.

    A unit's label is its settled decision (include or maybe = 1, exclude = 0); a unit
    awaiting a decision or in conflict has none, so a reviewer's queue never learns
    from another reviewer's decision on a unit that is not settled (blinding,
    :mod:`sysreview.project.selection.views`). Built from the state's units per status,
    so its cost follows the settled units, not all of them.
    """
    units = stage.units
    where = _index(units)
    labels: list[int | None] = [None] * len(units)
    latest: dict[int, int] = {}
    for (state, decision), members in stage.by_state.items():
        if not state.settled:
            continue
        label = int(decision != "exclude")
        for unit in members:
            k = where[unit]
            labels[k] = label
            found = stage.events.get(unit)
            if found:
                latest[k] = max(e.order for e in found)
    return ScreeningHistory(units, tuple(labels), tuple(sorted(latest, key=latest.__getitem__)))


_INDEX: list[tuple[tuple[int, ...], dict[int, int]]] = []


def _index(units: tuple[int, ...]) -> dict[int, int]:
    """``{unit: position}`` of a stage's units (kept for the same tuple of units)."""
    for known, where in _INDEX:
        if known is units:
            return where
    where = {unit: k for k, unit in enumerate(units)}
    _INDEX[:] = [(units, where)]
    return where


def screening_history(store: Store, protocol: Protocol, stage: str = "ta") -> ScreeningHistory:
    """The project's screening history at ``stage`` (:func:`history_of` its state)."""
    return history_of(screening_state(store, protocol).stage(stage))


def _all_embedded(store: Store, model: str = EMBEDDING_MODEL) -> bool:
    with store.session(readonly=True) as session:
        records = session.scalar(select(func.count()).select_from(Record))
        vectors = session.scalar(
            select(func.count()).select_from(RecordEmbedding).where(RecordEmbedding.model == model)
        )
    return bool(records) and vectors == records


_CACHE: OrderedDict[tuple[str, tuple[int, ...], str], Prioritiser] = OrderedDict()
_CACHE_LOCK = Lock()
_CACHE_SIZE = 4


def prioritiser_for(
    store: Store, units: Sequence[int], texts: Sequence[str] | None = None
) -> Prioritiser:
    """A prioritiser for ``units`` (record ids), built once and kept.

    Uses :data:`DEFAULT_MODEL` when every record has a stored embedding, else
    :data:`FALLBACK_MODEL`. The features depend only on the records (append-only) and
    their embeddings, so the prioritiser is cached per store, set of units and model
    (the last four are kept); a new import changes the set and builds a new one. The
    units' texts (title + abstract, :func:`~sysreview.screening.prioritise.model_text`)
    are read from the store when it is built, unless ``texts`` gives them.
    """
    model = DEFAULT_MODEL
    if MODELS[model].needs_embeddings and not _all_embedded(store):
        model = FALLBACK_MODEL
    key = (str(store.url), tuple(units), model)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    if texts is None:
        with store.session(readonly=True) as session:
            rows = session.execute(
                select(Record.id, Record.title, Record.abstract).where(Record.id.in_(units))
            )
            by_id = {i: model_text(model, t, a) for i, t, a in rows}
        texts = [by_id[u] for u in units]
    embeddings = None
    if MODELS[model].needs_embeddings:
        embeddings = load_embeddings(store, units)
        if embeddings is None:  # a record arrived between the two reads
            model, key = FALLBACK_MODEL, (key[0], key[1], FALLBACK_MODEL)
    built = Prioritiser(texts, model=model, embeddings=embeddings)
    with _CACHE_LOCK:
        _CACHE[key] = built
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return built
