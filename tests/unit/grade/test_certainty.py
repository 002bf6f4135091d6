"""Certainty arithmetic, reviewers' ratings replacing suggestions, footnotes, and the
certainty of every main outcome of a synthesis (the report tests' five trials)."""

from __future__ import annotations

import dataclasses
import itertools
import json

import pytest

from sysreview.appraisal.rob1 import DomainJudgement, Rob1Assessment
from sysreview.errors import InputError
from sysreview.grade import (
    DOMAINS,
    LEVELS,
    SUGGESTED,
    GradeDomain,
    Level,
    Rating,
    ReviewerRating,
    assess,
    certainty_after,
    resolve,
    rob_entries,
    summary_of_findings,
)
from sysreview.protocol import Protocol, parse_protocol, template_text
from sysreview.protocol.appraisal import ROB1_DOMAINS
from sysreview.synthesis import Synthesis, run_plan
from tests.unit.grade.helpers import evidence, study
from tests.unit.report.conftest import review_data

POST = "post_intervention"


@pytest.mark.parametrize(
    ("start", "ratings", "expected"),
    [
        (Level.HIGH, [], Level.HIGH),
        (Level.HIGH, [Rating.SERIOUS], Level.MODERATE),
        (Level.HIGH, [Rating.SERIOUS, Rating.SERIOUS], Level.LOW),
        (Level.HIGH, [Rating.VERY_SERIOUS], Level.LOW),
        (Level.HIGH, [Rating.VERY_SERIOUS, Rating.SERIOUS], Level.VERY_LOW),
        (Level.HIGH, [Rating.VERY_SERIOUS] * 3, Level.VERY_LOW),  # never below very low
        (Level.LOW, [Rating.SERIOUS], Level.VERY_LOW),
        (Level.MODERATE, [Rating.NO] * 5, Level.MODERATE),
    ],
)
def test_certainty_is_the_start_rated_down_by_every_domain(
    start: Level, ratings: list[Rating], expected: Level
) -> None:
    assert certainty_after(start, ratings) is expected


def test_certainty_arithmetic_over_every_combination() -> None:
    for start, combo in itertools.product(LEVELS, itertools.product(Rating, repeat=5)):
        down = sum(r.downgrade for r in combo)
        want = LEVELS[min(3, LEVELS.index(start) + down)]
        assert certainty_after(start, combo) is want


def test_ratings_and_domains_parse_what_people_write() -> None:
    assert [Rating.parse(t) for t in ("No", "not serious", "-1", "Very_Serious")] == [
        Rating.NO, Rating.NO, Rating.SERIOUS, Rating.VERY_SERIOUS,
    ]  # fmt: skip
    assert GradeDomain.parse("Publication bias") is GradeDomain.PUBLICATION_BIAS
    with pytest.raises(InputError, match="must be one of no, serious, very_serious"):
        Rating.parse("moderate")
    with pytest.raises(InputError, match="unknown GRADE domain 'bias'"):
        GradeDomain.parse("bias")


def _rating(
    domain: GradeDomain, rating: Rating, who: str, consensus: bool = False
) -> ReviewerRating:
    return ReviewerRating("hope", POST, domain, rating, f"{who} says so", who, consensus)


def test_the_consensus_wins_else_the_first_rater_marked_disputed() -> None:
    d = GradeDomain.IMPRECISION
    key = ("hope", POST, d)
    same = resolve([_rating(d, Rating.SERIOUS, "R2"), _rating(d, Rating.SERIOUS, "R1")],
                   ["R1", "R2"])[key]  # fmt: skip
    assert same.rating.reviewer == "R1" and same.disputed == ()
    differ = resolve([_rating(d, Rating.NO, "R2"), _rating(d, Rating.SERIOUS, "R1")], ["R1", "R2"])
    assert differ[key].rating.rating is Rating.SERIOUS and differ[key].disputed == ("R1", "R2")
    agreed = resolve([_rating(d, Rating.NO, "R2"), _rating(d, Rating.SERIOUS, "R1"),
                      _rating(d, Rating.NO, "R3", consensus=True)], ["R1", "R2"])  # fmt: skip
    assert agreed[key].rating.source == "consensus" and agreed[key].disputed == ()


def test_a_reviewers_rating_replaces_the_suggestion_and_explains_itself() -> None:
    protocol = parse_protocol(template_text("group-peer-support"))
    ev = evidence(studies=(study("H", 80, "high", participants=600.0),
                           study("L", 20, "low", participants=600.0)))  # fmt: skip
    suggested = assess(ev, protocol.grade, 50.0)
    assert suggested.domain(GradeDomain.RISK_OF_BIAS).rating is Rating.VERY_SERIOUS
    assert suggested.level is Level.LOW and not suggested.confirmed
    note = dict(suggested.footnotes())[GradeDomain.RISK_OF_BIAS]
    assert note.startswith(
        "Risk of bias: rated down two levels (very serious; suggested by the "
        "protocol's rule, not yet confirmed by a reviewer): studies at high"
    )
    given = [_rating(d, Rating.NO, "R1") for d in DOMAINS]
    given[0] = _rating(GradeDomain.RISK_OF_BIAS, Rating.SERIOUS, "R1")
    rated = assess(ev, protocol.grade, 50.0, resolve(given, ["R1", "R2"]))
    assert rated.confirmed and rated.level is Level.MODERATE
    rob = rated.domain(GradeDomain.RISK_OF_BIAS)
    assert rob.source == "R1" and rob.suggestion is not None
    assert rob.suggestion.rating is Rating.VERY_SERIOUS
    text = dict(rated.footnotes())[GradeDomain.RISK_OF_BIAS]
    assert text.startswith(
        "Risk of bias: rated down one level (serious; by R1): R1 says so. The "
        "protocol's rule suggested very serious: studies at high"
    )
    assert list(dict(rated.footnotes())) == [GradeDomain.RISK_OF_BIAS]  # nothing else changed
    record = json.loads(json.dumps(rated.record()))
    assert record["certainty"] == "moderate" and record["domains"][0]["source"] == "R1"


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return parse_protocol(template_text("group-peer-support"))


@pytest.fixture(scope="module")
def synthesis(protocol: Protocol) -> Synthesis:
    return run_plan(review_data(), protocol)


def test_every_main_outcome_of_a_synthesis_gets_a_row(
    protocol: Protocol, synthesis: Synthesis
) -> None:
    sof = summary_of_findings(synthesis, protocol)
    assert [r.analysis for r in sof.rows] == [
        "connectedness.post_intervention.narrative", "hope.post_intervention.main",
    ]  # fmt: skip
    hope = sof.row("hope", POST)
    ev = hope.certainty.evidence
    main = synthesis["hope.post_intervention.main"]
    assert main.meta is not None
    assert (ev.k, ev.participants, ev.estimate) == (5, main.participants,
                                                    main.meta.estimate)  # fmt: skip
    assert [s.weight for s in ev.studies] == pytest.approx(list(main.meta.weights), rel=1e-12)
    # without assessments, each study's overall_rob attribute is read
    assert [s.rob for s in ev.studies] == ["low", "low", "unclear", "high", "unclear"]
    assert all(d.source == SUGGESTED for d in hope.certainty.domains)
    assert hope.continuous is not None and hope.continuous.measure == "MD"
    assert hope.continuous.control_means == (34.0,) * 5
    assert "Hope, post-intervention [hope.post_intervention]" in sof.summary()
    assert len(sof.to_frame()) == 2 * 5
    json.dumps(sof.records())


def test_risk_of_bias_assessments_win_over_the_attribute(
    protocol: Protocol, synthesis: Synthesis
) -> None:
    labels = [s.study_id for s in review_data().studies]
    rob = [Rob1Assessment(label, tuple(DomainJudgement(d, "high") for d in ROB1_DOMAINS))
           for label in labels]  # fmt: skip
    sof = summary_of_findings(synthesis, protocol, rob_entries(rob))
    hope = sof.row("hope", POST).certainty
    assert {s.rob for s in hope.evidence.studies} == {"high"}
    assert hope.domain(GradeDomain.RISK_OF_BIAS).rating is Rating.VERY_SERIOUS


def test_the_protocol_chooses_the_outcomes_and_timepoints(synthesis: Synthesis) -> None:
    text = template_text("group-peer-support").replace(
        'assumed_risk = "median"', 'assumed_risk = "median"\nsof_outcomes = ["hope"]'
    )
    only = summary_of_findings(synthesis, parse_protocol(text))
    assert [r.analysis for r in only.rows] == ["hope.post_intervention.main"]
    later = text.replace('sof_outcomes = ["hope"]', 'sof_timepoints = ["long_term"]')
    assert summary_of_findings(synthesis, parse_protocol(later)).rows == ()


def test_ratings_of_other_outcomes_do_not_leak(protocol: Protocol, synthesis: Synthesis) -> None:
    other = ReviewerRating("connectedness", POST, GradeDomain.INDIRECTNESS, Rating.SERIOUS,
                           "adolescents", "R1")  # fmt: skip
    sof = summary_of_findings(synthesis, protocol, None, [other])
    hope = sof.row("hope", POST).certainty.domain(GradeDomain.INDIRECTNESS)
    assert hope.source == SUGGESTED
    conn = sof.row("connectedness", POST).certainty.domain(GradeDomain.INDIRECTNESS)
    assert (conn.source, conn.rating, conn.reason) == ("R1", Rating.SERIOUS, "adolescents")
    assert dataclasses.replace(conn, reason="x").reason == "x"  # frozen, replaceable
