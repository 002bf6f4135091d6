"""Concurrent reviewers over real HTTP: no decision lost, none stored twice.

A small version of ``benchmarks/bench_web.py``: 4 clients post 50 decisions each at
the same time to a uvicorn server on 127.0.0.1, on SQLite and on PostgreSQL; every
answer's event id must be stored once, with its own note, and nothing else.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import select

from sysreview.project.storage import DecisionEvent, Reviewer, open_store
from sysreview.web import WebSettings, create_app
from tests.unit.web.conftest import (
    N_RECORDS,
    PASSWORDS,
    SECRET,
    make_project,
    start_server,
    stop_server,
)

CLIENTS = ("R1", "R2", "R1", "R2")
PER_CLIENT = 50


def _client_run(base: str, number: int, name: str) -> list[tuple[int, str]]:
    saved = []
    with httpx.Client(base_url=base, timeout=30) as client:
        answer = client.post("/api/login", json={"name": name, "password": PASSWORDS[name]})
        token = answer.json()["csrf_token"]
        for i in range(PER_CLIENT):
            note = f"client {number} decision {i}"
            body = {
                "stage": "ta",
                "record_id": 1 + (number + i) % N_RECORDS,
                "decision": ("include", "exclude", "maybe")[i % 3],
                "note": note,
            }
            answer = client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
            assert answer.status_code == 201, answer.text
            saved.append((answer.json()["event_id"], note))
    return saved


def test_concurrent_decisions_are_all_stored_once(tmp_path: Path, store_url: str) -> None:
    project = make_project(tmp_path / "review", store_url)
    application = create_app(project, store_url, settings=WebSettings(secret_key=SECRET))
    live = start_server(application)
    try:
        with ThreadPoolExecutor(len(CLIENTS)) as pool:
            runs = pool.map(_client_run, [live.url] * len(CLIENTS), range(len(CLIENTS)), CLIENTS)
            answered = [pair for run in runs for pair in run]
    finally:
        stop_server(live)
    with open_store(store_url) as store, store.session(readonly=True) as session:
        query = select(DecisionEvent.id, DecisionEvent.note, Reviewer.name).join(Reviewer)
        stored = [(i, note) for i, note, _ in session.execute(query)]
        by_note = {note: who for _, note, who in session.execute(query)}
    assert len(answered) == len(CLIENTS) * PER_CLIENT
    assert sorted(stored) == sorted(answered)  # none lost, none extra
    assert len({i for i, _ in stored}) == len({n for _, n in stored}) == len(stored)
    assert by_note["client 1 decision 7"] == "R2" and by_note["client 2 decision 0"] == "R1"
