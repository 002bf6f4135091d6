"""``sysreview fulltext``, ``study status`` and ``contact`` through the CLI: output, exit
codes, one-line errors, nothing stored on refusal (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.storage import (
    AuthorContact,
    FulltextFile,
    RetrievalEvent,
    StudyStatusEvent,
    open_store,
)
from tests.unit.fulltext.pdfs import make_pdf
from tests.unit.project.retrieving.test_files import RIS, TITLES
from tests.unit.project.selection.test_decisions import make_project
from tests.unit.search.test_openaccess import OaServices

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> list[str]:
    folder, _ = make_project(tmp_path, store_url, ris=RIS, dual_fraction="1.0")
    args = ["-p", str(folder), "--db", store_url]
    for record in ("1", "2"):
        for reviewer in ("R1", "R2"):
            code, _, err = run("screen", "decide", record, "include", "--stage", "ta",
                               "--reviewer", reviewer, *args)  # fmt: skip
            assert code == 0, err
    return args


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def count(url: str, model: type) -> int:
    with open_store(url) as store, store.session(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_add_list_and_status(project: list[str], tmp_path: Path, store_url: str) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(make_pdf([[TITLES[0]]]))
    code, out, err = run("fulltext", "add", "1", str(pdf), "--reviewer", "R1", *project)
    assert (code, err) == (0, "")
    assert out.startswith("attached record 1: a.pdf (") and "fulltexts/" in out
    code, out, _ = run("fulltext", "status", "2", "not-retrieved", "--reason", "no copy",
                       "--reviewer", "R2", *project)  # fmt: skip
    assert (code, out) == (0, "record 2: not retrieved (no copy)\n")
    code, out, _ = run("fulltext", "list", *project)
    assert code == 0
    assert "record 1 (n.d.) [retrieved] " + TITLES[0] in out
    assert "  DOI: https://doi.org/10.5555/synthetic.a\n  URL: https://example.org/a\n" in out
    assert "record 2 (n.d.) [not retrieved (no copy)]" in out and "javascript" not in out
    code, out, _ = run("fulltext", "list", "--json", *project)
    rows = json.loads(out)
    assert [r["record_id"] for r in rows] == [1, 2]
    assert rows[0]["files"][0]["file_name"] == "a.pdf"
    assert rows[0]["links"][0] == {"label": "DOI", "url": "https://doi.org/10.5555/synthetic.a"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fulltext", "add", "99", "{pdf}", "--reviewer", "R1"], "no record 99 in this project"),
        (["fulltext", "add", "1", "{empty}", "--reviewer", "R1"], "empty.pdf: the file is empty"),
        (["fulltext", "add", "1", "{text}", "--reviewer", "R1"], "notes.pdf: not a PDF"),
        (["fulltext", "add", "1", "{missing}", "--reviewer", "R1"], "missing.pdf: no such file"),
        (["fulltext", "add", "1", "{pdf}", "--reviewer", "Zed"], "unknown reviewer 'Zed'"),
        (["fulltext", "status", "1", "not-retrieved", "--reviewer", "R1"], "needs a reason"),
        (["fulltext", "status", "1", "mislaid", "--reviewer", "R1"], "invalid retrieval status"),
        (["fulltext", "match", "{missing}", "--reviewer", "R1"], "no such folder"),
        (["study", "status", "Nobody", "ongoing", "--reviewer", "R1"], "no study 'Nobody'"),
        (["contact", "add", "Nobody", "--to", "A", "--asked", "x", "--reviewer", "R1"],
         "no study 'Nobody'"),
        (["contact", "reply", "5", "--outcome", "declined", "--reviewer", "R1"], "no contact 5"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_exit_2_and_nothing_stored(
    project: list[str], tmp_path: Path, store_url: str, args: list[str], message: str
) -> None:
    files = {"pdf": tmp_path / "ok.pdf", "empty": tmp_path / "empty.pdf",
             "text": tmp_path / "notes.pdf", "missing": tmp_path / "missing.pdf"}  # fmt: skip
    files["pdf"].write_bytes(make_pdf([["x"]]))
    files["empty"].write_bytes(b"")
    files["text"].write_text("=cmd|' /C calc'!A0", encoding="utf-8")
    code, out, err = run(*[a.format(**{k: str(v) for k, v in files.items()}) for a in args],
                         *project)  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("sysreview: error: ") and message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    for model in (FulltextFile, RetrievalEvent, StudyStatusEvent, AuthorContact):
        assert count(store_url, model) == 0


def test_a_duplicate_attach_is_refused(project: list[str], tmp_path: Path, store_url: str) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(make_pdf([["x"]]))
    run("fulltext", "add", "1", str(pdf), "--reviewer", "R1", *project)
    code, _, err = run("fulltext", "add", "1", str(pdf), "--reviewer", "R1", *project)
    assert code == 2 and "record 1 already holds this file" in err
    assert count(store_url, FulltextFile) == 1


def test_match_prints_each_file(project: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "10.5555_synthetic.a.pdf").write_bytes(make_pdf([["scan"]]))
    (folder / "two.pdf").write_bytes(make_pdf([["10.5555/synthetic.a; 10.5555/sr.b2"]]))
    code, out, _ = run("fulltext", "match", str(folder), "--reviewer", "R1", *project)
    assert code == 0
    assert out.splitlines() == [
        "10.5555_synthetic.a.pdf: matched record 1 by doi or pmid in file name "
        "(10.5555_synthetic.a)",
        "two.pdf: ambiguous records 1, 2 by doi or pmid on first page "
        "(10.5555/synthetic.a, 10.5555/sr.b2)",
        "2 PDF(s): 1 matched, 1 ambiguous, 0 unmatched; 1 attached, 0 skipped",
    ]


def test_find_oa_lists_without_downloading(
    project: list[str], monkeypatch: pytest.MonkeyPatch, store_url: str
) -> None:
    from sysreview.commands import fulltext
    from sysreview.search.live import ApiClient

    def client(email: str | None) -> ApiClient:
        return ApiClient(email=email, transport=httpx.MockTransport(OaServices()),
                         sleep=lambda _: None, retries=0)  # fmt: skip

    monkeypatch.setattr(fulltext, "_client", client)
    code, out, err = run("fulltext", "find-oa", "--email", "r@example.org", *project)
    assert (code, err) == (0, "")
    assert out.startswith("record 1: 10.5555/synthetic.a: 5 open-access location(s)\n")
    assert "  https://repository.example.org/synthetic-a.pdf  (Unpaywall, repository, " in out
    assert "record 2: 10.5555/sr.b2: 0 open-access location(s)" in out
    assert count(store_url, FulltextFile) == 0
    code, out, _ = run("fulltext", "find-oa", "1", "--json", "--email", "r@x.org", *project)
    assert json.loads(out)[0]["lookup"]["doi"] == "10.5555/synthetic.a"


def test_study_status_and_contacts(project: list[str]) -> None:
    assert run("study", "add", "Smith 2019", *project)[0] == 0
    code, out, _ = run("study", "status", "Smith 2019", "ongoing", "--study-name", "PEER",
                       "--registration", "NCT90000001", "--reviewer", "R1", *project)  # fmt: skip
    assert (code, out) == (0, "Smith 2019: ongoing\n  study name: PEER\n"
                              "  registration: NCT90000001\n")  # fmt: skip
    code, out, _ = run("study", "statuses", "--json", *project)
    assert json.loads(out)[0]["data"] == {"study_name": "PEER", "registration": "NCT90000001"}
    code, out, _ = run("contact", "add", "Smith 2019", "--to", "Dr A Smith", "--asked",
                       "SDs?", "--on", "2024-01-02", "--reviewer", "R2", *project)  # fmt: skip
    assert (code, out) == (0, "contact 1 logged for Smith 2019\n")
    code, out, _ = run("contact", "reply", "1", "--reply", "SD 4.1", "--replied-on",
                       "2024-01-09", "--reviewer", "R2", *project)  # fmt: skip
    assert (code, out) == (0, "contact 1 updated\n")
    code, out, _ = run("contact", "list", *project)
    assert out == ("contact 1 (Smith 2019): Dr A Smith, 2024-01-02, by R2 -- answered\n"
                   "  asked: SDs?\n  reply (2024-01-09): SD 4.1\n")  # fmt: skip
    code, _, err = run("contact", "add", "Smith 2019", "--to", "A", "--asked", "x", "--on",
                       "02/01/2024", "--reviewer", "R2", *project)  # fmt: skip
    assert code == 2 and "--on: '02/01/2024' is not a date (YYYY-MM-DD)" in err


def test_cards_and_full_text_sheets_carry_the_links(project: list[str], tmp_path: Path) -> None:
    import csv

    from sysreview.commands.screen import _card_text
    from sysreview.project.selection.views import RecordCard

    card = RecordCard(1, "T", (), 2019, None, None, "10.5555/a", "123", "javascript:x()")
    assert _card_text(card).endswith(
        "\nDOI: https://doi.org/10.5555/a\nPubMed: https://pubmed.ncbi.nlm.nih.gov/123/"
    )
    sheet = tmp_path / "ft.csv"
    code, _, err = run("screen", "export", str(sheet), "--stage", "ft", "--reviewer", "R1",
                       *project)  # fmt: skip
    assert code == 0, err
    with sheet.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = next(i for i, row in enumerate(rows) if row[:1] == ["record_id"])
    links = {row[0]: row[rows[header].index("links")] for row in rows[header + 1 :]}
    assert links == {
        "1": "https://doi.org/10.5555/synthetic.a https://example.org/a",
        "2": "https://doi.org/10.5555/sr.b2",
    }


def test_prisma_counts_reports_not_retrieved_from_the_recorded_status(
    project: list[str],
) -> None:
    def boxes() -> dict[str, object]:
        code, out, err = run("prisma", "--json", *project)
        assert code == 0, err
        counts: dict[str, object] = json.loads(out)
        return counts

    assert (boxes()["reports_sought"], boxes()["reports_not_retrieved"]) == (2, 0)
    run("fulltext", "status", "2", "not-retrieved", "--reason", "no copy", "--reviewer", "R1",
        *project)  # fmt: skip
    after = boxes()
    assert (after["reports_not_retrieved"], after["reports_assessed"]) == (1, 1)
    assert after["awaiting_full_text"] == 1  # record 1 still waits for its decisions
    run("fulltext", "status", "2", "retrieved", "--reviewer", "R1", *project)
    assert boxes()["reports_not_retrieved"] == 0  # the latest status wins
