"""Full-text services on SQLite and PostgreSQL: attach by content, match a folder,
retrieval statuses, open-access lookups; every refusal stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.project.retrieving.service import (
    project_attach_fulltext,
    project_find_open_access,
    project_fulltexts,
    project_match_fulltexts,
    project_set_retrieval,
)
from sysreview.project.selection.decisions import record_decision
from sysreview.project.storage import FulltextFile, RetrievalEvent, open_store
from sysreview.search.live import ApiClient
from tests.unit.fulltext.pdfs import make_pdf
from tests.unit.project.selection.test_decisions import make_project
from tests.unit.search.test_openaccess import OaServices

TITLES = (
    "Synthetic trial A of group peer support for depression in older adults",
    "Synthetic trial B of telephone peer support for anxiety in carers",
    "Synthetic trial C of online peer support for new mothers at home",
)
RIS = (
    f"TY  - JOUR\nTI  - {TITLES[0]}\nDO  - 10.5555/synthetic.a\nUR  - https://example.org/a\n"
    "ER  -\n"
    f"TY  - JOUR\nTI  - {TITLES[1]}\nDO  - 10.5555/sr.b2\nUR  - javascript:alert(1)\nER  -\n"
    f"TY  - JOUR\nTI  - {TITLES[2]}\nER  -\n"
)


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> Path:
    """Records 1-3 imported; 1 and 2 at full text (both reviewers included them)."""
    folder, protocol = make_project(tmp_path, store_url, ris=RIS, dual_fraction="1.0")
    with open_store(store_url) as store:
        for record in (1, 2):
            for reviewer in ("R1", "R2"):
                record_decision(store, protocol, stage="ta", record_id=record,
                                reviewer=reviewer, decision="include")  # fmt: skip
    return folder


def _count(url: str, model: type) -> int:
    with open_store(url) as store, store.session(readonly=True) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _pdf(tmp_path: Path, name: str, *lines: str, **info: str) -> Path:
    path = tmp_path / name
    path.write_bytes(make_pdf([list(lines)], info))
    return path


def test_attach_keeps_the_file_once_by_content_and_marks_it_retrieved(
    project: Path, tmp_path: Path, store_url: str
) -> None:
    pdf = _pdf(tmp_path, "Smith 2019.pdf", TITLES[0])
    first = project_attach_fulltext(project, 1, pdf, "R1", store_url)
    again = project_attach_fulltext(project, 3, pdf, "R2", store_url)  # same file, other record
    assert first.sha256 == again.sha256 and first.file_name == "Smith 2019.pdf"
    stored = project / "fulltexts" / f"{first.sha256}.pdf"
    assert stored.read_bytes() == pdf.read_bytes()
    assert sorted(p.name for p in (project / "fulltexts").iterdir()) == [stored.name]
    rows = {r.record_id: r for r in project_fulltexts(project, store_url)}
    assert set(rows) == {1, 2, 3}  # 1, 2 at full text; 3 holds a file
    assert rows[1].retrieval is not None and rows[1].retrieval.status == "retrieved"
    assert [f.file_name for f in rows[1].files] == ["Smith 2019.pdf"]
    assert [(link.label, link.url) for link in rows[1].links] == [
        ("DOI", "https://doi.org/10.5555/synthetic.a"),
        ("URL", "https://example.org/a"),
    ]
    assert [link.label for link in rows[2].links] == ["DOI"]  # the javascript: URL is dropped
    with open_store(store_url) as store, store.session(readonly=True) as s:
        text = s.scalar(select(FulltextFile.text).where(FulltextFile.record_id == 1))
    assert text is not None and "Synthetic trial A" in text


@pytest.mark.parametrize(
    ("record", "content", "message"),
    [
        (99, make_pdf([["x"]]), "no record 99 in this project"),
        (1, b"", "empty"),
        (1, b"Dear reviewer, here is the paper", "not a PDF"),
        (1, b"%PDF-1.7 truncated", "not a readable PDF"),
    ],
)
def test_bad_attachments_are_refused_and_store_nothing(
    project: Path, tmp_path: Path, store_url: str, record: int, content: bytes, message: str
) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        project_attach_fulltext(project, record, path, "R1", store_url)
    assert _count(store_url, FulltextFile) == _count(store_url, RetrievalEvent) == 0
    assert not (project / "fulltexts").exists() or not any((project / "fulltexts").iterdir())


def test_a_duplicate_attach_and_an_unknown_reviewer_are_refused(
    project: Path, tmp_path: Path, store_url: str
) -> None:
    pdf = _pdf(tmp_path, "a.pdf", "x")
    project_attach_fulltext(project, 1, pdf, "R1", store_url)
    with pytest.raises(InputError, match="record 1 already holds this file"):
        project_attach_fulltext(project, 1, pdf, "R2", store_url)
    with pytest.raises(InputError, match="unknown reviewer 'Zed'"):
        project_attach_fulltext(project, 2, pdf, "Zed", store_url)
    assert _count(store_url, FulltextFile) == 1


def test_a_fulltexts_folder_leading_outside_the_project_is_refused(
    project: Path, tmp_path: Path, store_url: str
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / "fulltexts").symlink_to(outside)
    with pytest.raises(InputError, match="leads outside the project"):
        project_attach_fulltext(project, 1, _pdf(tmp_path, "a.pdf", "x"), "R1", store_url)
    assert not any(outside.iterdir()) and _count(store_url, FulltextFile) == 0


def test_a_missing_file_or_a_folder_is_refused(
    project: Path, tmp_path: Path, store_url: str
) -> None:
    with pytest.raises(InputError, match="no such file"):
        project_attach_fulltext(project, 1, tmp_path / "missing.pdf", "R1", store_url)
    with pytest.raises(InputError, match="not a file"):
        project_attach_fulltext(project, 1, tmp_path, "R1", store_url)


def test_retrieval_status_latest_wins_and_not_retrieved_needs_a_reason(
    project: Path, store_url: str
) -> None:
    with pytest.raises(InputError, match="needs a reason"):
        project_set_retrieval(project, 1, "not-retrieved", "R1", db_url=store_url)
    with pytest.raises(InputError, match="invalid retrieval status 'lost'"):
        project_set_retrieval(project, 1, "lost", "R1", db_url=store_url)
    with pytest.raises(InputError, match="no record 42"):
        project_set_retrieval(project, 42, "sought", "R1", db_url=store_url)
    assert _count(store_url, RetrievalEvent) == 0
    project_set_retrieval(project, 1, "sought", "R1", db_url=store_url)
    now, changed = project_set_retrieval(
        project, 1, "not-retrieved", "R2", reason="  no library  copy ", db_url=store_url
    )
    assert (now.status, now.reason, changed) == ("not_retrieved", "no library copy", True)
    _, changed = project_set_retrieval(project, 1, "not_retrieved", "R2",
                                       reason="no library copy", db_url=store_url)  # fmt: skip
    assert not changed and _count(store_url, RetrievalEvent) == 2


def test_matching_a_folder_attaches_the_clear_matches_only(
    project: Path, tmp_path: Path, store_url: str
) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    _pdf(folder, "a.pdf", "Trials 2019", "doi: 10.5555/synthetic.a")
    _pdf(folder, "by-title.pdf", "Journal of Peer Support", TITLES[1])
    _pdf(folder, "both.pdf", "doi 10.5555/synthetic.a and 10.5555/sr.b2")  # ambiguous
    _pdf(folder, "c.pdf", TITLES[2])  # record 3 is not at full text
    (folder / "broken.pdf").write_bytes(b"")
    (folder / "notes.txt").write_text("not a pdf, not looked at")
    dry = project_match_fulltexts(project, folder, "R1", dry_run=True, db_url=store_url)
    assert dry.attached == () and _count(store_url, FulltextFile) == 0
    run = project_match_fulltexts(project, folder, "R1", db_url=store_url)
    found = {m.name: (m.status, m.units) for m in run.matches}
    assert found == {
        "a.pdf": ("matched", (1,)),
        "by-title.pdf": ("matched", (2,)),
        "both.pdf": ("ambiguous", (1, 2)),
        "c.pdf": ("unmatched", ()),
    }
    assert sorted(a.record_id for a in run.attached) == [1, 2]
    assert run.skipped == ("broken.pdf: the file is empty (0 bytes), not a PDF",)
    assert "4 PDF(s): 2 matched, 1 ambiguous, 1 unmatched; 2 attached, 1 skipped" in run.summary()
    every = project_match_fulltexts(project, folder, "R1", every_record=True, db_url=store_url)
    assert [a.record_id for a in every.attached] == [3]  # the others hold their files already
    assert any("already holds this file" in s for s in every.skipped)


def test_matching_refuses_a_missing_folder_and_a_bad_threshold(
    project: Path, tmp_path: Path, store_url: str
) -> None:
    with pytest.raises(InputError, match="no such folder"):
        project_match_fulltexts(project, tmp_path / "nope", "R1", db_url=store_url)
    with pytest.raises(InputError, match="threshold"):
        project_match_fulltexts(project, tmp_path, "R1", threshold=0, db_url=store_url)


def test_open_access_lookup_lists_then_downloads_only_when_asked(
    project: Path, store_url: str
) -> None:
    services = OaServices()
    client = ApiClient(email="r@example.org", transport=httpx.MockTransport(services),
                       sleep=lambda _: None, retries=0)  # fmt: skip
    with client:
        listed = project_find_open_access(project, client, db_url=store_url)
        assert [f.record_id for f in listed] == [1, 2]  # at full text, with a DOI
        assert listed[0].lookup.pdf_urls[0] == "https://repository.example.org/synthetic-a.pdf"
        assert listed[1].lookup.locations == ()
        assert _count(store_url, FulltextFile) == 0
        with pytest.raises(InputError, match="say who"):
            project_find_open_access(project, client, download=True, db_url=store_url)
        got = project_find_open_access(project, client, records=[1], download=True,
                                       reviewer="R1", db_url=store_url)  # fmt: skip
    # the fake serves "%PDF-1.4 synthetic", which pypdf cannot read: every link is tried,
    # nothing is attached, and the problem is reported
    assert got[0].attached is None and got[0].problem is not None
    assert "synthetic-a.pdf: 10.5555_synthetic.a.pdf: not a readable PDF" in got[0].problem
    assert "PMC9000001?pdf=render: download: HTTP 404" in got[0].problem
    assert _count(store_url, FulltextFile) == 0


def test_open_access_download_attaches_a_readable_pdf(project: Path, store_url: str) -> None:
    services = OaServices()
    real = make_pdf([[TITLES[0]]])

    def transport(request: httpx.Request) -> httpx.Response:
        if request.url.host == "repository.example.org":
            return httpx.Response(200, content=real)
        return services(request)

    client = ApiClient(email="r@example.org", transport=httpx.MockTransport(transport),
                       sleep=lambda _: None, retries=0)  # fmt: skip
    with client:
        got = project_find_open_access(project, client, download=True, reviewer="R1",
                                       db_url=store_url)  # fmt: skip
    attached = got[0].attached
    assert attached is not None and attached.record_id == 1
    assert attached.source == "https://repository.example.org/synthetic-a.pdf"
    assert attached.file_name == "10.5555_synthetic.a.pdf"
    assert (project / attached.stored_as).read_bytes() == real


def test_export_and_load_carry_the_files_checked_against_their_hash(
    project: Path, tmp_path: Path, store_url: str, new_url: Callable[..., str]
) -> None:
    from sysreview.project.opening import export_project, load_project_dump

    attached = project_attach_fulltext(project, 1, _pdf(tmp_path, "a.pdf", "x"), "R1", store_url)
    export_project(project, tmp_path / "dump", store_url)
    exported = tmp_path / "dump" / attached.stored_as
    assert exported.read_bytes() == (project / attached.stored_as).read_bytes()
    restored = load_project_dump(tmp_path / "dump", tmp_path / "b", new_url(blank=True))
    assert (restored.directory / attached.stored_as).read_bytes() == exported.read_bytes()
    exported.write_bytes(b"%PDF-1.4 tampered")
    with pytest.raises(InputError, match="does not match its name"):
        load_project_dump(tmp_path / "dump", tmp_path / "c", new_url(blank=True))
    assert not (tmp_path / "c").exists()
