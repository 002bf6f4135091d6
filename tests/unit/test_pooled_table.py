"""``sysreview.pool_table``: a DataFrame or a file in, one meta-analysis per analysis out.

The library call is what ``sysreview pool`` runs: its JSON, CSV and text are the
result's :meth:`to_json`, :meth:`to_frame` and :meth:`summary`. A DataFrame gives the
same analyses as the CSV it was read from, under any of the column vocabularies.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sysreview import InputError, PooledTable, escalc, meta_analysis, pool_table
from sysreview.cells import safe_frame
from sysreview.cli import app
from sysreview.vocab import Tau2Method

CONT = """study,subgroup,outcome,mean_e,sd_e,n_e,mean_c,sd_c,n_c
A,x,o1,10,2,20,9,2,20
B,x,o1,12,2,25,9.5,2.5,25
A,x,o2,1,2,20,9,2,20
C,y,o1,11,3,30,10,3,30
D,y,o1,11,3,30,10,0,30
B,x,o2,2,2,25,9.5,2.5,25
C,y,o2,3,3,30,10,3,30
"""
METAFOR_BIN = "slab,ai,n1i,ci,n2i\nS1,4,123,11,139\nS2,6,306,29,303\nS3,3,231,11,220\n"
MEANS = """studlab,n.e,mean.e,sd.e,n.c,mean.c,sd.c
P,20,5.1,1.2,21,4.4,1.3
Q,35,4.9,1.1,33,4.8,1.0
"""
GIV = """study,analysis,yi,vi
P1,a,0.1,0.0025
P2,a,-0.2,0.01
P3,a,0.35,0.04
Q1,b,1.5,0.09
Q2,b,1.1,NA
"""
SETTINGS = """analysis,study,measure,method,model,level,events_e,n_e,events_c,n_c
x,S1,OR,MH,fixed,90,4,123,11,139
x,S2,OR,MH,fixed,90,6,306,29,303
y,S1,RD,IV,random,99,3,231,11,220
y,S2,RD,IV,random,99,12,80,20,82
"""

TABLES = [
    (CONT, "outcome", {}),
    (CONT, "outcome", {"measure": "SMD", "convention": "metafor"}),
    (METAFOR_BIN, None, {"measure": "OR"}),
    (MEANS, None, {"tau2_method": "REML", "ci_method": "hksj", "level": 90}),
    (GIV, "analysis", {"log_scale": True}),
    (SETTINGS, "analysis", {}),
    (SETTINGS, "analysis", {"model": "random"}),
]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "by", "options"), TABLES)
def test_a_dataframe_pools_as_the_csv_it_was_read_from(
    tmp_path: Path, text: str, by: str | None, options: dict[str, object]
) -> None:
    path = write(tmp_path, text)
    from_file = pool_table(path, by=by, **options)  # type: ignore[arg-type]
    from_frame = pool_table(pd.read_csv(path), by=by, **options)  # type: ignore[arg-type]
    assert from_file.records() == from_frame.records()
    assert from_file.labelled == from_frame.labelled == (by is not None)
    assert (from_file.source, from_frame.source) == (str(path), "DataFrame")


@pytest.mark.parametrize(("text", "by", "options"), TABLES)
def test_the_command_prints_the_results_formats(
    tmp_path: Path, text: str, by: str | None, options: dict[str, object]
) -> None:
    path = write(tmp_path, text)
    pooled = pool_table(path, by=by, **options)  # type: ignore[arg-type]
    flags = {"tau2_method": "--tau2", "ci_method": "--ci"}
    args = [str(path)] + (["--by", by] if by else [])
    for name, value in options.items():
        flag = flags.get(name, "--" + name.replace("_", "-"))
        args += [flag] if value is True else [flag, str(value)]
    run = CliRunner().invoke
    assert run(app, ["pool", *args, "--format", "json"]).stdout == pooled.to_json() + "\n"
    assert run(app, ["pool", *args]).stdout == pooled.summary() + "\n"
    csv = run(app, ["pool", *args, "--format", "csv"]).stdout
    assert csv == safe_frame(pooled.to_frame()).to_csv(index=False)
    records = json.loads(pooled.to_json())
    assert records == (pooled.records() if by else pooled.records()[0])


def test_numbers_are_the_libraries() -> None:
    frame = pd.DataFrame(
        {
            "slab": ["A", "B", "C", "D"],
            "ai": [4, 6, 3, 62],
            "bi": [119, 300, 228, 13536],
            "ci": [11, 29, 11, 248],
            "di": [128, 274, 209, 12619],
        }
    )
    pooled = pool_table(frame, measure="OR", convention="metafor", tau2_method=Tau2Method.PM)
    es = escalc("OR", data=frame, ai="ai", bi="bi", ci="ci", di="di", slab="slab")
    res = meta_analysis(es, tau2_method="PM")
    (got,) = pooled
    assert (got.estimate, got.se, got.tau2, got.p, got.q) == (res.estimate, res.se, res.tau2,
                                                              res.p, res.q)  # fmt: skip
    assert got.effects.studies == ("A", "B", "C", "D") and got.method.value == "IV"
    frame_out = pooled.to_frame()
    assert list(frame_out["row"]) == ["study"] * 4 + ["total"]
    assert frame_out.columns[-1] == "analysis" and frame_out["analysis"].isna().all()


def test_frame_columns_of_any_type() -> None:
    """Numbers as study labels and analysis names, blank rows, NaN and None as missing."""
    frame = pd.DataFrame(
        {
            "trial": [1, 2, 3, 1, 2, None],
            "study": [101, 102, 103, 101, 102, None],
            "estimate": [0.1, 0.3, np.nan, 0.2, 0.4, np.nan],
            "se": [0.1, 0.2, 0.1, 0.15, 0.1, np.nan],
        }
    )
    pooled = pool_table(frame, by="trial")
    assert pooled.labels == ["1", "2", "3"]
    assert [r.effects.studies for r in pooled] == [("101", "101"), ("102", "102"), ("103",)]
    assert pooled[2].k == 0 and pooled[2].reason == "no estimable studies"
    assert repr(pooled) == "<PooledTable 3 analyses from DataFrame>"


def test_frame_errors_name_the_row_as_in_its_csv() -> None:
    frame = pd.DataFrame({"study": ["A", "B"], "estimate": [0.1, 0.2], "se": [0.1, -0.2]})
    with pytest.raises(InputError) as info:
        pool_table(frame)
    assert str(info.value) == "DataFrame, row 3, column 'se': must not be negative: '-0.2'"
    frame = pd.DataFrame({"study": ["A", "B"], "estimate": ["0.1", "x"], "se": [0.1, 0.2]})
    with pytest.raises(InputError, match=r"row 3, column 'estimate': not a number: 'x'"):
        pool_table(frame)
    with pytest.raises(InputError, match=r"Invalid tau2 method 'REM'; must be one of DL"):
        pool_table(frame, tau2_method="REM")
    with pytest.raises(InputError, match="--by column 'outcome' not found"):
        pool_table(frame, by="outcome")
    with pytest.raises(TypeError, match="a DataFrame or a path, not list"):
        pool_table([1, 2])  # type: ignore[arg-type]


def test_a_frame_written_by_the_command_reads_back() -> None:
    """Text the command protected from spreadsheets (``'=``) is read without the apostrophe."""
    frame = pd.read_csv(io.StringIO("study,estimate,se\n'=A,0.1,0.1\nB,0.2,0.1\n"))
    pooled = pool_table(frame)
    assert pooled[0].effects.studies == ("=A", "B")
    assert isinstance(pooled, PooledTable) and not pooled.labelled
