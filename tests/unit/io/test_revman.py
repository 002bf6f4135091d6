"""RevMan 5 reviews as extracted data (``io.revman``), against RevMan's own stored results.

Two analyses of a golden RevMan file (``../shared/golden/revman/CD011564StatsDataOnly.rm5``:
1.15 Vitamin D status, mean difference, inverse variance, random effects; 1.13 Failure of
sustained virological response, risk ratio, Mantel-Haenszel, random effects) are mapped to
a protocol's outcome and analysed by ``sysreview analyse --data FILE.rm5 --mapping``: the
per-arm rows go through the project's form and store, and the pooled result must be the
one RevMan stored in the file, to 1e-9 relative (RevMan writes 15-17 significant digits).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.io import detect_format, read_dataset
from sysreview.io.revman import _unusable, subgroup_label
from sysreview.project.opening import validate_protocol
from sysreview.revman import read_rm5
from tests.conftest import shared_path
from tests.unit.io.helpers import project

pytestmark = pytest.mark.shared
runner = CliRunner()
FILE = ("golden", "revman", "CD011564StatsDataOnly.rm5")


def _mapping(folder: Path, outcome: str, measure: str) -> Path:
    path = folder / "mapping.toml"
    path.write_text(
        f'comparator = "TAU"\n\n[[outcomes]]\noutcome = "{outcome}"\ndomain = "domain_1"\n'
        f'measure = "{measure}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("number", "name", "measure", "method"),
    [
        (15, "Vitamin D status (ng/mL)", "M", "IV"),
        (13, "Failure of sustained virological response", "E", "MH"),
    ],
)
def test_pooled_as_revman_pooled_it(
    tmp_path: Path, number: int, name: str, measure: str, method: str
) -> None:
    rm5 = shared_path(*FILE)
    folder = project(tmp_path / "p", method=method)
    mapping = _mapping(folder, f"1.{number} {name}", measure)
    result = runner.invoke(
        app,
        [
            "analyse",
            "-p",
            str(folder),
            "--data",
            str(rm5),
            "--mapping",
            str(mapping),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    got: dict[str, Any] = json.loads((tmp_path / "out" / "results.json").read_text("utf-8"))[0]
    (outcome,) = [
        o for c in read_rm5(rm5).comparisons if c.no == 1 for o in c.outcomes if o.no == number
    ]
    stored = outcome.stored
    assert stored is not None
    assert (got["k"], got["measure"], got["method"]) == (stored.studies, outcome.measure, method)
    for ours, theirs in (
        ("estimate", "effect_size"),
        ("ci_low", "ci_start"),
        ("ci_high", "ci_end"),
        ("tau2", "tau2"),
        ("i2", "i2"),
        ("q", "chi2"),
        ("statistic", "z"),
    ):
        want, value = getattr(stored, theirs), got[ours]
        if ours == "statistic":  # RevMan stores |z|
            want, value = abs(want), abs(value)
        assert value == pytest.approx(want, rel=1e-9), ours


def test_rows_locations_and_what_is_left_out(tmp_path: Path) -> None:
    rm5 = shared_path(*FILE)
    folder = project(tmp_path / "p")
    mapping = _mapping(folder, "Vitamin D status (ng/mL)", "M")  # the name alone also maps
    assert detect_format(rm5) == "revman"
    dataset = read_dataset(rm5, validate_protocol(folder), mapping=mapping)
    review = read_rm5(rm5)
    (outcome,) = [o for o in review.comparisons[0].outcomes if o.no == 15]
    assert len(dataset.outcomes) == 2 * len(outcome.studies) == 30
    first = outcome.studies[0]
    peer, control = dataset.outcomes[:2]
    assert (peer["mean"], peer["sd"], peer["n"]) == (first.mean_1, first.sd_1, first.total_1)
    assert (control["mean"], control["sd"], control["arm"]) == (first.mean_2, first.sd_2, "control")
    assert peer["location"] == "CD011564StatsDataOnly.rm5, analysis 1.15 Vitamin D status (ng/mL)"
    assert {a["arm_type"] for a in dataset.arms} == {"intervention", "TAU"}
    every = sum(len(c.outcomes) for c in review.comparisons)
    assert len(dataset.skipped) == every - 1
    assert all(
        "not listed in" in s.reason or "generic inverse variance" in s.reason
        for s in dataset.skipped
    )


def test_subgroup_mapped_on_its_own_and_rob1_read(tmp_path: Path) -> None:
    """A subgroup label (``"2.3.1 ..."``) maps that subgroup's rows alone; the file's RoB 1
    tables give the judgements (with their support) of the studies those rows name."""
    rm5 = shared_path("golden", "revman", "antibiotics-for-sore-throat.rm5")
    folder = project(tmp_path / "p")
    review = read_rm5(rm5)
    fever = next(o for o in review.comparisons[1].outcomes if o.no == 3)
    children = fever.subgroups[0]
    label = subgroup_label(f"2.3 {fever.name}", children.no, children.name)
    assert label == "2.3.1 Symptom of fever on day 3: children"
    mapping = _mapping(folder, label, "E")
    dataset = read_dataset(rm5, validate_protocol(folder), mapping=mapping)
    names = {r.study_name for r in children.studies}
    assert {s["study_id"] for s in dataset.studies} == names
    assert len(dataset.outcomes) == 2 * len(children.studies)
    assert all(o["location"].endswith(f"analysis {label}") for o in dataset.outcomes)
    assert {r.study for r in dataset.rob} == names
    first = dataset.rob[0]
    assert set(first.judgements.values()) <= {"low", "unclear", "high"}
    assert len(first.judgements) == 7
    assert any(first.support.values())


def test_unusable_rows_skipped_with_reason(tmp_path: Path) -> None:
    """A row with no participants in an arm is skipped (RevMan: not estimable)."""
    rm5 = shared_path("golden", "revman", "antibiotics-for-sore-throat.rm5")
    review = read_rm5(rm5)
    outcome = review.comparisons[0].outcomes[0]
    row = outcome.studies[0]
    bad = dataclasses.replace(row, total_2=0.0)
    assert _unusable(outcome, bad) == "no participants in an arm (RevMan: not estimable)"
    assert _unusable(outcome, row) is None


def test_a_domain_own_settings_reproduce_revman(tmp_path: Path) -> None:
    """The plan pools by inverse variance with RD for counts; the domain's own
    ``analysis = {measure = "RR", method = "MH"}`` (as RevMan stores per analysis) gives
    RevMan's stored result of 1.13 (RR, Mantel-Haenszel, random effects) to 1e-9."""
    rm5 = shared_path(*FILE)
    folder = project(tmp_path / "p", method="IV")
    toml = folder / "review.toml"
    text = toml.read_text("utf-8").replace('dichotomous = "RR"', 'dichotomous = "RD"', 1)
    text = text.replace(
        'label = "TODO: outcome domain"\n',
        'label = "TODO: outcome domain"\nanalysis = { measure = "RR", method = "MH" }\n',
        1,
    )
    toml.write_text(text, encoding="utf-8")
    (outcome,) = [o for o in read_rm5(rm5).comparisons[0].outcomes if o.no == 13]
    mapping = _mapping(folder, f"1.13 {outcome.name}", "E")
    result = runner.invoke(
        app,
        ["analyse", "-p", str(folder), "--data", str(rm5), "--mapping", str(mapping),
         "--out", str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    got = json.loads((tmp_path / "out" / "results.json").read_text("utf-8"))[0]
    assert (got["measure"], got["method"], got["model"]) == ("RR", "MH", "random")
    stored = outcome.stored
    assert stored is not None
    for ours, theirs in (("estimate", "effect_size"), ("ci_low", "ci_start"),
                         ("ci_high", "ci_end"), ("tau2", "tau2"), ("q", "chi2")):  # fmt: skip
        assert got[ours] == pytest.approx(getattr(stored, theirs), rel=1e-9), ours
