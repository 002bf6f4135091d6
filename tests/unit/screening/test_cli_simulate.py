"""``sysreview simulate``: one row per record, ``position,record_id,label``."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from sysreview.cli import app


def test_simulate_writes_the_screening_order(tmp_path: Path) -> None:
    rows = ["record_id,title,abstract,label_included"]
    for i in range(40):
        relevant = i % 8 == 0
        topic = (
            "peer support group recovery trial" if relevant else f"unrelated cardiology topic {i}"
        )
        rows.append(f"{100 + i},{topic} {i},{topic} abstract words,{int(relevant)}")
    data = tmp_path / "labelled.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "order.csv"
    args = ["simulate", str(data), "--label-column", "label_included", "--output", str(out)]
    result = CliRunner().invoke(app, [*args, "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "WSS@95" in result.stdout
    with out.open(newline="") as handle:
        order = list(csv.reader(handle))
    assert order[0] == ["position", "record_id", "label"]
    assert [int(r[0]) for r in order[1:]] == list(range(1, 41))
    assert sorted(int(r[1]) for r in order[1:]) == list(range(100, 140))
    again = tmp_path / "again.csv"
    CliRunner().invoke(app, [*args[:-1], str(again), "--seed", "3"])
    assert again.read_text() == out.read_text()  # deterministic with the seed


def test_simulate_names_a_missing_label_column(tmp_path: Path) -> None:
    data = tmp_path / "x.csv"
    data.write_text("title,abstract\na,b\nc,d\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            str(data),
            "--label-column",
            "label_included",
            "--output",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 2 and "label_included" in result.stderr


def test_simulate_with_the_embedding_model(tmp_path: Path) -> None:
    import pytest

    from sysreview.screening.embeddings import embedding_available

    if not embedding_available():
        pytest.skip("the embeddings extra is not installed")
    rows = ["record_id,title,abstract,label_included"]
    for i in range(30):
        relevant = i % 6 == 0
        topic = "peer support groups in psychosis" if relevant else f"knee surgery outcome {i}"
        rows.append(f"{i},{topic},{topic} in a trial,{int(relevant)}")
    data = tmp_path / "labelled.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "order.csv"
    args = ["simulate", str(data), "--label-column", "label_included", "--output", str(out)]
    result = CliRunner().invoke(app, [*args, "--model", "svm-minilm"])
    assert result.exit_code == 0, result.output
    assert "model svm-minilm" in result.stdout


def test_simulate_rejects_an_unknown_model(tmp_path: Path) -> None:
    data = tmp_path / "x.csv"
    data.write_text("title,label\na,1\nb,0\n", encoding="utf-8")
    args = ["simulate", str(data), "--label-column", "label", "--output", str(tmp_path / "o")]
    result = CliRunner().invoke(app, [*args, "--model", "forest"])
    assert result.exit_code == 2
    assert "invalid model 'forest'" in result.output
