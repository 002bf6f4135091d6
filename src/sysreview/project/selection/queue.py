"""A reviewer's screening queue: pending records in active-learning order, kept fast.

The order at title/abstract comes from a classifier trained on the *settled* decisions
(:func:`sysreview.project.selection.prioritising.history_of`), so a blinded reviewer's order never
depends on another reviewer's decision on a record they have not decided. Training
takes from milliseconds to seconds (about a second with 10,000 records screened out of
100,000, ``benchmarks/SCREENING.md``), so the ranking is kept per store and labels:

- a ranking for the current labels is used as it is;
- without one, a small review (fewer than :data:`SYNC_UNITS` records) ranks at once;
- a large review keeps serving its latest ranking while a background thread trains on
  the new labels, so a reviewer's next page never waits for the training. The queue is
  always the reviewer's pending records now; only their order can be a few decisions
  behind (it says so). The stopping aid (its tests run over every window of the
  screened records) is worked out with the ranking, and kept the same way.

While the team screens a random sample for the stopping rule
(:func:`sysreview.project.selection.stopping.sample_queue`), the queue is in the sample's order.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sysreview.project.selection.state import screening_state
from sysreview.project.selection.views import check_stage
from sysreview.project.storage import Store
from sysreview.protocol import Protocol

__all__ = ["SYNC_UNITS", "ScreenQueue", "prioritised_queue", "warm_ranking"]

SYNC_UNITS = 20_000
"""Reviews with fewer records than this rank at once when the labels change."""
REFRESH_SECONDS = 10.0
"""A large review retrains at most this often (its pages never wait for training, and
training beside them at every decision would slow them down)."""


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
        The stopping aid itself (:class:`sysreview.project.selection.stopping.StoppingAid`).
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
    pending: int = -1
    """How many records are pending (``records`` may hold only the first ones)."""

    def __post_init__(self) -> None:
        if self.pending < 0:
            object.__setattr__(self, "pending", len(self.records))


@dataclass
class _Rankings:
    """One store's latest ranking and stopping aid, and the work under way."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    training: threading.Lock = field(default_factory=threading.Lock)
    labels: tuple[int | None, ...] | None = None
    units: tuple[int, ...] = ()
    place: dict[int, int] = field(default_factory=dict)
    ranked: tuple[int, ...] = ()
    trained: bool = False
    prioritiser: Any = None
    aid: Any = None
    aid_key: tuple[Any, ...] | None = None
    worker: threading.Thread | None = None
    finished: float = -REFRESH_SECONDS


_RANKINGS: weakref.WeakKeyDictionary[Store, _Rankings] = weakref.WeakKeyDictionary()
_RANKINGS_LOCK = threading.Lock()


def _rankings(store: Store) -> _Rankings:
    with _RANKINGS_LOCK:
        found = _RANKINGS.get(store)
        if found is None:
            found = _RANKINGS[store] = _Rankings()
        return found


def _train(store: Store, protocol: Protocol, kept: _Rankings, history: Any, logged: int) -> None:
    """Rank on ``history``'s labels and work out the stopping aid; keep both.

    One at a time per store; readers never wait for it.
    """
    from sysreview.project.selection.stopping import stopping_aid

    units, labels = history.units, history.labels
    with kept.training:
        if kept.labels != labels or kept.units != units:
            if not (1 in labels and 0 in labels):  # nothing to learn from yet
                with kept.lock:
                    kept.labels, kept.units, kept.trained = labels, units, False
                    kept.place, kept.ranked = {}, ()
            else:
                _rank(store, kept, units, labels)
        if kept.aid_key != (labels, logged):
            aid = stopping_aid(store, protocol, history=history)
            with kept.lock:
                kept.aid, kept.aid_key = aid, (labels, logged)
        kept.finished = time.monotonic()


def _rank(
    store: Store, kept: _Rankings, units: tuple[int, ...], labels: tuple[int | None, ...]
) -> None:
    """Train the ranking on ``labels`` and keep it (under ``kept.training``)."""
    from sysreview.project.selection.prioritising import prioritiser_for

    prioritiser = prioritiser_for(store, units)
    ranking = prioritiser.rank(list(labels))
    ranked = tuple(units[i] for i in ranking.order)
    place = {unit: n for n, unit in enumerate(ranked)}
    with kept.lock:
        kept.labels, kept.units, kept.prioritiser = labels, units, prioritiser
        kept.trained, kept.place, kept.ranked = ranking.trained, place, ranked


def _refresh(store: Store, protocol: Protocol, kept: _Rankings, history: Any, logged: int) -> None:
    """Start :func:`_train` in the background, unless it is running or ran recently.

    Recently is less than :data:`REFRESH_SECONDS` ago (the next page asks again).
    """
    if kept.worker is not None and kept.worker.is_alive():
        return
    if time.monotonic() - kept.finished < REFRESH_SECONDS:
        return

    kept.worker = threading.Thread(
        target=_train, args=(store, protocol, kept, history, logged),
        name="sysreview-ranking", daemon=True,
    )  # fmt: skip
    kept.worker.start()


def warm_ranking(store: Store, protocol: Protocol) -> None:
    """Start training the title/abstract ranking in the background.

    For a server starting: the first reviewer to open the screening page then finds it
    ready, or nearly.
    """
    from sysreview.project.selection.prioritising import history_of
    from sysreview.project.selection.stopping import stopping_log

    history = history_of(screening_state(store, protocol).ta)
    if any(label is not None for label in history.labels):
        _refresh(store, protocol, _rankings(store), history, len(stopping_log(store)))


def prioritised_queue(
    store: Store,
    protocol: Protocol,
    *,
    stage: str,
    reviewer: str,
    wait: bool = False,
    limit: int | None = None,
) -> ScreenQueue:
    """Pending records of ``reviewer`` at ``stage`` in screening order (see the module).

    ``wait`` ranks on the current labels before answering, however large the review
    (the command line does: it answers once). ``limit`` keeps only the first records
    (a page needs one): a long queue is then not ordered beyond them.
    """
    check_stage(stage)
    from sysreview.project.selection.stopping import sample_queue, stopping_log

    here = screening_state(store, protocol).stage(stage)
    pending = here.pending_for(reviewer)
    if stage != "ta" or not pending:
        return ScreenQueue(tuple(pending[:limit]), False, None, pending=len(pending))
    history, logged = _history(here), len(stopping_log(store))
    kept = _rankings(store)
    units, labels = history.units, history.labels
    with kept.lock:
        current = kept.labels == labels and kept.units == units
        current = current and kept.aid_key == (labels, logged)
    if not current:
        if wait or len(units) < SYNC_UNITS:
            _train(store, protocol, kept, history, logged)
        else:  # a large review: its pages never wait for the training
            _refresh(store, protocol, kept, history, logged)
    with kept.lock:
        trained, place, ranked, known, aid = (
            kept.trained, kept.place, kept.ranked, kept.labels, kept.aid,
        )  # fmt: skip
    advice = None if aid is None or aid.estimate is None else aid.summary()
    sampled = sample_queue(store, protocol, pending)
    if sampled is not None:
        return ScreenQueue(sampled[:limit], False, advice, aid, pending=len(pending))
    behind = _behind(known, labels)
    if known is None or not trained:
        return ScreenQueue(tuple(pending[:limit]), False, advice, aid, behind=behind,
                           pending=len(pending))  # fmt: skip
    ordered = _in_order(pending, ranked, place, limit)
    return ScreenQueue(ordered, True, advice, aid, _why(kept, ordered[0]), behind,
                       len(pending))  # fmt: skip


_LAST: list[tuple[Any, Any]] = []
_LAST_LOCK = threading.Lock()


def _history(here: Any) -> Any:
    """The stage state's ranking history, kept for that state.

    :func:`~sysreview.project.selection.prioritising.history_of` the state; the pages
    between two decisions share it.
    """
    from sysreview.project.selection.prioritising import history_of

    with _LAST_LOCK:
        for state, history in _LAST:
            if state is here:
                return history
    history = history_of(here)
    with _LAST_LOCK:
        _LAST[:] = [(here, history)]
    return history


def _in_order(
    pending: list[int], ranked: tuple[int, ...], place: dict[int, int], limit: int | None
) -> tuple[int, ...]:
    """The pending records in ranking order, the unranked ones (new records) last.

    With a ``limit``, walks the ranking only until that many pending records are found.
    """
    if limit is None:
        return tuple(sorted(pending, key=lambda r: (place.get(r, len(place)), r)))
    wanted = set(pending)
    found = _walk(ranked, wanted, limit)
    if len(found) < limit:
        found += sorted(r for r in wanted if r not in place)[: limit - len(found)]
    return tuple(found)


def _walk(ranked: tuple[int, ...], wanted: set[int], limit: int) -> list[int]:
    found = []
    for unit in ranked:
        if unit in wanted:
            found.append(unit)
            if len(found) == limit:
                break
    return found


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
