"""``sysreview pool``'s fast path gives byte for byte what the Typer path gives.

Three layers are checked against an independent route to the same output:

* :func:`fast_main` (lean argument parsing) against Typer's ``CliRunner`` on
  ``sysreview.cli.app``: the same stdout, stderr and exit status, for continuous,
  dichotomous and generic data, ``--by``, subgroups and errors; command lines it does not
  handle go to Typer (``None``).
* the quote-free CSV reader of :func:`read_table` against the :mod:`csv` module (the same
  file with one quoted cell, which sends it through :mod:`csv`), CRLF included;
* the batched effect sizes (:func:`effects_all`) against :func:`effects_of` per analysis,
  and the bulk JSON (:func:`records_json`) against ``json.dumps`` of the records.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sysreview.analysis_pool import effects_all, effects_of, resolve_options
from sysreview.analysis_table import _plain_rows, read_table
from sysreview.cli import app
from sysreview.commands import pool_fast
from sysreview.commands.pool_fast import fast_main, parse_pool_args
from sysreview.meta import meta_analyses
from sysreview.meta.export import analysis_record, records_json

runner = CliRunner()

CONT = """study,subgroup,outcome,mean_e,sd_e,n_e,mean_c,sd_c,n_c
A,x,o1,10,2,20,9,2,20
B,x,o1,12,2,25,9.5,2.5,25
A,x,o2,1,2,20,9,2,20
C,y,o1,11,3,30,10,3,30
D,y,o1,11,3,30,10,0,30
B,x,o2,2,2,25,9.5,2.5,25
C,y,o2,3,3,30,10,3,30
E,y,o2,0.123456789,1.1,17,0.5,1.3,19
"""

DICH = """study,events_e,n_e,events_c,n_c
S1,4,123,11,139
S2,6,306,29,303
S3,3,231,11,220
S4,0,50,0,50
"""

GIV = """study,analysis,estimate,se
P1,a,0.1,0.05
P2,a,-0.2,0.1
P3,a,0.35,0.2
Q1,b,1.5,0.3
Q2,b,1.1,NA
Q3,b,0.9,0.25
"""

BAD_NUMBER = CONT.replace("12,2,25", "12,two,25", 1)
TOO_FEW = CONT.replace("C,y,o2,3,3,30", "C,y,o2,3,0,30").replace(
    "E,y,o2,0.123456789,1.1", "E,y,o2,x,1.1"
)
MIXED_SETTINGS = """study,analysis,tau2_method,estimate,se
P1,a,REML,0.1,0.05
P2,a,REML,-0.2,0.1
P3,a,,0.35,0.2
Q1,b,PM,1.5,0.3
Q2,b,PM,1.1,0.2
"""


def write(tmp_path: Path, text: str, name: str = "data.csv", newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline=newline)
    return path


RM5 = """<?xml version="1.0" encoding="UTF-8"?>
<COCHRANE_REVIEW><ANALYSES_AND_DATA><COMPARISON ID="CMP-001" NO="1"><NAME>A vs B</NAME>
<CONT_OUTCOME ID="CMP-001.01" NO="1" EFFECT_MEASURE="SMD" RANDOM="YES" TOTALS="YES">
<NAME>Pain</NAME>
<CONT_DATA STUDY_ID="STD-A" MEAN_1="10" SD_1="2" TOTAL_1="20" MEAN_2="9" SD_2="2" TOTAL_2="21"/>
<CONT_DATA STUDY_ID="STD-B" MEAN_1="12" SD_1="0" TOTAL_1="25" MEAN_2="9" SD_2="2" TOTAL_2="24"/>
</CONT_OUTCOME></COMPARISON></ANALYSES_AND_DATA></COCHRANE_REVIEW>
"""

CASES = [
    (RM5, ["--format", "json"]),
    (RM5, ["--convention", "metafor"]),
    (RM5, ["--by", "outcome"]),
    (RM5.replace("</COCHRANE_REVIEW>", ""), []),
    (CONT, ["--by", "outcome", "--format", "json"]),
    (CONT, ["--by=outcome", "--measure", "SMD", "--convention", "metafor", "--format=json"]),
    (CONT, ["--format", "json", "--by", "outcome", "--tau2", "REML", "--level", "90"]),
    (CONT, ["--by", "outcome", "--measure", "MD", "--model", "fixed"]),
    (CONT, ["--by", "outcome", "--format", "csv", "--ci", "hksj"]),
    (DICH, ["--format", "json"]),
    (DICH, ["--measure", "OR", "--method", "MH", "--format", "json"]),
    (DICH, ["--measure", "RD", "--convention", "metafor"]),
    (GIV, ["--by", "analysis", "--format", "json"]),
    (GIV, ["--by", "analysis", "--log-scale", "--format", "json"]),
    (MIXED_SETTINGS, ["--by", "analysis", "--format", "json"]),
    (MIXED_SETTINGS, ["--by", "analysis", "--format", "json", "--tau2", "DL"]),
    # errors: one line on stderr, exit 2
    (BAD_NUMBER, ["--by", "outcome", "--format", "json"]),
    (TOO_FEW, ["--by", "outcome", "--format", "json"]),
    (CONT, ["--by", "nope", "--format", "json"]),
    (CONT, ["--measure", "XYZ"]),
    (CONT, ["--measure", "RR", "--by", "outcome"]),
    (DICH.replace("S1,4,123", "S1,400,123"), ["--format", "json"]),
    (CONT.replace("A,x,o1", ",x,o1"), []),
    ("study,mean_e\n", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "args"), CASES)
def test_fast_path_matches_typer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, args: list[str]
) -> None:
    data = str(write(tmp_path, text))
    expected = runner.invoke(app, ["pool", data, *args])
    assert parse_pool_args([data, *args]) is not None
    status = fast_main([data, *args])
    got = capsys.readouterr()
    assert (status, got.out, got.err) == (
        expected.exit_code,
        expected.stdout,
        expected.stderr,
    )


def test_missing_file_is_the_same_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "absent.csv")
    expected = runner.invoke(app, ["pool", data])
    status = fast_main([data])
    got = capsys.readouterr()
    assert status == expected.exit_code == 2
    assert got.err == expected.stderr
    assert "sysreview: error:" in got.err


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["d.csv", "--help"],
        ["d.csv", "e.csv"],
        ["d.csv", "--by"],
        ["d.csv", "--by", "a", "--by", "b"],
        ["d.csv", "--format", "JSON"],
        ["d.csv", "--format", "xml"],
        ["d.csv", "--level", "ninety"],
        ["d.csv", "--level", "-5"],
        ["d.csv", "--log-scale=yes"],
        ["d.csv", "--unknown", "x"],
        ["d.csv", "-h"],
        ["--", "d.csv"],
        [""],
    ],
)
def test_left_to_typer(args: list[str]) -> None:
    assert parse_pool_args(args) is None
    assert fast_main(args) is None


def test_parsed_arguments() -> None:
    kwargs = parse_pool_args(["--log-scale", "x.csv", "--level=99.5", "--tau2", "REML"])
    assert kwargs == {
        "log_scale": True,
        "data": Path("x.csv"),
        "level": 99.5,
        "tau2": "REML",
    }


def quoted(text: str) -> str:
    """The same CSV with the first study label quoted: the csv module reads it."""
    header, first, rest = text.split("\n", 2)
    return "\n".join([header, '"' + first.split(",", 1)[0] + '",' + first.split(",", 1)[1], rest])


@pytest.mark.parametrize(
    ("text", "by"), [(CONT, "outcome"), (CONT, None), (DICH, None), (GIV, "analysis")]
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_plain_reader_matches_csv_module(
    tmp_path: Path, text: str, by: str | None, newline: str
) -> None:
    assert _plain_rows(text.replace("\n", newline)) is not None  # the quote-free reader
    fast = read_table(write(tmp_path, text, "a.csv", newline), None, by)
    slow = read_table(write(tmp_path, quoted(text), "b.csv", newline), None, by)
    assert fast[0] == slow[0]
    assert len(fast[1]) == len(slow[1])
    for a, b in zip(fast[1], slow[1], strict=True):
        assert (a.label, a.studies, a.subgroups, a.rows, a.settings) == (
            b.label,
            b.studies,
            b.subgroups,
            b.rows,
            b.settings,
        )
        assert a.columns.keys() == b.columns.keys()
        for name in a.columns:
            np.testing.assert_array_equal(a.columns[name], b.columns[name])


def test_plain_reader_line_numbers_in_errors(tmp_path: Path) -> None:
    from sysreview.errors import InputError

    text = CONT.replace("C,y,o2,3,3,30", "C,y,o2,3,-3,30")
    for name, body in (("a.csv", text), ("b.csv", quoted(text))):
        with pytest.raises(InputError, match="must not be negative") as info:
            read_table(write(tmp_path, body, name), None, "outcome")
        assert info.value.line == 8
        assert info.value.column == "sd_e"


@pytest.mark.parametrize(
    ("text", "measure", "convention"),
    [
        (CONT, "MD", "revman"),
        (CONT, "SMD", "revman"),
        (CONT, "SMD", "metafor"),
        (DICH, "OR", "revman"),
        (GIV, "GIV", "revman"),
    ],
)
def test_batched_effects_and_json_match_per_analysis(
    tmp_path: Path, text: str, measure: str, convention: str
) -> None:
    by = "outcome" if text is CONT else "analysis" if text is GIV else None
    columns, tables = read_table(write(tmp_path, text), None, by)
    given: dict[str, object] = {"measure": None, "convention": None}
    from sysreview.vocab import Convention, Measure

    given = {"measure": Measure.parse(measure), "convention": Convention.parse(convention)}
    options = [resolve_options(t, given, columns, "data.csv") for t in tables]
    batched = effects_all(tables, options, "data.csv")
    single = [effects_of(t, o, "data.csv") for t, o in zip(tables, options, strict=True)]
    for a, b in zip(batched, single, strict=True):
        assert (a.measure, a.convention, a.studies, a.reasons, a.log_scale) == (
            b.measure,
            b.convention,
            b.studies,
            b.reasons,
            b.log_scale,
        )
        for name in ("yi", "vi", "n1i", "n2i"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    pooled = meta_analyses(
        [es for es in batched if int(es.estimable.sum()) >= 2],
        labels=[
            t.label for t, es in zip(tables, batched, strict=True) if int(es.estimable.sum()) >= 2
        ],
        subgroups=[
            t.subgroups
            for t, es in zip(tables, batched, strict=True)
            if int(es.estimable.sum()) >= 2
        ],
    )
    expected = json.dumps([analysis_record(r, r.label) for r in pooled], allow_nan=False)
    assert records_json(pooled, by=True) == expected
    assert records_json([], by=True) == "[]"


def many_analyses(tmp_path: Path, analyses: int = 30) -> Path:
    """A --by table with ``analyses`` continuous analyses of 2 to 6 studies."""
    rng = np.random.default_rng(7)
    lines = ["analysis,study,mean_e,sd_e,n_e,mean_c,sd_c,n_c"]
    for a in range(analyses):
        for s in range(int(rng.integers(2, 7))):
            m, sd = rng.normal(10, 3, 2), rng.uniform(1, 4, 2)
            lines.append(
                f"a{a},s{s},{m[0]:.5f},{sd[0]:.4f},{int(rng.integers(5, 90))},"
                f"{m[1]:.5f},{sd[1]:.4f},{int(rng.integers(5, 90))}"
            )
    return write(tmp_path, "\n".join(lines) + "\n")


def test_json_in_two_processes_is_the_same_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(many_analyses(tmp_path))
    args = [data, "--by", "analysis", "--tau2", "REML", "--format", "json"]
    assert fast_main(args) == 0
    one = capsys.readouterr().out
    monkeypatch.setattr(pool_fast, "PARALLEL_JSON_MIN", 2)
    monkeypatch.setattr(pool_fast, "_cpus", lambda: 2)
    assert fast_main(args) == 0
    two = capsys.readouterr().out
    assert two == one
    assert len(json.loads(two)) == 30


def test_json_in_two_processes_falls_back_when_the_child_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from sysreview.meta import export

    data = str(many_analyses(tmp_path))
    args = [data, "--by", "analysis", "--format", "json"]
    assert fast_main(args) == 0
    expected = capsys.readouterr().out
    monkeypatch.setattr(pool_fast, "PARALLEL_JSON_MIN", 2)
    monkeypatch.setattr(pool_fast, "_cpus", lambda: 2)
    parent, real = os.getpid(), export.analyses_json

    def failing_in_child(results: object) -> str:
        if os.getpid() != parent:
            raise RuntimeError("child failure")
        return real(results)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "analyses_json", failing_in_child)
    assert fast_main(args) == 0
    assert capsys.readouterr().out == expected

    def no_fork() -> int:
        raise OSError("no fork")

    monkeypatch.setattr(os, "fork", no_fork)
    assert fast_main(args) == 0
    assert capsys.readouterr().out == expected
