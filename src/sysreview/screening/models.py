"""The prioritisation models: their registry, the text each reads, their methods sentence.

A :class:`ModelSpec` is a classifier with its class-balance ratio and the features it
reads (TF-IDF of the text, an embedding block, or both; or an ensemble of members fused
by rank). :data:`MODELS` is the registry that :class:`~sysreview.screening.prioritise.
Prioritiser`, ``sysreview simulate`` and the project's queue share; see
:mod:`sysreview.screening.prioritise` for what each model is and why ``svm-t2`` is the
project's default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC

from sysreview.errors import InputError

__all__ = ["MODELS", "ModelSpec", "methods_text", "model_text", "record_text"]


@dataclass(frozen=True)
class ModelSpec:
    """A classifier for prioritisation and its class-balance ratio.

    Attributes
    ----------
    name
        Registry key.
    description
        One line for summaries.
    make
        ``make(seed)`` returns an unfitted scikit-learn classifier with ``fit(X, y,
        sample_weight=...)``.
    ratio
        Balance ratio ``r``; see :func:`sysreview.screening.prioritise.balanced_weights`.
    embedding_weight
        Weight of the sentence-embedding block appended to the TF-IDF features (0: TF-IDF
        only). Models with a weight need stored embeddings (:mod:`.embeddings`).
    use_tfidf
        False for a model that reads the embedding block alone.
    title_weight
        How many times the title enters the text (:func:`record_text`); callers build
        the texts with it (:func:`model_text`).
    members, member_weights
        An ensemble: the member models are fitted apart and a record's score is the
        (weighted; default equal) mean of its rank percentiles under each (rank fusion;
        ``make`` and ``ratio`` unused).
    """

    name: str
    description: str
    make: Callable[[int], Any]
    ratio: float
    embedding_weight: float = 0.0
    use_tfidf: bool = True
    members: tuple[ModelSpec, ...] = ()
    member_weights: tuple[float, ...] = ()
    title_weight: int = 1

    @property
    def needs_embeddings(self) -> bool:
        """True when the model (or a member) reads sentence embeddings."""
        return self.embedding_weight > 0 or any(m.needs_embeddings for m in self.members)


def _svm(seed: int) -> LinearSVC:
    return LinearSVC(C=0.11, loss="squared_hinge", random_state=seed)


_SVM = ModelSpec(
    "svm",
    "TF-IDF (1-2 grams) + linear SVM (C=0.11), balanced weights (ratio 9.8)",
    _svm,
    9.8,
)
_NB = ModelSpec(
    "nb",
    "TF-IDF (1-2 grams) + multinomial naive Bayes (alpha=3.822), balanced (ratio 1.2)",
    lambda seed: MultinomialNB(alpha=3.822),
    1.2,
)
_MINILM = ModelSpec(
    "minilm",
    "all-MiniLM-L6-v2 embeddings + linear SVM (C=1), balanced weights (ratio 9.8)",
    lambda seed: LinearSVC(C=1.0, loss="squared_hinge", random_state=seed),
    9.8,
    embedding_weight=1.0,
    use_tfidf=False,
)

MODELS: dict[str, ModelSpec] = {
    "svm": _SVM,
    "nb": _NB,
    "logistic": ModelSpec(
        "logistic",
        "TF-IDF (1-2 grams) + logistic regression (C=10), balanced weights (ratio 1)",
        lambda seed: LogisticRegression(C=10.0, solver="liblinear", random_state=seed),
        1.0,
    ),
    "svm-minilm": ModelSpec(
        "svm-minilm",
        "TF-IDF (1-2 grams) and all-MiniLM-L6-v2 embeddings (weight 1) + linear SVM "
        "(C=0.11), balanced weights (ratio 9.8)",
        _svm,
        9.8,
        embedding_weight=1.0,
    ),
    "svm-t2": ModelSpec(
        "svm-t2",
        "TF-IDF (1-2 grams) of the title counted twice and the abstract + linear SVM "
        "(C=0.11), balanced weights (ratio 9.8)",
        _svm,
        9.8,
        title_weight=2,
    ),
    "svm+nb": ModelSpec(
        "svm+nb",
        "rank fusion of svm and nb (mean rank percentile)",
        _svm,
        9.8,
        members=(_SVM, _NB),
    ),
    "svm+minilm": ModelSpec(
        "svm+minilm",
        "rank fusion of svm and an SVM on all-MiniLM-L6-v2 embeddings (C=1)",
        _svm,
        9.8,
        members=(_SVM, _MINILM),
    ),
}


def model_text(model: str | ModelSpec, title: str | None, abstract: str | None) -> str:
    """The text ``model`` reads for a record: :func:`record_text` with its title weight.

    Examples
    --------
    >>> model_text("svm-t2", "Aspirin", "A trial.")
    'Aspirin Aspirin A trial.'
    """
    spec = model if isinstance(model, ModelSpec) else MODELS[model]
    return record_text(title, abstract, spec.title_weight)


def methods_text(model: str) -> str:
    """The methods-section sentence that names the prioritisation model and its settings.

    Examples
    --------
    >>> print(methods_text("svm"))
    Title/abstract records were screened in an order set by active learning (sysreview): after each decision a classifier was refitted on the screened records and the rest ranked by predicted relevance (TF-IDF (1-2 grams) + linear SVM (C=0.11), balanced weights (ratio 9.8); ASReview LAB's default model ELAS u4). The ranking only ordered the records; none was excluded by it.
    """  # noqa: E501
    if model not in MODELS:
        raise InputError(f"invalid model {model!r}; must be one of {sorted(MODELS)}")
    extra = "; ASReview LAB's default model ELAS u4" if model == "svm" else ""
    return (
        "Title/abstract records were screened in an order set by active learning (sysreview): "
        "after each decision a classifier was refitted on the screened records and the rest "
        f"ranked by predicted relevance ({MODELS[model].description}{extra}). The ranking only "
        "ordered the records; none was excluded by it."
    )


def record_text(title: str | None, abstract: str | None, title_weight: int = 1) -> str:
    """Join title and abstract into the text the model reads.

    ``title_weight`` repeats the title (2: its terms count twice in the TF-IDF).

    Examples
    --------
    >>> record_text("Aspirin for pain", None)
    'Aspirin for pain'
    >>> record_text("Aspirin", "A trial.")
    'Aspirin A trial.'
    >>> record_text("Aspirin", "A trial.", title_weight=2)
    'Aspirin Aspirin A trial.'
    """
    titles = [title] * title_weight if title else []
    return " ".join(part for part in (*titles, abstract) if part)
