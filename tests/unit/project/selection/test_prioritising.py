"""Stored embeddings, the screening history, and the cached prioritiser (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection import prioritising
from sysreview.project.selection.decisions import record_decision
from sysreview.project.selection.prioritising import (
    after_import,
    fill_embeddings,
    load_embeddings,
    prioritiser_for,
    records_lacking_embeddings,
    screening_history,
)
from sysreview.project.storage import Store, open_store
from sysreview.protocol import Protocol
from sysreview.screening.embeddings import embedding_available
from sysreview.screening.prioritise import record_text

TITLES = [
    "Peer support groups for psychosis recovery",
    "Statins after myocardial infarction",
    "Knee arthroplasty outcomes in older adults",
    "Group peer support and recovery in psychosis services",
    "Dental caries in children",
]


def fake_encoder(texts: Sequence[str]) -> np.ndarray:
    """Deterministic unit vectors from word counts, standing in for the model."""
    words = ["peer", "support", "psychosis", "statins", "knee", "dental"]
    rows = np.array([[t.lower().count(w) for w in words] + [1] for t in texts], dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def setup(tmp_path: Path, store_url: str) -> Iterator[tuple[Path, Store, Protocol]]:
    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    toml = project / "review.toml"  # R1 screens alone: each decision settles its record
    toml.write_text(toml.read_text("utf-8").replace("dual_fraction = 0.10", "dual_fraction = 0.0"))
    text = "".join(f"TY  - JOUR\nTI  - {t}\nAB  - {t}.\nER  -\n" for t in TITLES)
    (project / "t.ris").write_text(text, encoding="utf-8")
    import_files(project, [project / "t.ris"], source="MEDLINE", db_url=store_url)
    store = open_store(store_url)
    yield project, store, load_project(project, store_url).protocol
    store.close()


def test_fill_once_and_load_in_order(setup: tuple[Path, Store, Protocol]) -> None:
    _, store, _ = setup
    assert records_lacking_embeddings(store) == [1, 2, 3, 4, 5]
    assert load_embeddings(store, [1, 2]) is None
    assert fill_embeddings(store, encoder=fake_encoder, batch=2) == 5
    assert fill_embeddings(store, encoder=fake_encoder) == 0  # nothing left to do
    got = load_embeddings(store, [3, 1])
    assert got is not None and got.dtype == np.float32
    expected = fake_encoder([f"{TITLES[2]} {TITLES[2]}.", f"{TITLES[0]} {TITLES[0]}."])
    np.testing.assert_array_equal(got, expected)


def test_hook_without_the_model_does_nothing(
    setup: tuple[Path, Store, Protocol], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, store, _ = setup
    monkeypatch.setattr(prioritising, "embedding_available", lambda: False)
    assert after_import(store, model="svm+minilm") == 0
    assert records_lacking_embeddings(store) == [1, 2, 3, 4, 5]


def test_hook_embeds_only_for_a_model_that_reads_embeddings(
    setup: tuple[Path, Store, Protocol], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, store, _ = setup
    monkeypatch.setattr(prioritising, "embedding_available", lambda: True)
    monkeypatch.setattr(prioritising, "encode", fake_encoder)
    assert after_import(store, model="svm") == 0
    assert after_import(store, model="svm+minilm") == 5
    assert records_lacking_embeddings(store) == []


def test_history_labels_and_order(setup: tuple[Path, Store, Protocol]) -> None:
    _, store, protocol = setup
    for record, decision in ((3, "exclude"), (1, "include"), (5, "maybe")):
        record_decision(store, protocol, stage="ta", record_id=record, reviewer="R1",
                        decision=decision)  # fmt: skip
    record_decision(store, protocol, stage="ta", record_id=3, reviewer="R1", decision="include")
    h = screening_history(store, protocol, "ta")
    assert h.units == (1, 2, 3, 4, 5)
    assert h.labels == (1, None, 1, None, 1)
    # decision order by each record's latest event: 1, 5, then 3 (changed last)
    assert [h.units[k] for k in h.history] == [1, 5, 3]
    assert h.screened == [1, 1, 1]


def test_prioritiser_uses_embeddings_when_complete_and_is_kept(
    setup: tuple[Path, Store, Protocol], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, store, _ = setup
    monkeypatch.setattr(prioritising, "DEFAULT_MODEL", "svm+minilm")
    monkeypatch.setattr(prioritising, "FALLBACK_MODEL", "svm")
    units = [1, 2, 3, 4, 5]
    texts = [f"{t} {t}." for t in TITLES]
    first = prioritiser_for(store, units)  # texts read from the store
    assert first.model == "svm"
    fill_embeddings(store, encoder=fake_encoder)
    second = prioritiser_for(store, units, texts)  # the same texts, given
    assert second.model == "svm+minilm" and second is not first
    assert prioritiser_for(store, units) is second  # kept, not rebuilt
    np.testing.assert_array_equal(second.matrix.toarray(), first.matrix.toarray())
    ranking = second.rank([1, 0, None, None, None])
    assert ranking.order[0] == 3  # record 4, the other psychosis peer-support trial


@pytest.mark.skipif(not embedding_available(), reason="the embeddings extra is not installed")
def test_the_packaged_model_embeds_offline() -> None:
    from sysreview.screening.embeddings import DIMENSIONS, encode

    e = encode(["heart attack", "myocardial infarction", "dental caries in children"])
    assert e.shape == (3, DIMENSIONS) and e.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, rtol=1e-5)
    assert e[0] @ e[1] > e[0] @ e[2]


def test_the_default_model_reads_the_title_twice(setup: tuple[Path, Store, Protocol]) -> None:
    _, store, _ = setup
    p = prioritiser_for(store, [1, 2, 3, 4, 5])
    assert p.model == prioritising.DEFAULT_MODEL == "svm-t2"
    title, abstract = TITLES[4], f"{TITLES[4]}."
    built = p.matrix[4].toarray()
    twice = p.vectoriser.transform([record_text(title, abstract, 2)]).toarray()
    once = p.vectoriser.transform([record_text(title, abstract)]).toarray()
    np.testing.assert_allclose(built, twice, rtol=1e-12)
    assert not np.allclose(built, once)
