"""The seed's sensitivity analysis "TAU comparators only" (SEED §7), exactly: which trials
and which arms enter, and the numbers against R metafor.

The seed review drops active-comparator trials and uses only the TAU arm of three-arm
trials; a waiting list is not an active comparator, so waiting-list trials stay in. The
constructed review has one trial of each kind (two-arm TAU, two-arm active, two-arm
waiting list, three-arm intervention/TAU/active). Reference values:
tests/reference/metafor/tau_only.json (R 4.2.2, metafor 3.8-1; the R script is stored in
its provenance). Tolerance 1e-9 relative: closed-form DerSimonian-Laird fits pinned to 15
significant digits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.extraction.analysis_ready import analysis_ready
from sysreview.extraction.dataset import ArmEntry, OutcomeEntry, ReviewData, StudyEntry
from sysreview.project.extracting.values import add_values
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection.studies import add_study
from sysreview.project.storage import open_store
from sysreview.synthesis import run_plan
from tests.unit.synthesis.data import seed_protocol

REFERENCE = json.loads(
    (Path(__file__).parents[2] / "reference" / "metafor" / "tau_only.json").read_text("utf-8")
)["cases"]
KEYS = ("estimate", "se", "ci_low", "ci_high", "statistic", "p", "tau2", "i2", "q", "df")

ARMS = (  # (study, arm, type)
    ("T1", "peer", "intervention"), ("T1", "usual", "TAU"),
    ("T2", "peer", "intervention"), ("T2", "education", "active"),
    ("T3", "peer", "intervention"), ("T3", "wait", "WL"),
    ("T4", "peer", "intervention"), ("T4", "usual", "TAU"), ("T4", "education", "active"),
)  # fmt: skip
HOPE = {  # (study, arm): (mean, sd, n) on the Herth Hope Index, post-intervention
    ("T1", "peer"): (35.0, 5.0, 50), ("T1", "usual"): (33.5, 5.5, 48),
    ("T2", "peer"): (34.0, 6.0, 40), ("T2", "education"): (33.8, 5.8, 42),
    ("T3", "peer"): (36.1, 5.2, 30), ("T3", "wait"): (33.0, 5.6, 31),
    ("T4", "peer"): (35.5, 4.9, 60), ("T4", "usual"): (34.0, 5.1, 58),
    ("T4", "education"): (35.0, 5.0, 57),
}  # fmt: skip
MEASURE = "Herth Hope Index"


def review() -> ReviewData:
    studies = tuple(StudyEntry(s) for s in ("T1", "T2", "T3", "T4"))
    arms = tuple(ArmEntry(s, a, t) for s, a, t in ARMS)
    outcomes = tuple(
        OutcomeEntry(s, a, "hope", MEASURE, 0, mean=m, sd=sd, n=n)
        for (s, a), (m, sd, n) in HOPE.items()
    )
    return ReviewData(studies, arms, outcomes)


def close_to(record: dict[str, Any], case: str) -> None:
    want = REFERENCE[case]["expected"]
    for key in KEYS:
        expected = want["z" if key == "statistic" else key]  # the metafor JSON says z
        assert record[key] == pytest.approx(expected, rel=1e-9, abs=1e-12), key


def test_which_trials_and_arms_enter() -> None:
    protocol = seed_protocol()
    (tau_only,) = [s for s in protocol.analysis.sensitivity if s.name == "tau_only"]
    assert tau_only.multi_arm is not None
    ready = analysis_ready(review(), protocol, tau_only.multi_arm)
    entered = {c.study_id: (c.control_arms, c.comparator) for c in ready.comparisons}
    assert entered == {
        "T1": (("usual",), "TAU"),  # two-arm TAU: in
        "T3": (("wait",), "WL"),  # waiting list is not an active comparator: in
        "T4": (("usual",), "TAU"),  # three-arm: its TAU arm only
    }
    assert [(e.study_id, e.reason) for e in ready.exclusions] == [
        ("T2", "no TAU or WL arm (control arms: active)")  # active comparator: out
    ]
    main = analysis_ready(review(), protocol)
    assert {c.study_id: c.control_arms for c in main.comparisons}["T4"] == ("usual", "education")


def test_numbers_match_metafor_through_the_library() -> None:
    result = run_plan(review(), seed_protocol())
    main = result["hope.post_intervention.main"]
    assert main.meta is not None
    assert main.meta.effects.yi.tolist() == pytest.approx(REFERENCE["main_md"]["yi"], rel=1e-9)
    close_to(main.record(), "main_md")
    tau = result["hope.post_intervention.sensitivity.tau_only"]
    assert tau.meta is not None
    assert tau.meta.effects.yi.tolist() == pytest.approx(REFERENCE["tau_only_md"]["yi"], rel=1e-9)
    assert tau.meta.effects.vi.tolist() == pytest.approx(REFERENCE["tau_only_md"]["vi"], rel=1e-9)
    rec = tau.record()
    close_to(rec, "tau_only_md")
    assert (rec["measure"], rec["studies"], rec["k"]) == ("MD", ["T1", "T3", "T4"], 3)
    assert rec["excluded"] == [{"study": "T2", "reason": "no TAU or WL arm (control arms: active)"}]
    assert rec["participants"] == 50 + 48 + 30 + 31 + 60 + 58  # T4's active arm not counted
    assert rec["description"] == (
        "comparator in ['TAU', 'WL']; use the TAU arm only, else the WL arm; a trial with "
        "neither is left out"
    )


def test_too_few_say_which_comparators() -> None:
    data = review()
    keep = ("T1", "T2", "T4")
    fewer = ReviewData(
        tuple(s for s in data.studies if s.study_id in keep),
        tuple(a for a in data.arms if a.study_id in keep),
        tuple(o for o in data.outcomes if o.study_id in keep),
    )
    res = run_plan(fewer, seed_protocol())["hope.post_intervention.sensitivity.tau_only"]
    assert res.reason == "only two studies had a TAU or WL comparator (at least three needed)"


def test_numbers_match_metafor_through_the_project_and_cli(tmp_path: Path) -> None:
    """Extracted as a team would (add_values = the sheet loader's rows), analysed by
    ``sysreview analyse`` from the project's database, read back from results.json."""
    url = f"sqlite:///{tmp_path / 'review.db'}"
    project = tmp_path / "p"
    init_project(project, "group-peer-support", url)
    protocol = load_project(project, url).protocol
    arms = [{"study_id": s, "arm": a, "arm_type": t} for s, a, t in ARMS]
    outcomes = [
        {"study_id": s, "arm": a, "domain": "hope", "measure": MEASURE, "weeks_after_end": 0,
         "mean": m, "sd": sd, "n": n}
        for (s, a), (m, sd, n) in HOPE.items()
    ]  # fmt: skip
    studies = [{"study_id": s} for s in ("T1", "T2", "T3", "T4")]
    with open_store(url) as store:
        for study in studies:
            add_study(store, study["study_id"])
        add_values(store, protocol, "R1", studies=studies, arms=arms, outcomes=outcomes)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["analyse", "-p", str(project), "--db", url, "--out", str(out)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    records = {r["analysis"]: r for r in json.loads((out / "results.json").read_text("utf-8"))}
    close_to(records["hope.post_intervention.main"], "main_md")
    tau = records["hope.post_intervention.sensitivity.tau_only"]
    close_to(tau, "tau_only_md")
    assert tau["studies"] == ["T1", "T3", "T4"]
