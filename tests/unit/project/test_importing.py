"""Importing export files into a project, on SQLite and PostgreSQL: whole files or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.project import importing
from sysreview.project.services import import_files, init_project, project_status
from sysreview.project.store import AuditEntry, ImportBatch, Record, open_store
from tests.conftest import shared_path

RIS = """TY  - JOUR
TI  - Peer support groups for recovery
AU  - Smith, Jane
AU  - Doe, J.
PY  - 2019
JO  - Psychiatric Services
DO  - https://doi.org/10.1176/APPI.PS.1
AB  - A randomised trial.
ER  -
TY  - JOUR
TI  - Second trial
PY  - 2020
ER  -
"""


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> Path:
    init_project(tmp_path / "p", "blank", store_url)
    return tmp_path / "p"


def counts(url: str) -> tuple[int, int]:
    with open_store(url) as store, store.session(readonly=True) as s:
        batches = s.scalar(select(func.count()).select_from(ImportBatch)) or 0
        return batches, s.scalar(select(func.count()).select_from(Record)) or 0


def test_import_stores_normalised_fields_and_the_batch(project: Path, store_url: str) -> None:
    path = project / "medline.ris"
    path.write_text(RIS, encoding="utf-8")
    (done,) = import_files(project, [path], source="MEDLINE", interface="Ovid", db_url=store_url)
    assert (done.records, done.format) == (2, "ris")
    with open_store(store_url) as store, store.session(readonly=True) as s:
        batch = s.scalars(select(ImportBatch)).one()
        assert (batch.source_database, batch.interface, batch.record_count) == (
            "MEDLINE",
            "Ovid",
            2,
        )
        first = s.scalars(select(Record).order_by(Record.position)).first()
        assert first is not None
        assert first.title == "Peer support groups for recovery"
        assert first.doi == "10.1176/appi.ps.1"
        assert first.authors == "Smith, Jane\nDoe, J."
        assert (first.year, first.journal, first.line) == (2019, "Psychiatric Services", 1)
        audit = s.scalars(select(AuditEntry).where(AuditEntry.what == "import")).one()
        assert audit.entity_id == batch.id
    assert project_status(project, store_url).records == 2


def test_reimport_is_refused_naming_the_batch(project: Path, store_url: str) -> None:
    path = project / "a.ris"
    path.write_text(RIS, encoding="utf-8")
    import_files(project, [path], source="Embase", db_url=store_url)
    copy = project / "b.ris"
    copy.write_bytes(path.read_bytes())
    with pytest.raises(InputError, match=r"b.ris: already imported as batch 1 \(a.ris, 2 records"):
        import_files(project, [copy], source="Embase", db_url=store_url)
    assert counts(store_url) == (1, 2)


def test_a_malformed_file_names_its_line_and_nothing_is_written(
    project: Path, store_url: str
) -> None:
    good, bad = project / "good.ris", project / "bad.ris"
    good.write_text(RIS, encoding="utf-8")
    bad.write_text("AU  - Lost, A.\nTY  - JOUR\nER  -\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.ris, line 1, column 'AU'"):
        import_files(project, [good, bad], source="Embase", db_url=store_url)
    assert counts(store_url) == (0, 0)


def test_a_crash_mid_file_leaves_nothing_of_that_file(
    project: Path, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = project / "one.ris", project / "two.ris"
    first.write_text(RIS, encoding="utf-8")
    second.write_text(RIS.replace("Second trial", "Third trial"), encoding="utf-8")
    real = importing.record_row
    calls = {"n": 0}

    def flaky(citation):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 4:  # the second record of the second file
            raise RuntimeError("power cut")
        return real(citation)

    monkeypatch.setattr(importing, "record_row", flaky)
    with pytest.raises(RuntimeError, match="power cut"):
        import_files(project, [first, second], source="Embase", db_url=store_url)
    assert counts(store_url) == (1, 2)  # the first file whole, nothing of the second


def test_real_exports_import_with_their_fields(project: Path, store_url: str) -> None:
    files = [
        shared_path("fixtures", "exports", n)
        for n in ("embase.ris", "scopus.ris", "pubmed_zotero.ris")
    ]
    done = import_files(project, files, source="mixed", db_url=store_url)
    assert [d.records for d in done] == [6, 6, 6] or sum(d.records for d in done) > 0
    assert counts(store_url)[0] == 3


BIB_CSV = (
    '"ID","ENTRYTYPE","journal","title","year","volume","number","pages","author","doi",'
    '"booktitle"\n'
    '"id_1","inproceedings",,"Crowd work platforms",2019,"UNKNOWN","UNKNOWN","1--10",'
    '"Deng, X.; and Joshi, K. D.",,"International Conference on Information Systems"\n'
)


def test_bibtex_written_as_csv_imports_every_field(project: Path, store_url: str) -> None:
    """CoLRev/bib-dedupe tables: booktitle is the venue, ENTRYTYPE the type, UNKNOWN empty."""
    path = project / "records.csv"
    path.write_text(BIB_CSV, encoding="utf-8")
    (done,) = import_files(project, [path], source="AIS eLibrary", db_url=store_url)
    assert (done.records, done.format) == (1, "csv")
    with open_store(store_url) as store, store.session(readonly=True) as s:
        record = s.scalars(select(Record)).one()
        assert record.journal == "International Conference on Information Systems"
        assert record.publication_type == "inproceedings"
        assert (record.volume, record.issue, record.pages) == (None, None, "1-10")
        assert record.authors == "Deng, X.\nJoshi, K. D."
