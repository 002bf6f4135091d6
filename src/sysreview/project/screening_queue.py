"""A reviewer's screening queue: pending records in active-learning order, kept fast.

The order at title/abstract comes from a classifier trained on the *settled* decisions
(:func:`sysreview.project.prioritising.history_of`), so a blinded reviewer's order never
depends on another reviewer's decision on a record they have not decided. Training
takes from milliseconds to seconds (about a second with 10,000 records screened out of
100,000, ``benchmarks/SCREENING.md``), so the ranking is kept per store and labels:

- a ranking for the current labels is used as it is;
- without one, a small review (fewer than :data:`SYNC_UNITS` records) ranks at once;
- a large review keeps serving its latest ranking while a background thread trains on
  the new labels, so a reviewer's next page never waits for the training. The queue is
  always the reviewer's pending records now; only their order can be a few decisions
  behind (it says so).

While the team screens a random sample for the stopping rule
(:func:`sysreview.project.stopping.sample_queue`), the queue is in the sample's order.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sysreview.project.screening_state import screening_state
from sysreview.project.screening_views import check_stage
from sysreview.project.store import Store
from sysreview.protocol import Protocol

__all__ = ["SYNC_UNITS", "ScreenQueue", "prioritised_queue"]

SYNC_UNITS = 20_000
"""Reviews with fewer records than this rank at once when the labels change."""


@dataclass(frozen=True)
class ScreenQueue:
    """A reviewer's pending records in screening order, with the stopping aid.

    Attributes
    ----------
    records
        Pending record ids, in the order to screen them.
    prioritised
        Whether the order comes from a trained ranking.
    advice
        The stopping aid in words (``None`` before anything is settled).
    stopping
        The stopping aid itself (:class:`sysreview.project.stopping.StoppingAid`).
    why
        ``(term, weight)`` pairs that rank the first record high.
    behind
        Settled decisions the order has not learnt from yet (a large review's ranking
        is refreshed in the background).
    """

    records: tuple[int, ...]
    prioritised: bool
    advice: str | None
    stopping: Any = None
    why: tuple[tuple[str, float], ...] = ()
    behind: int = 0


@dataclass
class _Rankings:
    """One store's latest ranking and the training under way."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    training: threading.Lock = field(default_factory=threading.Lock)
    labels: tuple[int | None, ...] | None = None
    units: tuple[int, ...] = ()
    place: dict[int, int] = field(default_factory=dict)
    trained: bool = False
    prioritiser: Any = None
    worker: threading.Thread | None = None


_RANKINGS: weakref.WeakKeyDictionary[Store, _Rankings] = weakref.WeakKeyDictionary()
_RANKINGS_LOCK = threading.Lock()


def _rankings(store: Store) -> _Rankings:
    with _RANKINGS_LOCK:
        found = _RANKINGS.get(store)
        if found is None:
            found = _RANKINGS[store] = _Rankings()
        return found


def _train(store: Store, kept: _Rankings, units: tuple[int, ...], labels: tuple[int | None, ...]
           ) -> None:  # fmt: skip
    """Train on ``labels`` and keep the ranking (one training at a time per store)."""
    from sysreview.project.prioritising import prioritiser_for

    with kept.training:  # one training at a time; readers never wait for it
        if kept.labels == labels and kept.units == units:
            return  # trained meanwhile
        prioritiser = prioritiser_for(store, units)
        ranking = prioritiser.rank(list(labels))
        place = {units[i]: n for n, i in enumerate(ranking.order)}
        with kept.lock:
            kept.labels, kept.units, kept.prioritiser = labels, units, prioritiser
            kept.trained, kept.place = ranking.trained, place


def _refresh(store: Store, kept: _Rankings, units: tuple[int, ...],
             labels: tuple[int | None, ...]) -> None:  # fmt: skip
    """Start training on ``labels`` in the background, unless a training is under way."""
    if kept.worker is not None and kept.worker.is_alive():
        return  # it retrains on whatever is newest when asked again

    kept.worker = threading.Thread(
        target=_train, args=(store, kept, units, labels), name="sysreview-ranking", daemon=True
    )
    kept.worker.start()


def prioritised_queue(
    store: Store, protocol: Protocol, *, stage: str, reviewer: str, wait: bool = False
) -> ScreenQueue:
    """Pending records of ``reviewer`` at ``stage`` in screening order (see the module).

    ``wait`` ranks on the current labels before answering, however large the review
    (the command line does: it answers once).
    """
    check_stage(stage)
    from sysreview.project.prioritising import history_of
    from sysreview.project.stopping import sample_queue, stopping_aid

    here = screening_state(store, protocol).stage(stage)
    pending = here.pending_for(reviewer)
    if stage != "ta" or not pending:
        return ScreenQueue(tuple(pending), False, None)
    history = history_of(here)
    aid = stopping_aid(store, protocol, history=history)
    advice = None if aid.estimate is None else aid.summary()
    sampled = sample_queue(store, protocol, pending)
    if sampled is not None:
        return ScreenQueue(sampled, False, advice, aid)
    kept = _rankings(store)
    units, labels = history.units, history.labels
    if kept.labels != labels or kept.units != units:
        if wait or len(units) < SYNC_UNITS:
            _train(store, kept, units, labels)
        else:
            _refresh(store, kept, units, labels)
    with kept.lock:
        trained, place, known = kept.trained, kept.place, kept.labels
    behind = _behind(known, labels)
    if known is None or not trained:
        return ScreenQueue(tuple(pending), False, advice, aid, behind=behind)
    ordered = tuple(sorted(pending, key=lambda r: (place.get(r, len(place)), r)))
    return ScreenQueue(ordered, True, advice, aid, _why(kept, ordered[0]), behind)


def _why(kept: _Rankings, record: int) -> tuple[tuple[str, float], ...]:
    """The terms that rank ``record`` high, by the kept model."""
    with kept.lock:
        prioritiser, units = kept.prioritiser, kept.units
    if prioritiser is None or record not in units:
        return ()
    terms: Sequence[tuple[str, float]] = prioritiser.top_terms(units.index(record))
    return tuple((str(t), float(w)) for t, w in terms)


def _behind(known: Sequence[Hashable] | None, labels: Sequence[Hashable]) -> int:
    """How many settled decisions the kept ranking has not learnt from."""
    if known is None:
        return sum(1 for label in labels if label is not None)
    return sum(1 for old, new in zip(known, labels, strict=False) if old != new)
