"""Simulated prioritised screening of a labelled dataset, and its metrics.

A simulation replays a finished screening: the known labels stand in for the reviewer.
It starts from ASReview's simulation prior knowledge (one relevant and one irrelevant
record drawn at random with the seed), then repeatedly refits the model
(:class:`~sysreview.screening.prioritise.Prioritiser`) and "screens" the top-ranked
``batch_size`` records, until every record has been screened once::

    simulate(texts, labels, seed=0) -> SimulationResult(order, labels, ...)
    metrics(result) -> ScreeningMetrics(wss95, recall_10, recall_20, records_to_last)

Once the last relevant record has been found no later decision can change any metric,
so the remaining records are appended in the order of the last ranking without further
refitting (ASReview's simulation stops at that point by default).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sysreview.errors import InputError
from sysreview.screening.prioritise import MODELS, ModelSpec, Prioritiser, model_text

__all__ = [
    "ScreeningMetrics",
    "SimulationResult",
    "metrics",
    "simulate",
    "simulate_file",
]

_TRUE = {"1", "1.0", "true", "yes", "y", "included", "include"}
_FALSE = {"0", "0.0", "false", "no", "n", "excluded", "exclude"}


@dataclass(frozen=True)
class ScreeningMetrics:
    """How early a screening order finds the relevant records.

    Attributes
    ----------
    n_records, n_relevant
        Records in the order, and relevant ones.
    wss95
        Work saved over sampling at 95% recall, as a fraction (see :func:`metrics`).
    recall_10, recall_20
        Recall after screening 10% and 20% of the records.
    records_to_last
        Records screened up to and including the last relevant one.
    """

    n_records: int
    n_relevant: int
    wss95: float
    recall_10: float
    recall_20: float
    records_to_last: int

    def to_frame(self) -> pd.DataFrame:
        """One row, unrounded."""
        return pd.DataFrame([self.__dict__])

    def summary(self) -> str:
        """Formatted text.

        Examples
        --------
        >>> print(metrics([1, 0, 1, 0, 0, 0, 0, 0, 0, 0]).summary())
        10 records, 2 relevant: WSS@95 = 65.0%, recall@10% = 50.0%, recall@20% = 50.0%, last relevant at 3 (30.0%).
        """  # noqa: E501
        return (
            f"{self.n_records} records, {self.n_relevant} relevant: "
            f"WSS@95 = {self.wss95:.1%}, recall@10% = {self.recall_10:.1%}, "
            f"recall@20% = {self.recall_20:.1%}, last relevant at {self.records_to_last} "
            f"({self.records_to_last / self.n_records:.1%})."
        )


@dataclass(frozen=True)
class SimulationResult:
    """The order in which a simulated reviewer screened the records.

    Attributes
    ----------
    order
        0-based record indices in screening order (every record once).
    labels
        The true label (1/0) of the record at each position.
    record_ids
        The identifier of the record at each position.
    n_prior
        How many of the first positions were prior knowledge rather than model choices.
    model, seed, batch_size
        The settings of the simulation.
    """

    order: tuple[int, ...]
    labels: tuple[int, ...]
    record_ids: tuple[str, ...]
    n_prior: int
    model: str
    seed: int
    batch_size: int

    def metrics(self) -> ScreeningMetrics:
        """:func:`metrics` of this order."""
        return metrics(self.labels)

    def to_frame(self) -> pd.DataFrame:
        """One row per record.

        Columns: ``position`` (1-based), ``index``, ``record_id``, ``label``, ``prior``.
        """
        n = len(self.order)
        return pd.DataFrame(
            {
                "position": np.arange(1, n + 1),
                "index": np.asarray(self.order, dtype=np.int64),
                "record_id": list(self.record_ids),
                "label": np.asarray(self.labels, dtype=np.int64),
                "prior": np.arange(n) < self.n_prior,
            }
        )

    def to_csv_rows(self) -> list[tuple[str | int, ...]]:
        """Rows for :func:`csv.writer`.

        The header ``position,record_id,label`` then one row per record.
        """
        rows: list[tuple[str | int, ...]] = [("position", "record_id", "label")]
        rows.extend(
            (k + 1, rid, lab)
            for k, (rid, lab) in enumerate(zip(self.record_ids, self.labels, strict=True))
        )
        return rows

    def summary(self) -> str:
        """Settings and metrics as text."""
        return (
            f"Simulation with model {self.model}, seed {self.seed}, batch size "
            f"{self.batch_size}, {self.n_prior} prior records.\n{self.metrics().summary()}"
        )


def metrics(order: Sequence[int] | SimulationResult) -> ScreeningMetrics:
    """WSS@95, recall at 10% and 20%, and records needed to reach the last relevant one.

    Parameters
    ----------
    order
        Labels (1 relevant, 0 irrelevant) in screening order, or a
        :class:`SimulationResult`. Prior records count as screened.

    Notes
    -----
    With ``N`` records, ``R`` relevant, and ``n_95`` the number screened when recall first
    reaches 95% (``ceil(0.95 R)`` relevant found), work saved over sampling is
    (Cohen et al. 2006, JAMIA 13:206; Kusa et al. 2023, Intell Syst Appl 18:200193)::

        WSS@95 = (N - n_95) / N - 0.05

    i.e. ``(TN + FN) / N - (1 - 0.95)`` at that cut-off. Recall after screening a fraction
    ``f`` is the relevant share found in the first ``ceil(f N)`` records.

    Examples
    --------
    10 records, relevant at positions 1 and 3: 95% recall needs both (``ceil(1.9) = 2``),
    so ``n_95 = 3`` and WSS@95 = 7/10 - 0.05 = 0.65; the first 10% is 1 record (recall
    1/2), the first 20% is 2 records (1/2).

    >>> m = metrics([1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    >>> round(m.wss95, 10), m.recall_10, m.recall_20, m.records_to_last
    (0.65, 0.5, 0.5, 3)
    """
    y = np.asarray(order.labels if isinstance(order, SimulationResult) else list(order))
    if y.size == 0 or not np.isin(y, (0, 1)).all():
        raise InputError("order must be a non-empty sequence of 0/1 labels")
    n, r = int(y.size), int(y.sum())
    if r == 0:
        raise InputError("order has no relevant record; the metrics are undefined")
    found = np.cumsum(y)
    need = math.ceil(0.95 * r - 1e-9)
    n95 = int(np.argmax(found >= need)) + 1

    def recall_at(fraction: float) -> float:
        return float(found[math.ceil(fraction * n - 1e-9) - 1] / r)

    return ScreeningMetrics(
        n_records=n,
        n_relevant=r,
        wss95=(n - n95) / n - 0.05,
        recall_10=recall_at(0.10),
        recall_20=recall_at(0.20),
        records_to_last=int(np.flatnonzero(y == 1)[-1]) + 1,
    )


def _prior(y: np.ndarray, prior: str | Sequence[int], rng: np.random.Generator) -> list[int]:
    if isinstance(prior, str):
        if prior != "one_each":
            raise InputError(f"invalid prior {prior!r}; must be one of ['one_each'] or indices")
        return [int(rng.choice(np.flatnonzero(y == 1))), int(rng.choice(np.flatnonzero(y == 0)))]
    idx = [int(i) for i in prior]
    if len(set(idx)) != len(idx) or not all(0 <= i < y.size for i in idx):
        raise InputError("prior indices must be distinct record indices")
    if not (np.any(y[idx] == 1) and np.any(y[idx] == 0)):
        raise InputError("prior records must include a relevant and an irrelevant record")
    return idx


def simulate(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    seed: int = 0,
    batch_size: int = 1,
    prior: str | Sequence[int] = "one_each",
    model: str | ModelSpec = "svm",
    record_ids: Sequence[str] | None = None,
    embeddings: np.ndarray | None = None,
    criteria: str | None = None,
    criteria_embedding: np.ndarray | None = None,
) -> SimulationResult:
    """Simulate prioritised screening of a fully labelled dataset.

    Parameters
    ----------
    texts
        One text per record (title + abstract).
    labels
        The true label of each record: 1 relevant, 0 irrelevant.
    seed
        Seeds the choice of prior records and the classifier.
    batch_size
        Records screened between two refits of the model (1 = refit after every
        decision, as ASReview's default; larger is faster and usually slightly worse).
    prior
        ``"one_each"`` (one relevant and one irrelevant record at random, ASReview's
        ``--n-prior-included 1 --n-prior-excluded 1``) or explicit record indices.
    model
        A key of :data:`~sysreview.screening.prioritise.MODELS`.
    record_ids
        Identifiers to report; default the 0-based index as text.
    embeddings, criteria, criteria_embedding
        As in :class:`~sysreview.screening.prioritise.Prioritiser`.

    Examples
    --------
    >>> texts = ["statin trial", "statin lipids trial", "geese", "bird flight",
    ...          "statin randomised", "geese migration"]
    >>> res = simulate(texts, [1, 1, 0, 0, 1, 0], seed=3)
    >>> sorted(res.order) == list(range(6)), res.labels
    (True, (1, 0, 1, 1, 0, 0))
    """
    y = np.asarray(list(labels))
    if y.size != len(texts):
        raise InputError(f"labels has {y.size} entries but there are {len(texts)} records")
    if y.size == 0 or not np.isin(y, (0, 1)).all():
        raise InputError("labels must all be 0 or 1 in a simulation")
    y = y.astype(np.int8)
    if not (np.any(y == 1) and np.any(y == 0)):
        raise InputError("a simulation needs at least one relevant and one irrelevant record")
    if batch_size < 1:
        raise InputError(f"batch_size must be >= 1, got {batch_size}")
    ids = [str(i) for i in range(y.size)] if record_ids is None else [str(i) for i in record_ids]
    if len(ids) != y.size:
        raise InputError("record_ids must have one entry per record")

    rng = np.random.default_rng(seed)
    order = _prior(y, prior, rng)
    n_prior = len(order)
    prioritiser = Prioritiser(
        texts,
        model=model,
        seed=seed,
        embeddings=embeddings,
        criteria=criteria,
        criteria_embedding=criteria_embedding,
    )
    seen = np.full(y.size, -1, dtype=np.int8)
    seen[order] = y[order]
    left = int(y.sum() - y[order].sum())
    while len(order) < y.size:
        pool = np.flatnonzero(seen < 0)
        scores = prioritiser._scores(seen)
        if scores is None:  # cannot happen: the prior holds both classes
            raise RuntimeError("the model could not be trained")
        ranked = pool[np.argsort(-scores[pool], kind="stable")]
        take = ranked if left == 0 else ranked[:batch_size]
        order.extend(int(i) for i in take)
        seen[take] = y[take]
        left -= int(y[take].sum())
    return SimulationResult(
        order=tuple(order),
        labels=tuple(int(y[i]) for i in order),
        record_ids=tuple(ids[i] for i in order),
        n_prior=n_prior,
        model=prioritiser.model,
        seed=seed,
        batch_size=batch_size,
    )


def _parse_label(value: object, source: str, line: int | None, column: str) -> int:
    text = str(value).strip().lower() if value is not None else ""
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    raise InputError(
        f"label {value!r} is not 1/0 (or true/false, yes/no)",
        source=source,
        line=line,
        column=column,
    )


def simulate_file(
    path: str | Path,
    label_column: str,
    seed: int = 0,
    *,
    batch_size: int = 1,
    model: str = "svm",
) -> SimulationResult:
    """Read a labelled export with :func:`sysreview.records.read_file` and simulate it.

    Parameters
    ----------
    path
        Any format ``read_file`` reads (typically CSV with title/abstract columns).
    label_column
        The field holding the final label (1/0, true/false, yes/no), read from
        ``Citation.raw``.
    seed, batch_size, model
        As in :func:`simulate`; a model that reads sentence embeddings computes them here
        (:func:`sysreview.screening.embeddings.encode`, offline).

    Returns
    -------
    SimulationResult
        ``record_ids`` are the file's ``record_id`` where present, else the 1-based
        position of the record in the file.
    """
    from sysreview.records import read_file

    source = str(path)
    citations = read_file(path).citations
    if not citations:
        raise InputError("the file holds no records", source=source)
    labels = []
    for c in citations:
        if label_column not in c.raw:
            raise InputError(
                f"no label column {label_column!r}", source=source, line=c.line, column=label_column
            )
        labels.append(_parse_label(c.raw[label_column], source, c.line, label_column))
    if model not in MODELS:
        raise InputError(f"invalid model {model!r}; must be one of {sorted(MODELS)}")
    texts = [model_text(model, c.title, c.abstract) for c in citations]
    ids = [c.record_id if c.record_id else str(c.position) for c in citations]
    embeddings = None
    if MODELS[model].needs_embeddings:
        from sysreview.screening.embeddings import encode

        embeddings = encode([model_text("svm", c.title, c.abstract) for c in citations])
    return simulate(
        texts,
        labels,
        seed=seed,
        batch_size=batch_size,
        model=model,
        record_ids=ids,
        embeddings=embeddings,
    )
