"""Study listings (awaiting classification, ongoing) and the author-contact log, on both
backends: latest wins, every step kept, refusals store nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.project.retrieving.service import (
    project_add_contact,
    project_contacts,
    project_follow_contact,
    project_set_study_status,
    project_study_statuses,
)
from sysreview.project.selection.studies import project_add_study
from sysreview.project.storage import AuthorContact, StudyStatusEvent, open_store
from tests.unit.project.selection.test_decisions import make_project


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> Path:
    folder, _ = make_project(tmp_path, store_url)
    project_add_study(folder, "Smith 2019", store_url)
    project_add_study(folder, "Jones 2021", store_url)
    return folder


def _count(url: str, model: type) -> int:
    with open_store(url) as store, store.session(readonly=True) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_study_listings_latest_wins_and_none_takes_back(project: Path, store_url: str) -> None:
    project_set_study_status(project, "smith  2019", "awaiting", "R1",
                             {"reason": "abstract only; authors asked", "methods": "RCT"},
                             store_url)  # fmt: skip
    project_set_study_status(project, "Jones 2021", "ongoing", "R2",
                             {"study_name": "PEER-2", "registration": "NCT90000001",
                              "starting_date": "2021-03", "notes": None}, store_url)  # fmt: skip
    listed = project_study_statuses(project, store_url)
    assert [(s.study, s.status) for s in listed] == [
        ("Smith 2019", "awaiting_classification"),
        ("Jones 2021", "ongoing"),
    ]
    assert listed[1].data == {"study_name": "PEER-2", "registration": "NCT90000001",
                              "starting_date": "2021-03"}  # fmt: skip
    assert "registration: NCT90000001" in listed[1].summary()
    project_set_study_status(project, "Smith 2019", "none", "R1", {}, store_url)
    assert [s.study for s in project_study_statuses(project, store_url)] == ["Jones 2021"]
    assert _count(store_url, StudyStatusEvent) == 3


@pytest.mark.parametrize(
    ("label", "status", "data", "message"),
    [
        ("Nobody 2000", "ongoing", {}, "no study 'Nobody 2000'"),
        ("Smith 2019", "excluded", {}, "invalid study status 'excluded'"),
        ("Smith 2019", "ongoing", {"reason": "x"}, "keeps no 'reason'"),
        ("Smith 2019", "none", {"notes": "x"}, "keeps no 'notes'"),
    ],
)
def test_bad_listings_are_refused(
    project: Path, store_url: str, label: str, status: str, data: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        project_set_study_status(project, label, status, "R1", data, store_url)
    assert _count(store_url, StudyStatusEvent) == 0


def test_contact_threads_keep_every_step(project: Path, store_url: str) -> None:
    first = project_add_contact(project, "Smith 2019", "R1", store_url,
                                contact="Dr A Smith <a@example.org>",
                                asked="Means and SDs at 12 weeks?",
                                contacted_on=date(2024, 1, 2))  # fmt: skip
    project_add_contact(project, "Jones 2021", "R2", store_url, contact="B Jones",
                        asked="Results expected?", contacted_on=date(2024, 1, 3),
                        outcome="no-reply")  # fmt: skip
    assert project_follow_contact(project, first, "R2", store_url, outcome="no-reply") == first
    later = project_follow_contact(project, first, "R1", store_url, reply="SD 4.1 and 3.9",
                                   replied_on=date(2024, 2, 1))  # fmt: skip
    assert later == first
    smith = project_contacts(project, "Smith 2019", store_url)
    assert len(smith) == 1
    c = smith[0]
    assert (c.id, c.outcome, c.reply, c.replied_on, c.reviewer, c.steps) == (
        first, "answered", "SD 4.1 and 3.9", date(2024, 2, 1), "R1", 3
    )  # fmt: skip
    assert [x.outcome for x in project_contacts(project, db_url=store_url)] == [
        "answered", "no_reply"
    ]  # fmt: skip
    assert _count(store_url, AuthorContact) == 4


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"contact": " ", "asked": "x"}, "who was contacted"),
        ({"contact": "A", "asked": "x", "outcome": "answered"}, "needs the reply"),
        ({"contact": "A", "asked": "x", "outcome": "ghosted"}, "invalid contact outcome"),
        ({"contact": "A", "asked": "x", "contacted_on": date.today() + timedelta(days=2)},
         "in the future"),
        ({"contact": "A", "asked": "x", "contacted_on": date(2024, 5, 1),
          "replied_on": date(2024, 4, 1), "reply": "y"}, "must be between"),
    ],
)  # fmt: skip
def test_bad_contacts_are_refused(
    project: Path, store_url: str, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        project_add_contact(project, "Smith 2019", "R1", store_url, **fields)
    with pytest.raises(InputError, match="no contact 7"):
        project_follow_contact(project, 7, "R1", store_url, outcome="declined")
    assert _count(store_url, AuthorContact) == 0
