"""``project.retrieval``: every write takes the project's write lock (the web app's
writers take turns on it), one transaction at a time and never around a read; reads take
none. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sysreview.project.opening import Project, open_project
from sysreview.project.retrieving.service import RetrievalService
from sysreview.project.selection.studies import project_add_study
from tests.unit.project.retrieving.test_files import TITLES, _pdf, project  # noqa: F401


class CountingLock:
    """A write lock that counts its turns and refuses to be taken twice at once."""

    def __init__(self) -> None:
        self.turns = 0
        self.held = False

    def __enter__(self) -> None:
        assert not self.held, "the write lock was taken while already held"
        self.held, self.turns = True, self.turns + 1

    def __exit__(self, *exc: object) -> None:
        self.held = False


def _counted(review: Project) -> CountingLock:
    lock = CountingLock()
    review.__dict__["write_lock"] = lock  # the cached property's value, as first use sets it
    return lock


def test_writes_take_the_write_lock_and_reads_do_not(
    project: Path,  # noqa: F811
    tmp_path: Path,
    store_url: str,
) -> None:
    with open_project(project, store_url) as review:
        lock = _counted(review)
        assert isinstance(review.retrieval, RetrievalService)
        review.retrieval.attach(1, _pdf(tmp_path, "a.pdf", TITLES[0]), "R1")
        assert lock.turns == 1
        now, changed = review.retrieval.set_status(2, "not-retrieved", "R1", reason="no copy")
        assert (now.status, changed, lock.turns) == ("not_retrieved", True, 2)
        folder = tmp_path / "pdfs"
        folder.mkdir()
        _pdf(folder, "b.pdf", TITLES[1])
        run = review.retrieval.match_folder(folder, "R1")
        assert len(run.attached) == 1
        assert lock.turns == 4  # the reviewer checked, then one turn per attachment
        dry = review.retrieval.match_folder(folder, "R1", dry_run=True)
        assert not dry.attached and lock.turns == 5  # only the reviewer's check
        before = lock.turns
        assert [r.record_id for r in review.retrieval.fulltexts()] == [1, 2]
        assert review.retrieval.study_statuses() == ()
        assert review.retrieval.contacts() == ()
        assert lock.turns == before and not lock.held


def test_study_listing_and_contacts_take_the_write_lock(
    project: Path,  # noqa: F811
    store_url: str,
) -> None:
    project_add_study(project, "Smith 2019", store_url)
    with open_project(project, store_url) as review:
        lock = _counted(review)
        listed = review.retrieval.list_study("Smith 2019", "ongoing", "R1",
                                             {"registration": "NCT01234567"})  # fmt: skip
        ident = review.retrieval.add_contact("Smith 2019", "R1", contact="A Smith",
                                             asked="the SDs")  # fmt: skip
        assert review.retrieval.follow_contact(ident, "R2", outcome="no-reply") == ident
        assert lock.turns == 3 and not lock.held
        [now] = review.retrieval.study_statuses()
        assert (now.study, now.status, now.data) == (listed.study, "ongoing", listed.data)
        assert [c.outcome for c in review.retrieval.contacts("Smith 2019")] == ["no_reply"]
        assert lock.turns == 3
