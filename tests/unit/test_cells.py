"""Every CSV the tool writes is safe to open in a spreadsheet, and reads back exactly.

The escape itself (a property test), then each writer through the command a user runs:
``dedup FILE``, ``simulate``, ``pool --format csv``, ``analyse``'s results.csv and
analysis_data.csv (read back by ``pool``), ``search log --csv``, live-search CSV files.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sysreview.cells import TRIGGERS, needs_quote, neutralise, restore, safe_frame
from sysreview.cli import app

HOSTILE = ('=HYPERLINK("http://evil.example","click")', "+44 1", "-2 mg", "@SUM(A1)", "\tTab")
runner = CliRunner()


@given(st.text())
def test_restore_undoes_neutralise(text: str) -> None:
    safe = neutralise(text)
    assert restore(safe) == text
    assert not str(safe).startswith(TRIGGERS)  # nothing a spreadsheet would run


@given(st.text(alphabet="'=+-@ab", max_size=6))
def test_the_escape_is_unambiguous_around_apostrophes(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert (neutralise(text) != text) == needs_quote(text)


@pytest.mark.parametrize("value", [-1, -2.5, 0, True, None, 3.0])
def test_numbers_stay_numbers(value: object) -> None:
    assert neutralise(value) is value


def test_safe_frame_touches_text_only() -> None:
    frame = pd.DataFrame({"study": ["=x", "ok"], "yi": [-1.5, 2.0], "n": [3, 4],
                          "mixed": ["-a", 5]})  # fmt: skip
    safe = safe_frame(frame)
    assert list(safe["study"]) == ["'=x", "ok"] and list(safe["mixed"]) == ["'-a", 5]
    assert safe["yi"].tolist() == [-1.5, 2.0] and safe["n"].dtype == frame["n"].dtype
    assert frame["study"].tolist() == ["=x", "ok"]  # a copy


def rows_of(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_dedup_output_is_safe(tmp_path: Path) -> None:
    data = tmp_path / "export.csv"
    data.write_text("id,title,year\n=cmd|' /C calc'!A0,A trial of peer support,2020\n"
                    "-2,A trial of peer support,2020\n", encoding="utf-8")  # fmt: skip
    out = tmp_path / "groups.csv"
    result = runner.invoke(app, ["dedup", str(data), "--output", str(out)])
    assert result.exit_code == 0, result.output
    ids = [r[0] for r in rows_of(out)[1:]]
    assert sorted(ids) == ["'-2", "'=cmd|' /C calc'!A0"]


def test_simulate_output_is_safe(tmp_path: Path) -> None:
    rows = ["record_id,title,abstract,label_included"]
    for i in range(20):
        rid = f"=A{i}" if i % 2 else str(100 + i)
        rows.append(f"{rid},peer support trial {i},words {i},{int(i % 5 == 0)}")
    data = tmp_path / "labelled.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "order.csv"
    args = ["simulate", str(data), "--label-column", "label_included", "--output", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    order = rows_of(out)[1:]
    assert {r[1] for r in order if r[1].startswith("'")} == {f"'=A{i}" for i in range(1, 20, 2)}
    assert all(r[0].isdigit() and r[2] in ("0", "1") for r in order)  # numbers as numbers


def test_pool_csv_output_is_safe_and_pool_reads_its_own_escape(tmp_path: Path) -> None:
    def table(path: Path, labels: list[str]) -> Path:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["study", "mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c"])
            writer.writerows([s, i, 1, 10, 0, 1.5, 11] for i, s in enumerate(labels, 1))
        return path

    data = table(tmp_path / "data.csv", list(HOSTILE[:4]))
    result = runner.invoke(app, ["pool", str(data), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "pooled.csv"
    out.write_text(result.stdout, encoding="utf-8")
    pooled = rows_of(out)
    study = pooled[0].index("study")
    assert [r[study] for r in pooled[1:5]] == ["'" + s for s in HOSTILE[:4]]
    assert float(pooled[1][pooled[0].index("yi")]) == 1.0
    # the escaped labels read back as the original ones
    escaped = table(tmp_path / "escaped.csv", ["'" + h for h in HOSTILE[:4]])
    plain = json.loads(runner.invoke(app, ["pool", str(data), "--format", "json"]).stdout)
    again = json.loads(runner.invoke(app, ["pool", str(escaped), "--format", "json"]).stdout)
    assert [s["study"] for s in again["studies"]] == list(HOSTILE[:4])
    assert again == plain


def test_analysis_files_are_safe_and_pool_reproduces_results_exactly(tmp_path: Path) -> None:
    from sysreview.synthesis import run_plan
    from sysreview.synthesis.export import write_synthesis
    from tests.unit.synthesis.data import review_data, seed_protocol

    names = dict(zip("ABCDE", (*HOSTILE[:4], "'=quoted"), strict=True))
    data = review_data()
    renamed = dataclasses.replace(
        data,
        studies=tuple(dataclasses.replace(s, study_id=names[s.study_id]) for s in data.studies),
        arms=tuple(dataclasses.replace(a, study_id=names[a.study_id]) for a in data.arms),
        outcomes=tuple(dataclasses.replace(o, study_id=names[o.study_id]) for o in data.outcomes),
    )
    write_synthesis(run_plan(renamed, seed_protocol()), tmp_path)
    table = rows_of(tmp_path / "analysis_data.csv")
    studies = {r[table[0].index("study")] for r in table[1:]}
    assert studies <= {"'" + n for n in names.values()}
    assert all(not c.startswith(TRIGGERS) for r in rows_of(tmp_path / "results.csv") for c in r
               if not _number(c))  # fmt: skip
    result = runner.invoke(app, ["pool", str(tmp_path / "analysis_data.csv"), "--by",
                                 "analysis", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    pooled = {r["analysis"]: r for r in json.loads(result.stdout)}
    expected = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert pooled and all(r["analysis"] in pooled for r in expected if r["estimate"] is not None)
    for want in (r for r in expected if r["estimate"] is not None):
        got = pooled[want["analysis"]]
        assert [s["study"] for s in got["studies"]] == want["studies"]  # the exact labels
        for key in ("estimate", "se", "tau2", "q"):
            assert got[key] == want[key]  # bit for bit: the same inputs, read back exactly


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_search_log_csv_is_safe(tmp_path: Path) -> None:
    from sysreview.project.importing.service import import_files
    from sysreview.project.opening import init_project

    project = tmp_path / "p"
    init_project(project, "blank")
    (project / "s.ris").write_text("TY  - JOUR\nTI  - A trial\nER  -\n", encoding="utf-8")
    import_files(project, [project / "s.ris"], source="=HYPERLINK(\"x\")",
                 interface="@Ovid")  # fmt: skip
    out = tmp_path / "log.csv"
    result = runner.invoke(app, ["search", "log", "--csv", str(out), "-p", str(project)])
    assert result.exit_code == 0, result.output
    cells = [c for row in rows_of(out)[1:] for c in row]
    assert '\'=HYPERLINK("x")' in cells and "'@Ovid" in cells
    assert not any(c.startswith(TRIGGERS) for c in cells if not _number(c))


def test_live_search_csv_is_safe_and_imports_exactly(tmp_path: Path) -> None:
    from sysreview.records import read_file
    from sysreview.records.model import Citation
    from sysreview.search.live import records_csv

    given_ = [Citation(1, record_id="NCT1", title=HOSTILE[0], abstract="-5 mg daily"),
              Citation(2, record_id="NCT2", title="Plain title")]  # fmt: skip
    path = tmp_path / "ctgov.csv"
    path.write_text(records_csv(given_), encoding="utf-8")
    assert all(not c.startswith(TRIGGERS) for r in rows_of(path) for c in r)
    read = read_file(path).citations
    assert [(c.title, c.abstract) for c in read] == [(HOSTILE[0], "-5 mg daily"),
                                                     ("Plain title", None)]  # fmt: skip
