"""The bundled demo review (examples/group-peer-support/) and the Metapsy conversion.

Hand-checked values cite the cells of ``data/metapsy-peer-support.csv`` (an unchanged copy
of the Metapsy peer-support ``data.csv``; row = the file's first column). Hedges' g is
checked against the dataset's own ``.g`` (computed by metapsyTools, with RevMan's
``J = 1 - 3/(4N - 9)``), which recomputation matches to 1e-12 except where noted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.effects import standardized_mean_difference
from sysreview.errors import InputError
from sysreview.extraction.dataset import INTERVENTION
from sysreview.extraction.metapsy import read_metapsy_text
from sysreview.extraction.metapsy_dataset import (
    MetapsyMapping,
    OutcomeRule,
    convert_metapsy,
    g_from_events,
    prisma_from_search_flow,
    references_from_metapsy,
)
from sysreview.project.demo import DATA_FILE, SEARCH_FLOW_FILE, DemoInputs, load_demo
from sysreview.protocol import ProtocolError
from tests.conftest import PROJECT_ROOT, shared_path

DEMO = PROJECT_ROOT / "examples" / "group-peer-support"
GROUP_TRIALS = (
    "Boevink, 2016",
    "Castelein, 2008",
    "Cook, 2012a",
    "Cook, 2012b",
    "Griffiths, 2012",
    "Kaplan, 2011",
    "Ludman, 2007",
    "Rüsch, 2014",
    "Russinova, 2014",
    "van Gestel-Timmermans, 2012",
)


@pytest.fixture(scope="module")
def demo() -> DemoInputs:
    return load_demo(DEMO)


def _entry(demo: DemoInputs, study: str, measure: str, arm_type: str):  # type: ignore[no-untyped-def]
    arms = {a.arm: a.arm_type for a in demo.data.arms_of(study)}
    (found,) = [
        o for o in demo.data.outcomes_of(study) if o.measure == measure and arms[o.arm] == arm_type
    ]
    return found


def test_demo_holds_exactly_the_group_format_trials(demo: DemoInputs) -> None:
    assert tuple(s.study_id for s in demo.data.studies) == GROUP_TRIALS
    formats = {r.study: r.format for r in demo.metapsy.rows}
    assert len(formats) == 28
    assert sum(f == "Group" for f in formats.values()) == 10  # the README's "Group 10 studies"
    assert sorted(f for f in formats.values() if f != "Group").count("Individual") == 17
    conversion = demo.conversion
    assert (len(conversion.of("used")), len(conversion.of("excluded"))) == (21, 0)
    assert len(conversion.of("not selected")) == 66 - 21
    assert len(demo.data.outcomes) == 2 * 21
    assert len(demo.data.arms) == 20


def test_cook_2012a_by_hand(demo: DemoInputs) -> None:
    study = demo.data.study("Cook, 2012a")
    # rows 6-8: year 2012, country USA, disorder SMI, Structured, overall_RoB "High risk";
    # row 6: baseline_n_arm1 "251", baseline_n_arm2 268
    assert dict(study.attributes) == {
        "year": 2012,
        "country": "USA",
        "population": "severe",
        "intervention_structured": True,
        "overall_rob": "high",
        "n_randomised": 519,
        "n_arms": 2,
        "comparator": "WL",
    }
    assert (
        study.characteristics["mean_age"] == 45.8 and study.characteristics["percent_women"] == 66
    )
    # row 8, RAS - total: 92,9 / 14,2 / 222 vs 90 / 13,7 / 231
    peer = _entry(demo, "Cook, 2012a", "RAS (total score)", INTERVENTION)
    control = _entry(demo, "Cook, 2012a", "RAS (total score)", "WL")
    assert (peer.domain, peer.weeks_after_end) == ("recovery", 0.0)
    assert (peer.mean, peer.sd, peer.n) == (92.9, 14.2, 222)
    assert (control.mean, control.sd, control.n) == (90.0, 13.7, 231)
    assert peer.source is not None and peer.source.endswith("row 8")
    assert any("belong to row 26 (Griffiths, 2012, CES-D)" in f for f in peer.flags)


def test_kaplan_2011_by_hand(demo: DemoInputs) -> None:
    # row 33: Lehmanâ€™s quality of life (QOL): 4,41 / 0,696491205974634 / 90 vs 4,23 / 1 / 93
    peer = _entry(demo, "Kaplan, 2011", "Lehman QOLI", INTERVENTION)
    control = _entry(demo, "Kaplan, 2011", "Lehman QOLI", "WL")
    assert (peer.mean, peer.sd, peer.n) == (4.41, 0.696491205974634, 90)
    assert (control.mean, control.sd, control.n) == (4.23, 1.0, 93)
    assert any("mojibake" in f for f in peer.flags)
    attrs = demo.data.study("Kaplan, 2011").attributes
    # rows 32-34: Unstructured, overall "Some concerns"; row 32 baseline n 99 + 100
    assert attrs["intervention_structured"] is False and attrs["overall_rob"] == "some_concerns"
    assert attrs["n_randomised"] == 199


def test_griffiths_events_come_from_row_8(demo: DemoInputs) -> None:
    # row 26 (CES-D, outcome_type dich) has no counts; row 8's dich "CES-D > 16": 35, 52, 52, 71
    peer = _entry(demo, "Griffiths, 2012", "CES-D > 16 (caseness)", INTERVENTION)
    control = _entry(demo, "Griffiths, 2012", "CES-D > 16 (caseness)", "active")
    assert (peer.events, peer.n, control.events, control.n) == (35, 52, 52, 71)
    assert peer.mean is None and peer.is_dichotomous and peer.domain == "depression_caseness"
    assert any("taken from row 8" in f for f in peer.flags)
    # events are bad: the stored .g (positive favours peer support) is minus g from the counts
    g, se = g_from_events(35, 52, 52, 71)
    row26 = next(r for r in demo.metapsy.rows if r.row == 26)
    assert -g == pytest.approx(row26.g, rel=1e-9) and se == pytest.approx(row26.g_se, rel=1e-9)


def test_ludman_events_come_from_row_12(demo: DemoInputs) -> None:
    peer = _entry(demo, "Ludman, 2007", "Major depression (SCID)", INTERVENTION)
    control = _entry(demo, "Ludman, 2007", "Major depression (SCID)", "active")
    assert (peer.events, peer.n, control.events, control.n) == (5, 21, 7, 20)


def test_mojibake_study_joins_its_reference(demo: DemoInputs) -> None:
    study = demo.data.study("Rüsch, 2014")
    assert study.reference is not None
    assert study.reference.startswith("Rüsch, N., Abbruzzese, E.")
    assert all(s.reference for s in demo.data.studies)
    assert demo.quality.counts()["unjoined_reference"] == 1  # the raw file still fails to join
    (row56,) = [r for r in demo.conversion.rows if r.row == 56]
    assert row56.study == "Rüsch, 2014" and "mojibake" in row56.flags[0]


def test_rob2_overall_as_given(demo: DemoInputs) -> None:
    overall = {r.study: r.overall for r in demo.rob}
    assert overall == {
        "Boevink, 2016": "high",
        "Castelein, 2008": "some_concerns",
        "Cook, 2012a": "high",
        "Cook, 2012b": "high",
        "Griffiths, 2012": "high",
        "Kaplan, 2011": "some_concerns",
        "Ludman, 2007": "high",
        "Rüsch, 2014": "high",
        "Russinova, 2014": "some_concerns",
        "van Gestel-Timmermans, 2012": "high",
    }
    differs = {r.study: r.algorithm_overall for r in demo.rob if r.overall != r.algorithm_overall}
    # row 1-3: D1-D5 = Some concerns, Low, Some concerns x3 -> RoB 2's rule: some concerns
    assert differs == {"Boevink, 2016": "some_concerns"}
    cook = next(r for r in demo.rob if r.study == "Cook, 2012a")
    assert cook.domain_judgements["missing_outcome_data"] == "high"  # row 6 RoB_D3 High risk
    assert {s.study_id: s.attributes["overall_rob"] for s in demo.data.studies} == overall


def test_prisma_counts_equal_search_flow(demo: DemoInputs) -> None:
    flow = json.loads((DEMO / SEARCH_FLOW_FILE).read_text(encoding="utf-8"))
    p = demo.prisma_search
    assert p.records_databases == flow["database.hits"] == 3901
    assert p.records_other_methods == flow["additional.records"] == 8
    assert p.records_identified - p.duplicates_removed == flow["database.hits.duplicates.removed"]
    assert p.records_screened == flow["records.screened"] == 3455
    assert p.reports_assessed == flow["full.text.assessed.for.eligibility"] == 133
    assert dict(p.reports_excluded_by_reason) == flow["full.text.excluded.reasons"]
    assert len(p.reports_excluded_by_reason) == 13
    assert p.studies_included == flow["included"] == 28
    assert p.records_screened == p.records_excluded + p.reports_assessed
    assert p.reports_assessed == p.reports_excluded + p.reports_included
    demo_flow = demo.prisma
    assert demo_flow.studies_included == len(demo.data.studies) == 10
    assert dict(demo_flow.reports_excluded_by_reason)[demo.mapping.selection_reason] == 18
    assert demo_flow.reports_excluded == p.reports_excluded + 18


def test_prisma_refuses_a_flow_that_does_not_balance() -> None:
    text = (
        (DEMO / SEARCH_FLOW_FILE)
        .read_text(encoding="utf-8")
        .replace('"included": 28', '"included": 27')
    )
    with pytest.raises(InputError, match=r"assessed \(133\) - excluded \(105\) != included \(27\)"):
        prisma_from_search_flow(text)


# Continuous rows whose stored .g recomputation reproduces to 1e-6. Left out: row 1
# (.g stored rounded, "-0,05") and rows 33, 34 (stored .g differs by 3e-4 and 2.5e-4).
G_ROWS = [2, 3, 4, 5, 6, 7, 8, 9, 27, 28, 32, 56, 57, 58, 65, 66]


@pytest.mark.parametrize("row", G_ROWS)
def test_hedges_g_from_mapped_arms_equals_stored_g(demo: DemoInputs, row: int) -> None:
    stored = next(r for r in demo.metapsy.rows if r.row == row)
    entries = [o for o in demo.data.outcomes if o.source and o.source.endswith(f"row {row}")]
    types = {(a.study_id, a.arm): a.arm_type for a in demo.data.arms}
    (peer,) = [o for o in entries if types[o.study_id, o.arm] == INTERVENTION]
    (control,) = [o for o in entries if types[o.study_id, o.arm] != INTERVENTION]
    es = standardized_mean_difference(
        [peer.mean],
        [peer.sd],
        [peer.n],
        [control.mean],
        [control.sd],
        [control.n],
        convention="revman",
    )
    measure = next(
        m for m in demo.protocol.outcomes.domain(peer.domain).measures if m.name == peer.measure
    )
    aligned = float(es.yi[0]) * (1.0 if measure.higher_is_better else -1.0)
    assert aligned == pytest.approx(stored.g, abs=1e-6)


def test_demo_protocol_validates() -> None:
    result = CliRunner().invoke(app, ["validate", "-p", str(DEMO)])
    assert result.exit_code == 0, result.output
    assert "Risk of bias: RoB2" in result.output


def test_data_file_is_the_dataset_unchanged() -> None:
    shared = shared_path("data", "metapsy-peer-support", "data.csv")
    digest = hashlib.sha256((DEMO / DATA_FILE).read_bytes()).hexdigest()
    assert digest == hashlib.sha256(shared.read_bytes()).hexdigest()


# ---- refusals, on small synthetic files ---------------------------------------------------

HEADER = (
    '"";"study";"format";"condition_arm1";"condition_arm2";"outcome_type";"instrument";'
    '"disorder";"structure_intervention";"RoB_D1";"RoB_D2";"RoB_D3";"RoB_D4";"RoB_D5";'
    '"overall_RoB";".g";".g_se";"mean_arm1";"sd_arm1";"n_arm1";"mean_arm2";"sd_arm2";"n_arm2";'
    '"precalc_g";"precalc_g_se";"event_arm1";"event_arm2";"totaln_arm1";"totaln_arm2";"dich"'
)
ROB = '"Low risk";"Low risk";"Low risk";"Low risk";"Low risk";"Low risk"'


def _file(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def _mapping(demo: DemoInputs, *rules: OutcomeRule) -> MetapsyMapping:
    return dataclasses.replace(demo.mapping, outcomes=rules)


def test_precalculated_only_row_is_excluded_with_reason(demo: DemoInputs) -> None:
    text = _file(
        f'"1";"A, 2020";"Group";"PS";"WL";"msd";"CES-D";"SMI";"Structured";{ROB};0,3;0,2;'
        "10;2;20;12;2;20;NA;NA;NA;NA;NA;NA;NA",
        f'"2";"A, 2020";"Group";"PS";"WL";"msd";"HSCL-25";"SMI";"Structured";{ROB};0,4;0,2;'
        "NA;NA;NA;NA;NA;NA;0,4;0,2;NA;NA;NA;NA;NA",
    )
    mapping = _mapping(
        demo,
        OutcomeRule("A, 2020", "CES-D", "depression", "CES-D"),
        OutcomeRule("A, 2020", "HSCL-25", "global_symptoms", "HSCL-25"),
    )
    result = convert_metapsy(read_metapsy_text(text), demo.protocol, mapping=mapping)
    (excluded,) = result.of("excluded")
    assert excluded.row == 2 and "precalculated g/SE" in excluded.reason
    assert len(result.data.outcomes) == 2


def test_unmapped_instrument_is_refused(demo: DemoInputs) -> None:
    text = _file(
        f'"7";"A, 2020";"Group";"PS";"WL";"msd";"BDI";"SMI";"Structured";{ROB};0,3;0,2;'
        "10;2;20;12;2;20;NA;NA;NA;NA;NA;NA;NA"
    )
    with pytest.raises(InputError, match=r"row 7.*no outcome rule for instrument 'BDI'"):
        convert_metapsy(
            read_metapsy_text(text, source="x.csv"), demo.protocol, mapping=demo.mapping
        )


def test_relocated_events_must_reproduce_g(demo: DemoInputs) -> None:
    wrong = [
        dataclasses.replace(r, events_from_row=5) if r.events_from_row == 8 else r
        for r in demo.mapping.outcomes
    ]
    with pytest.raises(InputError, match=r"row 26.*refusing to move them"):
        convert_metapsy(demo.metapsy, demo.protocol, mapping=_mapping(demo, *wrong))


def test_mapping_must_match_the_protocol(demo: DemoInputs) -> None:
    bad = _mapping(demo, OutcomeRule("A, 2020", "BDI", "depression", "BDI-II"))
    with pytest.raises(
        InputError,
        match=r"outcomes\[0\]\.measure = 'BDI-II': is not declared in domain 'depression'",
    ):
        convert_metapsy(demo.metapsy, demo.protocol, mapping=bad)


def test_unknown_comparator_is_refused(demo: DemoInputs) -> None:
    text = _file(
        f'"3";"A, 2020";"Group";"PS";"pha";"msd";"CES-D";"SMI";"Structured";{ROB};0,3;0,2;'
        "10;2;20;12;2;20;NA;NA;NA;NA;NA;NA;NA"
    )
    mapping = _mapping(demo, OutcomeRule("A, 2020", "CES-D", "depression", "CES-D"))
    with pytest.raises(
        InputError, match=r"row 3, column 'condition_arm2'.*'pha' has no comparator"
    ):
        convert_metapsy(read_metapsy_text(text), demo.protocol, mapping=mapping)


def test_references_are_repaired_and_whitespace_collapsed() -> None:
    refs = references_from_metapsy({"Boevink, 2016": "A  user-developed  programme."})
    assert refs == {"Boevink, 2016": "A user-developed programme."}
    with pytest.raises(InputError, match="must be non-empty text"):
        references_from_metapsy({"X, 2000": ""})


def test_missing_demo_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "review.toml").write_text((DEMO / "review.toml").read_text(encoding="utf-8"))
    with pytest.raises(InputError, match=r"cannot read the demo's mapping\.toml"):
        load_demo(tmp_path)


def test_study_attributes_are_filter_attributes(demo: DemoInputs) -> None:
    from sysreview.protocol import STUDY_ATTRIBUTES, matches

    for study in demo.data.studies:
        assert set(study.attributes) <= set(STUDY_ATTRIBUTES), study.study_id
    severe = [
        s.study_id
        for s in demo.data.studies
        if matches(demo.protocol.analysis.subgroups[0].levels[0].where, s.attributes)
    ]
    # disorder "depression" for Griffiths 2012 (rows 26-28) and Ludman 2007 (row 37), else SMI
    assert set(GROUP_TRIALS) - set(severe) == {"Griffiths, 2012", "Ludman, 2007"}


def test_mapping_mistakes_are_located_by_line(demo: DemoInputs, tmp_path: Path) -> None:
    from sysreview.project.demo import MAPPING_FILE, read_mapping

    text = (DEMO / MAPPING_FILE).read_text(encoding="utf-8")
    broken = text.replace('measure = "HSCL-25"', "measure = 25", 1).replace(
        'column = "format"', 'colum = "format"', 1
    )
    with pytest.raises(ProtocolError) as err:
        read_mapping(broken, "mapping.toml")
    lines = text.splitlines()
    hscl = lines.index('measure = "HSCL-25"') + 1
    messages = str(err.value).splitlines()
    assert f"mapping.toml, line {hscl}: outcomes[12].measure = 25: must be a string" in messages
    assert any(m.endswith("selection.column: required key is missing") for m in messages)
    # a measure the protocol does not declare, found by load_demo with its line
    for name in ("review.toml", "data"):
        target = tmp_path / name
        source = DEMO / name
        if source.is_dir():
            target.mkdir()
            for f in source.iterdir():
                (target / f.name).write_bytes(f.read_bytes())
        else:
            target.write_bytes(source.read_bytes())
    (tmp_path / MAPPING_FILE).write_text(text.replace('"RAS (mean item score)"', '"RAS"'))
    with pytest.raises(ProtocolError, match=r"line \d+: outcomes\[14\]\.measure = 'RAS': is not"):
        load_demo(tmp_path)


def test_rob2_assessed_per_outcome_gives_one_set_each(demo: DemoInputs) -> None:
    from sysreview.extraction.metapsy_dataset import rob2_from_metapsy

    individual = dataclasses.replace(demo.mapping, selection_include=("Individual",))
    johnson = [r for r in rob2_from_metapsy(demo.metapsy, individual) if r.study == "Johnson, 2018"]
    # rows 29-31: RoB_D4 "Low risk" on row 29 (BPRS), "Some concerns" on rows 30 and 31;
    # overall_RoB "High risk" on all three
    assert len(johnson) == 2
    assert {r.overall for r in johnson} == {"high"}
    assert sorted(len(r.rows) for r in johnson) == [1, 2]
    bprs = next(r for r in johnson if r.rows == (29,))
    assert bprs.result == "Brief Psychiatric Rating Scale"
    assert bprs.domain_judgements["measurement_of_the_outcome"] == "low"
