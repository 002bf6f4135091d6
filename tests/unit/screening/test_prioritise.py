"""Prioritisation: the ranking is a deterministic permutation of the unscreened records."""

from __future__ import annotations

import numpy as np
import pytest

from sysreview.errors import InputError
from sysreview.screening.prioritise import (
    MODELS,
    Prioritiser,
    balanced_weights,
    rank,
    record_text,
)

RELEVANT = ["statin trial cholesterol", "statin randomised lipids", "statin placebo trial lipids"]
IRRELEVANT = [
    "bird migration routes",
    "geese flight patterns",
    "migration of swans",
    "owl hunting at night",
    "sparrow nest building",
]


def corpus(n_copies: int = 4) -> tuple[list[str], list[int]]:
    """A small synthetic corpus: words that separate the classes, with numbered variants."""
    texts, labels = [], []
    for k in range(n_copies):
        texts += [f"{t} study{k}" for t in RELEVANT]
        labels += [1] * len(RELEVANT)
        texts += [f"{t} report{k}" for t in IRRELEVANT]
        labels += [0] * len(IRRELEVANT)
    return texts, labels


def fake_embeddings(texts: list[str]) -> np.ndarray:
    """Unit vectors that carry the topic, standing in for sentence embeddings."""
    rows = [[("statin" in t) * 1.0, ("statin" not in t) * 1.0, 0.5] for t in texts]
    e = np.array(rows, dtype=np.float32)
    return e / np.linalg.norm(e, axis=1, keepdims=True)


def embeddings_for(model: str, texts: list[str]) -> np.ndarray | None:
    return fake_embeddings(texts) if MODELS[model].needs_embeddings else None


@pytest.mark.parametrize("model", sorted(MODELS))
def test_ranking_is_permutation_of_unscreened(model: str) -> None:
    texts, truth = corpus()
    labels: list[int | None] = [None] * len(texts)
    for i in (0, 3, 4, 8):
        labels[i] = truth[i]
    r = Prioritiser(texts, model=model, embeddings=embeddings_for(model, texts)).rank(labels)
    unscreened = [i for i, v in enumerate(labels) if v is None]
    assert sorted(r.order) == unscreened
    assert len(r.scores) == len(r.order)
    assert list(r.scores) == sorted(r.scores, reverse=True)
    assert r.trained and r.model == model
    assert (r.n_relevant, r.n_irrelevant, r.n_records) == (2, 2, len(texts))


@pytest.mark.parametrize("model", sorted(MODELS))
def test_relevant_records_ranked_first(model: str) -> None:
    texts, truth = corpus()
    labels: list[int | None] = [None] * len(texts)
    labels[0], labels[3] = 1, 0
    r = rank(texts, labels, model=model, embeddings=embeddings_for(model, texts))
    n_rel_left = sum(truth) - 1
    assert all(truth[i] == 1 for i in r.order[:n_rel_left])


def test_deterministic_with_seed() -> None:
    texts, _ = corpus()
    labels: list[int | None] = [None] * len(texts)
    labels[0], labels[3], labels[8] = 1, 0, 1
    a = Prioritiser(texts, seed=7).rank(labels)
    b = Prioritiser(texts, seed=7).rank(labels)
    assert a == b


def test_untrained_keeps_input_order() -> None:
    texts, _ = corpus(1)
    r = rank(texts, [0, None, None, 0, None, None, None, None])
    assert not r.trained
    assert r.order == (1, 2, 4, 5, 6, 7)
    assert "Not trained" in r.summary()


def test_all_screened_gives_empty_ranking() -> None:
    texts, truth = corpus(1)
    r = rank(texts, list(truth))
    assert r.order == () and r.to_frame().empty


def test_frame_and_summary() -> None:
    texts, _ = corpus(1)
    r = rank(texts, [1, None, None, 0, None, None, None, None])
    frame = r.to_frame()
    assert list(frame.columns) == ["rank", "index", "score"]
    assert frame["rank"].tolist() == list(range(1, 7))
    assert "excludes none" in r.summary()


def test_history_adds_stopping_aid() -> None:
    texts, _ = corpus(1)
    labels: list[int | None] = [1, None, None, 0, 0, None, None, None]
    r = Prioritiser(texts).rank(labels, history=[0, 3, 4])
    assert r.stopping is not None
    assert r.stopping.n_screened == 3 and r.stopping.records_left == 5
    assert "Stopping aid" in r.summary()
    with pytest.raises(InputError, match="no label"):
        Prioritiser(texts).rank(labels, history=[0, 1])


def test_invalid_input() -> None:
    texts, _ = corpus(1)
    with pytest.raises(InputError, match="must be one of"):
        Prioritiser(texts, model="forest")
    with pytest.raises(InputError, match="entries"):
        rank(texts, [1, 0])
    with pytest.raises(InputError, match="invalid label 2"):
        rank(texts, [1, 0, 2, None, None, None, None, None])
    with pytest.raises(InputError, match="no records"):
        Prioritiser([])


def test_empty_texts_do_not_crash() -> None:
    r = rank(["", "", ""], [1, 0, None])
    assert r.order == (2,)


def test_balanced_weights_by_hand() -> None:
    # n1 = 1, n0 = 3, ratio 9.8: raw weights 1 and 1/(9.8*3); scaled to sum to 4.
    w = balanced_weights(np.array([1, 0, 0, 0]), 9.8)
    raw = np.array([1.0, 1 / 29.4, 1 / 29.4, 1 / 29.4])
    np.testing.assert_allclose(w, raw * 4 / raw.sum(), rtol=1e-12)
    assert w.sum() == pytest.approx(4.0)


def test_record_text() -> None:
    assert record_text(None, None) == ""
    assert record_text("T", "") == "T"


def test_embedding_block_scores_equal_the_stacked_model() -> None:
    # The blocks are scored apart (tfidf . b_t + w e . b_e + c); that must equal scikit-
    # learn's decision function on the stacked features [tfidf, w e].
    from scipy import sparse

    texts, truth = corpus()
    emb = fake_embeddings(texts)
    labels: list[int | None] = [None] * len(texts)
    for i in (0, 3, 4, 8, 9):
        labels[i] = truth[i]
    p = Prioritiser(texts, model="svm-minilm", embeddings=emb)
    got = p.scores(labels)
    spec = MODELS["svm-minilm"]
    train = [i for i, v in enumerate(labels) if v is not None]
    y = np.array([labels[i] for i in train])
    x = sparse.hstack([p.matrix, sparse.csr_matrix(spec.embedding_weight * emb)]).tocsr()
    clf = spec.make(0).fit(x[train], y, sample_weight=balanced_weights(y, spec.ratio))
    assert got is not None
    np.testing.assert_allclose(got, clf.decision_function(x), rtol=1e-10, atol=1e-12)


def test_embeddings_required_and_checked() -> None:
    texts, _ = corpus(1)
    with pytest.raises(InputError, match="needs the records' sentence embeddings"):
        Prioritiser(texts, model="svm-minilm")
    with pytest.raises(InputError, match="shape"):
        Prioritiser(texts, model="svm-minilm", embeddings=np.zeros((3, 4)))


def test_top_terms_explain_the_score() -> None:
    texts, _ = corpus()
    labels: list[int | None] = [None] * len(texts)
    labels[0], labels[3] = 1, 0
    p = Prioritiser(texts)
    assert p.top_terms(1) == ()  # nothing trained yet
    r = p.rank(labels)
    top = p.top_terms(r.order[0], k=3)
    assert top and all(weight > 0 for _, weight in top)
    assert [w for _, w in top] == sorted((w for _, w in top), reverse=True)
    # the terms come from the one relevant record the model has seen, and are in the record
    assert all(term in texts[0] and term in texts[r.order[0]] for term, _ in top)
    vocab = p.vectoriser.vocabulary_
    assert p._coef is not None
    for term, weight in top:  # contribution = coefficient x the record's tf-idf value
        j = vocab[term]
        assert weight == pytest.approx(p._coef[j] * p.matrix[r.order[0], j], rel=1e-12)
