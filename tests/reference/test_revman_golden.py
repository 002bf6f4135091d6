"""Every analysis stored in RevMan 5 files, recomputed and compared number for number.

The ``.rm5`` files in ``../shared/golden/revman/`` hold RevMan's own results as Java
doubles. Every entry point is checked against them:

* the library, twice: effect sizes built here from the outcome's data, pooled by
  :func:`sysreview.meta.meta_analysis`; and :func:`sysreview.pool_table` given the file,
  which reads it and pools every analysis with RevMan's settings;
* the command a user runs, ``sysreview pool FILE.rm5 --format json``, through the
  console script's entry point (:func:`sysreview.entry.main`) in this process, and
  through the Typer command (``CliRunner``), which must write the same text.

Both are compared by :mod:`tests.reference.revman_records`: estimates, CIs, Z, Chi²,
df, I², tau², study weights and the test for subgroup differences to 1e-9 relative
(closed forms; a value stored as an exact zero is compared absolutely). P-values are
compared to 1e-6 absolutely: RevMan computes them as ``1 - cdf`` with its own
distribution functions, which agree with exact ones to about 5e-7 here (and store tiny
ones only to about 1e-15 absolutely, even negative, e.g. ``-1.55E-15``). An analysis
with no estimable study is "not estimable" (``k = 0`` and a reason), as in RevMan; one
with a single estimable study has that study as its total, tau² = 0 and Q = 0 on 0 df.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sysreview import pool_table
from sysreview.cli import app
from sysreview.effects import (
    EffectSizes,
    dichotomous_effects,
    generic_effects,
    mean_difference,
    standardized_mean_difference,
)
from sysreview.meta import MetaAnalysis, meta_analysis
from sysreview.meta.export import analysis_record
from sysreview.revman import Outcome, read_rm5
from tests.conftest import SHARED, shared_path
from tests.reference import revman_records

GOLDEN = SHARED / "golden" / "revman"


def effects_for(o: Outcome) -> EffectSizes:
    """The outcome's study data as effect sizes, RevMan convention."""
    st = o.studies
    names = [s.study_id for s in st]
    if o.data_type == "CONT":
        f = mean_difference if o.measure == "MD" else standardized_mean_difference
        return f(
            [s.mean_1 for s in st],
            [s.sd_1 for s in st],
            [s.total_1 for s in st],
            [s.mean_2 for s in st],
            [s.sd_2 for s in st],
            [s.total_2 for s in st],
            studies=names,
        )
    if o.data_type == "DICH":
        return dichotomous_effects(
            [s.events_1 for s in st],
            [s.total_1 for s in st],
            [s.events_2 for s in st],
            [s.total_2 for s in st],
            o.measure,
            studies=names,
        )
    return generic_effects(
        [s.estimate for s in st], [s.se_input for s in st], log_scale=o.log_data, studies=names
    )


def analyse(o: Outcome) -> MetaAnalysis:
    subgroups = [str(s.subgroup_no) for s in o.studies] if o.subgroups else None
    return meta_analysis(
        effects_for(o),
        method=o.method,
        model="random" if o.random else "fixed",
        level=o.ci_total,
        subgroups=subgroups,
    )


def golden_outcomes() -> Iterator[tuple[str, Outcome]]:
    if not GOLDEN.exists():
        return
    for path in sorted(GOLDEN.glob("*.rm5")):
        for o in read_rm5(path).outcomes():
            if revman_records.compared(o):
                yield path.name, o


CASES = list(golden_outcomes())
FILES = sorted(GOLDEN.glob("*.rm5")) if GOLDEN.exists() else []


@pytest.fixture(autouse=True)
def _needs_shared() -> None:
    shared_path("golden", "revman")


def test_golden_corpus_is_complete() -> None:
    """17 files; 482 analyses with study rows and stored results, 451 of them poolable
    (the other 31: TOTALS="SUB" outcomes of one study without subgroups)."""
    assert len(list(Path(GOLDEN).glob("*.rm5"))) == 17
    assert len(CASES) == 482
    assert sum(revman_records.poolable(o) for _, o in CASES) == 451


@pytest.mark.parametrize(("name", "outcome"), CASES, ids=[f"{n}:{o.id}" for n, o in CASES])
def test_revman_analysis(name: str, outcome: Outcome) -> None:
    """The library: RevMan's numbers from effect sizes and ``meta_analysis``."""
    record = analysis_record(analyse(outcome))
    bad = revman_records.mismatches(record, outcome)
    assert not bad, f"{name} {outcome.id} {outcome.name!r}:\n" + "\n".join(bad)


@pytest.fixture(scope="module")
def pooled_by_cli() -> dict[str, list[dict[str, object]]]:
    """``sysreview pool FILE.rm5 --format json`` for every golden file, run by the
    console script's entry point (:func:`sysreview.entry.main`), in this process."""
    import contextlib
    import io
    import sys

    from sysreview.entry import main

    out: dict[str, list[dict[str, object]]] = {}
    for path in FILES:
        stdout = io.StringIO()
        argv = ["sysreview", "pool", str(path), "--format", "json"]
        with contextlib.redirect_stdout(stdout), pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "argv", argv)
            with pytest.raises(SystemExit) as done:
                main()
        assert done.value.code == 0, path
        out[path.name] = json.loads(stdout.getvalue())
    return out


def check_file(path: Path, records: list[dict[str, object]]) -> None:
    """Every analysis of the file, in order, number for number."""
    outcomes = list(read_rm5(path).outcomes())
    assert len(records) == len(outcomes)
    bad = []
    for record, outcome in zip(records, outcomes, strict=True):
        assert str(record["analysis"]).split(" ")[0].count(".") == 1
        if revman_records.compared(outcome):
            bad += [f"{outcome.id} {b}" for b in revman_records.mismatches(record, outcome)]
        elif not outcome.studies:  # an outcome without data is reported, not dropped
            assert record["k"] == 0 and record["reason"] == "no studies"
    assert not bad, f"{path.name}:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_revman_file_through_the_command(
    path: Path, pooled_by_cli: dict[str, list[dict[str, object]]]
) -> None:
    """``sysreview pool FILE.rm5``: RevMan's numbers for every analysis of the file."""
    check_file(path, pooled_by_cli[path.name])


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_revman_file_through_pool_table(
    path: Path, pooled_by_cli: dict[str, list[dict[str, object]]]
) -> None:
    """``sysreview.pool_table(FILE.rm5)``: RevMan's numbers; the records the command prints."""
    pooled = pool_table(path)
    assert pooled.labelled
    records = pooled.records()
    check_file(path, records)
    assert json.loads(pooled.to_json()) == pooled_by_cli[path.name]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_typer_command_writes_the_same(
    path: Path, pooled_by_cli: dict[str, list[dict[str, object]]]
) -> None:
    result = CliRunner().invoke(app, ["pool", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == pooled_by_cli[path.name]


def test_every_measure_and_method_is_covered() -> None:
    kinds = {(o.data_type, o.measure, o.method, o.random) for _, o in CASES}
    assert {("CONT", "MD", "IV", True), ("CONT", "SMD", "IV", True)} <= kinds
    assert {
        ("DICH", "RR", "MH", True),
        ("DICH", "OR", "MH", False),
        ("DICH", "RD", "MH", False),
    } <= kinds
    assert {("DICH", "RR", "IV", True), ("IV", "GIV", "IV", True)} <= kinds
    assert any(o.log_data for _, o in CASES if o.data_type == "IV")
    assert np.sum([bool(o.subgroups) for _, o in CASES]) > 50
