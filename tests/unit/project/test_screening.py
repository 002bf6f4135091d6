"""Screening decisions on SQLite and PostgreSQL: events, blinding, conflicts, resolution."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.project.screening import (
    conflicts,
    decision_triples,
    decisions_seen_by,
    record_decision,
)
from sysreview.project.services import import_files, init_project, load_project
from sysreview.project.store import Store, open_store
from sysreview.protocol import Protocol

RIS = "".join(
    f"TY  - JOUR\nTI  - Trial number {i} of group peer support\nPY  - 2020\nER  -\n"
    for i in range(1, 4)
)


@pytest.fixture
def setup(tmp_path: Path, store_url: str) -> Iterator[tuple[Store, Protocol]]:
    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    (project / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(project, [project / "s.ris"], source="MEDLINE", db_url=store_url)
    store = open_store(store_url)
    yield store, load_project(project, store_url).protocol
    store.close()


def test_blinding_hides_others_until_you_decide(setup: tuple[Store, Protocol]) -> None:
    store, protocol = setup
    record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
    assert decisions_seen_by(store, protocol, stage="ta", record_id=1, reviewer="R2") == []
    arbiter_view = decisions_seen_by(store, protocol, stage="ta", record_id=1, reviewer="R3")
    assert [(d.reviewer, d.decision) for d in arbiter_view] == [("R1", "include")]
    record_decision(store, protocol, stage="ta", record_id=1, reviewer="R2", decision="exclude")
    seen = decisions_seen_by(store, protocol, stage="ta", record_id=1, reviewer="R2")
    assert sorted((d.reviewer, d.decision) for d in seen) == [("R1", "include"), ("R2", "exclude")]


def test_conflicts_and_their_resolution(setup: tuple[Store, Protocol]) -> None:
    store, protocol = setup
    for record, r1, r2 in (
        (1, "include", "exclude"),
        (2, "exclude", "exclude"),
        (3, "maybe", "include"),
    ):
        record_decision(store, protocol, stage="ta", record_id=record, reviewer="R1", decision=r1)
        record_decision(store, protocol, stage="ta", record_id=record, reviewer="R2", decision=r2)
    found = conflicts(store, "ta")
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
    assert [c.record_id for c in conflicts(store, "ta")] == [3]
    # a changed mind is a new event; the latest one counts
    record_decision(store, protocol, stage="ta", record_id=3, reviewer="R1", decision="include")
    assert conflicts(store, "ta") == []
    assert sorted(decision_triples(store, "ta"))[:2] == [(1, "R1", "include"), (1, "R2", "exclude")]


def test_full_text_exclusions_need_a_protocol_reason(setup: tuple[Store, Protocol]) -> None:
    store, protocol = setup
    with pytest.raises(InputError, match="needs a reason from the protocol: Not a randomised"):
        record_decision(store, protocol, stage="ft", record_id=1, reviewer="R1", decision="exclude")
    record_decision(
        store, protocol, stage="ft", record_id=1, reviewer="R1", decision="exclude",
        reason="not a randomised controlled trial",
    )  # fmt: skip
    (seen,) = decisions_seen_by(store, protocol, stage="ft", record_id=1, reviewer="R1")
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
    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    (project / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(project, [project / "s.ris"], source="MEDLINE", db_url=store_url)
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


def test_assignment_follows_the_protocol_policy(tmp_path: Path, store_url: str) -> None:
    """The seed's policy: R1 screens all, R2 the first 10% (at least one record)."""
    from sysreview.project.screening import assigned_records, pending_records

    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    many = "".join(
        f"TY  - JOUR\nTI  - Record {i} about peer support\nER  -\n" for i in range(1, 21)
    )
    (project / "m.ris").write_text(many, encoding="utf-8")
    import_files(project, [project / "m.ris"], source="MEDLINE", db_url=store_url)
    protocol = load_project(project, store_url).protocol
    with open_store(store_url) as store:
        assert assigned_records(store, protocol, stage="ta", reviewer="R1") == list(range(1, 21))
        assert assigned_records(store, protocol, stage="ta", reviewer="R2") == [1, 2]
        assert assigned_records(store, protocol, stage="ta", reviewer="R3") == []
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R2", decision="include")
        assert pending_records(store, protocol, stage="ta", reviewer="R2") == [2]
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
        record_decision(store, protocol, stage="ta", record_id=3, reviewer="R1", decision="maybe")
        record_decision(store, protocol, stage="ta", record_id=4, reviewer="R1", decision="exclude")
        # full text: the records going forward; R2 gets all of R1's inclusions
        assert assigned_records(store, protocol, stage="ft", reviewer="R1") == [1, 3]
        record_decision(store, protocol, stage="ft", record_id=1, reviewer="R1", decision="include")
        assert assigned_records(store, protocol, stage="ft", reviewer="R2") == [1]


def test_terminal_screening_one_key_per_record(tmp_path: Path, store_url: str) -> None:
    from typer.testing import CliRunner

    from sysreview.cli import app
    from sysreview.project.services import screen_pending

    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    (project / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(project, [project / "s.ris"], source="MEDLINE", db_url=store_url)
    common = ["-p", str(project), "--db", store_url]
    result = CliRunner().invoke(app, ["screen", "--reviewer", "R1", *common], input="ies")
    assert result.exit_code == 0, result.output
    assert "3 records to screen at ta for R1" in result.stdout
    assert "Trial number 2 of group peer support" in result.stdout
    assert [c.id for c in screen_pending(project, "ta", "R1", store_url)] == [3]  # skipped
    result = CliRunner().invoke(
        app, ["screen", "--reviewer", "R1", "--stage", "ft", *common], input="e1\n"
    )
    assert result.exit_code == 0, result.output
    assert "Not a randomised controlled trial" in result.stdout
    assert screen_pending(project, "ft", "R1", store_url) == []


def test_title_abstract_queue_is_prioritised_by_active_learning(
    tmp_path: Path, store_url: str
) -> None:
    from sysreview.project.screening import prioritised_queue

    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    titles = [
        "Peer support groups for psychosis recovery",  # 1: relevant
        "Statins after myocardial infarction",  # 2: irrelevant
        "Knee arthroplasty outcomes in older adults",  # 3
        "Group peer support and recovery in psychosis services",  # 4: looks relevant
        "Dental caries in children",  # 5
    ]
    text = "".join(f"TY  - JOUR\nTI  - {t}\nAB  - {t}.\nER  -\n" for t in titles)
    (project / "t.ris").write_text(text, encoding="utf-8")
    import_files(project, [project / "t.ris"], source="MEDLINE", db_url=store_url)
    protocol = load_project(project, store_url).protocol
    with open_store(store_url) as store:
        before = prioritised_queue(store, protocol, stage="ta", reviewer="R1")
        assert before.records == (1, 2, 3, 4, 5) and not before.prioritised
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
        record_decision(store, protocol, stage="ta", record_id=2, reviewer="R1", decision="exclude")
        after = prioritised_queue(store, protocol, stage="ta", reviewer="R1")
        assert after.prioritised and after.records[0] == 4
        assert sorted(after.records) == [3, 4, 5]
        assert after.advice is not None and "no record is excluded" in after.advice


def test_reports_link_to_studies_and_count_in_prisma(tmp_path: Path, store_url: str) -> None:
    from sysreview.project.services import link_study_report, prisma_flow

    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    (project / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(project, [project / "s.ris"], source="MEDLINE", db_url=store_url)
    protocol = load_project(project, store_url).protocol
    with open_store(store_url) as store:
        for record in (1, 2, 3):
            for stage in ("ta", "ft"):
                for reviewer in ("R1", "R2"):
                    record_decision(store, protocol, stage=stage, record_id=record,
                                    reviewer=reviewer, decision="include")  # fmt: skip
    with pytest.raises(InputError, match="needs a label"):
        link_study_report(project, 1, " ", db_url=store_url)
    assert link_study_report(project, 1, "Cook 2012a", primary=True, db_url=store_url)[1]
    assert not link_study_report(project, 2, "Cook 2012a", db_url=store_url)[1]
    link_study_report(project, 3, "Rogers 2016", db_url=store_url)
    with pytest.raises(InputError, match="record 3 is already linked"):
        link_study_report(project, 3, "Rogers 2016", db_url=store_url)
    counts = prisma_flow(project, store_url).to_dict()
    assert (counts["studies_included"], counts["reports_included"]) == (2, 3)


def test_only_included_reports_can_be_linked(setup: tuple[Store, Protocol]) -> None:
    from sysreview.project.screening import link_report

    store, _ = setup
    with pytest.raises(InputError, match="record 1 is not included at full text"):
        link_report(store, record_id=1, study="X 2020")


def test_maybe_goes_forward_follows_the_protocol(tmp_path: Path, store_url: str) -> None:
    from sysreview.project.screening import assigned_records
    from sysreview.project.services import prisma_flow

    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    path = project / "review.toml"
    text = path.read_text().replace("maybe_goes_forward = true", "maybe_goes_forward = false")
    path.write_text(text, encoding="utf-8")
    (project / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(project, [project / "s.ris"], source="MEDLINE", db_url=store_url)
    protocol = load_project(project, store_url).protocol
    assert not protocol.screening.maybe_goes_forward
    with open_store(store_url) as store:
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R2", decision="maybe")
        record_decision(store, protocol, stage="ta", record_id=2, reviewer="R1", decision="maybe")
        record_decision(store, protocol, stage="ta", record_id=3, reviewer="R1", decision="include")
        assert [c.record_id for c in conflicts(store, "ta")] == [1]
        assert assigned_records(store, protocol, stage="ft", reviewer="R1") == [3]
    counts = prisma_flow(project, store_url).to_dict()
    assert counts["reports_sought"] == 1
