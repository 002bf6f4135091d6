"""Screening decisions on SQLite and PostgreSQL: events, blinding, conflicts, resolution."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sysreview.errors import InputError, StateConflictError
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection.decisions import (
    conflicts,
    decision_triples,
    decisions_seen_by,
    record_decision,
)
from sysreview.project.storage import Store, open_store
from sysreview.protocol import Protocol

RIS = "".join(
    f"TY  - JOUR\nTI  - Trial number {i} of group peer support\nPY  - 2020\nER  -\n"
    for i in range(1, 4)
)


def make_project(
    tmp_path: Path, store_url: str, ris: str = RIS, **policy: str
) -> tuple[Path, Protocol]:
    """The seed's project with ``ris`` imported; ``policy`` sets protocol keys (the first
    line setting each key: title/abstract before full text), e.g. ``dual_fraction="1.0"``."""
    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    path = project / "review.toml"
    path.write_text(_replace(path.read_text(encoding="utf-8"), policy), encoding="utf-8")
    (project / "s.ris").write_text(ris, encoding="utf-8")
    import_files(project, [project / "s.ris"], source="MEDLINE", db_url=store_url)
    return project, load_project(project, store_url).protocol


def _replace(text: str, policy: dict[str, str]) -> str:
    for key, value in policy.items():
        lines = text.splitlines()
        hits = [i for i, line in enumerate(lines) if line.split("=")[0].strip() == key]
        assert hits, key
        lines[hits[0]] = f"{key} = {value}"  # the first: title/abstract before full text
        text = "\n".join(lines) + "\n"
    return text


@pytest.fixture
def setup(tmp_path: Path, store_url: str) -> Iterator[tuple[Store, Protocol]]:
    """The seed's policy: R1 screens all, R2 the first 10% (record 1 of 3)."""
    _, protocol = make_project(tmp_path, store_url)
    store = open_store(store_url)
    yield store, protocol
    store.close()


@pytest.fixture
def dual(tmp_path: Path, store_url: str) -> Iterator[tuple[Store, Protocol]]:
    """Every record screened by R1 and R2 at title/abstract."""
    _, protocol = make_project(tmp_path, store_url, dual_fraction="1.0")
    store = open_store(store_url)
    yield store, protocol
    store.close()


def test_blinding_hides_others_until_you_decide(setup: tuple[Store, Protocol]) -> None:
    store, protocol = setup  # record 1 is in the dual-screened 10% (R1 and R2)
    record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
    assert decisions_seen_by(store, protocol, stage="ta", record_id=1, reviewer="R2") == []
    arbiter_view = decisions_seen_by(store, protocol, stage="ta", record_id=1, reviewer="R3")
    assert [(d.reviewer, d.decision) for d in arbiter_view] == [("R1", "include")]
    record_decision(store, protocol, stage="ta", record_id=1, reviewer="R2", decision="exclude")
    seen = decisions_seen_by(store, protocol, stage="ta", record_id=1, reviewer="R2")
    assert sorted((d.reviewer, d.decision) for d in seen) == [("R1", "include"), ("R2", "exclude")]


def test_conflicts_and_their_resolution(dual: tuple[Store, Protocol]) -> None:
    store, protocol = dual  # every record dual-screened
    for record, r1, r2 in (
        (1, "include", "exclude"),
        (2, "exclude", "exclude"),
        (3, "maybe", "include"),
    ):
        record_decision(store, protocol, stage="ta", record_id=record, reviewer="R1", decision=r1)
        record_decision(store, protocol, stage="ta", record_id=record, reviewer="R2", decision=r2)
    found = conflicts(store, protocol, "ta")
    assert [c.record_id for c in found] == [1, 3]
    assert found[0].decisions == (("R1", "include"), ("R2", "exclude"))
    with pytest.raises(InputError, match="'R1' is not a arbiter"):
        record_decision(
            store,
            protocol,
            stage="ta",
            record_id=1,
            reviewer="R1",
            decision="include",
            resolution=True,
        )
    with pytest.raises(InputError, match="a resolution must include or exclude"):
        record_decision(
            store,
            protocol,
            stage="ta",
            record_id=1,
            reviewer="R3",
            decision="maybe",
            resolution=True,
        )
    record_decision(
        store, protocol, stage="ta", record_id=1, reviewer="R3", decision="include", resolution=True
    )
    assert [c.record_id for c in conflicts(store, protocol, "ta")] == [3]
    # R1 changes their mind after seeing R2's decision: the change is marked as revealed,
    # and agreement reached that way is not independent: the arbiter still decides
    record_decision(store, protocol, stage="ta", record_id=3, reviewer="R1", decision="include")
    (left,) = conflicts(store, protocol, "ta")
    assert left.record_id == 3 and left.decisions == (("R1", "include"), ("R2", "include"))
    assert left.revealed == ("R1",) and left.independent == (("R1", "maybe"), ("R2", "include"))
    # agreement compares the independent decisions
    assert sorted(decision_triples(store, protocol, "ta"))[:2] == [
        (1, "R1", "include"),
        (1, "R2", "exclude"),
    ]
    assert (3, "R1", "maybe") in decision_triples(store, protocol, "ta")


def test_full_text_exclusions_need_a_protocol_reason(setup: tuple[Store, Protocol]) -> None:
    store, protocol = setup
    record_decision(store, protocol, stage="ta", record_id=2, reviewer="R1", decision="include")
    with pytest.raises(InputError, match="needs a reason from the protocol: Not a randomised"):
        record_decision(store, protocol, stage="ft", record_id=2, reviewer="R1", decision="exclude")
    record_decision(
        store, protocol, stage="ft", record_id=2, reviewer="R1", decision="exclude",
        reason="not a randomised controlled trial",
    )  # fmt: skip
    (seen,) = decisions_seen_by(store, protocol, stage="ft", record_id=2, reviewer="R1")
    assert seen.reason == "Not a randomised controlled trial"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reviewer": "Zed"}, "unknown reviewer 'Zed'; the protocol's reviewers are R1, R2, R3"),
        ({"reviewer": "R3"}, "'R3' is not a screener"),
        ({"decision": "yes"}, "invalid decision 'yes'; must be one of include, exclude, maybe"),
        ({"stage": "x"}, "invalid stage 'x'; must be one of ta, ft"),
        ({"record_id": 99}, "no record 99 in this project"),
    ],
)
def test_bad_decisions_are_refused_clearly(
    setup: tuple[Store, Protocol], kwargs: dict[str, object], message: str
) -> None:
    store, protocol = setup
    args: dict[str, object] = {
        "stage": "ta",
        "record_id": 1,
        "reviewer": "R1",
        "decision": "include",
    }
    args.update(kwargs)
    with pytest.raises(InputError, match=message):
        record_decision(store, protocol, **args)  # type: ignore[arg-type]


def test_screen_commands_end_to_end(tmp_path: Path, store_url: str) -> None:
    from typer.testing import CliRunner

    from sysreview.cli import app

    runner = CliRunner()
    project, _ = make_project(tmp_path, store_url, dual_fraction="1.0")
    common = ["-p", str(project), "--db", store_url]
    for record, r1, r2 in (
        (1, "include", "include"),
        (2, "exclude", "exclude"),
        (3, "include", "exclude"),
    ):
        for reviewer, decision in (("R1", r1), ("R2", r2)):
            result = runner.invoke(
                app, ["screen", "decide", str(record), decision, "--reviewer", reviewer, *common]
            )
            assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["screen", "conflicts", *common])
    assert result.exit_code == 0 and "1 unresolved conflicts at ta" in result.stdout
    result = runner.invoke(app, ["screen", "agreement", "--json", *common])
    (pair,) = json.loads(result.stdout)
    assert pair["reviewers"] == ["R1", "R2"] and pair["n"] == 3
    assert pair["percent_agreement"] == pytest.approx(2 / 3)
    result = runner.invoke(
        app, ["screen", "decide", "3", "include", "--reviewer", "R3", "--resolve", *common]
    )
    assert result.exit_code == 0
    result = runner.invoke(app, ["screen", "conflicts", *common])
    assert "0 unresolved conflicts" in result.stdout
    result = runner.invoke(
        app, ["screen", "decide", "3", "exclude", "--reviewer", "R1", "--stage", "ft", *common]
    )
    assert result.exit_code == 2 and "needs a reason from the protocol" in result.stderr
    # a full-text decision on a record excluded at title/abstract: refused, nothing stored
    result = runner.invoke(
        app, ["screen", "decide", "2", "include", "--reviewer", "R1", "--stage", "ft", *common]
    )
    assert result.exit_code == 2
    assert "record 2 is not forwarded to full text: at title/abstract it is final (exclude)" in (
        result.stderr
    )
    # undo: the record is undecided for R1 again and back in their queue
    runner.invoke(
        app, ["screen", "decide", "1", "include", "--reviewer", "R1", "--stage", "ft", *common]
    )
    result = runner.invoke(app, ["screen", "undo", "--reviewer", "R1", "--stage", "ft", *common])
    assert result.exit_code == 0, result.stderr
    assert "record 1: R1's decision (include) at ft undone" in result.stdout
    result = runner.invoke(app, ["screen", "undo", "--reviewer", "R1", "--stage", "ft", *common])
    assert result.exit_code == 2 and "R1 has no ft decision to undo" in result.stderr


def test_assignment_follows_the_protocol_policy(tmp_path: Path, store_url: str) -> None:
    """The seed's policy: R1 screens all, R2 the first 10% (at least one record); at full
    text R2 gets all of R1's inclusions and a random 10% of the exclusions, drawn once R1
    is done."""
    from sysreview.project.selection.decisions import assigned_records, pending_records

    many = "".join(
        f"TY  - JOUR\nTI  - Record {i} about peer support\nER  -\n" for i in range(1, 21)
    )
    _, protocol = make_project(tmp_path, store_url, many)
    with open_store(store_url) as store:
        assert assigned_records(store, protocol, stage="ta", reviewer="R1") == list(range(1, 21))
        assert assigned_records(store, protocol, stage="ta", reviewer="R2") == [1, 2]
        assert assigned_records(store, protocol, stage="ta", reviewer="R3") == []
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R2", decision="include")
        assert pending_records(store, protocol, stage="ta", reviewer="R2") == [2]
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
        record_decision(store, protocol, stage="ta", record_id=3, reviewer="R1", decision="maybe")
        record_decision(store, protocol, stage="ta", record_id=4, reviewer="R1", decision="exclude")
        record_decision(store, protocol, stage="ta", record_id=5, reviewer="R1", decision="include")
        # full text: the records going forward
        assert assigned_records(store, protocol, stage="ft", reviewer="R1") == [1, 3, 5]
        record_decision(store, protocol, stage="ft", record_id=1, reviewer="R1", decision="include")
        # nothing for R2 until R1 has decided every report: the queue would tell
        assert assigned_records(store, protocol, stage="ft", reviewer="R2") == []
        for record in (3, 5):
            reason = "Not a randomised controlled trial"
            record_decision(store, protocol, stage="ft", record_id=record, reviewer="R1",
                            decision="exclude", reason=reason)  # fmt: skip
        # all of R1's inclusions and a random 10% of the exclusions (seed 20190713)
        assert protocol.screening.full_text.seed == 20190713
        assert assigned_records(store, protocol, stage="ft", reviewer="R2") == [1, 5]
        # the sample is stored: it does not change when R1 changes a decision later; an
        # exclusion R1 turns into an inclusion goes to R2 as every inclusion does
        record_decision(store, protocol, stage="ft", record_id=5, reviewer="R1", decision="include")
        assert assigned_records(store, protocol, stage="ft", reviewer="R2") == [1, 5]
        record_decision(store, protocol, stage="ft", record_id=3, reviewer="R1", decision="include")
        assert assigned_records(store, protocol, stage="ft", reviewer="R2") == [1, 3, 5]


def test_terminal_screening_one_key_per_record(tmp_path: Path, store_url: str) -> None:
    from typer.testing import CliRunner

    from sysreview.cli import app
    from sysreview.project.selection.directory import screen_pending

    project, _ = make_project(tmp_path, store_url)
    common = ["-p", str(project), "--db", store_url]
    result = CliRunner().invoke(app, ["screen", "--reviewer", "R1", *common], input="ies")
    assert result.exit_code == 0, result.output
    assert "3 records to screen at ta for R1" in result.stdout
    assert "Trial number 2 of group peer support" in result.stdout
    assert [c.id for c in screen_pending(project, "ta", "R1", store_url)] == [3]  # skipped
    # record 1 is dual-screened: it waits for R2 before it can go on to full text
    assert screen_pending(project, "ft", "R1", store_url) == []
    CliRunner().invoke(app, ["screen", "--reviewer", "R2", *common], input="i")
    result = CliRunner().invoke(
        app, ["screen", "--reviewer", "R1", "--stage", "ft", *common], input="e1\n"
    )
    assert result.exit_code == 0, result.output
    assert "Not a randomised controlled trial" in result.stdout
    assert screen_pending(project, "ft", "R1", store_url) == []


def test_title_abstract_queue_is_prioritised_by_active_learning(
    tmp_path: Path, store_url: str
) -> None:
    from sysreview.project.selection.decisions import prioritised_queue

    titles = [
        "Peer support groups for psychosis recovery",  # 1: relevant
        "Statins after myocardial infarction",  # 2: irrelevant
        "Knee arthroplasty outcomes in older adults",  # 3
        "Group peer support and recovery in psychosis services",  # 4: looks relevant
        "Dental caries in children",  # 5
    ]
    text = "".join(f"TY  - JOUR\nTI  - {t}\nAB  - {t}.\nER  -\n" for t in titles)
    _, protocol = make_project(tmp_path, store_url, text, dual_fraction="0.0")
    with open_store(store_url) as store:
        before = prioritised_queue(store, protocol, stage="ta", reviewer="R1")
        assert before.records == (1, 2, 3, 4, 5) and not before.prioritised
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
        record_decision(store, protocol, stage="ta", record_id=2, reviewer="R1", decision="exclude")
        after = prioritised_queue(store, protocol, stage="ta", reviewer="R1")
        assert after.prioritised and after.records[0] == 4
        assert sorted(after.records) == [3, 4, 5]
        assert after.advice is not None and "no record is excluded" in after.advice


def _through_full_text(store: Store, protocol: Protocol, *records: int) -> None:
    for record in records:
        for stage in ("ta", "ft"):
            for reviewer in ("R1", "R2"):
                record_decision(store, protocol, stage=stage, record_id=record,
                                reviewer=reviewer, decision="include")  # fmt: skip


def test_reports_link_to_studies_and_count_in_prisma(tmp_path: Path, store_url: str) -> None:
    from sysreview.project.reporting.service import prisma_flow
    from sysreview.project.selection.directory import link_study_report, unlink_study_report

    project, protocol = make_project(tmp_path, store_url, dual_fraction="1.0")
    with open_store(store_url) as store:
        _through_full_text(store, protocol, 1, 2, 3)
    with pytest.raises(InputError, match="needs a label"):
        link_study_report(project, 1, " ", db_url=store_url)
    assert link_study_report(project, 1, "Cook 2012a", primary=True, db_url=store_url)[1]
    assert not link_study_report(project, 2, "Cook 2012a", db_url=store_url)[1]
    link_study_report(project, 3, "Rogers 2016", db_url=store_url)
    with pytest.raises(InputError, match="record 3 is already linked"):
        link_study_report(project, 3, "Rogers 2016", db_url=store_url)
    counts = prisma_flow(project, store_url).to_dict()
    assert (counts["studies_included"], counts["reports_included"]) == (2, 3)
    # a linked report's full-text decision cannot change until it is unlinked
    with open_store(store_url) as store, pytest.raises(StateConflictError, match="unlink"):
        record_decision(store, protocol, stage="ft", record_id=3, reviewer="R1",
                        decision="exclude", reason="Not a randomised controlled trial")  # fmt: skip
    assert unlink_study_report(project, 3, store_url) == "Rogers 2016"
    with pytest.raises(StateConflictError, match="record 3 is not linked to a study"):
        unlink_study_report(project, 3, store_url)
    counts = prisma_flow(project, store_url).to_dict()
    assert (counts["studies_included"], counts["reports_included_without_study"]) == (1, 1)


def test_only_settled_inclusions_can_be_linked(setup: tuple[Store, Protocol]) -> None:
    from sysreview.project.selection.study_links import link_report

    store, protocol = setup
    with pytest.raises(StateConflictError, match="record 1 is not finally included"):
        link_report(store, protocol, record_id=1, study="X 2020")
    for reviewer in ("R1", "R2"):
        record_decision(store, protocol, stage="ta", record_id=1, reviewer=reviewer,
                        decision="include")  # fmt: skip
    record_decision(store, protocol, stage="ft", record_id=1, reviewer="R1", decision="include")
    # R1's inclusion alone is not final: R2 assesses every inclusion
    with pytest.raises(StateConflictError, match=r"\(awaiting second decision\)"):
        link_report(store, protocol, record_id=1, study="X 2020")
    with pytest.raises(InputError, match="no record 99"):
        link_report(store, protocol, record_id=99, study="X 2020")


def test_maybe_goes_forward_follows_the_protocol(tmp_path: Path, store_url: str) -> None:
    from sysreview.project.reporting.service import prisma_flow
    from sysreview.project.selection.decisions import assigned_records

    project, protocol = make_project(
        tmp_path, store_url, dual_fraction="1.0", maybe_goes_forward="false"
    )
    assert not protocol.screening.maybe_goes_forward
    with open_store(store_url) as store:
        for record, r1, r2 in ((1, "include", "maybe"), (2, "maybe", "maybe"),
                               (3, "include", "include")):  # fmt: skip
            record_decision(store, protocol, stage="ta", record_id=record, reviewer="R1",
                            decision=r1)  # fmt: skip
            record_decision(store, protocol, stage="ta", record_id=record, reviewer="R2",
                            decision=r2)  # fmt: skip
        assert [c.record_id for c in conflicts(store, protocol, "ta")] == [1]
        assert assigned_records(store, protocol, stage="ft", reviewer="R1") == [3]
    counts = prisma_flow(project, store_url).to_dict()
    assert counts["reports_sought"] == 1
