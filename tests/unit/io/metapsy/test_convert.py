"""The Metapsy conversion (``io.metapsy.convert``) of the bundled demo review, and its folder.

Hand-checked values cite the cells of ``data/metapsy-peer-support.csv`` (an unchanged copy
of the Metapsy peer-support ``data.csv``; row = the file's first column), as the project
reads them back after storing the adapter's rows (``demo.data``). Hedges' g is checked
against the dataset's own ``.g`` (computed by metapsyTools, with RevMan's
``J = 1 - 3/(4N - 9)``), which recomputation matches to 1e-12 except where noted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.effects import standardized_mean_difference
from sysreview.errors import InputError
from sysreview.extraction.dataset import INTERVENTION
from sysreview.io.metapsy import read_metapsy_dataset
from sysreview.io.metapsy.convert import convert_metapsy
from sysreview.io.metapsy.mapping import OutcomeRule
from sysreview.io.metapsy.reader import read_metapsy_text
from tests.conftest import shared_path
from tests.unit.io.metapsy.helpers import (
    DATA_FILE,
    DEMO,
    GROUP_TRIALS,
    MAPPING_FILE,
    ROB,
    Demo,
    entry,
    synthetic_file,
    with_rules,
)


def test_demo_holds_exactly_the_group_format_trials(demo: Demo) -> None:
    assert sorted(s.study_id for s in demo.data.studies) == sorted(GROUP_TRIALS)
    assert demo.dataset.study_labels == GROUP_TRIALS  # file order
    formats = {r.study: r.format for r in demo.read.data.rows}
    assert len(formats) == 28
    assert sum(f == "Group" for f in formats.values()) == 10  # the README's "Group 10 studies"
    assert sorted(f for f in formats.values() if f != "Group").count("Individual") == 17
    conversion = demo.read.conversion
    assert (len(conversion.of("used")), len(conversion.of("excluded"))) == (21, 0)
    assert len(conversion.of("not selected")) == 66 - 21
    assert len(demo.dataset.skipped) == 66 - 21
    assert len(demo.data.outcomes) == len(demo.dataset.outcomes) == 2 * 21
    assert len(demo.data.arms) == len(demo.dataset.arms) == 20


def test_cook_2012a_by_hand(demo: Demo) -> None:
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
    }
    # mean_age 45,8; percent_women 66; disorder SMI, diagnosis_inclusion "diagnosis"
    assert study.characteristics["age"] == "mean 45.8 years"
    assert study.characteristics["gender"] == "66% women"
    assert study.characteristics["diagnoses"] == "SMI (inclusion by diagnosis)"
    assert str(study.characteristics["notes"]).startswith(
        "Metapsy format: Group; delivery mode: In person; duration"
    )
    # row 8, RAS - total: 92,9 / 14,2 / 222 vs 90 / 13,7 / 231
    peer = entry(demo, "Cook, 2012a", "RAS (total score)", INTERVENTION)
    control = entry(demo, "Cook, 2012a", "RAS (total score)", "WL")
    assert (peer.domain, peer.weeks_after_end) == ("recovery", 0.0)
    assert (peer.mean, peer.sd, peer.n) == (92.9, 14.2, 222)
    assert (control.mean, control.sd, control.n) == (90.0, 13.7, 231)
    assert peer.source == "consensus (R1); metapsy-peer-support.csv, row 8"
    (row8,) = [
        r
        for r in demo.dataset.outcomes
        if r["location"].endswith(", row 8") and r["arm"] == peer.arm
    ]
    assert "belong to row 26 (Griffiths, 2012, CES-D)" in row8["note"]


def test_kaplan_2011_by_hand(demo: Demo) -> None:
    # row 33: Lehmanâ€™s quality of life (QOL): 4,41 / 0,696491205974634 / 90 vs 4,23 / 1 / 93
    peer = entry(demo, "Kaplan, 2011", "Lehman QOLI", INTERVENTION)
    control = entry(demo, "Kaplan, 2011", "Lehman QOLI", "WL")
    assert (peer.mean, peer.sd, peer.n) == (4.41, 0.696491205974634, 90)
    assert (control.mean, control.sd, control.n) == (4.23, 1.0, 93)
    (row33,) = [
        r
        for r in demo.dataset.outcomes
        if r["location"].endswith(", row 33") and r["arm"] == peer.arm
    ]
    assert "instrument text repaired (mojibake 'Lehmanâ€™s quality of life (QOL)')" in row33["note"]
    attrs = demo.data.study("Kaplan, 2011").attributes
    # rows 32-34: Unstructured, overall "Some concerns"; row 32 baseline n 99 + 100
    assert attrs["intervention_structured"] is False and attrs["overall_rob"] == "some_concerns"
    assert attrs["n_randomised"] == 199


def test_mojibake_study_joins_its_reference(demo: Demo) -> None:
    assert demo.read.references["Rüsch, 2014"].startswith("Rüsch, N., Abbruzzese, E.")
    assert all(s.study_id in demo.read.references for s in demo.data.studies)
    assert "unjoined_reference" not in demo.read.quality.counts()  # joins once repaired
    (row56,) = [r for r in demo.read.conversion.rows if r.row == 56]
    assert row56.study == "Rüsch, 2014" and "mojibake 'RÃ¼sch, 2014'" in row56.flags[0]
    assert "Rüsch, 2014" in {s.study_id for s in demo.data.studies}


# Continuous rows whose stored .g recomputation reproduces to 1e-6. Left out: row 1
# (.g stored rounded, "-0,05") and rows 33, 34 (stored .g differs by 3e-4 and 2.5e-4).
G_ROWS = [2, 3, 4, 5, 6, 7, 8, 9, 27, 28, 32, 56, 57, 58, 65, 66]


@pytest.mark.parametrize("row", G_ROWS)
def test_hedges_g_from_mapped_arms_equals_stored_g(demo: Demo, row: int) -> None:
    stored = next(r for r in demo.read.data.rows if r.row == row)
    entries = [o for o in demo.data.outcomes if o.source and o.source.endswith(f", row {row}")]
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


def test_unmapped_instrument_is_refused(demo: Demo) -> None:
    text = synthetic_file(
        f'"7";"A, 2020";"Group";"PS";"WL";"msd";"BDI";"SMI";"Structured";{ROB};0,3;0,2;'
        "10;2;20;12;2;20;NA;NA;NA;NA;NA;NA;NA"
    )
    with pytest.raises(InputError, match=r"row 7.*no outcome rule for instrument 'BDI'"):
        convert_metapsy(
            read_metapsy_text(text, source="x.csv"), demo.protocol, mapping=demo.mapping
        )


def test_unknown_comparator_is_refused(demo: Demo) -> None:
    text = synthetic_file(
        f'"3";"A, 2020";"Group";"PS";"pha";"msd";"CES-D";"SMI";"Structured";{ROB};0,3;0,2;'
        "10;2;20;12;2;20;NA;NA;NA;NA;NA;NA;NA"
    )
    mapping = with_rules(demo, OutcomeRule("A, 2020", "CES-D", "depression", "CES-D"))
    with pytest.raises(
        InputError, match=r"row 3, column 'condition_arm2'.*'pha' has no comparator"
    ):
        convert_metapsy(read_metapsy_text(text), demo.protocol, mapping=mapping)


def test_study_attributes_are_filter_attributes(demo: Demo) -> None:
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


# ---- the demo folder the conversion reads --------------------------------------------------


def test_demo_protocol_validates() -> None:
    result = CliRunner().invoke(app, ["validate", "-p", str(DEMO)])
    assert result.exit_code == 0, result.output
    assert "Risk of bias: RoB2" in result.output


def test_data_file_is_the_dataset_unchanged() -> None:
    shared = shared_path("data", "metapsy-peer-support", "data.csv")
    digest = hashlib.sha256(DATA_FILE.read_bytes()).hexdigest()
    assert digest == hashlib.sha256(shared.read_bytes()).hexdigest()


def test_missing_files_are_named(tmp_path: Path, demo: Demo) -> None:
    with pytest.raises(InputError, match=r"cannot read the mapping"):
        read_metapsy_dataset(DATA_FILE, demo.protocol, tmp_path / "mapping.toml")
    (tmp_path / "data").mkdir()
    refs = DEMO / "data" / "references.json"
    (tmp_path / "data" / refs.name).write_bytes(refs.read_bytes())
    text = MAPPING_FILE.read_text(encoding="utf-8").replace(
        '"data/search_flow.json"', '"data/flow.json"'
    )
    (tmp_path / "mapping.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"flow\.json: cannot read it"):
        read_metapsy_dataset(DATA_FILE, demo.protocol, tmp_path / "mapping.toml")
