"""Per-arm numbers of Metapsy rows (``metapsy_numbers``): displaced event counts, exclusions.

Event counts are checked against the cells of the demo's ``data/metapsy-peer-support.csv``
(row = the file's first column) and Hedges' g from them against the row's stored ``.g``
(metapsyTools' logit method, ``esc::esc_2x2(es.type = "g")``).
"""

from __future__ import annotations

import dataclasses

import pytest

from sysreview.errors import InputError
from sysreview.extraction.dataset import INTERVENTION
from sysreview.io.metapsy.convert import convert_metapsy
from sysreview.io.metapsy.mapping import OutcomeRule
from sysreview.io.metapsy.numbers import g_from_events
from sysreview.io.metapsy.reader import read_metapsy_text
from tests.unit.io.metapsy.helpers import ROB, Demo, entry, synthetic_file, with_rules


def test_griffiths_events_come_from_row_8(demo: Demo) -> None:
    # row 26 (CES-D, outcome_type dich) has no counts; row 8's dich "CES-D > 16": 35, 52, 52, 71
    peer = entry(demo, "Griffiths, 2012", "CES-D > 16 (caseness)", INTERVENTION)
    control = entry(demo, "Griffiths, 2012", "CES-D > 16 (caseness)", "active")
    assert (peer.events, peer.n, control.events, control.n) == (35, 52, 52, 71)
    assert peer.mean is None and peer.is_dichotomous and peer.domain == "depression_caseness"
    assert peer.source == "consensus (R1); metapsy-peer-support.csv, row 26"
    (row26,) = [
        r
        for r in demo.dataset.outcomes
        if r["location"].endswith(", row 26") and r["arm"] == peer.arm
    ]
    assert "event counts taken from row 8" in row26["note"]
    # events are bad: the stored .g (positive favours peer support) is minus g from the counts
    g, se = g_from_events(35, 52, 52, 71)
    row26 = next(r for r in demo.read.data.rows if r.row == 26)
    assert -g == pytest.approx(row26.g, rel=1e-9) and se == pytest.approx(row26.g_se, rel=1e-9)


def test_ludman_events_come_from_row_12(demo: Demo) -> None:
    peer = entry(demo, "Ludman, 2007", "Major depression (SCID)", INTERVENTION)
    control = entry(demo, "Ludman, 2007", "Major depression (SCID)", "active")
    assert (peer.events, peer.n, control.events, control.n) == (5, 21, 7, 20)


def test_relocated_events_must_reproduce_g(demo: Demo) -> None:
    wrong = [
        dataclasses.replace(r, events_from_row=5) if r.events_from_row == 8 else r
        for r in demo.mapping.outcomes
    ]
    with pytest.raises(InputError, match=r"row 26.*refusing to move them"):
        convert_metapsy(demo.read.data, demo.protocol, mapping=with_rules(demo, *wrong))


def test_precalculated_only_row_is_excluded_with_reason(demo: Demo) -> None:
    text = synthetic_file(
        f'"1";"A, 2020";"Group";"PS";"WL";"msd";"CES-D";"SMI";"Structured";{ROB};0,3;0,2;'
        "10;2;20;12;2;20;NA;NA;NA;NA;NA;NA;NA",
        f'"2";"A, 2020";"Group";"PS";"WL";"msd";"HSCL-25";"SMI";"Structured";{ROB};0,4;0,2;'
        "NA;NA;NA;NA;NA;NA;0,4;0,2;NA;NA;NA;NA;NA",
    )
    mapping = with_rules(
        demo,
        OutcomeRule("A, 2020", "CES-D", "depression", "CES-D"),
        OutcomeRule("A, 2020", "HSCL-25", "global_symptoms", "HSCL-25"),
    )
    result = convert_metapsy(read_metapsy_text(text), demo.protocol, mapping=mapping)
    (excluded,) = result.of("excluded")
    assert excluded.row == 2 and "precalculated g/SE" in excluded.reason
    assert len(result.outcomes) == 2
