"""Export a project's analyses to RevMan 5, against RevMan's own stored results.

A golden RevMan file's analysis (CD011564 1.15, MD, inverse variance, random effects;
1.13, RR, Mantel-Haenszel, random effects) is loaded into a project by the user's
command (``sysreview data load FILE.rm5 --mapping``), analysed and exported by
``sysreview data export-revman``; the file read back by the RevMan reader holds the
same per-arm data and RevMan's stored pooled results to 1e-9 relative.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.revman import read_rm5
from tests.conftest import shared_path
from tests.unit.io.helpers import project

pytestmark = pytest.mark.shared
runner = CliRunner()
FILE = ("golden", "revman", "CD011564StatsDataOnly.rm5")


def _close(a: float | None, b: float | None) -> bool:
    assert a is not None and b is not None
    return a == pytest.approx(b, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("number", "measure", "method"),
    [(15, "M", "IV"), (13, "E", "MH")],
)
def test_export_reproduces_revman(tmp_path: Path, number: int, measure: str, method: str) -> None:
    rm5 = shared_path(*FILE)
    golden = next(o for o in read_rm5(rm5).comparisons[0].outcomes if o.no == number)
    folder = project(tmp_path / "p", method=method)
    mapping = folder / "mapping.toml"
    mapping.write_text(
        f'comparator = "TAU"\n\n[[outcomes]]\noutcome = "1.{number} {golden.name}"\n'
        f'domain = "domain_1"\nmeasure = "{measure}"\n',
        encoding="utf-8",
    )
    loaded = runner.invoke(
        app,
        ["data", "load", str(rm5), "--mapping", str(mapping), "--reviewer", "R1",
         "--consensus", "--add-studies", "-p", str(folder)],
    )  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    out = tmp_path / "export.rm5"
    done = runner.invoke(app, ["data", "export-revman", str(out), "-p", str(folder)])
    assert done.exit_code == 0, done.output
    (outcome,) = read_rm5(out).comparisons[0].outcomes
    assert (outcome.measure, outcome.method, outcome.random) == (
        golden.measure,
        golden.method if golden.data_type == "DICH" else outcome.method,
        golden.random,
    )
    assert outcome.stored is not None and golden.stored is not None
    for field in ("effect_size", "ci_start", "ci_end", "z", "chi2", "i2", "tau2", "df"):
        assert _close(getattr(outcome.stored, field), getattr(golden.stored, field)), field
    assert outcome.stored.studies == golden.stored.studies
    assert _close(outcome.stored.total_1, golden.stored.total_1)
    usable = {r.study_name: r for r in golden.studies}
    assert {r.study_name for r in outcome.studies} <= set(usable)
    assert len(outcome.studies) == golden.stored.studies
    for row in outcome.studies:
        theirs = usable[row.study_name]
        for f in ("total_1", "total_2", "events_1", "events_2", "mean_1", "sd_1", "mean_2", "sd_2"):
            assert getattr(row, f) == getattr(theirs, f), (row.study_name, f)
        assert row.stored is not None and theirs.stored is not None
        assert _close(row.stored.effect_size, theirs.stored.effect_size)
        assert _close(row.stored.weight, theirs.stored.weight)


def test_nothing_to_export_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    folder = project(tmp_path / "p")
    out = tmp_path / "export.rm5"
    done = runner.invoke(app, ["data", "export-revman", str(out), "-p", str(folder)])
    assert done.exit_code == 2
    assert "no extracted data in the project" in done.output
    assert not out.exists()


def test_a_measure_revman_cannot_hold_is_left_out_with_the_reason(tmp_path: Path) -> None:
    """ROM (ratio of means) has no RevMan 5 form: the export says so and writes no file."""
    rm5 = shared_path(*FILE)
    folder = project(tmp_path / "p", same_instrument="ROM")
    mapping = folder / "mapping.toml"
    mapping.write_text(
        'comparator = "TAU"\n\n[[outcomes]]\noutcome = "Vitamin D status (ng/mL)"\n'
        'domain = "domain_1"\nmeasure = "M"\n',
        encoding="utf-8",
    )
    loaded = runner.invoke(
        app,
        ["data", "load", str(rm5), "--mapping", str(mapping), "--reviewer", "R1",
         "--consensus", "--add-studies", "-p", str(folder)],
    )  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    out = tmp_path / "export.rm5"
    done = runner.invoke(app, ["data", "export-revman", str(out), "-p", str(folder)])
    assert done.exit_code == 2
    assert "ROM: RevMan 5 holds RR, OR, RD, Peto OR, MD and SMD only" in done.output
    assert not out.exists()


def test_rob1_from_revman_into_the_project_and_back(tmp_path: Path) -> None:
    """A subgroup's studies and their RoB 1 judgements (with support) loaded from RevMan's
    file are stored in the project; the export writes them back as RevMan's standard
    items, which read as the same judgements."""
    from defusedxml import ElementTree as SafeET

    from sysreview.io.revman_rob import parse_quality_items, rob1_rows
    from sysreview.project.appraising.assessments import rob_assessments
    from sysreview.project.opening import opened

    rm5 = shared_path("golden", "revman", "antibiotics-for-sore-throat.rm5")
    review = read_rm5(rm5)
    sore = next(o for o in review.comparisons[0].outcomes if o.no == 2)
    sub = sore.subgroups[1]  # 1.2.2 unblinded studies: three trials
    label = f"1.2.2 {sub.name}"
    folder = project(tmp_path / "p", method="MH")
    mapping = folder / "mapping.toml"
    mapping.write_text(
        f'comparator = "TAU"\n\n[[outcomes]]\noutcome = "{label}"\ndomain = "domain_1"\n'
        'measure = "E"\n',
        encoding="utf-8",
    )
    loaded = runner.invoke(
        app,
        ["data", "load", str(rm5), "--mapping", str(mapping), "--reviewer", "R1",
         "--consensus", "--add-studies", "-p", str(folder)],
    )  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    want, _ = rob1_rows(parse_quality_items(SafeET.fromstring(rm5.read_bytes())),
                        review.study_names, source=rm5.name)  # fmt: skip
    names = {r.study_name for r in sub.studies}
    want = tuple(r for r in want if r.study in names)
    assert len(want) == 3
    with opened(folder) as (proj, store):
        stored = {a.study: a for a in rob_assessments(store, proj.protocol)}
    for row in want:
        assert dict(stored[row.study].judgements) == dict(row.judgements)
        assert dict(stored[row.study].support) == dict(row.support)
    out = tmp_path / "export.rm5"
    done = runner.invoke(app, ["data", "export-revman", str(out), "-p", str(folder)])
    assert done.exit_code == 0, done.output
    back = read_rm5(out)
    (outcome,) = back.comparisons[0].outcomes  # RevMan's subtotal of the subgroup, again
    assert outcome.stored is not None and sub.stored is not None
    for field in ("effect_size", "ci_start", "ci_end", "chi2", "i2", "tau2"):
        assert _close(getattr(outcome.stored, field), getattr(sub.stored, field)), field
    again, skipped = rob1_rows(parse_quality_items(SafeET.fromstring(out.read_bytes())),
                               back.study_names, source=out.name)  # fmt: skip
    assert skipped == ()
    assert {r.study: dict(r.judgements) for r in again} == {
        r.study: dict(r.judgements) for r in want
    }
