"""Hand-made report inputs: the seed's protocol, five small studies, records, figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from sysreview.extraction.dataset import ArmEntry, OutcomeEntry, ReviewData, StudyEntry
from sysreview.prisma.result import PrismaCounts
from sysreview.protocol import Protocol, parse_protocol, template_text
from sysreview.report import (
    ReportFigure,
    ReportInputs,
    RobSummary,
    StudyRob,
    narrative_from_json,
    records_from_json,
)

EVIL = "Evil <script>alert(1)</script> 2020"
"""A study label that must stay inert text in the HTML report."""


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    return parse_protocol(template_text("group-peer-support"))


def _study(sid: str, country: str, n: tuple[int, int], **extra: Any) -> StudyEntry:
    attrs: dict[str, bool | int | float | str] = {
        "country": country, "setting": "community", "population": "severe",
        "duration_weeks": 12, "n_randomised": n[0] + n[1],
    }  # fmt: skip
    attrs.update(extra)
    return StudyEntry(sid, attrs, {"mean_age": 41.5, "women": "55%"})


def review_data() -> ReviewData:
    """Five two-arm trials reporting hope; two also report connectedness (too few to pool).

    Study attributes vary so that the synthesis can run every planned analysis kind.
    """
    specs = [("Smith 2019", "USA", (150, 148), 2.0, "low", "severe", True),
             ("Jones 2020", "UK", (60, 62), 3.5, "low", "severe", True),
             ("Lee 2018", "USA", (40, 41), 0.5, "unclear", "other", False),
             ("Garcia 2021", "Spain", (55, 56), 1.0, "high", "other", True),
             (EVIL, "USA", (30, 30), 4.0, "unclear", "severe", False)]  # fmt: skip
    studies = []
    arms = []
    outcomes = []
    for i, (sid, country, (ni, nc), diff, rob, population, structured) in enumerate(specs):
        studies.append(_study(sid, country, n=(ni, nc), overall_rob=rob, population=population,
                              intervention_structured=structured))  # fmt: skip
        arms.append(ArmEntry(sid, "peer group", "intervention", ni, "Peer-led recovery group"))
        arms.append(ArmEntry(sid, "usual care", "TAU", nc))
        for arm, mean, n in (("peer group", 34.0 + diff, ni - 5), ("usual care", 34.0, nc - 4)):
            outcomes.append(
                OutcomeEntry(sid, arm, "hope", "Herth Hope Index", 0.0, mean=mean, sd=5.0, n=n)
            )
            if i < 2:
                outcomes.append(
                    OutcomeEntry(sid, arm, "connectedness", "UCLA Loneliness Scale", 0.0,
                                 mean=50.0 - (diff if arm == "peer group" else 0.0), sd=9.0,
                                 n=n, reported_p=0.04 if arm == "peer group" else None)
                )  # fmt: skip
    return ReviewData(tuple(studies), tuple(arms), tuple(outcomes))


@pytest.fixture(scope="session")
def data() -> ReviewData:
    return review_data()


UP = ["Favours control", "Favours intervention"]

RECORDS: list[dict[str, Any]] = [
    {"analysis": "hope.post_intervention.main", "outcome": "hope", "outcome_label": "Hope",
     "timepoint": "post_intervention", "kind": "main", "name": None,
     "label": "Hope, post-intervention — main analysis", "k": 5, "participants": 612.0,
     "measure": "SMD", "model": "random", "estimate": 0.22, "ci_low": 0.07, "ci_high": 0.37,
     "p": 0.004, "statistic": 2.87, "i2": 12.0, "q": 4.5, "df": 4, "tau2": 0.002, "pi_low": -0.01,
     "pi_high": 0.45, "evidence": "strong", "magnitude": "small", "favours": UP,
     "studies": ["Smith 2019", "Jones 2020", "Lee 2018", "Garcia 2021", EVIL], "reason": None,
     "subgroups": [], "subgroup_test": None, "small_study_tests": [], "narrative": [],
     "small_study_reason": "funnel-plot asymmetry tests need at least ten studies"},
    {"analysis": "recovery.post_intervention.main", "outcome": "recovery",
     "timepoint": "post_intervention", "kind": "main", "k": 3, "participants": 412.0,
     "measure": "MD", "model": "random", "estimate": 0.18, "ci_low": -0.34, "ci_high": 0.69,
     "p": 0.50, "i2": 0.0, "evidence": "no", "magnitude": None, "favours": UP,
     "studies": ["Smith 2019", "Jones 2020", "Lee 2018"], "reason": None},
    {"analysis": "depression.short_term.main", "outcome": "depression",
     "timepoint": "short_term", "kind": "main", "k": 4, "participants": 500.0,
     "measure": "SMD", "estimate": -0.45, "ci_low": -0.80, "ci_high": -0.10, "p": 0.012,
     "i2": 67.4, "evidence": "weak", "magnitude": "small", "favours": UP,
     "studies": ["Smith 2019", "Jones 2020", "Lee 2018", "Garcia 2021"]},
    {"analysis": "hope.post_intervention.sensitivity.low_rob", "outcome": "hope",
     "timepoint": "post_intervention", "kind": "sensitivity", "name": "low_rob", "k": 2,
     "participants": 379.0, "estimate": None, "favours": UP,
     "reason": "only two studies had low overall risk of bias (at least three needed)",
     "studies": ["Smith 2019", "Lee 2018"]},
    {"analysis": "hope.post_intervention.sensitivity.tau_only", "outcome": "hope",
     "timepoint": "post_intervention", "kind": "sensitivity", "name": "tau_only", "k": 4,
     "participants": 550.0, "measure": "SMD", "estimate": 0.25, "ci_low": 0.08,
     "ci_high": 0.42, "p": 0.0004, "i2": 0.0, "evidence": "very strong",
     "magnitude": "small", "favours": UP,
     "studies": ["Smith 2019", "Jones 2020", "Lee 2018", "Garcia 2021"]},
    {"analysis": "hope.post_intervention.subgroup.severity", "outcome": "hope",
     "timepoint": "post_intervention", "kind": "subgroup", "name": "severity", "k": 5,
     "participants": 612.0, "measure": "SMD", "estimate": 0.22, "ci_low": 0.07,
     "ci_high": 0.37, "p": 0.004, "i2": 12.0, "evidence": "strong", "magnitude": "small",
     "favours": UP, "studies": ["Smith 2019", "Jones 2020", "Lee 2018", "Garcia 2021", EVIL],
     "subgroups": [
         {"subgroup": "severe", "k": 3, "estimate": 0.30, "ci_low": 0.05, "ci_high": 0.55,
          "p": 0.02, "i2": 10.0, "se": 0.13},
         {"subgroup": "other", "k": 2, "estimate": 0.10, "ci_low": -0.20, "ci_high": 0.40,
          "p": 0.51, "i2": 0.0}],
     "subgroup_test": {"q": 1.04, "df": 1, "p": 0.31, "i2": 3.8, "evidence": "no"}},
    {"analysis": "quality_of_life.post_intervention.main", "outcome": "quality_of_life",
     "timepoint": "post_intervention", "kind": "main", "k": 12, "participants": 1500.0,
     "measure": "SMD", "estimate": 0.12, "ci_low": 0.02, "ci_high": 0.22, "p": 0.02,
     "i2": 30.0, "evidence": "weak", "magnitude": "negligible", "favours": UP,
     "studies": [f"Trial {i}" for i in range(12)],
     "small_study_tests": [{"test": "Egger", "statistic": 1.1, "p": 0.29, "k": 12},
                           {"test": "Begg", "statistic": 0.2, "p": 0.41, "k": 12}]},
    {"analysis": "connectedness.post_intervention.narrative", "outcome": "connectedness",
     "timepoint": "post_intervention", "kind": "narrative", "k": 2, "participants": 222.0,
     "measure": "MD", "reason": "only two studies had usable data (at least three needed)",
     "studies": ["Smith 2019", "Jones 2020"],
     "narrative": [
         {"study": "Smith 2019", "measure": "UCLA Loneliness Scale", "effect_measure": "MD",
          "participants": 100.0, "estimate": -3.1, "ci_low": -5.0, "ci_high": -1.2,
          "direction": "favours intervention", "reported_p": 0.002},
         {"study": "Jones 2020", "measure": "UCLA Loneliness Scale", "effect_measure": "MD",
          "participants": 122.0, "estimate": 0.4, "ci_low": None, "ci_high": None,
          "direction": "favours control", "reported_p": None}]},
]  # fmt: skip
"""Results records in the synthesis's ``results.json`` format (hand-made numbers)."""


def prisma_counts() -> PrismaCounts:
    return PrismaCounts(
        records_databases=7198, records_databases_by_source=(("PsycINFO", 4000),
                                                             ("MEDLINE", 3198)),
        records_registers=125, records_registers_by_source=(("ClinicalTrials.gov", 125),),
        records_other_methods=100, records_other_methods_by_source=(("Citations", 100),),
        duplicates_removed=3146, duplicate_groups=3000, removed_by_automation=0,
        removed_other_reasons=0, records_screened=4277, records_excluded=4179,
        awaiting_screening=0, conflicts_screening=0, reports_sought=98,
        reports_not_retrieved=0, reports_assessed=98, reports_excluded=87,
        reports_excluded_by_reason=(("Not group peer support", 50),
                                    ("Not a randomised controlled trial", 37)),
        awaiting_full_text=0, conflicts_full_text=0, reports_included=11, studies_included=8,
        reports_included_without_study=0,
    )  # fmt: skip


def rob_summary(protocol: Protocol) -> RobSummary:
    domains = protocol.risk_of_bias.tool.domains
    low = dict.fromkeys(domains, "low")
    return RobSummary((
        StudyRob("Smith 2019", low, "low"),
        StudyRob("Jones 2020", {**low, "allocation_concealment": "unclear"}, "unclear"),
        StudyRob("Lee 2018", low, "low"),
        StudyRob("Garcia 2021", {**low, "incomplete_outcome_data": "high"}, "high"),
        StudyRob(EVIL, {**low, "selective_reporting": "unclear"}, "unclear"),
    ))  # fmt: skip


def _figure(folder: Path, name: str, formats: tuple[str, ...]) -> tuple[Path, ...]:
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [0, 1, 0])
    ax.set_title(name)
    paths = []
    for fmt in formats:
        path = folder / f"{name}.{fmt}"
        fig.savefig(path, dpi=40)
        paths.append(path)
    return tuple(paths)


def make_figures(folder: Path) -> dict[str, ReportFigure]:
    return {
        "prisma": ReportFigure("PRISMA 2020 flow diagram", _figure(folder, "prisma", ("svg",))),
        "rob_traffic_light": ReportFigure(
            "Risk of bias: traffic-light plot", _figure(folder, "rob", ("png",))
        ),
        "forest:hope.post_intervention.main": ReportFigure(
            "Forest plot: hope <b>post</b>", _figure(folder, "forest", ("svg", "png", "pdf"))
        ),
    }


@pytest.fixture(scope="session")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReportFigure]:
    return make_figures(tmp_path_factory.mktemp("figures"))


def make_inputs(
    protocol: Protocol, data: ReviewData, figures: dict[str, ReportFigure]
) -> ReportInputs:
    return ReportInputs(
        protocol=protocol,
        data=data,
        results=records_from_json(RECORDS),
        prisma=prisma_counts(),
        narrative=narrative_from_json(RECORDS),
        rob=rob_summary(protocol),
        figures=figures,
    )


@pytest.fixture(scope="session")
def inputs(protocol: Protocol, data: ReviewData, figures: dict[str, ReportFigure]) -> ReportInputs:
    return make_inputs(protocol, data, figures)
