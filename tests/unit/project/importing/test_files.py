"""Importing export files into a project, on SQLite and PostgreSQL: whole files or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.project.importing import files as importing
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project
from sysreview.project.status import project_status
from sysreview.project.storage import AuditEntry, ImportBatch, Record, open_store
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


def _rows(url: str) -> list[tuple[object, ...]]:
    with open_store(url) as store, store.session(readonly=True) as s:
        return [
            (r.title, r.abstract, r.keywords, r.raw)
            for r in s.scalars(select(Record).order_by(Record.id))
        ]


def test_nul_and_lone_surrogates_are_stored_alike_on_both_backends(
    project: Path, store_url: str
) -> None:
    ris = project / "nul.ris"
    ris.write_bytes(b"TY  - JOUR\nTI  - Peer\x00 support\nKW  - gro\x00up\nER  - \n")
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT1", "briefTitle": "Trial\u0000 \ud800"},
            "descriptionModule": {"briefSummary": "\x1b[31mred\x1b[0m"},
        }
    }
    ctgov = project / "ctgov.json"
    ctgov.write_text(json.dumps({"studies": [study]}), encoding="utf-8")
    done = import_files(project, [ris, ctgov], source="mixed", db_url=store_url)
    assert [len(d.warnings) for d in done] == [1, 1]
    assert _rows(store_url) == [
        ("Peer support", None, ["group"], {"TY": ["JOUR"], "TI": ["Peer support"],
                                           "KW": ["group"]}),
        ("Trial \ufffd", "red", None, {"protocolSection": {
            "identificationModule": {"nctId": "NCT1", "briefTitle": "Trial \ufffd"},
            "descriptionModule": {"briefSummary": "\x1b[31mred\x1b[0m"}}}),
    ]  # fmt: skip


def test_a_malformed_record_late_in_a_large_file_leaves_nothing(
    project: Path, store_url: str
) -> None:
    path = project / "late.nbib"
    good = "".join(f"PMID- {i}\nTI  - Trial {i}\nAB  - {'text ' * 40}\n\n" for i in range(1, 6001))
    path.write_text(good + "AB  - a tag outside any record\n", encoding="utf-8")
    first = project / "first.ris"
    first.write_text(RIS, encoding="utf-8")
    with pytest.raises(InputError, match=r"late\.nbib, line 24001, column 'AB'"):
        import_files(project, [first, path], source="PubMed", db_url=store_url)
    assert counts(store_url) == (0, 0)


def test_progress_counts_bytes_then_records_and_stores_in_chunks(
    project: Path, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "INSERT_CHUNK", 3)
    path = project / "seven.ris"
    path.write_text("".join(f"TY  - JOUR\nTI  - T{i}\nER  - \n" for i in range(7)), "utf-8")
    seen: list[tuple[str, int, int]] = []

    def progress(stage: str, _: str, done: int, total: int) -> None:
        seen.append((stage, done, total))

    import_files(project, [path], source="X", db_url=store_url, progress=progress)
    size = path.stat().st_size
    assert seen == [
        ("reading", size, size),
        ("storing", 3, 7),
        ("storing", 6, 7),
        ("storing", 7, 7),
    ]
    assert counts(store_url) == (1, 7)


def test_a_file_that_changes_between_the_passes_is_refused(
    project: Path, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "moving.ris"
    path.write_text(RIS, encoding="utf-8")
    real = importing.Export.count

    def count_then_edit(self: importing.Export, on_bytes: object = None) -> int:
        n = real(self, None)
        path.write_text(RIS + "TY  - JOUR\nTI  - Added meanwhile\nER  - \n", encoding="utf-8")
        return n

    monkeypatch.setattr(importing.Export, "count", count_then_edit)
    with pytest.raises(InputError, match=r"moving\.ris: the file changed while it was being"):
        import_files(project, [path], source="X", db_url=store_url)
    assert counts(store_url) == (0, 0)
