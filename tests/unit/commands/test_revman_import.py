"""A RevMan review moved to sysreview through the command line, against RevMan's own results.

``sysreview init DIR --from-revman FILE.rm5`` then ``sysreview analyse`` on golden RevMan
files (``../shared/golden/revman/``): every analysis (and subgroup) the plan keeps without
a note must come out as RevMan stored it, to 1e-9 relative (estimate, CI, z, tau², Chi²,
I², df, and p to 1e-6 absolutely, as ``tests/reference/revman_records.py`` compares the
``pool`` command's); each analysis of the file is either planned or listed with the
reason by the command. The report shows the same numbers. ``sysreview import FILE.rm5``
into a project with that protocol stores the same data; into a project whose domains
do not match, it refuses with exit 2 naming the analyses.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.io.revman_plan import RevmanPlan, plan_review
from sysreview.revman import read_rm5
from tests.conftest import shared_path
from tests.reference.revman_records import pooled_mismatches
from tests.unit.io.helpers import project

pytestmark = pytest.mark.shared
runner = CliRunner()

# Every golden file with per-arm data (CD007419 has generic inverse-variance analyses
# only: refused, below). Between them: dichotomous MH/IV RR/OR/RD fixed and random,
# continuous MD/SMD, subgroups with and without totals, generic IV analyses left out,
# studies in several comparisons and in two subgroups of one analysis.
FILES = (
    "antibiotics-for-sore-throat.rm5",
    "CD000023StatsDataOnly.rm5",
    "CD003188StatsDataOnly.rm5",
    "CD004976StatsDataOnly.rm5",
    "CD007868StatsDataOnly.rm5",
    "CD008521StatsDataOnly.rm5",
    "CD008625StatsDataOnly.rm5",
    "CD010590StatsDataOnly.rm5",
    "CD011381StatsDataOnly.rm5",
    "CD011564StatsDataOnly.rm5",
    "CD012692StatsDataOnly.rm5",
    "CD012859StatsDataOnly.rm5",
    "CD013210StatsDataOnly.rm5",
    "CD013437StatsDataOnly.rm5",
    "CD013656StatsDataOnly.rm5",
    "Fleiss1993.rm5",
)


def _run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def _results(folder: Path) -> dict[str, dict[str, Any]]:
    records = json.loads((folder / "out" / "results.json").read_text("utf-8"))
    return {r["analysis"]: r for r in records}


def _check_reproduced(plan: RevmanPlan, results: dict[str, dict[str, Any]]) -> int:
    """Every planned analysis without a note is RevMan's; the others are not pooled."""
    compared = 0
    for a in plan.analyses:
        key = f"{a.domain}.post_intervention"
        record = results.get(f"{key}.main")
        k = sum(row.estimable for row in a.studies)
        if a.note is not None and "estimable" in a.note:  # narrative, or no usable row
            assert record is None, a.label
            told = results.get(f"{key}.narrative")
            assert (told is None and k == 0) or (told is not None and told["k"] == k), a.label
            continue
        if a.note is not None:  # RevMan pools no total, or stored none: nothing to compare
            continue
        assert record is not None, a.label
        assert a.stored is not None
        assert (record["measure"], record["method"], record["model"]) == (
            a.measure,
            a.method,
            a.model,
        ), a.label
        assert record["k"] == k, a.label
        assert pooled_mismatches(record, a.stored, a.outcome.random, k) == [], a.label
        compared += 1
    return compared


@pytest.mark.parametrize("name", FILES)
def test_init_from_revman_then_analyse_reproduces_revman(tmp_path: Path, name: str) -> None:
    rm5 = shared_path("golden", "revman", name)
    folder = tmp_path / "review"
    made = _run("init", str(folder), "--from-revman", str(rm5))
    assert made.exit_code == 0, made.output
    plan = plan_review(read_rm5(rm5))
    for a in plan.analyses:  # what is planned but cannot be RevMan's is said
        if a.note is not None:
            assert f"  {a.label}: {a.note}\n" in made.stdout
    for x in plan.left_out:  # and what is left out, with the reason
        assert f"  {x.label}: {x.reason}\n" in made.stdout
    listed = {a.outcome.id for a in plan.analyses}
    labels = {x.label for x in plan.left_out}
    for comparison in read_rm5(rm5).comparisons:  # nothing silently dropped
        for outcome in comparison.outcomes:
            label = f"{comparison.no}.{outcome.no} {outcome.name}".strip()
            parts = {f"{comparison.no}.{outcome.no}.{s.no} {s.name}" for s in outcome.subgroups}
            assert outcome.id in listed or label in labels or parts <= labels, label
    done = _run("analyse", "-p", str(folder))
    assert done.exit_code == 0, done.output
    assert _check_reproduced(plan, _results(folder)) > 0


def test_iv_only_review_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    """A review of generic inverse-variance analyses only has no per-arm data to load."""
    rm5 = shared_path("golden", "revman", "CD007419StatsDataOnly.rm5")
    folder = tmp_path / "review"
    made = _run("init", str(folder), "--from-revman", str(rm5))
    assert made.exit_code == 2
    assert made.stderr == (
        "sysreview: error: CD007419StatsDataOnly.rm5: no analysis of the review has "
        "per-arm data to load\n"
    )
    assert not folder.exists() or not any(folder.iterdir())  # nothing half-made


def test_report_shows_revman_numbers(tmp_path: Path) -> None:
    """The report (results and its text) carries the numbers RevMan stored."""
    rm5 = shared_path("golden", "revman", "CD013437StatsDataOnly.rm5")
    folder = tmp_path / "review"
    assert _run("init", str(folder), "--from-revman", str(rm5)).exit_code == 0
    done = _run("report", "-p", str(folder))
    assert done.exit_code == 0, done.output
    plan = plan_review(read_rm5(rm5))
    assert _check_reproduced(plan, _results(folder)) == 6
    first = plan.analyses[0]
    stored = first.stored
    assert first.note is None and stored is not None and stored.ci_end is not None
    said = (
        f"{first.measure} {stored.effect_size:.2f}, 95% CI {stored.ci_start:.2f} to "
        f"{stored.ci_end:.2f}"
    )
    assert said in (folder / "out" / "report.html").read_text("utf-8")


def test_import_into_a_project_with_the_plan_stores_the_same(tmp_path: Path) -> None:
    """``sysreview import FILE.rm5`` (mapping from the domains' labels) = ``init --from-revman``;
    importing the file again adds nothing."""
    rm5 = shared_path("golden", "revman", "Fleiss1993.rm5")
    first, second, third = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    made = _run("init", str(first), "--from-revman", str(rm5))
    assert made.exit_code == 0
    assert f"wrote {first / 'revman-mapping.toml'}" in made.stdout
    for folder in (second, third):
        folder.mkdir()
        shutil.copyfile(first / "review.toml", folder / "review.toml")
    done = _run("import", str(rm5), "-p", str(second))
    assert done.exit_code == 0, done.output
    assert "12 studies added" in done.stdout
    again = _run("import", str(rm5), "-p", str(second))
    assert again.exit_code == 0 and "0 studies added" in again.stdout
    assert "  outcomes: 24 rows, 0 new values, 24 unchanged" in again.stdout
    mapped = _run("import", str(rm5), "-p", str(third), "--mapping",
                  str(first / "revman-mapping.toml"))  # fmt: skip
    assert mapped.exit_code == 0, mapped.output
    for folder in (first, second, third):
        assert _run("analyse", "-p", str(folder)).exit_code == 0
    ours = _results(first)
    for other in (_results(second), _results(third)):
        assert ours.keys() == other.keys()
        for key in ours:
            assert ours[key]["estimate"] == other[key]["estimate"]


def test_import_without_matching_domains_is_refused(tmp_path: Path) -> None:
    """A project whose domains are not the file's analyses: exit 2 naming what is unmatched,
    nothing stored; with a mapping file it loads."""
    rm5 = shared_path("golden", "revman", "Fleiss1993.rm5")
    folder = project(tmp_path / "p")
    done = _run("import", str(rm5), "-p", str(folder))
    assert done.exit_code == 2
    assert done.stderr.startswith(
        "sysreview: error: Fleiss1993.rm5: 2 analyses of the file match no domain of the "
        "protocol by label (1.1 "
    )
    assert "give a mapping file (--mapping)" in done.stderr
    status = _run("status", "-p", str(folder), "--json")
    assert json.loads(status.stdout)["included_studies"] == 0
    outcome = next(read_rm5(rm5).outcomes())
    mapping = folder / "mapping.toml"
    mapping.write_text(
        f'comparator = "TAU"\n\n[[outcomes]]\noutcome = "1.1 {outcome.name}"\n'
        'domain = "domain_1"\nmeasure = "E"\n',
        encoding="utf-8",
    )
    done = _run("import", str(rm5), "-p", str(folder), "--mapping", str(mapping))
    assert done.exit_code == 0, done.output
    assert f"{len(outcome.studies)} studies added" in done.stdout


def test_search_results_still_need_a_source(tmp_path: Path) -> None:
    folder = project(tmp_path / "p")
    (folder / "r.ris").write_text("TY  - JOUR\nTI  - A\nER  - \n", encoding="utf-8")
    done = _run("import", str(folder / "r.ris"), "-p", str(folder))
    assert done.exit_code == 2
    assert "--source is required for search results" in done.stderr
