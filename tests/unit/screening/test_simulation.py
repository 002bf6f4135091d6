"""Simulation: every record once, priors from the seed, metrics on hand-computed orders."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.screening.simulation import metrics, simulate, simulate_file
from tests.unit.screening.test_prioritise import corpus


@pytest.mark.parametrize("batch_size", [1, 3])
def test_visits_every_record_once(batch_size: int) -> None:
    texts, labels = corpus()
    res = simulate(texts, labels, seed=1, batch_size=batch_size)
    assert sorted(res.order) == list(range(len(texts)))
    assert list(res.labels) == [labels[i] for i in res.order]
    assert res.labels[:2] == (1, 0) and res.n_prior == 2


def test_separable_corpus_is_found_first() -> None:
    texts, labels = corpus()
    res = simulate(texts, labels, seed=0)
    # The prior irrelevant record is screened second; all relevant ones come next.
    assert res.metrics().records_to_last == sum(labels) + 1


def test_deterministic_with_seed() -> None:
    texts, labels = corpus()
    assert simulate(texts, labels, seed=5) == simulate(texts, labels, seed=5)
    priors = {simulate(texts, labels, seed=s).order[:2] for s in range(6)}
    assert len(priors) > 1  # the seed does choose the prior


def test_explicit_prior() -> None:
    texts, labels = corpus()
    res = simulate(texts, labels, prior=[4, 0], seed=0)
    assert res.order[:2] == (4, 0)
    with pytest.raises(InputError, match="relevant and an irrelevant"):
        simulate(texts, labels, prior=[0, 1])
    with pytest.raises(InputError, match="invalid prior"):
        simulate(texts, labels, prior="random")


def test_invalid_labels() -> None:
    texts, _ = corpus(1)
    with pytest.raises(InputError, match="0 or 1"):
        simulate(texts, [None] * len(texts))  # type: ignore[list-item]
    with pytest.raises(InputError, match="at least one relevant"):
        simulate(texts, [0] * len(texts))


def test_metrics_by_hand() -> None:
    # 20 records, 4 relevant at positions 2, 3, 7, 15. 95% recall needs ceil(3.8) = 4
    # relevant: n_95 = 15, WSS@95 = 5/20 - 0.05 = 0.20. First 10% = 2 records: 1 found;
    # first 20% = 4 records: 2 found.
    y = [0] * 20
    for pos in (2, 3, 7, 15):
        y[pos - 1] = 1
    m = metrics(y)
    assert m.wss95 == pytest.approx(0.20)
    assert (m.recall_10, m.recall_20, m.records_to_last) == (0.25, 0.5, 15)


def test_metrics_wss_with_many_relevant() -> None:
    # 100 records, 40 relevant in the first 40 positions: 95% recall needs 38, so
    # n_95 = 38 and WSS@95 = 62/100 - 0.05 = 0.57; recall@10% = 10/40, @20% = 20/40.
    m = metrics([1] * 40 + [0] * 60)
    assert m.wss95 == pytest.approx(0.57)
    assert (m.recall_10, m.recall_20, m.records_to_last) == (0.25, 0.5, 40)


def test_metrics_invalid() -> None:
    with pytest.raises(InputError, match="no relevant"):
        metrics([0, 0])
    with pytest.raises(InputError, match="0/1"):
        metrics([])


def test_result_frame_and_csv_rows() -> None:
    texts, labels = corpus(1)
    res = simulate(texts, labels, seed=2, record_ids=[f"r{i}" for i in range(len(texts))])
    frame = res.to_frame()
    assert list(frame.columns) == ["position", "index", "record_id", "label", "prior"]
    assert frame["prior"].sum() == 2
    rows = res.to_csv_rows()
    assert rows[0] == ("position", "record_id", "label")
    assert rows[1] == (1, f"r{res.order[0]}", 1)
    assert len(rows) == len(texts) + 1
    assert "WSS@95" in res.summary()


def test_simulate_file(tmp_path: Path) -> None:
    texts, labels = corpus(2)
    path = tmp_path / "labelled.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["record_id", "title", "abstract", "label_included"])
        for i, (t, lab) in enumerate(zip(texts, labels, strict=True)):
            w.writerow([f"id{i}", t, "", lab])
    res = simulate_file(path, "label_included", seed=0)
    assert sorted(res.record_ids) == sorted(f"id{i}" for i in range(len(texts)))
    assert all(
        labels[int(rid[2:])] == lab for rid, lab in zip(res.record_ids, res.labels, strict=True)
    )
    with pytest.raises(InputError, match="no label column 'included'"):
        simulate_file(path, "included", seed=0)
