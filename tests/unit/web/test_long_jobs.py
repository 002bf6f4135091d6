"""A long command-line job (dedup, import) never makes the web app's decisions fail.

The server runs (uvicorn, real HTTP) while a de-duplication or an import of the same
project runs beside it. At the job's slow part (the duplicate search; making a file's
rows) the test posts decisions and waits for their answers. Had the job taken the
database's write lock for that part (SQLite allows one writer), each decision would
wait out the busy timeout and fail; they must all be stored, on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from sysreview.project.deduplicating.pairs import deduplicate_store
from sysreview.project.importing import files as importing
from sysreview.project.storage import DecisionEvent, open_store
from sysreview.web import WebSettings, create_app
from tests.unit.web.conftest import (
    N_RECORDS,
    PASSWORDS,
    SECRET,
    LiveServer,
    make_project,
    ris,
    start_server,
    stop_server,
)

DECISIONS = 3


@pytest.fixture
def served(tmp_path: Path, store_url: str) -> Iterator[tuple[Path, LiveServer, httpx.Client]]:
    """The seeded project on each backend, served, and R1 logged in."""
    project = make_project(tmp_path / "review", store_url)
    application = create_app(project, store_url, settings=WebSettings(secret_key=SECRET))
    live = start_server(application)
    client = httpx.Client(base_url=live.url, timeout=60)
    answer = client.post("/api/login", json={"name": "R1", "password": PASSWORDS["R1"]})
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    try:
        yield project, live, client
    finally:
        client.close()
        stop_server(live)
        application.state.project.close()


def _decide(client: httpx.Client, answers: list[int]) -> None:
    for i in range(DECISIONS):
        body = {"stage": "ta", "record_id": 1 + i % N_RECORDS, "decision": "include"}
        answers.append(client.post("/api/decisions", json=body).status_code)


def _stored(store_url: str) -> int:
    with open_store(store_url) as store, store.session(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(DecisionEvent)) or 0)


def test_decisions_posted_while_dedup_searches_are_stored(
    served: tuple[Path, LiveServer, httpx.Client], store_url: str
) -> None:
    _, _, client = served
    answers: list[int] = []

    def progress(stage: str, fraction: float) -> None:
        if not answers:  # the search has begun: decide now, and wait for the answers
            _decide(client, answers)

    with open_store(store_url) as store:
        run, _ = deduplicate_store(store, progress=progress)
    assert run.records == N_RECORDS
    assert answers == [201] * DECISIONS
    assert _stored(store_url) == DECISIONS


def test_decisions_posted_while_an_import_makes_its_rows_are_stored(
    served: tuple[Path, LiveServer, httpx.Client],
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, _, client = served
    answers: list[int] = []
    real = importing.record_row

    def record_row(citation: Any) -> dict[str, Any]:
        if not answers:
            _decide(client, answers)
        return real(citation)

    monkeypatch.setattr(importing, "record_row", record_row)
    (project / "more.ris").write_text(ris(4, first=100), encoding="utf-8")
    with open_store(store_url) as store:
        done = importing.import_into(store, [project / "more.ris"], source="Embase")
    assert [d.records for d in done] == [4]
    assert answers == [201] * DECISIONS
    assert _stored(store_url) == DECISIONS
