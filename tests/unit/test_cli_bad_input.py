"""Bad input through the command line: one line naming file and line (or study), exit 2,
no traceback, nothing stored; record text printed without escape sequences or markup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project
from sysreview.project.storage import ImportBatch, Record, open_store

runner = CliRunner()

GOOD_RIS = "TY  - JOUR\nTI  - A good trial\nER  - \n"
STUDY = {"protocolSection": {"identificationModule": {"nctId": "NCT1", "briefTitle": "T"}}}

#: file name, content, and the error after "sysreview: error: <path>"
BAD: dict[str, tuple[str, bytes, str]] = {
    "json-node-type": (
        "ct.json",
        json.dumps({"studies": [STUDY, {"protocolSection": []}]}).encode(),
        ", study 2: protocolSection is a list; expected an object",
    ),
    "json-deep": (
        "deep.json",
        b'{"studies": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
        ", line 1: JSON nested more than 64 levels deep",
    ),
    "json-huge-int": (
        "big.json",
        b'{"studies": [{"protocolSection": {"n": ' + b"9" * 5000 + b"}}]}",
        ", line 1: a number with over 4,300 digits",
    ),
    "json-nan": (
        "nan.json",
        b'{"studies": [{"protocolSection": {"n": NaN}}]}',
        ", line 1: invalid JSON: NaN is not a JSON number",
    ),
    "bibtex-macro": (
        "m.bib",
        b"@article{a,\n title = undefinedmacro,\n}\n",
        ", line 2: macro 'undefinedmacro' is used but not defined: "
        "add @string{undefinedmacro = {...}} or write the value in braces",
    ),
    "bibtex-braces": (
        "b.bib",
        b"@article{a,\n title = {" + b"{" * 3000 + b"x" + b"}" * 3001 + b",\n}\n",
        ", line 2: braces nested more than 32 levels deep (is a closing brace missing?)",
    ),
    "late-medline": (
        "late.nbib",
        "".join(f"PMID- {i}\nTI  - T{i}\n\n" for i in range(1, 2001)).encode() + b"TI  - x\n",
        ", line 6001, column 'TI': tag 'TI' outside any record (a medline record starts with "
        "PMID- )",
    ),
    "csv-row": (
        "t.csv",
        b"title,year\nA,2020\nB,2021,extra\n",
        ", row 3: row has 3 cells but the header has 2 columns",
    ),
    "xml": (
        "e.xml",
        b"<xml><records><record><titles><title>A</titles></record></records></xml>",
        ", line 1: invalid XML: mismatched tag: line 1, column 40",
    ),
    "escape-in-name": (
        "x\x1b[31m.ris",
        b"",
        ": the file is empty; there are no records to read",
    ),
}


def _counts(url: str) -> tuple[int, int]:
    with open_store(url) as store, store.session(readonly=True) as s:
        return (
            s.scalar(select(func.count()).select_from(ImportBatch)) or 0,
            s.scalar(select(func.count()).select_from(Record)) or 0,
        )


def _one_line_error(result: object, path: Path, expected: str) -> None:
    code, err = getattr(result, "exit_code"), getattr(result, "stderr")  # noqa: B009
    assert code == 2, err
    assert "Traceback" not in err
    shown = str(path).replace("\x1b", "")  # the file name is printed terminal-safe
    assert err == f"sysreview: error: {shown.replace('[31m', '')}{expected}\n"


@pytest.mark.parametrize("case", sorted(BAD))
def test_import_refuses_in_one_line_and_stores_nothing(
    case: str, tmp_path: Path, store_url: str
) -> None:
    name, data, expected = BAD[case]
    project = tmp_path / "p"
    init_project(project, "blank", store_url)
    good, bad = tmp_path / "good.ris", tmp_path / name
    good.write_text(GOOD_RIS, encoding="utf-8")
    bad.write_bytes(data)
    args = ["import", str(good), str(bad), "--source", "X", "-p", str(project), "--db", store_url]
    _one_line_error(runner.invoke(app, args), bad, expected)
    assert _counts(store_url) == (0, 0)


@pytest.mark.parametrize("case", sorted(BAD))
def test_dedup_file_refuses_in_one_line(case: str, tmp_path: Path) -> None:
    name, data, expected = BAD[case]
    path = tmp_path / name
    path.write_bytes(data)
    _one_line_error(runner.invoke(app, ["dedup", str(path)]), path, expected)


def test_the_console_script_prints_no_traceback(tmp_path: Path) -> None:
    """Through the installed ``sysreview`` command, as a user runs it."""
    name, data, expected = BAD["json-node-type"]
    path = tmp_path / name
    path.write_bytes(data)
    script = Path(sys.executable).parent / "sysreview"
    done = subprocess.run(
        [str(script), "dedup", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"sysreview: error: {path}{expected}\n"


def test_nul_bytes_and_surrogates_import_with_a_warning(tmp_path: Path, store_url: str) -> None:
    project = tmp_path / "p"
    init_project(project, "blank", store_url)
    path = tmp_path / "nul.ris"
    path.write_bytes(b"TY  - JOUR\nTI  - Peer\x00 support\nER  - \n")
    args = ["import", str(path), "--source", "X", "-p", str(project), "--db", store_url]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"sysreview: warning: {path}:2: 1 NUL character(s) removed (first on line 2); "
        "a database cannot store them\n"
    )
    assert _counts(store_url) == (1, 1)


RISKY = "\x1b[2J\x1b]0;pwned\x07[bold]Escaped[/bold] \u202etitle\x1b[0m"


def test_record_text_is_printed_terminal_safe(tmp_path: Path, store_url: str) -> None:
    """Records stored before import cleaned text (or by another route) print safely too."""
    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    (project / "a.ris").write_text(
        "TY  - JOUR\nTI  - [red]Markup[/red] stays literal\nER  - \n", encoding="utf-8"
    )
    import_files(project, [project / "a.ris"], source="X", db_url=store_url)
    with open_store(store_url) as store, store.session() as s:
        batch = s.scalars(select(ImportBatch)).one()
        s.add(Record(batch_id=batch.id, position=2, title=RISKY, abstract=RISKY, raw={}))
    common = ["-p", str(project), "--db", store_url]
    screen = runner.invoke(app, ["screen", "--reviewer", "R1", *common], input="ii")
    assert screen.exit_code == 0, screen.stderr
    runner.invoke(app, ["screen", "decide", "2", "exclude", "--reviewer", "R2", *common])
    conflicts = runner.invoke(app, ["screen", "conflicts", *common])
    assert "1 unresolved conflicts" in conflicts.stdout
    for result in (screen, conflicts):
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
        assert "\x07" not in result.stdout
        assert "[bold]Escaped[/bold] title" in result.stdout
    assert "[red]Markup[/red] stays literal" in screen.stdout


def test_load_refuses_a_bad_dump_before_creating_the_project(tmp_path: Path) -> None:
    project = tmp_path / "p"
    init_project(project, "blank")
    assert runner.invoke(app, ["export", str(tmp_path / "dump"), "-p", str(project)]).exit_code == 0
    manifest = tmp_path / "dump" / "database" / "manifest.json"
    manifest.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["load", str(tmp_path / "dump"), str(tmp_path / "copy")])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"sysreview: error: {manifest}: not a readable dump manifest")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "copy").exists()


def test_a_deeply_nested_protocol_is_one_line(tmp_path: Path) -> None:
    init_project(tmp_path, "blank")
    toml = tmp_path / "review.toml"
    toml.write_text(toml.read_text() + "\nx = " + "[" * 3000 + "]" * 3000 + "\n")
    result = runner.invoke(app, ["validate", "-p", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"sysreview: error: {toml}, line ")
    assert result.stderr.endswith(": arrays or tables nested more than 32 levels deep\n")


def test_the_import_progress_bar_shows_one_file_in_bytes_then_records(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rich.console import Console

    from sysreview.commands.progress import import_progress as _import_progress

    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    with _import_progress() as update:
        update("reading", "/data/big[bold].ris", 50_000_000, 200_000_000)
        update("storing", "/data/big[bold].ris", 38_000, 76_707)
    shown = capsys.readouterr().err
    assert "storing big[bold].ris" in shown  # the name's brackets are not read as markup
    assert "38,000/76,707 records" in shown
