"""What the store holds about how the review was done (project/reporting/record.py) and the
notes on the values analysed (project/reporting/notes.py), on SQLite and on a real PostgreSQL
server: the same review built through the CLI gives one record."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from sysreview.project.reporting.notes import with_analysis
from sysreview.project.reporting.record import project_record
from sysreview.report.record import ReviewRecord
from tests.unit.report.e2e_project import EXPORTS, build

pytestmark = pytest.mark.shared


def _need_exports() -> None:
    if not EXPORTS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{EXPORTS} is missing; CI always has ../shared")
        pytest.skip(f"{EXPORTS} is missing (../shared is not next to the project)")


@pytest.fixture(scope="module")
def sqlite(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReviewRecord]:
    _need_exports()
    built = build(tmp_path_factory.mktemp("sqlite"))
    return built.project, project_record(built.project)


def test_the_record_of_a_review(sqlite: tuple[Path, ReviewRecord]) -> None:
    from sysreview.project.appraising.assessments import rob_agreement
    from sysreview.project.opening import opened

    project, record = sqlite
    assert [(s.source, s.kind, s.hits) for s in record.searches] == [
        ("PsycINFO", "database", 6), ("MEDLINE", "database", 6), ("Embase", "database", 6),
        ("Forward citation search (Web of Science)", "other", 10),
    ]  # fmt: skip
    assert record.searches[0].strategy == "group-peer-support" and record.searches[1].query is None
    import numpy

    assert dict(record.libraries)["numpy"] == numpy.__version__
    assert record.screened and record.ta is not None and record.ft is not None
    assert (record.ta.units, record.ta.dual, record.ta.resolved) == (28, 4, 1)
    assert record.ft.units == 10 and record.ft.conflicts == 0
    alpha = record.study("Alpha 2019")
    assert alpha is not None and len(alpha.references) == 2
    assert sorted(s.reason or "" for s in record.excluded) == [
        "Not a randomised controlled trial", "Participants not eligible",
    ]  # fmt: skip
    assert sorted(s.reason or "" for s in record.awaiting) == [
        "eligibility unclear from the full text",
        "full text not retrieved (Full text not available)",
    ]
    assert [s.reason for s in record.ongoing] == ["Ongoing study (no results yet)"]
    assert record.extraction is not None and (record.extraction.studies,
                                              record.extraction.by_two) == (4, 1)  # fmt: skip
    assert record.appraisal is not None and record.appraisal.agreement is not None
    with opened(project) as (loaded, store):
        agreed = rob_agreement(store, loaded.protocol)
    assert record.appraisal.agreement.n == agreed.n
    assert record.appraisal.agreement.percent == agreed.percent_agreement
    assert record.other_methods is not None and record.other_methods.included == 1


def test_notes_on_the_values_analysed(sqlite: tuple[Path, ReviewRecord]) -> None:
    from sysreview.project.reporting.report import review_inputs
    from sysreview.synthesis import run_plan

    project, record = sqlite
    inputs = review_inputs(project)
    synthesis = run_plan(inputs.data, inputs.protocol)
    noted = with_analysis(record, synthesis, inputs.data, inputs.protocol)
    main = {(n.study, n.kind) for n in noted.notes_of("recovery.post_intervention.main")}
    assert main == {("Alpha 2019", "combined"), ("Beta 2018", "sd_from_se"),
                    ("Gamma 2017", "median")}  # fmt: skip
    tau = {(n.study, n.kind) for n in noted.notes_of("recovery.post_intervention.sensitivity"
                                                     ".tau_only")}  # fmt: skip
    assert ("Alpha 2019", "one_arm") in tau
    depression = noted.alignment("depression.post_intervention.narrative", "Alpha 2019")
    assert depression is not None and depression.flipped and depression.higher_is_better is False
    assert ("identity", "post_intervention") in noted.without_data


def test_a_project_without_a_database_has_a_record_of_its_version(tmp_path: Path) -> None:
    from sysreview import __version__
    from sysreview.project.opening import init_project

    init_project(tmp_path / "p", template="group-peer-support")
    (tmp_path / "p" / "review.db").unlink(missing_ok=True)
    from sysreview.versions import library_versions

    assert project_record(tmp_path / "p") == ReviewRecord(__version__, libraries=library_versions())


def test_postgresql_gives_the_same_record(
    sqlite: tuple[Path, ReviewRecord], pg_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("SYSREVIEW_DATABASE_URL", pg_url)
    built = build(tmp_path)
    again = project_record(built.project, pg_url)
    _, record = sqlite

    # record ids are the databases' own; everything else is the same
    def plain(r: ReviewRecord) -> ReviewRecord:
        strip = lambda studies: tuple(  # noqa: E731
            dataclasses.replace(s, references=tuple(
                dataclasses.replace(ref, record_id=None) for ref in s.references))
            for s in studies)  # fmt: skip
        return dataclasses.replace(
            r,
            included=strip(r.included),
            excluded=strip(r.excluded),
            awaiting=strip(r.awaiting),
            ongoing=strip(r.ongoing),
        )

    assert plain(again) == plain(record)


def test_listed_studies_move_to_their_tables(tmp_path: Path) -> None:
    """A study the team lists as ongoing (or awaiting) leaves the included studies."""
    from sysreview.project.retrieving.service import project_set_study_status

    _need_exports()
    built = build(tmp_path)
    before = project_record(built.project)
    assert before.study("Alpha 2019") is not None
    project_set_study_status(
        built.project, "Alpha 2019", "ongoing", "R1",
        {"study_name": "ALPHA", "registration": "NCT00000001"},
    )  # fmt: skip
    record = project_record(built.project)
    assert "Alpha 2019" not in [s.label for s in record.included]
    listed = [s for s in record.ongoing if s.label == "Alpha 2019"]
    assert listed and listed[0].reason == "study name: ALPHA; registration: NCT00000001"
    assert listed[0].references == before.study("Alpha 2019").references  # type: ignore[union-attr]
    assert len(record.ongoing) == len(before.ongoing) + 1
    project_set_study_status(built.project, "Alpha 2019", "none", "R1", {})
    assert project_record(built.project).study("Alpha 2019") is not None


def test_a_report_recorded_as_not_retrieved_awaits_classification(tmp_path: Path) -> None:
    """The recorded retrieval status wins over the full-text decision, as in PRISMA."""
    from sysreview.project.retrieving.service import project_set_retrieval

    _need_exports()
    built = build(tmp_path)
    before = project_record(built.project)
    excluded = before.excluded[0]
    record_id = excluded.references[0].record_id
    assert record_id is not None
    project_set_retrieval(built.project, record_id, "not_retrieved", "R1",
                          reason="Authors did not reply")  # fmt: skip
    record = project_record(built.project)
    assert excluded.label not in [s.label for s in record.excluded]
    waiting = [s for s in record.awaiting if s.label == excluded.label]
    assert waiting and waiting[0].reason == "full text not retrieved (Authors did not reply)"
