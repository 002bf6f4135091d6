"""``sysreview log``: the audit trail of decisions, undos, resolutions, links and loads,
filtered by record, person and time, with the route or file each came from."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project

RIS = "".join(f"TY  - JOUR\nTI  - Trial {i} of peer support\nER  -\n" for i in range(1, 4))


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_log_shows_who_did_what_when_and_from_where(tmp_path: Path) -> None:
    project = tmp_path / "p"
    init_project(project, "group-peer-support")
    (project / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(project, [project / "s.ris"], source="MEDLINE")
    p = ["-p", str(project)]
    assert _run("screen", "decide", "1", "include", "--reviewer", "R1", *p)[0] == 0
    assert _run("screen", "decide", "1", "exclude", "--reviewer", "R2", *p)[0] == 0
    assert _run("screen", "undo", "--reviewer", "R2", *p)[0] == 0
    assert _run("screen", "decide", "2", "exclude", "--reviewer", "R1", *p)[0] == 0

    code, out, err = _run("log", "--record", "1", *p)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[-1] == "3 entries"
    assert [line.split("  ")[1:3] for line in lines[:-1]] == [
        ["R1", "ta decision"],
        ["R2", "ta decision"],
        ["R2", "ta undo decision"],
    ]
    assert all(line.endswith("[cli]") and "record 1" in line for line in lines[:-1])
    assert "revealed=True" in lines[2]  # R2 had seen R1's decision when undoing

    code, out, _ = _run("log", "--reviewer", "R2", "--json", *p)
    rows = json.loads(out)
    assert [r["what"] for r in rows] == ["ta decision", "ta undo decision"]
    assert rows[0]["records"] == [1] and rows[0]["route"] == "cli"
    assert _run("log", "--since", "2999-01-01", *p)[1].strip() == "0 entries"
    assert "import" in _run("log", "--last", "50", *p)[1]
    code, _, err = _run("log", "--since", "yesterday", *p)
    assert code == 2 and "--since 'yesterday' is not a date or time" in err
