"""Full texts to read, on SQLite and PostgreSQL: uploads, viewers, stored files, search."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.project.opening import open_project
from sysreview.project.selection.views import UnknownRecord
from sysreview.project.storage.studies import Study, StudyReport
from tests.unit.fulltext.pdfs import make_pdf
from tests.unit.project.retrieving.test_files import project

__all__ = ["project"]  # the fixture: records 1-3, 1 and 2 at full text

PAGES = [
    ["Synthetic trial A", "Methods"],
    ["Results: 50% of", "participants recovered;"],
    ["RISK OF BIAS", "Allocation   concealment was adequate"],
]


def test_upload_search_and_records_containing(project: Path, store_url: str) -> None:
    with open_project(project, store_url) as review:
        retrieval = review.retrieval
        first = retrieval.upload(1, make_pdf(PAGES), "a.pdf", "R1")
        retrieval.upload(2, make_pdf([["Allocation", "concealment unclear 50_of"]]), "b.pdf", "R2")
        assert (first.source, first.page_count, first.reviewer) == ("web", 3, "R1")
        hits = retrieval.search(1, first.id, "allocation concealment")
        assert [(h.page, h.match) for h in hits] == [(3, "Allocation concealment")]
        assert [h.page for h in retrieval.search(1, first.id, "50%")] == [2]
        assert retrieval.records_containing("ALLOCATION CONCEALMENT") == (1, 2)
        assert retrieval.records_containing("50%") == (1,)  # % is no wildcard
        assert retrieval.records_containing("50_of") == (2,)  # nor is _
        assert retrieval.records_containing("recovered; risk") == ()  # within a page, as search
        assert retrieval.records_containing("unknown words") == ()
        with pytest.raises(InputError, match="type a word or phrase"):
            retrieval.records_containing("   ")
        with pytest.raises(InputError, match="at most 200"):
            retrieval.search(1, first.id, "x" * 201)


def test_viewer_stored_file_and_refusals(project: Path, store_url: str) -> None:
    with open_project(project, store_url) as review:
        retrieval = review.retrieval
        older = retrieval.upload(1, make_pdf([["one"]]), "one.pdf", "R1")
        newer = retrieval.upload(1, make_pdf([["two"]]), "two.pdf", "R2")
        viewer = retrieval.viewer(1)
        assert [f.file_name for f in viewer.files] == ["two.pdf", "one.pdf"]
        assert viewer.current == newer and viewer.retrieval is not None
        assert (viewer.retrieval.status, viewer.retrieval.reviewer) == ("retrieved", "R1")
        info, path = retrieval.stored_pdf(1, older.id)
        assert path == project / "fulltexts" / f"{older.sha256}.pdf"
        assert path.read_bytes() == make_pdf([["one"]]) and info.file_name == "one.pdf"
        with pytest.raises(UnknownRecord, match="record 2 has no full text"):
            retrieval.stored_pdf(2, older.id)
        with pytest.raises(UnknownRecord, match="no record 99"):
            retrieval.viewer(99)
        with pytest.raises(UnknownRecord, match="no record 99"):
            retrieval.upload(99, make_pdf([["x"]]), "x.pdf", "R1")
        with pytest.raises(InputError, match="unknown reviewer 'nobody'"):
            retrieval.upload(1, make_pdf([["x"]]), "x.pdf", "nobody")
        path.unlink()  # the store lost its file: a clear 404, not a server error
        with pytest.raises(UnknownRecord, match="is missing from the project folder"):
            retrieval.stored_pdf(1, older.id)
        assert retrieval.viewer(3).files == () and retrieval.viewer(3).retrieval is None


def test_study_viewer_shows_the_primary_report_first(project: Path, store_url: str) -> None:
    with open_project(project, store_url) as review:
        retrieval = review.retrieval
        retrieval.upload(1, make_pdf([["secondary"]]), "secondary.pdf", "R1")
        retrieval.upload(2, make_pdf([["primary"]]), "primary.pdf", "R1")
        with review.store.session() as session:
            study = Study(label="Cook 2012")
            session.add(study)
            session.flush()
            session.add(StudyReport(study_id=study.id, record_id=1, is_primary=False))
            session.add(StudyReport(study_id=study.id, record_id=2, is_primary=True))
        viewer = retrieval.study_viewer("Cook 2012")
        assert viewer.record_ids == (2, 1)
        assert [f.file_name for f in viewer.files] == ["primary.pdf", "secondary.pdf"]
        assert viewer.summary() == "study Cook 2012: 2 full text(s)"
        with pytest.raises(InputError, match="no study 'Nobody 1999'"):
            retrieval.study_viewer("Nobody 1999")
