"""The screening queue at review scale: a large review's ranking and stopping aid are
worked out in the background and kept, so that pages never wait for training; the
queue is always the reviewer's pending records now, only its order can be behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection import queue as screening_queue
from sysreview.project.selection.decisions import prioritised_queue, record_decision
from sysreview.project.storage import Store, open_store
from sysreview.protocol import Protocol

TITLES = [
    "Peer support groups for psychosis recovery",
    "Statins after myocardial infarction",
    "Knee arthroplasty outcomes in older adults",
    "Group peer support and recovery in psychosis services",
    "Dental caries in children",
    "Mutual support groups for people with depression",
]


@pytest.fixture
def setup(tmp_path: Path, store_url: str) -> Iterator[tuple[Store, Protocol]]:
    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    toml = project / "review.toml"  # R1 screens alone: each decision settles its record
    toml.write_text(toml.read_text("utf-8").replace("dual_fraction = 0.10", "dual_fraction = 0.0"))
    text = "".join(f"TY  - JOUR\nTI  - {t}\nAB  - {t}.\nER  -\n" for t in TITLES)
    (project / "t.ris").write_text(text, encoding="utf-8")
    import_files(project, [project / "t.ris"], source="MEDLINE", db_url=store_url)
    with open_store(store_url) as store:
        yield store, load_project(project, store_url).protocol


def _settle(store: Store) -> None:
    kept = screening_queue._rankings(store)
    if kept.worker is not None:
        kept.worker.join(timeout=60)


def test_a_large_review_ranks_in_the_background(
    setup: tuple[Store, Protocol], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, protocol = setup
    monkeypatch.setattr(screening_queue, "SYNC_UNITS", 2)  # every review is "large" here
    monkeypatch.setattr(screening_queue, "REFRESH_SECONDS", 0.0)
    record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
    record_decision(store, protocol, stage="ta", record_id=2, reviewer="R1", decision="exclude")
    first = prioritised_queue(store, protocol, stage="ta", reviewer="R1", limit=1)
    # nothing was ranked when the page was asked for: it is not kept waiting
    assert not first.prioritised and first.pending == 4 and first.behind == 2
    assert first.records == (3,)  # the first pending record, in record order
    _settle(store)
    ranked = prioritised_queue(store, protocol, stage="ta", reviewer="R1", limit=2)
    assert ranked.prioritised and ranked.behind == 0 and ranked.pending == 4
    assert set(ranked.records) == {4, 6}  # the two relevant-looking records first
    assert ranked.why and ranked.advice is not None
    top = ranked.records[0]
    record_decision(store, protocol, stage="ta", record_id=top, reviewer="R1", decision="include")
    kept = screening_queue._rankings(store)
    with kept.training:  # a training under way: the page does not wait for it
        behind = prioritised_queue(store, protocol, stage="ta", reviewer="R1", limit=1)
        assert behind.pending == 3 and top not in behind.records  # pending now
        assert behind.prioritised and behind.behind == 1  # the order is one decision behind
    _settle(store)
    assert prioritised_queue(store, protocol, stage="ta", reviewer="R1").behind == 0


def test_retraining_waits_for_the_refresh_interval(
    setup: tuple[Store, Protocol], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, protocol = setup
    monkeypatch.setattr(screening_queue, "SYNC_UNITS", 2)
    monkeypatch.setattr(screening_queue, "REFRESH_SECONDS", 3600.0)
    record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
    record_decision(store, protocol, stage="ta", record_id=2, reviewer="R1", decision="exclude")
    kept = screening_queue._rankings(store)
    kept.finished = -3600.0  # long ago: this page starts a training
    prioritised_queue(store, protocol, stage="ta", reviewer="R1")
    _settle(store)
    record_decision(store, protocol, stage="ta", record_id=5, reviewer="R1", decision="exclude")
    again = prioritised_queue(store, protocol, stage="ta", reviewer="R1")
    assert again.behind == 1 and kept.worker is not None and not kept.worker.is_alive()


def test_the_command_line_waits_for_the_current_ranking(
    setup: tuple[Store, Protocol], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, protocol = setup
    monkeypatch.setattr(screening_queue, "SYNC_UNITS", 2)
    record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
    record_decision(store, protocol, stage="ta", record_id=2, reviewer="R1", decision="exclude")
    queue = prioritised_queue(store, protocol, stage="ta", reviewer="R1", wait=True)
    assert queue.prioritised and queue.behind == 0 and set(queue.records[:2]) == {4, 6}
