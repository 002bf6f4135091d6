"""Stopping decisions: the aid from the decision log, random sample, stop, resume, report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.errors import InputError
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection.decisions import record_decision
from sysreview.project.selection.stopping import (
    begin_random_sample,
    record_stop,
    resume_screening,
    sample_queue,
    stop_statements,
    stopping_aid,
    stopping_log,
)
from sysreview.project.storage import Store, open_store
from sysreview.protocol import Protocol
from sysreview.screening.stopping import estimate_stopping

N = 30


@pytest.fixture
def setup(tmp_path: Path, store_url: str) -> Iterator[tuple[Path, Store, Protocol]]:
    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    toml = project / "review.toml"  # R1 screens alone: each decision settles its record
    toml.write_text(toml.read_text("utf-8").replace("dual_fraction = 0.10", "dual_fraction = 0.0"))
    text = "".join(f"TY  - JOUR\nTI  - Trial {i} of something\nER  -\n" for i in range(N))
    (project / "t.ris").write_text(text, encoding="utf-8")
    import_files(project, [project / "t.ris"], source="MEDLINE", db_url=store_url)
    store = open_store(store_url)
    yield project, store, load_project(project, store_url).protocol
    store.close()


def decide(store: Store, protocol: Protocol, records: list[int], decision: str) -> None:
    for r in records:
        record_decision(store, protocol, stage="ta", record_id=r, reviewer="R1", decision=decision)


def test_aid_follows_the_decision_log(setup: tuple[Path, Store, Protocol]) -> None:
    _, store, protocol = setup
    assert stopping_aid(store, protocol).estimate is None
    decide(store, protocol, [1, 2], "include")
    decide(store, protocol, list(range(3, 13)), "exclude")
    aid = stopping_aid(store, protocol)
    assert aid.estimate == estimate_stopping([1, 1] + [0] * 10, N)
    assert aid.sample is None and aid.stopped is None and aid.log == ()
    assert "Stopping now would leave 18 records" in aid.summary()


def test_stop_is_recorded_with_its_evidence(setup: tuple[Path, Store, Protocol]) -> None:
    _, store, protocol = setup
    decide(store, protocol, [1], "include")
    decide(store, protocol, [2, 3], "exclude")
    with pytest.raises(InputError, match="unknown reviewer 'Zed'"):
        record_stop(store, protocol, "Zed")
    with pytest.raises(InputError, match="not stopped"):
        resume_screening(store, protocol, "R1")
    stop = record_stop(store, protocol, "R1", note="time is up")
    assert (stop.kind, stop.who, stop.n_screened, stop.n_relevant) == ("stop", "R1", 3, 1)
    assert stop.evidence == estimate_stopping([1, 0, 0], N).summary()
    with pytest.raises(InputError, match="already stopped"):
        record_stop(store, protocol, "R1")
    [sentence] = stop_statements(store)
    assert "after 3 of 30 records (10.0%) had been screened, 1 of them relevant" in sentence
    assert "27 records not screened were not excluded by any rule" in sentence
    resume_screening(store, protocol, "R1", note="one more pass")
    assert stop_statements(store) == []
    assert [e.kind for e in stopping_log(store)] == ["stop", "resume"]


def test_random_sample_order_and_exact_test(setup: tuple[Path, Store, Protocol]) -> None:
    _, store, protocol = setup
    decide(store, protocol, [1, 2], "include")
    decide(store, protocol, [3, 4], "exclude")
    event = begin_random_sample(store, protocol, "R1", seed=5)
    assert (event.kind, event.sample_start, event.sample_seed) == ("sample", 4, 5)
    with pytest.raises(InputError, match="already being screened"):
        begin_random_sample(store, protocol, "R1")
    pending = list(range(5, N + 1))
    order = sample_queue(store, protocol, pending)
    assert order is not None and sorted(order) == pending and order != tuple(pending)
    first = list(order[:6])
    decide(store, protocol, first, "exclude")
    # the order of what is left does not change as the sample is screened
    assert sample_queue(store, protocol, [r for r in pending if r not in first]) == order[6:]
    aid = stopping_aid(store, protocol)
    assert aid.estimate is not None and aid.estimate.method == "random sampling"
    assert aid.estimate == estimate_stopping([1, 1, 0, 0] + [0] * 6, N, sample_start=4)


def test_cli_status_stop_and_errors(setup: tuple[Path, Store, Protocol], store_url: str) -> None:
    project, store, protocol = setup
    decide(store, protocol, [1], "include")
    decide(store, protocol, [2], "exclude")
    runner = CliRunner()
    base = ["screen", "stop", "--project", str(project), "--db", store_url]
    result = runner.invoke(app, base)
    assert result.exit_code == 0, result.output
    assert "Stopping aid (advisory; no record is excluded): 2 of 30 screened" in result.output
    result = runner.invoke(app, [*base[:2], "stop", *base[2:]])
    assert result.exit_code == 2 and "needs --who" in result.output
    result = runner.invoke(app, [*base[:2], "pause", *base[2:], "--who", "R1"])
    assert result.exit_code == 2 and "invalid action 'pause'" in result.output
    result = runner.invoke(app, [*base[:2], "stop", *base[2:], "--who", "R1"])
    assert result.exit_code == 0, result.output
    assert "recorded: stop by R1 after 2 records" in result.output
    assert "were not excluded by any rule" in result.output
