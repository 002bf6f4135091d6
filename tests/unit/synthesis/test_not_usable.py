"""Means reported without any measure of spread: kept as *reported, not usable*, left out
of pooling with that reason and the means, and narrated (Cochrane Handbook v6.4 section
6.5.2: pooling needs an SD; chapter 12: summarise what cannot be pooled)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.extraction.analysis_ready import analysis_ready
from sysreview.extraction.comparisons import ReportedMean
from sysreview.extraction.dataset import ArmEntry, OutcomeEntry, ReviewData, StudyEntry
from sysreview.extraction.mean_sd import FLAG_NO_SPREAD
from sysreview.project.extracting.values import add_values, review_data
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection.studies import add_study
from sysreview.project.storage import Store
from sysreview.synthesis import run_plan
from tests.unit.synthesis.data import seed_protocol

HHI = "Herth Hope Index"
REASON = (
    "mean reported without a measure of spread (no SD, SE or CI) for arms 'peer' and "
    "'usual': reported, not usable for pooling"
)


def _two_arm(study: str) -> tuple[ArmEntry, ArmEntry]:
    return ArmEntry(study, "peer", "intervention"), ArmEntry(study, "usual", "TAU")


def _hope(study: str, mean_e: float, mean_c: float, sd: float | None = 5.0) -> list[OutcomeEntry]:
    flags = () if sd is not None else (FLAG_NO_SPREAD,)
    return [
        OutcomeEntry(study, "peer", "hope", HHI, 0, mean=mean_e, sd=sd, n=40, flags=flags),
        OutcomeEntry(study, "usual", "hope", HHI, 0, mean=mean_c, sd=sd, n=42, flags=flags),
    ]


def data(usable: tuple[str, ...], bare: tuple[str, ...]) -> ReviewData:
    names = (*usable, *bare)
    arms = tuple(a for s in names for a in _two_arm(s))
    rows = [o for s in usable for o in _hope(s, 36.0, 34.0)]
    rows += [o for s in bare for o in _hope(s, 35.1, 33.0, sd=None)]
    return ReviewData(tuple(StudyEntry(s) for s in names), arms, tuple(rows))


def test_the_exclusion_carries_the_reported_means() -> None:
    ready = analysis_ready(data(("A",), ("Bare",)), seed_protocol())
    assert [c.study_id for c in ready.comparisons] == ["A"]
    (e,) = ready.exclusions
    assert (e.study_id, e.timepoint, e.measure, e.reason) == ("Bare", "post_intervention", HHI,
                                                              REASON)  # fmt: skip
    assert e.not_usable
    assert e.reported == (
        ReportedMean("peer", "intervention", 35.1, 40),
        ReportedMean("usual", "TAU", 33.0, 42),
    )
    # one arm with an SD, the other without: still not usable, naming that arm only
    rows = _hope("Half", 35.1, 33.0)[:1] + _hope("Half", 35.1, 33.0, sd=None)[1:]
    half = ReviewData((StudyEntry("Half"),), _two_arm("Half"), tuple(rows))
    (e,) = analysis_ready(half, seed_protocol()).exclusions
    assert "for arm 'usual':" in e.reason
    assert e.reported[0].sd == 5.0 and e.reported[1].sd is None


def test_a_pooled_analysis_lists_it_among_the_studies_left_out() -> None:
    result = run_plan(data(("A", "B", "C"), ("Bare",)), seed_protocol())
    main = result["hope.post_intervention.main"]
    assert main.pooled and main.k == 3 and [e.study_id for e in main.not_usable] == ["Bare"]
    rec = main.record()
    assert rec["studies"] == ["A", "B", "C"]
    assert rec["excluded"] == [
        {
            "study": "Bare",
            "reason": REASON,
            "measure": HHI,
            "reported": [
                {"arm": "peer", "arm_type": "intervention", "mean": 35.1, "sd": None, "n": 40},
                {"arm": "usual", "arm_type": "TAU", "mean": 33.0, "sd": None, "n": 42},
            ],
        }
    ]
    row = result.to_frame().set_index("analysis").loc["hope.post_intervention.main"]
    assert row["excluded"] == (
        f"Bare: {REASON} (Herth Hope Index means as reported: peer 35.1 (n = 40), "
        "usual 33 (n = 42))"
    )
    assert "Bare (Herth Hope Index): reported, not usable (no SD, SE or CI): peer 35.1 " in (
        main.summary()
    )


def test_a_narrative_lists_it_with_its_means() -> None:
    result = run_plan(data(("A",), ("Bare",)), seed_protocol())
    narrative = result["hope.post_intervention.narrative"]
    assert narrative.reason == "only one study had usable data (at least three needed)"
    assert [r.study for r in narrative.narrative] == ["A"]
    assert [e.study_id for e in narrative.not_usable] == ["Bare"]
    assert "Bare (Herth Hope Index): reported, not usable" in narrative.summary()


def test_only_unusable_means_still_give_a_narrative() -> None:
    result = run_plan(data((), ("Bare", "Bare2")), seed_protocol())
    only = result["hope.post_intervention.narrative"]
    assert (only.kind, only.k, only.comparisons, only.meta) == ("narrative", 0, (), None)
    assert only.reason == "no study had usable data (at least three needed)"
    assert [e.study_id for e in only.not_usable] == ["Bare", "Bare2"]
    assert ("hope", "post_intervention") not in result.without_data
    assert only.record()["excluded"][1]["reported"][0]["mean"] == 35.1


def test_stored_read_back_and_analysed_by_the_cli(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    """On SQLite and PostgreSQL: the extraction stores the mean (refused before), reads it
    back flagged, and ``sysreview analyse`` narrates it in results.json."""
    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    protocol = load_project(project, store_url).protocol
    arms = [{"study_id": s, "arm": a, "arm_type": t} for s in ("A", "Bare")
            for a, t in (("peer", "intervention"), ("usual", "TAU"))]  # fmt: skip
    outcomes = [
        {"study_id": "A", "arm": "peer", "domain": "hope", "measure": HHI,
         "weeks_after_end": 0, "mean": 36.0, "sd": 5.0, "n": 40},
        {"study_id": "A", "arm": "usual", "domain": "hope", "measure": HHI,
         "weeks_after_end": 0, "mean": 34.0, "sd": 5.0, "n": 42},
        {"study_id": "Bare", "arm": "peer", "domain": "hope", "measure": HHI,
         "weeks_after_end": 0, "mean": 35.1, "n": 40},
        {"study_id": "Bare", "arm": "usual", "domain": "hope", "measure": HHI,
         "weeks_after_end": 0, "mean": 33.0},  # no N either
    ]  # fmt: skip
    studies = [{"study_id": "A"}, {"study_id": "Bare"}]
    for study in studies:
        add_study(store, study["study_id"])
    loaded = add_values(store, protocol, "R1", studies=studies, arms=arms, outcomes=outcomes)
    assert loaded.new["outcomes"] == 4
    again = add_values(store, protocol, "R1", studies=studies, arms=arms, outcomes=outcomes)
    assert (again.new.get("outcomes", 0), again.unchanged["outcomes"]) == (0, 4)  # idempotent
    entries = {(o.study_id, o.arm): o for o in review_data(store, protocol).outcomes}
    bare = entries[("Bare", "usual")]
    assert (bare.mean, bare.sd, bare.n, bare.flags) == (33.0, None, None, (FLAG_NO_SPREAD,))
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["analyse", "-p", str(project), "--db", store_url,
                                    "--out", str(out)])  # fmt: skip
    assert done.exit_code == 0, done.output
    records = {r["analysis"]: r for r in json.loads((out / "results.json").read_text("utf-8"))}
    narrative = records["hope.post_intervention.narrative"]
    assert narrative["studies"] == ["A"]
    (left,) = narrative["excluded"]
    assert (left["study"], left["measure"]) == ("Bare", HHI)
    assert [(m["arm"], m["mean"], m["n"]) for m in left["reported"]] == [
        ("peer", 35.1, 40),
        ("usual", 33.0, None),
    ]
