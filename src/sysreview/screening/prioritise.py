"""Screening prioritisation by active learning.

Records are turned into a TF-IDF matrix of title + abstract once (:class:`Prioritiser`;
models with an embedding block also read stored sentence embeddings); after every batch
of screening decisions a linear classifier is refitted on the screened records, with the
classes re-weighted (balanced), and the unscreened records are ranked by their score,
most likely relevant first::

    Prioritiser(texts).rank(labels) -> Ranking(order, scores, model, ...)

``labels`` holds one entry per record: ``1`` relevant, ``0`` irrelevant, ``None`` not yet
screened. The ranking only orders records: it never excludes one.
:meth:`Prioritiser.top_terms` says why a record ranks high; :func:`methods_text` names the
model and its settings for the methods section.

Models (:data:`MODELS`)
-----------------------
``svm-t2`` (the project default, :data:`sysreview.project.selection.prioritising.DEFAULT_MODEL`)
    ``svm`` on a text in which the title is counted twice (:func:`model_text`).
``svm``
    Linear support vector machine (``LinearSVC``, squared hinge loss, C = 0.11) on
    word uni- and bigram TF-IDF (sublinear tf, max_df = 0.95), irrelevant records
    down-weighted with ratio 9.8: ASReview LAB's default "ELAS u4" model (its parameters
    were tuned on the SYNERGY datasets); sysreview reproduces its order exactly.
``nb``
    Multinomial naive Bayes (alpha = 3.822), ratio 1.2: ASReview's "ELAS u3".
``logistic``
    L2 logistic regression (C = 10, liblinear), ratio 1.
``svm-minilm``, ``svm+minilm``, ``svm+nb``
    all-MiniLM-L6-v2 embeddings appended to the TF-IDF features, and rank fusions of two
    models; measured, not recommended.

The default was chosen on evidence (``benchmarks/SCREENING.md``: 9 SYNERGY reviews, seeds
0-4, against ASReview installed in the same run): ``svm-t2`` had the highest mean WSS@95
of the models never more than 5 points worse than ASReview on a review (+1.4 points,
worst -2.2); every embedding model lost more than 5 points on at least one review.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from sysreview.errors import InputError
from sysreview.screening.models import MODELS, ModelSpec, methods_text, model_text, record_text
from sysreview.screening.ranking import Ranking

__all__ = [
    "MODELS",
    "ModelSpec",
    "Prioritiser",
    "Ranking",
    "methods_text",
    "model_text",
    "rank",
    "record_text",
]

Label = int | None


def balanced_weights(y: np.ndarray, ratio: float) -> np.ndarray:
    """Sample weights that balance relevant against irrelevant records.

    Parameters
    ----------
    y
        0/1 labels of the training records (both classes present).
    ratio
        ``r``: after weighting, the irrelevant class weighs ``1/r`` of the relevant class.

    Returns
    -------
    numpy.ndarray
        Weights with mean 1.

    Notes
    -----
    Relevant records get weight 1 and irrelevant records ``n1 / (r * n0)``, so the two
    classes weigh ``n1`` and ``n1 / r``; the weights are then scaled to sum to ``n``.
    This is the deterministic form of oversampling the minority class (ASReview LAB 2's
    ``Balanced`` balancer, which replaced the random "double" balance sampling of
    ASReview 1; Ferdinands et al. 2023, Syst Rev 12:100).

    Examples
    --------
    >>> balanced_weights(np.array([1, 0, 0, 0]), ratio=1.0).round(3).tolist()
    [2.0, 0.667, 0.667, 0.667]
    """
    n1 = float(np.sum(y == 1))
    n0 = float(np.sum(y == 0))
    w: np.ndarray = np.where(y == 1, 1.0, n1 / (ratio * n0))
    out: np.ndarray = w * (len(y) / w.sum())
    return out


def _check_labels(labels: Sequence[Label], n: int) -> np.ndarray:
    """Return labels as an int array with -1 for unscreened; raise on bad input."""
    if len(labels) != n:
        raise InputError(f"labels has {len(labels)} entries but there are {n} records")
    out = np.full(n, -1, dtype=np.int8)
    for i, value in enumerate(labels):
        if value is None:
            continue
        if value not in (0, 1) or (isinstance(value, float) and np.isnan(value)):
            raise InputError(
                f"invalid label {value!r} for record {i}; must be 1, 0 or None", line=i + 1
            )
        out[i] = int(value)
    return out


class Prioritiser:
    """Hold the features of a set of records and rank them after each decision.

    Parameters
    ----------
    texts
        One text per record (title + abstract, see :func:`record_text`).
    model
        A key of :data:`MODELS` (or a :class:`ModelSpec`, for experiments).
    seed
        Seed of the classifier (``LinearSVC``'s coordinate descent); the same seed and
        labels give the same ranking.
    embeddings
        One stored sentence embedding per record (``(n, 384)`` float32, rows of unit
        length; :func:`sysreview.screening.embeddings.encode`), needed by models with an
        embedding block and ignored by the others.
    criteria, criteria_embedding
        Optional warm start: the protocol's eligibility criteria as text (and its
        embedding, for embedding models), added to every fit as one more relevant example.

    Notes
    -----
    The vectoriser is scikit-learn's ``TfidfVectorizer`` with word uni- and bigrams,
    ``sublinear_tf=True`` (tf replaced by 1 + log tf), ``max_df=0.95`` and ``l2``
    normalisation, fitted on all records (labels are not used, so there is no leakage).
    It is fitted once here; :meth:`rank` only refits the classifier on the screened
    records. With an embedding block of weight ``w`` the classifier sees
    ``[tfidf(x), w * e(x)]``; the two blocks are kept apart and a record's score is
    ``tfidf(x) . beta_t + w * e(x) . beta_e + b``, so the dense block is never copied
    into a sparse matrix.

    Examples
    --------
    >>> texts = ["statin trial lipids", "statin cholesterol trial", "bird migration",
    ...          "migration of geese", "statin randomised trial", "geese flight"]
    >>> p = Prioritiser(texts, seed=1)
    >>> r = p.rank([1, None, 0, None, None, None])
    >>> r.order
    (1, 4, 5, 3)
    >>> r.trained
    True
    """

    def __init__(
        self,
        texts: Sequence[str],
        *,
        model: str | ModelSpec = "svm",
        seed: int = 0,
        embeddings: np.ndarray | None = None,
        criteria: str | None = None,
        criteria_embedding: np.ndarray | None = None,
    ) -> None:
        if isinstance(model, ModelSpec):
            self.spec = model
        elif model in MODELS:
            self.spec = MODELS[model]
        else:
            raise InputError(f"invalid model {model!r}; must be one of {sorted(MODELS)}")
        if len(texts) == 0:
            raise InputError("there are no records to rank")
        self.model = self.spec.name
        self.seed = seed
        self.vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.95)
        try:
            matrix = self.vectoriser.fit_transform([t or "" for t in texts])
        except ValueError:  # every text empty: no vocabulary
            matrix = sparse.csr_matrix((len(texts), 1))
        self.matrix: sparse.csr_matrix = sparse.csr_matrix(matrix)
        self.embeddings: np.ndarray | None = None
        if self.spec.needs_embeddings:
            if embeddings is None:
                raise InputError(
                    f"model {model!r} needs the records' sentence embeddings; "
                    "compute them first (sysreview.project.embeddings.fill_embeddings)"
                )
            emb = np.asarray(embeddings, dtype=np.float32)
            if emb.ndim != 2 or emb.shape[0] != len(texts):
                raise InputError(
                    f"embeddings has shape {emb.shape}; expected ({len(texts)}, dimensions)"
                )
            self.embeddings = emb
        self._coef: np.ndarray | None = None
        self._criteria: sparse.csr_matrix | None = None
        self._criteria_e: np.ndarray | None = None
        if criteria:
            self._criteria = sparse.csr_matrix(self.vectoriser.transform([criteria]))
            if self.embeddings is not None:
                if criteria_embedding is None:
                    raise InputError("criteria_embedding is needed with an embedding model")
                self._criteria_e = np.asarray(criteria_embedding, dtype=np.float32).reshape(1, -1)

    def _criteria_for(self, spec: ModelSpec) -> sparse.csr_matrix:
        assert self._criteria is not None
        blocks = [self._criteria] if spec.use_tfidf else []
        if spec.needs_embeddings and self._criteria_e is not None:
            blocks.append(sparse.csr_matrix(spec.embedding_weight * self._criteria_e))
        return sparse.csr_matrix(sparse.hstack(blocks, format="csr"))

    @property
    def n_records(self) -> int:
        """Number of records."""
        return int(self.matrix.shape[0])

    def scores(self, labels: Sequence[Label]) -> np.ndarray | None:
        """Fit on the screened records; return a score for every record (None if untrainable)."""
        y_all = _check_labels(labels, self.n_records)
        return self._scores(y_all)

    def _train_matrix(self, spec: ModelSpec, rows: np.ndarray) -> sparse.csr_matrix:
        blocks = [self.matrix[rows]] if spec.use_tfidf else []
        if spec.needs_embeddings and self.embeddings is not None:
            blocks.append(sparse.csr_matrix(spec.embedding_weight * self.embeddings[rows]))
        return sparse.csr_matrix(sparse.hstack(blocks, format="csr"))

    def _scores(self, y_all: np.ndarray) -> np.ndarray | None:
        train = np.flatnonzero(y_all >= 0)
        y = y_all[train]
        if not (np.any(y == 1) and np.any(y == 0)):
            return None
        if not self.spec.members:
            self._coef = None
            return self._fit_scores(self.spec, train, y)
        from scipy.stats import rankdata

        self._coef = None
        weights = self.spec.member_weights or (1.0,) * len(self.spec.members)
        fused = np.zeros(self.n_records)
        for member, weight in zip(self.spec.members, weights, strict=True):
            fused += weight * rankdata(self._fit_scores(member, train, y)) / self.n_records
        return fused / sum(weights)

    def _fit_scores(self, spec: ModelSpec, train: np.ndarray, y: np.ndarray) -> np.ndarray:
        clf = spec.make(self.seed)
        x = self._train_matrix(spec, train)
        if self._criteria is not None:  # the eligibility criteria as one relevant example
            x = sparse.csr_matrix(sparse.vstack([x, self._criteria_for(spec)], format="csr"))
            y = np.append(y, 1)
        clf.fit(x, y, sample_weight=balanced_weights(y, spec.ratio))
        if hasattr(clf, "coef_") and hasattr(clf, "decision_function"):
            coef = np.asarray(clf.coef_, dtype=float).ravel()
            out = np.full(self.n_records, float(np.ravel(clf.intercept_)[0]))
            p = 0
            if spec.use_tfidf:
                p = self.matrix.shape[1]
                if self._coef is None or not self.spec.members:
                    self._coef = coef[:p]  # the first TF-IDF model explains the ranking
                out += self.matrix @ coef[:p]
            if spec.needs_embeddings and self.embeddings is not None:
                out += spec.embedding_weight * (self.embeddings @ coef[p:])
            return np.asarray(out, dtype=float)
        if spec.use_tfidf and not spec.needs_embeddings:
            x_all = self.matrix  # no copy of the whole matrix
        else:
            x_all = self._train_matrix(spec, np.arange(self.n_records))
        log_p = clf.predict_log_proba(x_all)
        return np.asarray(log_p[:, 1] - log_p[:, 0], dtype=float)

    @cached_property
    def _feature_names(self) -> np.ndarray:
        """The vocabulary in column order (made once: a large vocabulary takes a while)."""
        names: np.ndarray = self.vectoriser.get_feature_names_out()
        return names

    def top_terms(self, index: int, k: int = 8) -> tuple[tuple[str, float], ...]:
        """Why record ``index`` ranks where it does: its terms that raise its score most.

        Uses the classifier of the last :meth:`rank` (or :meth:`scores`): the contribution
        of term ``j`` to the record's score is ``beta_j * x_j``, the model weight times the
        term's TF-IDF value in the record. Returns up to ``k`` ``(term, contribution)``
        pairs with positive contribution, largest first; empty before a model is trained
        or for a model without term weights (naive Bayes).

        Examples
        --------
        >>> p = Prioritiser(["statin trial", "bird migration", "statin lipids", "geese"])
        >>> _ = p.rank([1, 0, None, None])
        >>> [term for term, _ in p.top_terms(2)]
        ['statin']
        """
        coef = self._coef  # read once: a refit (another thread) may replace it meanwhile
        if coef is None:
            return ()
        row = self.matrix.getrow(index)
        contrib = row.data * coef[row.indices]
        keep = np.argsort(-contrib, kind="stable")[:k]
        names = self._feature_names
        return tuple(
            (str(names[row.indices[j]]), float(contrib[j])) for j in keep if contrib[j] > 0
        )

    def rank(self, labels: Sequence[Label], *, history: Sequence[int] | None = None) -> Ranking:
        """Rank the unscreened records.

        Parameters
        ----------
        labels
            One entry per record: 1 relevant, 0 irrelevant, None unscreened.
        history
            Optional: indices of the screened records in the order they were screened;
            when given, the ranking carries a :class:`~sysreview.screening.stopping.
            StoppingEstimate` (default criteria).

        Returns
        -------
        Ranking
            Ties in score are broken by input order.
        """
        y_all = _check_labels(labels, self.n_records)
        pool = np.flatnonzero(y_all < 0)
        scores = self._scores(y_all)
        if scores is None:
            order, pool_scores = pool, np.zeros(len(pool))
        else:
            pool_scores = scores[pool]
            idx = np.argsort(-pool_scores, kind="stable")
            order, pool_scores = pool[idx], pool_scores[idx]
        stopping = None
        if history is not None:
            from sysreview.screening.stopping import estimate_stopping

            screened = [int(y_all[i]) for i in history]
            if any(v < 0 for v in screened):
                raise InputError("history names a record that has no label")
            stopping = estimate_stopping(screened, self.n_records)
        return Ranking(
            order=tuple(int(i) for i in order),
            scores=tuple(float(s) for s in pool_scores),
            model=self.model,
            trained=scores is not None,
            n_records=self.n_records,
            n_relevant=int(np.sum(y_all == 1)),
            n_irrelevant=int(np.sum(y_all == 0)),
            stopping=stopping,
        )


def rank(
    texts: Sequence[str],
    labels: Sequence[Label],
    *,
    model: str = "svm",
    seed: int = 0,
    embeddings: np.ndarray | None = None,
) -> Ranking:
    """Rank unscreened records once (builds a :class:`Prioritiser`; reuse it instead).

    Examples
    --------
    >>> rank(["a b", "c d", "a e"], [1, 0, None]).order
    (2,)
    """
    return Prioritiser(texts, model=model, seed=seed, embeddings=embeddings).rank(labels)
