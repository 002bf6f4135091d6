"""The app's life: what it sets up when the server starts and undoes when it stops."""

from __future__ import annotations

import gc

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_the_server_freezes_what_it_loaded_and_thaws_when_it_stops(app: FastAPI) -> None:
    """Full garbage collections must not rescan the libraries and protocol on every pass."""
    assert gc.get_freeze_count() == 0
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 10_000
        assert client.get("/login").status_code == 200
    assert gc.get_freeze_count() == 0


def test_decisions_queued_at_shutdown_are_committed(app: FastAPI) -> None:
    ws = app.state.project
    with TestClient(app):
        futures = [
            ws.screening.submit(stage="ta", record_id=r, reviewer="R1", decision="include")
            for r in (1, 2, 3)
        ]
    assert all(f.done() and f.exception() is None for f in futures)
    assert [c.record_id for c in ws.screening.conflicts("ta")] == []
    seen = ws.screening.seen_decisions(stage="ta", record_id=2, reviewer="R1")
    assert [(s.reviewer, s.decision) for s in seen] == [("R1", "include")]
