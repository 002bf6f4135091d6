"""A small hand-built review for the synthesis tests (values invented, plausible).

Five two- or three-arm trials on the seed protocol (``group-peer-support``):

* recovery post-intervention in all five, on QPR (higher is better) in A, C, D, E and
  RAS in B: pooled as SMD;
* hope post-intervention on the Herth Hope Index in A, B and C: pooled as MD;
* depression post-intervention on CES-D (lower is better) in A and BDI-II in B, and at
  12 and 40 weeks after the end in A: too few for pooling (narrative);
* C is a three-arm trial (intervention, TAU, active): combined for the main analysis,
  its TAU arm alone for the TAU-only sensitivity analysis;
* only A and C have low overall risk of bias.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sysreview.extraction.dataset import ArmEntry, OutcomeEntry, ReviewData, StudyEntry
from sysreview.protocol import Protocol, parse_protocol, template_text

STUDIES = (
    StudyEntry(
        "A", {"overall_rob": "low", "population": "severe", "intervention_structured": True}
    ),
    StudyEntry(
        "B", {"overall_rob": "high", "population": "severe", "intervention_structured": False}
    ),
    StudyEntry("C", {"overall_rob": "low", "population": "other", "intervention_structured": True}),
    StudyEntry(
        "D", {"overall_rob": "unclear", "population": "other", "intervention_structured": False}
    ),
    StudyEntry(
        "E", {"overall_rob": "high", "population": "severe", "intervention_structured": True}
    ),
)

ARMS = (
    ArmEntry("A", "peer", "intervention"),
    ArmEntry("A", "usual", "TAU"),
    ArmEntry("B", "peer", "intervention"),
    ArmEntry("B", "wait", "WL"),
    ArmEntry("C", "peer", "intervention"),
    ArmEntry("C", "usual", "TAU"),
    ArmEntry("C", "education", "active"),
    ArmEntry("D", "peer", "intervention"),
    ArmEntry("D", "usual", "TAU"),
    ArmEntry("E", "peer", "intervention"),
    ArmEntry("E", "active", "active"),
)

# (study, arm, domain, measure, weeks, mean, sd, n)
CONTINUOUS = [
    ("A", "peer", "recovery", "QPR", 0, 40.1, 9.2, 60),
    ("A", "usual", "recovery", "QPR", 0, 37.5, 9.8, 58),
    ("B", "peer", "recovery", "RAS", 0, 82.0, 14.0, 45),
    ("B", "wait", "recovery", "RAS", 0, 80.5, 15.1, 47),
    ("C", "peer", "recovery", "QPR", 0, 41.0, 8.5, 70),
    ("C", "usual", "recovery", "QPR", 0, 38.0, 9.0, 66),
    ("C", "education", "recovery", "QPR", 0, 39.5, 8.8, 64),
    ("D", "peer", "recovery", "QPR", 0, 36.2, 10.1, 30),
    ("D", "usual", "recovery", "QPR", 0, 36.9, 10.4, 31),
    ("E", "peer", "recovery", "QPR", 0, 39.0, 9.5, 52),
    ("E", "active", "recovery", "QPR", 0, 37.8, 9.9, 50),
    ("A", "peer", "hope", "Herth Hope Index", 0, 35.2, 5.1, 60),
    ("A", "usual", "hope", "Herth Hope Index", 0, 34.6, 5.6, 58),
    ("B", "peer", "hope", "Herth Hope Index", 0, 33.9, 6.0, 45),
    ("B", "wait", "hope", "Herth Hope Index", 0, 34.1, 6.2, 47),
    ("C", "peer", "hope", "Herth Hope Index", 0, 36.0, 5.0, 70),
    ("C", "usual", "hope", "Herth Hope Index", 0, 35.1, 5.3, 66),
    ("C", "education", "hope", "Herth Hope Index", 0, 35.8, 5.4, 64),
    ("A", "peer", "depression", "CES-D", 0, 18.0, 9.0, 60),
    ("A", "usual", "depression", "CES-D", 0, 21.0, 10.0, 58),
    ("A", "peer", "depression", "CES-D", 12, 17.5, 9.1, 55),
    ("A", "usual", "depression", "CES-D", 12, 20.0, 9.8, 54),
    ("A", "peer", "depression", "CES-D", 40, 17.0, 9.3, 50),
    ("A", "usual", "depression", "CES-D", 40, 19.0, 9.9, 49),
    ("B", "peer", "depression", "BDI-II", 0, 15.0, 8.0, 45),
    ("B", "wait", "depression", "BDI-II", 0, 14.0, 8.5, 47),
]


def review_data() -> ReviewData:
    """The review described in the module docstring."""
    outcomes = tuple(
        OutcomeEntry(s, a, d, m, w, mean=mean, sd=sd, n=n)
        for s, a, d, m, w, mean, sd, n in CONTINUOUS
    )
    return ReviewData(STUDIES, ARMS, outcomes)


REFERENCE_FILE = Path(__file__).parents[2] / "reference" / "metafor" / "synthesis.json"


def reference(case: str) -> dict[str, Any]:
    """One case of the pinned metafor values (R code in the file's provenance)."""
    cases: dict[str, Any] = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))["cases"]
    return dict(cases[case])


def seed_protocol(*edits: tuple[str, str]) -> Protocol:
    """The seed template with ``(old, new)`` text edits applied."""
    text = template_text("group-peer-support")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return parse_protocol(text)


UCLA = (
    '{ name = "UCLA Loneliness Scale", scale_min = 20, scale_max = 80, '
    "higher_is_better = false, validated = true },"
)
ADD_SCS = (UCLA, UCLA + '\n  { name = "SCS", higher_is_better = true, validated = false },')
"""Edit: a higher-is-better, not fully validated connectedness scale beside UCLA."""
METAFOR = ('convention = "revman"', 'convention = "metafor"')
"""Edit: metafor's conventions (exact Hedges' J, its SMD variance)."""


# Direction alignment: (study, measure, m1, sd1, n1, m2, sd2, n2), as in the R script
ALIGNMENT = [
    ("S1", "UCLA Loneliness Scale", 45.0, 10.0, 40, 49.0, 11.0, 42),
    ("S2", "SCS", 30.5, 6.0, 35, 28.0, 6.5, 33),
    ("S3", "UCLA Loneliness Scale", 50.2, 9.5, 50, 50.9, 9.0, 48),
    ("S4", "SCS", 23.5, 7.0, 25, 27.8, 6.8, 26),
]


def alignment_data() -> ReviewData:
    """Four two-arm trials of connectedness on two scales of opposite direction."""
    studies = tuple(StudyEntry(s, {"overall_rob": "low"}) for s, *_ in ALIGNMENT)
    arms = tuple(
        ArmEntry(s, arm, kind)
        for s, *_ in ALIGNMENT
        for arm, kind in (("peer", "intervention"), ("usual", "TAU"))
    )
    outcomes = tuple(
        OutcomeEntry(s, arm, "connectedness", m, 0, mean=mean, sd=sd, n=n)
        for s, m, m1, sd1, n1, m2, sd2, n2 in ALIGNMENT
        for arm, mean, sd, n in (("peer", m1, sd1, n1), ("usual", m2, sd2, n2))
    )
    return ReviewData(studies, arms, outcomes)


# Ten trials of hope on one instrument, as in the R script's case ten_studies_bias
TEN = {
    "m1": (12.1, 11.4, 13.0, 10.8, 12.6, 11.9, 14.2, 10.5, 12.9, 11.1),
    "sd1": (4.0, 3.5, 5.1, 4.4, 3.9, 4.8, 5.5, 3.6, 4.2, 4.9),
    "n1": (20, 35, 15, 60, 28, 44, 12, 80, 25, 50),
    "m2": (10.0, 10.9, 10.1, 10.6, 10.5, 11.0, 10.2, 10.4, 10.3, 10.8),
    "sd2": (4.1, 3.7, 5.0, 4.5, 4.0, 4.6, 5.2, 3.8, 4.4, 4.7),
    "n2": (21, 33, 16, 58, 27, 45, 13, 82, 24, 51),
}


def ten_studies(k: int = 10) -> ReviewData:
    """The first ``k`` of the ten hope trials."""
    ids = [f"T{i + 1:02d}" for i in range(k)]
    studies = tuple(StudyEntry(s) for s in ids)
    arms = tuple(
        ArmEntry(s, arm, kind)
        for s in ids
        for arm, kind in (("peer", "intervention"), ("usual", "TAU"))
    )
    t = TEN
    outcomes = tuple(
        OutcomeEntry(s, arm, "hope", "Herth Hope Index", 0, mean=m, sd=sd, n=n)
        for i, s in enumerate(ids)
        for arm, m, sd, n in (
            ("peer", t["m1"][i], t["sd1"][i], t["n1"][i]),
            ("usual", t["m2"][i], t["sd2"][i], t["n2"][i]),
        )
    )
    return ReviewData(studies, arms, outcomes)


def with_admissions(data: ReviewData) -> ReviewData:
    """``data`` plus admissions (counts) in A, B, C and D, for RR analyses."""
    counts = {"A": (5, 60, 11, 58), "B": (7, 45, 9, 47), "C": (6, 70, 18, 130), "D": (4, 30, 6, 31)}
    controls = {"A": ("usual",), "B": ("wait",), "C": ("usual", "education"), "D": ("usual",)}
    extra = []
    for s, (ee, ne, ec, nc) in counts.items():
        extra.append(OutcomeEntry(s, "peer", "admissions", "admitted", 0, events=ee, n=ne))
        arms = controls[s]
        for arm in arms:  # split the control counts over its arms
            share = 1 / len(arms)
            extra.append(
                OutcomeEntry(
                    s, arm, "admissions", "admitted", 0, events=int(ec * share), n=int(nc * share)
                )
            )
    return ReviewData(data.studies, data.arms, data.outcomes + tuple(extra))
