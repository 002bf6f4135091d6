"""The RevMan reader over the 17 golden ``.rm5`` files in ``../shared/golden/revman/``.

Every number below was read from the file named in the test (RevMan's stored
attributes, Java doubles at full precision); exact equality is intended because
the reader must reproduce the stored text through ``float()`` without rounding.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from sysreview.revman import Outcome, Review, read_rm5

pytestmark = pytest.mark.shared

Load = Callable[[str], Review]

#: Outcomes per (data type, TOTALS) in each file, counted from the XML.
OUTCOME_COUNTS: dict[str, dict[tuple[str, str], int]] = {
    "CD000023StatsDataOnly.rm5": {("DICH", "YES"): 21},
    "CD003188StatsDataOnly.rm5": {("CONT", "YES"): 1, ("DICH", "YES"): 16, ("IV", "YES"): 2},
    "CD004976StatsDataOnly.rm5": {("DICH", "YES"): 19},
    "CD007419StatsDataOnly.rm5": {("IV", "YES"): 1},
    "CD007868StatsDataOnly.rm5": {
        ("CONT", "NO"): 1,
        ("CONT", "SUB"): 15,
        ("CONT", "YES"): 17,
        ("DICH", "SUB"): 4,
        ("DICH", "YES"): 4,
    },
    "CD008521StatsDataOnly.rm5": {("DICH", "YES"): 3},
    "CD008625StatsDataOnly.rm5": {
        ("CONT", "YES"): 22,
        ("DICH", "NO"): 1,
        ("DICH", "SUB"): 3,
        ("DICH", "YES"): 26,
        ("IV", "YES"): 22,
    },
    "CD010590StatsDataOnly.rm5": {("DICH", "SUB"): 11},
    "CD011381StatsDataOnly.rm5": {("DICH", "SUB"): 6},
    "CD011564StatsDataOnly.rm5": {("CONT", "YES"): 19, ("DICH", "SUB"): 4, ("DICH", "YES"): 10},
    "CD012692StatsDataOnly.rm5": {("DICH", "SUB"): 6, ("DICH", "YES"): 5},
    "CD012859StatsDataOnly.rm5": {("DICH", "YES"): 113},
    "CD013210StatsDataOnly.rm5": {("DICH", "SUB"): 13, ("DICH", "YES"): 55},
    "CD013437StatsDataOnly.rm5": {("DICH", "YES"): 11},
    "CD013656StatsDataOnly.rm5": {("CONT", "SUB"): 14, ("CONT", "YES"): 4, ("DICH", "SUB"): 15},
    "Fleiss1993.rm5": {("CONT", "YES"): 1, ("DICH", "YES"): 1},
    "antibiotics-for-sore-throat.rm5": {("DICH", "YES"): 21},
}
FILES = sorted(OUTCOME_COUNTS)


def test_the_golden_folder_holds_exactly_the_known_files(revman_dir: Path) -> None:
    assert sorted(p.name for p in revman_dir.glob("*.rm5")) == FILES


@pytest.mark.parametrize("name", FILES)
def test_every_file_parses_into_a_consistent_tree(load_review: Load, name: str) -> None:
    review = load_review(name)
    assert review.title
    assert review.path.endswith(name)
    assert review.skipped_outcomes == ()
    counts = Counter((o.data_type, o.totals) for o in review.outcomes())
    assert dict(counts) == OUTCOME_COUNTS[name]
    for outcome in review.outcomes():
        in_subgroups = [row for sub in outcome.subgroups for row in sub.studies]
        assert all(row in outcome.studies for row in in_subgroups)
        assert outcome.subgroups_flag == bool(outcome.subgroups)
        assert all(row.study_name == review.study_names[row.study_id] for row in outcome.studies)
        assert all((row.subgroup_no is None) == (not outcome.subgroups) for row in outcome.studies)
        frame = outcome.to_frame()
        assert len(frame) == len(outcome.studies)
        assert len(outcome.summary().splitlines()) == len(outcome.studies) + 1
    assert len(review.to_frame()) == sum(OUTCOME_COUNTS[name].values())


def test_outcome_totals_across_all_files(load_review: Load) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    rows: Counter[str] = Counter()
    not_estimable = 0
    for name in FILES:
        for outcome in load_review(name).outcomes():
            counts[(outcome.data_type, outcome.totals)] += 1
            rows[outcome.data_type] += len(outcome.studies)
            not_estimable += sum(not row.estimable for row in outcome.studies)
    assert dict(counts) == {
        ("DICH", "YES"): 305,
        ("DICH", "SUB"): 62,
        ("DICH", "NO"): 1,
        ("CONT", "YES"): 64,
        ("CONT", "SUB"): 29,
        ("CONT", "NO"): 1,
        ("IV", "YES"): 25,
    }
    assert dict(rows) == {"DICH": 2545, "CONT": 629, "IV": 255}
    assert not_estimable == 407  # all of them DICH rows with zero events in both arms


def test_the_4mb_single_line_file_parses(revman_dir: Path) -> None:
    """A 4 MB file on one line (no newline to split on) is read whole; speed is not timed
    here (tests never assert on wall time)."""
    path = revman_dir / "CD012859StatsDataOnly.rm5"
    assert path.stat().st_size > 4_000_000
    review = read_rm5(path)
    assert len(review.comparisons) == 18
    assert len(review.study_names) == 591


def test_dichotomous_random_mh_outcome(load_review: Load) -> None:
    review = load_review("antibiotics-for-sore-throat.rm5")
    outcome = review.outcome("CMP-001.01")
    assert (outcome.data_type, outcome.measure, outcome.method) == ("DICH", "RR", "MH")
    assert outcome.random and outcome.log_data and not outcome.swap_events
    assert outcome.totals == "YES"
    assert outcome.iv_measure_label is None
    assert (outcome.ci_study, outcome.ci_total) == (95.0, 95.0)
    assert outcome.name == "Symptom of sore throat on day 3"
    assert (outcome.group_label_1, outcome.group_label_2) == ("Antibiotics", "Placebo")
    assert len(outcome.studies) == 15 and outcome.subgroups == ()
    stored = outcome.stored
    assert stored is not None
    assert stored.effect_size == 0.6837765472337998
    assert (stored.ci_start, stored.ci_end) == (0.5895886991303211, 0.7930110723571225)
    assert stored.tau2 == 0.059731301081404224
    assert stored.chi2 == 85.8934971113238 and stored.df == 14.0
    assert stored.i2 == 83.70074514272594
    assert stored.z == 5.026986218157962 and stored.p_z == 4.982481461166904e-07
    assert stored.studies == 15
    assert (stored.events_1, stored.total_1, stored.events_2, stored.total_2) == (
        1009.0,
        2066.0,
        1031.0,
        1555.0,
    )
    # RevMan's LOG_* attributes are base-10 logarithms.
    assert stored.log_effect_size == pytest.approx(math.log10(stored.effect_size), rel=1e-12)
    brink = outcome.studies[0]
    assert (brink.study_id, brink.study_name) == ("STD-Brink-1951", "Brink 1951")
    assert (brink.events_1, brink.total_1, brink.events_2, brink.total_2) == (
        119.0,
        277.0,
        129.0,
        198.0,
    )
    assert brink.mean_1 is None and brink.estimate is None


def test_iso_8859_1_crlf_file_is_decoded(load_review: Load) -> None:
    review = load_review("antibiotics-for-sore-throat.rm5")
    assert review.title == "Antibiotics for sore throat"
    assert review.comparisons[0].name == (
        "Antibiotics versus placebo for the treatment of sore throats: symptom of sore throat"
    )
    assert not any("\r" in o.name for o in review.outcomes())
    assert len(review.study_names) == 61  # included and excluded studies
    latin = load_review("CD008521StatsDataOnly.rm5")  # ISO-8859-1 with no-break spaces
    assert latin.study_names["STD-RIX_x00a0_Anh-2011_x002d_PHL"] == "RIX\u00a0Anh 2011-PHL"


def test_not_estimable_study_is_kept_and_flagged(load_review: Load) -> None:
    outcome = load_review("antibiotics-for-sore-throat.rm5").outcome("CMP-001.05")
    landsman = next(r for r in outcome.studies if r.study_id == "STD-Landsman-1951")
    assert landsman.estimable is False
    assert (landsman.events_1, landsman.total_1, landsman.events_2, landsman.total_2) == (
        0.0,
        52.0,
        0.0,
        43.0,
    )
    assert landsman.stored is not None
    assert landsman.stored.weight == 0.0 and landsman.stored.effect_size == 0.0
    frame = outcome.to_frame()
    assert not frame.loc[frame["study_id"] == "STD-Landsman-1951", "estimable"].item()
    assert "Landsman 1951: 0/52 vs 0/43; not estimable" in outcome.summary()


def test_repeated_study_rows_are_all_kept(load_review: Load) -> None:
    # A study may appear in several subgroups; STUDIES counts distinct studies.
    outcome = load_review("antibiotics-for-sore-throat.rm5").outcome("CMP-001.04")
    assert outcome.stored is not None and outcome.stored.studies == 15
    assert len(outcome.studies) == 20
    assert [len(s.studies) for s in outcome.subgroups] == [11, 6, 3]


def test_generic_inverse_variance_log_data_outcome(load_review: Load) -> None:
    outcome = load_review("CD003188StatsDataOnly.rm5").outcome("CMP-001.01")
    assert (outcome.data_type, outcome.measure, outcome.method) == ("IV", "GIV", "IV")
    assert outcome.iv_measure_label == "Hazard Ratio"
    assert outcome.log_data and outcome.random and outcome.totals == "YES"
    assert outcome.name == "Mortality"
    assert outcome.stored is not None
    assert outcome.stored.effect_size == 0.9017052468403114
    assert outcome.stored.tau2 == 0.04655076265184938
    assert outcome.stored.p_chi2 == 4.171065961856568e-4
    assert outcome.subgroup_test == (13.532019550692173, 0.008948658562988987, 70.44048018837368)
    assert [(s.id, s.no, s.name, len(s.studies)) for s in outcome.subgroups] == [
        ("CMP-001.01.01", 1, "Etidronate", 2),
        ("CMP-001.01.02", 2, "Clodronate", 3),
        ("CMP-001.01.03", 3, "Pamidronate", 5),
        ("CMP-001.01.04", 4, "Ibandronate", 1),
        ("CMP-001.01.05", 5, "Zoledronate", 3),
    ]
    assert len(outcome.studies) == 14
    first = outcome.subgroups[0]
    assert first.stored is not None and first.stored.effect_size == 1.2424733106309171
    belch = outcome.studies[0]
    assert (belch.study_name, belch.subgroup_no, belch.order) == ("Belch 1991", 1, 131)
    assert (belch.estimate, belch.se_input) == (0.460784314, 0.198029509)
    assert (belch.total_1, belch.total_2) == (92.0, 74.0)
    assert belch.stored is not None
    assert belch.stored.se is None  # the SE attribute of IV_DATA is the input
    assert belch.stored.effect_size == 1.5853168837456804
    assert belch.stored.effect_size == pytest.approx(math.exp(0.460784314), rel=1e-9)
    assert belch.stored.weight == 8.903230410673338


def test_generic_inverse_variance_on_the_raw_scale(load_review: Load) -> None:
    outcome = next(load_review("CD007419StatsDataOnly.rm5").outcomes())
    assert outcome.iv_measure_label == "Mean Difference"
    assert not outcome.log_data and not outcome.random
    assert outcome.stored is not None and outcome.stored.effect_size == 5.140876169202446
    row = outcome.studies[0]
    assert (row.study_name, row.estimate, row.se_input) == ("RESPOND 2013", 6.0, 1.61)
    assert row.stored is not None and row.stored.effect_size == 6.0


def test_continuous_outcome(load_review: Load) -> None:
    outcome = load_review("CD003188StatsDataOnly.rm5").outcome("CMP-002.04")
    assert (outcome.data_type, outcome.measure, outcome.method) == ("CONT", "MD", "IV")
    assert outcome.random and not outcome.log_data and outcome.name == "Renal dysfunction"
    assert outcome.stored is not None
    assert outcome.stored.effect_size == -0.35987560283271214
    assert outcome.stored.tau2 == 9.065256409123139
    assert outcome.stored.log_effect_size is None  # CONT outcomes store no LOG_* values
    row = outcome.studies[0]
    assert (row.study_name, row.mean_1, row.sd_1, row.total_1) == ("Daragon 1993", 89.3, 20.7, 39.0)
    assert (row.mean_2, row.sd_2, row.total_2) == (86.2, 24.1, 39.0)
    assert row.events_1 is None and row.estimate is None
    assert row.stored is not None
    assert row.stored.effect_size == 3.0999999999999943
    assert row.stored.se == 5.08718853390428
    assert list(outcome.to_frame().columns[6:12]) == [
        "mean_1",
        "sd_1",
        "total_1",
        "mean_2",
        "sd_2",
        "total_2",
    ]


def test_fleiss_smd_outcome_without_computed_results(load_review: Load) -> None:
    review = load_review("Fleiss1993.rm5")
    dich, smd = review.outcomes()
    assert (dich.measure, dich.method, dich.random) == ("OR", "MH", False)
    assert dich.stored is not None and dich.stored.effect_size == 0.8968655609130709
    assert dich.studies[0].study_name == "MRC-1"  # NAME of STD-MRC_x002d_1
    assert dich.studies[0].stored is not None
    assert dich.studies[0].stored.var == 0.038895652988376536
    assert (smd.data_type, smd.measure, smd.random) == ("CONT", "SMD", False)
    assert smd.stored is None
    assert smd.subgroup_test is None
    assert len(smd.studies) == 5
    assert all(row.stored is None and row.estimable for row in smd.studies)
    davis = smd.studies[0]
    assert (davis.study_name, davis.mean_1, davis.sd_1, davis.mean_2, davis.sd_2) == (
        "Davis",
        5.0,
        4.7,
        6.5,
        3.8,
    )
    assert smd.to_frame()["effect_size"].isna().all()
    assert "Davis: 5 (4.7, n=13) vs 6.5 (3.8, n=13); no stored result" in smd.summary()


def test_special_doubles_are_kept_as_stored(load_review: Load) -> None:
    single = load_review("CD007868StatsDataOnly.rm5").outcome("CMP-001.02")
    assert single.stored is not None and math.isnan(single.stored.tau2 or 0.0)
    assert single.totals == "SUB" and not single.estimable and single.subgroups == ()
    no_events = load_review("CD000023StatsDataOnly.rm5").outcome("CMP-002.04")
    assert no_events.stored is not None
    assert no_events.stored.log_effect_size == -math.inf
    negative = load_review("CD008625StatsDataOnly.rm5").outcome("CMP-001.01")
    assert negative.stored is not None
    assert negative.stored.p_chi2 == -1.5543122344752192e-15  # RevMan's rounding, kept


def test_names_keep_their_markup_text(load_review: Load) -> None:
    outcome = load_review("CD011564StatsDataOnly.rm5").outcome("CMP-001.04")
    assert [s.name for s in outcome.subgroups][:2] == ["Vitamin D 3", "Vitamin D 2"]


def test_outcome_without_study_rows(load_review: Load) -> None:
    outcome: Outcome = load_review("CD011564StatsDataOnly.rm5").outcome("CMP-001.08")
    assert outcome.studies == () and not outcome.estimable
    assert outcome.to_frame().empty
