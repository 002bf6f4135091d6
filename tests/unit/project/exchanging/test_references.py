"""References export (``sysreview references export``): records with where screening left
them, as RIS (read back by rispy and by our own reader), BibTeX (bibtexparser) and CSV
(safe against spreadsheet formulas), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from pathlib import Path

import bibtexparser
import pytest
import rispy
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection.decisions import assigned_records, record_decision
from sysreview.project.storage import open_store
from sysreview.records import read_file

runner = CliRunner()
TITLES = (
    "Dual screened trial",
    '=HYPERLINK("http://evil.example","x")',
    "Peer support groups and recovery",
    "A trial in the wrong population\x1b[31m",
)
RIS = "".join(
    f"TY  - JOUR\nTI  - {t}\nAU  - Doe, Jane\nAU  - Roe, R\nPY  - 2020\nJO  - Trials\n"
    f"DO  - 10.1/{i}\nER  -\n"
    for i, t in enumerate(TITLES)
)
REASON = "Participants not eligible"


@pytest.fixture
def screened(tmp_path: Path, store_url: str) -> Path:
    """Record 1 dual-screened, one decision so far; 2 excluded at title/abstract; 3
    included at full text; 4 excluded at full text with a reason."""
    folder = tmp_path / "p"
    init_project(folder, "group-peer-support", store_url)
    (folder / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(folder, [folder / "s.ris"], source="MEDLINE", db_url=store_url)
    protocol = load_project(folder, store_url).protocol
    with open_store(store_url) as store:

        def decide(stage: str, rid: int, who: str, what: str, reason: str | None = None) -> None:
            record_decision(store, protocol, stage=stage, record_id=rid, reviewer=who,
                            decision=what, reason=reason)  # fmt: skip

        decide("ta", 1, "R1", "include")
        decide("ta", 2, "R1", "exclude")
        decide("ta", 3, "R1", "include")
        decide("ta", 4, "R1", "include")
        decide("ft", 3, "R1", "include")
        decide("ft", 4, "R1", "exclude", REASON)
        for rid in assigned_records(store, protocol, stage="ft", reviewer="R2"):
            decide("ft", rid, "R2", *(("include",) if rid == 3 else ("exclude", REASON)))
    return folder


def export(folder: Path, url: str, out: Path, *args: str) -> str:
    result = runner.invoke(
        app, ["references", "export", str(out), "-p", str(folder), "--db", url, *args]
    )
    assert result.exit_code == 0, result.output
    return out.read_text("utf-8")


def test_csv_has_status_decisions_reasons_and_is_safe(
    screened: Path, store_url: str, tmp_path: Path
) -> None:
    text = export(screened, store_url, tmp_path / "all.csv")
    rows = list(csv.DictReader(text.splitlines()))
    by_title = {r["title"]: r for r in rows}
    assert len(rows) == 4
    assert by_title["Dual screened trial"]["status"] == "in screening"
    evil = by_title["'" + TITLES[1]]  # the formula is neutralised, not run
    assert evil["status"] == "excluded at title/abstract"
    assert by_title["Peer support groups and recovery"]["status"] == "included"
    wrong = by_title["A trial in the wrong population"]  # no terminal escape either
    assert (wrong["status"], wrong["ft_decision"], wrong["ft_reason"]) == (
        "excluded at full text", "exclude", REASON)  # fmt: skip
    assert wrong["authors"] == "Doe, Jane; Roe, R"
    assert "\x1b" not in text


def test_selection_per_stage_and_decision(screened: Path, store_url: str, tmp_path: Path) -> None:
    def titles(*args: str) -> set[str]:
        text = export(screened, store_url, tmp_path / "x.csv", *args)
        return {r["title"] for r in csv.DictReader(text.splitlines())}

    assert titles("--decision", "include") == {"Peer support groups and recovery"}
    assert titles("--decision", "exclude") == {"'" + TITLES[1], "A trial in the wrong population"}
    assert titles("--stage", "ft") == {"Peer support groups and recovery",
                                       "A trial in the wrong population"}  # fmt: skip
    assert titles("--stage", "ta", "--decision", "exclude") == {"'" + TITLES[1]}
    assert titles("--stage", "ft", "--decision", "exclude") == {"A trial in the wrong population"}


def test_ris_reads_back(screened: Path, store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "refs.ris"
    text = export(screened, store_url, out)
    entries = rispy.loads(text)
    assert [e["title"] for e in entries][1] == TITLES[1]
    wrong = entries[3]
    assert wrong["authors"] == ["Doe, Jane", "Roe, R"]
    assert wrong["doi"] == "10.1/3"
    assert "sysreview:excluded" in wrong["keywords"]
    assert f"sysreview:reason:{REASON}" in wrong["keywords"]
    assert wrong["notes"] == [
        f"sysreview: excluded at full text (reason: {REASON}); title/abstract include, "
        "full text exclude"
    ]
    ours = read_file(out)  # the project's own importer reads it too
    assert [c.title for c in ours.citations] == [e["title"] for e in entries]


def test_bibtex_reads_back(screened: Path, store_url: str, tmp_path: Path) -> None:
    text = export(screened, store_url, tmp_path / "refs.bib", "--decision", "include")
    (entry,) = bibtexparser.loads(text).entries
    assert entry["title"] == "Peer support groups and recovery"
    assert entry["author"] == "Doe, Jane and Roe, R"
    assert entry["keywords"] == "sysreview:included"
    assert entry["note"].startswith("sysreview: included")


def test_bad_options_exit_2_and_write_nothing(
    screened: Path, store_url: str, tmp_path: Path
) -> None:
    for args, out in ((("--stage", "xx"), "a.csv"), (("--decision", "maybe"), "b.csv"),
                      ((), "c.txt")):  # fmt: skip
        result = runner.invoke(
            app, ["references", "export", str(tmp_path / out), "-p", str(screened),
                  "--db", store_url, *args]
        )  # fmt: skip
        assert result.exit_code == 2, result.output
        assert not (tmp_path / out).exists()
