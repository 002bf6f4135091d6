"""The sheet commands through ``sysreview``: exit codes, messages, nothing stored on refusal.

``screen export/import``, ``rob template/load`` and ``extract template/load`` on SQLite
and PostgreSQL (``--db``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project
from sysreview.project.storage import DecisionEvent, ExtractionValue, RobJudgement, open_store

RIS = "".join(f"TY  - JOUR\nTI  - Trial {i} of peer support\nER  -\n" for i in range(1, 4))
runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> list[str]:
    folder = tmp_path / "p"
    init_project(folder, "group-peer-support", store_url)
    toml = folder / "review.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'roles = ["screener", "appraiser"]', 'roles = ["screener", "appraiser", "extractor"]'),
        encoding="utf-8")  # fmt: skip
    (folder / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(folder, [folder / "s.ris"], source="MEDLINE", db_url=store_url)
    return ["-p", str(folder), "--db", store_url]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def count(url: str, model: type) -> int:
    with open_store(url) as store, store.session(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def decide(path: Path, decisions: dict[str, str]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    for row in rows:
        if row and row[0] in decisions:
            row[6] = decisions[row[0]]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def test_screen_import_refuses_another_reviewers_sheet(
    project: list[str], tmp_path: Path, store_url: str
) -> None:
    sheet = tmp_path / "r2.csv"
    code, out, _ = run("screen", "export", str(sheet), "--reviewer", "R2", *project)
    assert (code, out) == (0, f"1 records for R2 at ta written to {sheet}\n")
    decide(sheet, {"1": "include"})
    code, out, err = run("screen", "import", str(sheet), "--reviewer", "R1", *project)
    assert (code, out) == (2, "")
    assert err.startswith(f"sysreview: error: {sheet}: this sheet was exported for R2, not R1")
    assert len(err.splitlines()) == 1 and count(store_url, DecisionEvent) == 0


def test_screen_import_twice_then_stale_then_forced(
    project: list[str], tmp_path: Path, store_url: str
) -> None:
    sheet = tmp_path / "r1.csv"
    run("screen", "export", str(sheet), "--reviewer", "R1", *project)
    decide(sheet, {"1": "include", "2": "exclude", "3": "maybe"})
    code, out, err = run("screen", "import", str(sheet), "--reviewer", "R1", *project)
    assert (code, err) == (0, "")
    assert out == f"{sheet}: 3 new, 0 corrected, 0 unchanged (title/abstract decisions of R1)\n"
    code, out, _ = run("screen", "import", str(sheet), "--reviewer", "R1", *project)
    assert code == 0
    assert (
        out == f"{sheet}: unchanged (3 title/abstract decisions of R1 as stored); nothing stored\n"
    )
    old = tmp_path / "old.csv"
    run("screen", "export", str(old), "--reviewer", "R1", *project)
    assert run("screen", "decide", "2", "include", "--reviewer", "R1", *project)[0] == 0
    decide(old, {"3": "exclude"})
    code, out, err = run("screen", "import", str(old), "--reviewer", "R1", *project)
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[0] == ("sysreview: error: 1 value(s) in this sheet would overwrite newer ones; "
                        "nothing was stored. Export the sheet again, or import it with --force "
                        "to override them:")  # fmt: skip
    stale = f"{old}, row 13, column 'decision': record 2: the sheet says 'exclude' but 'include'"
    assert lines[1].startswith(f"sysreview: error: {stale} was recorded after")
    assert count(store_url, DecisionEvent) == 4  # 3 + the web/CLI decision; record 3 not stored
    code, out, _ = run("screen", "import", str(old), "--reviewer", "R1", "--force", *project)
    assert code == 0
    assert out == (f"{old}: 0 new, 1 corrected, 1 overriding newer values, 1 unchanged "
                   "(title/abstract decisions of R1)\n")  # fmt: skip


def test_screen_import_names_every_bad_row(
    project: list[str], tmp_path: Path, store_url: str
) -> None:
    sheet = tmp_path / "hand.csv"
    sheet.write_text("record_id,decision\n5.9,include\ninf,exclude\n1e3,maybe\n2,yes\n",
                     encoding="utf-8")  # fmt: skip
    code, out, err = run("screen", "import", str(sheet), "--reviewer", "R1", *project)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"sysreview: error: {sheet}, row 2, column 'record_id': record id '5.9' is not a whole "
        "number such as 12",
        f"sysreview: error: {sheet}, row 3, column 'record_id': record id 'inf' is not a whole "
        "number such as 12",
        f"sysreview: error: {sheet}, row 4, column 'record_id': record id '1e3' is not a whole "
        "number such as 12",
        f"sysreview: error: {sheet}, row 5, column 'decision': record 2: decision 'yes' must be "
        "one of include, exclude, maybe",
    ]
    assert count(store_url, DecisionEvent) == 0


def test_a_hand_made_sheet_warns(project: list[str], tmp_path: Path) -> None:
    sheet = tmp_path / "hand.csv"
    sheet.write_bytes("record_id;decision;note\n1;include;café\n".encode("cp1252"))
    code, out, err = run("screen", "import", str(sheet), "--reviewer", "R1", *project)
    assert code == 0 and out.startswith(f"{sheet}: 1 new")
    warnings = err.splitlines()
    assert [w.split(": ", 2)[1] for w in warnings] == ["warning", "warning"]
    assert "read as Windows-1252" in warnings[0] and "no sysreview identity rows" in warnings[1]


def test_a_zip_bomb_is_one_line(project: list[str], tmp_path: Path, store_url: str) -> None:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    bomb = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with out.open(item.filename, "w", force_zip64=True) as stream:
                    for _ in range(300):
                        stream.write(b" " * 2**20)
            else:
                out.writestr(item.filename, src.read(item))
    code, out_, err = run("screen", "import", str(bomb), "--reviewer", "R1", *project)
    assert (code, out_) == (2, "") and len(err.splitlines()) == 1
    assert "would expand to" in err and count(store_url, DecisionEvent) == 0


def test_rob_load_stale_then_forced(project: list[str], tmp_path: Path, store_url: str) -> None:
    assert run("study", "add", "Trial 01", *project)[0] == 0
    old = tmp_path / "old.csv"
    assert run("rob", "template", str(old), "--reviewer", "R1", *project)[0] == 0
    mine = tmp_path / "mine.csv"
    mine.write_text("study,domain,judgement\nTrial 01,other_bias,high\n", encoding="utf-8")
    assert run("rob", "load", str(mine), "--reviewer", "R1", *project)[0] == 0
    text = old.read_text(encoding="utf-8").replace(
        "Trial 01,other_bias,,", "Trial 01,other_bias,low,"
    )
    old.write_text(text, encoding="utf-8")
    code, out, err = run("rob", "load", str(old), "--reviewer", "R1", *project)
    assert (code, out) == (2, "") and "Trial 01, other_bias: the sheet says 'low'" in err
    assert count(store_url, RobJudgement) == 1
    code, out, _ = run("rob", "load", str(old), "--reviewer", "R1", "--force", *project)
    assert code == 0 and "1 overriding newer values" in out
    code, out, err = run("rob", "load", str(tmp_path / "old.csv"), "--reviewer", "R2", *project)
    assert code == 2 and "exported for R1, not R2" in err


def test_extract_load_refuses_a_phantom_study(
    project: list[str], tmp_path: Path, store_url: str
) -> None:
    template = tmp_path / "t.csv"
    assert run("extract", "template", str(template), *project)[0] == 0
    studies = tmp_path / "t.studies.csv"
    with studies.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["Smiht 2019"])
    code, out, err = run("extract", "load", str(template), "--reviewer", "R1", *project)
    assert (code, out) == (2, "")
    assert "sheet studies, row 13, column 'study_id': no study 'Smiht 2019'" in err
    assert count(store_url, ExtractionValue) == 0
    code, out, _ = run("study", "list", *project)
    assert out == "no studies yet\n"
