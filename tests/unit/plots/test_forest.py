"""Forest plots: the printed text against RevMan's stored results, layout, rendering, saving.

Golden analyses (RevMan 5 files in ``../shared/golden/revman``, read with
:mod:`sysreview.revman`):

- continuous: CD008625 analysis CMP-015.01 "Diarrhoea duration" (MD, IV, random effects,
  7 studies in 4 subgroups);
- dichotomous: CD000023 analysis CMP-002.02 "Symptom of fever on day 3: blinded versus
  unblinded studies" (RR, M-H, random effects, 7 studies in 2 subgroups, one study not
  estimable).

Expected strings are RevMan's stored doubles formatted the way RevMan prints them
(2 decimals for effects, limits, Tau², Chi², Z; weights with 1 decimal; I² whole percent,
1 decimal in the test for subgroup differences), written out independently here; a few
lines are also pinned literally.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import defusedxml.ElementTree as ET
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle
from matplotlib.transforms import Bbox

from sysreview.effects import dichotomous_effects, generic_effects, mean_difference
from sysreview.errors import InputError
from sysreview.meta import MetaAnalysis, meta_analysis
from sysreview.plots import forest_plot, forest_table, save
from sysreview.plots._forest_text import fmt_p
from sysreview.revman import Outcome, StoredPooled, read_rm5
from tests.conftest import shared_path

Continuous = tuple[Outcome, MetaAnalysis, list[dict[str, float | None]]]
Dichotomous = tuple[Outcome, MetaAnalysis]


def _p(p: float) -> str:
    """RevMan's P: 2 decimals, one significant digit below 0.01, '< 0.00001' below that."""
    if p < 1e-5:
        return "P < 0.00001"
    if p >= 0.01:
        return f"P = {p:.2f}"
    return f"P = {p:.{-math.floor(math.log10(p))}f}"


def _effect(est: float | None, lo: float | None, hi: float | None) -> str:
    assert est is not None and lo is not None and hi is not None
    return f"{est:.2f} [{lo:.2f}, {hi:.2f}]"


def _outcome(file: str, outcome_id: str) -> Outcome:
    return read_rm5(shared_path("golden", "revman", file)).outcome(outcome_id)


def _analyse(o: Outcome) -> MetaAnalysis:
    st = o.studies
    names = [s.study_name for s in st]
    if o.data_type == "CONT":
        es = mean_difference(
            [s.mean_1 for s in st],
            [s.sd_1 for s in st],
            [s.total_1 for s in st],
            [s.mean_2 for s in st],
            [s.sd_2 for s in st],
            [s.total_2 for s in st],
            studies=names,
        )
    else:
        es = dichotomous_effects(
            [s.events_1 for s in st],
            [s.total_1 for s in st],
            [s.events_2 for s in st],
            [s.total_2 for s in st],
            o.measure,
            studies=names,
        )
    groups = {g.no: g.name for g in o.subgroups}
    return meta_analysis(
        es,
        method=o.method,
        model="random" if o.random else "fixed",
        level=o.ci_total,
        subgroups=[groups[s.subgroup_no] for s in st if s.subgroup_no is not None],
    )


@pytest.fixture(scope="module")
def continuous() -> Continuous:
    o = _outcome("CD008625StatsDataOnly.rm5", "CMP-015.01")
    arms = [
        {
            "mean_e": s.mean_1,
            "sd_e": s.sd_1,
            "n_e": s.total_1,
            "mean_c": s.mean_2,
            "sd_c": s.sd_2,
            "n_c": s.total_2,
        }
        for s in o.studies
    ]
    return o, _analyse(o), arms


@pytest.fixture(scope="module")
def dichotomous() -> Dichotomous:
    o = _outcome("CD000023StatsDataOnly.rm5", "CMP-002.02")
    return o, _analyse(o)


def _heterogeneity(s: StoredPooled, random: bool) -> str:
    assert s.chi2 is not None and s.df is not None and s.p_chi2 is not None
    assert s.i2 is not None and s.tau2 is not None
    tau = f"Tau² = {s.tau2:.2f}; " if random else ""
    return (
        f"Heterogeneity: {tau}Chi² = {s.chi2:.2f}, df = {s.df:.0f} ({_p(s.p_chi2)}); "
        f"I² = {s.i2:.0f}%"
    )


def _overall(s: StoredPooled) -> str:
    assert s.z is not None and s.p_z is not None
    return f"Test for overall effect: Z = {s.z:.2f} ({_p(s.p_z)})"


def _pooled_lines(table: pd.DataFrame, kind: str) -> list[pd.DataFrame]:
    """For each pooled row of ``kind``: the rows from it to its overall-effect line."""
    starts = list(table.index[table.row == kind])
    return [table.loc[i : i + 4] for i in starts]


def _check_against_revman(table: pd.DataFrame, o: Outcome, events: bool) -> None:
    studies = table[table.row == "study"].reset_index(drop=True)
    assert list(studies.study) == [s.study_name for s in o.studies]
    for row, study in zip(studies.itertuples(), o.studies, strict=True):
        if not study.estimable:
            assert (row.effect, row.weight) == ("Not estimable", "")
            continue
        st = study.stored
        assert st is not None and st.weight is not None
        assert row.effect == _effect(st.effect_size, st.ci_start, st.ci_end)
        assert row.weight == f"{st.weight:.1f}%"
    blocks = [*_pooled_lines(table, "subtotal"), *_pooled_lines(table, "total")]
    stored = [g.stored for g in o.subgroups] + [o.stored]
    assert len(blocks) == len(stored)
    for block, s in zip(blocks, stored, strict=True):  # s: RevMan's stored subtotal
        assert s is not None and s.weight is not None
        head = block.iloc[0]
        assert head.effect == _effect(s.effect_size, s.ci_start, s.ci_end)
        assert head.weight == f"{s.weight:.1f}%"
        assert (head.n_e, head.n_c) == (f"{s.total_1:.0f}", f"{s.total_2:.0f}")
        lines = block.set_index("row").study
        if events:
            totals = block[block.row == "events"].iloc[0]
            assert (totals.study, totals.events_e, totals.events_c) == (
                "Total events",
                f"{s.events_1:.0f}",
                f"{s.events_2:.0f}",
            )
        if s.df and s.df > 0:
            assert lines["heterogeneity"] == _heterogeneity(s, o.random)
        else:
            assert lines["heterogeneity"] == "Heterogeneity: Not applicable"
        assert lines["overall_effect"] == _overall(s)
    assert o.subgroup_test is not None
    q, p_q, i2_q = o.subgroup_test
    i2 = "0%" if round(i2_q, 1) == 0 else f"{i2_q:.1f}%"
    assert table.study[table.row == "subgroup_test"].item() == (
        f"Test for subgroup differences: Chi² = {q:.2f}, df = {len(o.subgroups) - 1} "
        f"({_p(p_q)}), I² = {i2}"
    )


def test_continuous_table_matches_revman(continuous: Continuous) -> None:
    o, res, arms = continuous
    table = forest_table(res, arms)
    _check_against_revman(table, o, events=False)
    assert list(table.columns) == [
        "row",
        "study",
        "mean_e",
        "sd_e",
        "n_e",
        "mean_c",
        "sd_c",
        "n_c",
        "weight",
        "effect",
        "plot",
    ]
    assert list(table.loc[0, ["mean_e", "mean_c", "effect"]]) == [
        "Experimental",
        "Control",
        "Mean Difference",
    ]
    assert list(table.loc[1, ["study", "mean_e", "sd_e", "n_e", "weight", "effect"]]) == [
        "Study or Subgroup",
        "Mean",
        "SD",
        "Total",
        "Weight",
        "IV, Random, 95% CI",
    ]
    first = table[table.row == "study"].iloc[0]
    assert list(first[["study", "mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c"]]) == [
        "Islam 1987 BGD",
        "42.8",
        "32.1",
        "23",
        "37.4",
        "17",
        "25",
    ]
    assert list(table.study[table.row == "subgroup"]) == [g.name for g in o.subgroups]
    # pinned lines, as RevMan prints them
    assert table.study[table.row == "heterogeneity"].iloc[-1] == (
        "Heterogeneity: Tau² = 24.28; Chi² = 16.40, df = 6 (P = 0.01); I² = 63%"
    )
    assert table.study[table.row == "subgroup_test"].item() == (
        "Test for subgroup differences: Chi² = 3.35, df = 3 (P = 0.34), I² = 10.5%"
    )
    total = table[table.row == "total"].iloc[0]
    assert list(total[["study", "n_e", "n_c", "weight", "effect"]]) == [
        "Total (95% CI)",
        "217",
        "214",
        "100.0%",
        "0.34 [-4.65, 5.32]",
    ]


def test_dichotomous_table_matches_revman(dichotomous: Dichotomous) -> None:
    o, res = dichotomous
    table = forest_table(res)  # arms default to the analysis's 2x2 tables
    _check_against_revman(table, o, events=True)
    assert list(table.loc[1, ["events_e", "n_e", "effect"]]) == [
        "Events",
        "Total",
        "M-H, Random, 95% CI",
    ]
    krober = table[table.study == "Krober 1985"].iloc[0]
    assert list(krober[["events_e", "n_e", "events_c", "n_c", "weight", "effect"]]) == [
        "0",
        "15",
        "0",
        "11",
        "",
        "Not estimable",
    ]
    # P = 0.0055 prints with one significant digit
    assert "Heterogeneity: Tau² = 0.34; Chi² = 10.42, df = 2 (P = 0.005); I² = 81%" in set(
        table.study
    )
    explicit = [
        {"events_e": s.events_1, "n_e": s.total_1, "events_c": s.events_2, "n_c": s.total_2}
        for s in o.studies
    ]
    pd.testing.assert_frame_equal(forest_table(res, pd.DataFrame(explicit)), table)


def test_row_order_with_subgroups(dichotomous: Dichotomous) -> None:
    _, res = dichotomous
    kinds = list(forest_table(res).row)
    block = ["subtotal", "events", "heterogeneity", "overall_effect", "blank"]
    expected = ["header", "header"]
    expected += ["subgroup", *["study"] * 4, *block]
    expected += ["subgroup", *["study"] * 3, *block]
    expected += ["total", "events", "heterogeneity", "overall_effect", "subgroup_test"]
    assert kinds == expected


def test_subtotals_only_weights_within_subgroups(continuous: Continuous) -> None:
    _, res, arms = continuous
    table = forest_table(res, arms, overall=False)
    assert not set(table.row) & {"total", "subgroup_test"}
    assert list(table.weight[table.row == "subtotal"]) == ["100.0%"] * 4
    first = table[table.row == "study"].iloc[:2]
    w = res.subgroups[0].weights
    assert list(first.weight) == [f"{w[0]:.1f}%", f"{w[1]:.1f}%"]
    with pytest.raises(InputError, match="needs an analysis with subgroups"):
        forest_table(meta_analysis(res.effects), overall=False)


def test_prediction_interval_line(continuous: Continuous) -> None:
    _, res, arms = continuous
    table = forest_table(res, arms, prediction=True)
    row = table[table.row == "prediction"].iloc[0]
    assert row.study == "Prediction interval"
    assert row.effect == f"[{res.pi_low:.2f}, {res.pi_high:.2f}]"
    assert "prediction" not in set(forest_table(res, arms).row)


def _small() -> MetaAnalysis:
    es = mean_difference(
        [5.0, 6.1, 3.0],
        [2.0, 2.2, 1.0],
        [20, 25, 30],
        [4.0, 4.9, 3.5],
        [2.1, 2.0, 1.1],
        [20, 24, 30],
        studies=["Ames 2001", "Bell 2004", "Cole 2009"],
    )
    return meta_analysis(es, model="fixed")


def test_fixed_effect_and_no_subgroups() -> None:
    table = forest_table(_small())
    assert list(table.row) == [
        "header",
        "header",
        "study",
        "study",
        "study",
        "blank",
        "total",
        "heterogeneity",
        "overall_effect",
    ]
    assert table.loc[1, "effect"] == "IV, Fixed, 95% CI"
    assert table.study[table.row == "heterogeneity"].item().startswith("Heterogeneity: Chi² = ")
    # without arm data the group sizes kept by the effect sizes are shown
    assert list(table.columns[2:4]) == ["n_e", "n_c"]
    assert list(table.n_e[table.row == "study"]) == ["20", "25", "30"]


def test_generic_without_arms_and_hksj() -> None:
    es = generic_effects([0.2, 0.4, 0.1], [0.1, 0.2, 0.15], log_scale=True, studies=list("ABC"))
    res = meta_analysis(es, ci_method="hksj")
    table = forest_table(res, measure_name="Hazard Ratio")
    assert list(table.columns) == ["row", "study", "weight", "effect", "plot"]
    assert table.loc[0, "effect"] == "Hazard Ratio"
    assert (
        table.study[table.row == "overall_effect"]
        .item()
        .startswith("Test for overall effect: t = ")
    )


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.7512, "P = 0.75"),
        (0.0449, "P = 0.04"),
        (0.01, "P = 0.01"),
        (0.005459, "P = 0.005"),
        (0.000412, "P = 0.0004"),
        (1.2e-5, "P = 0.00001"),
        (9.9e-6, "P < 0.00001"),
        (-1.55e-15, "P < 0.00001"),
        (1.0, "P = 1.00"),
    ],
)
def test_p_values_as_revman_prints_them(p: float, text: str) -> None:
    assert fmt_p(p) == text


@pytest.mark.parametrize(
    ("arms", "message"),
    [
        ([{"n_e": 1, "n_c": 2}], "1 rows given for 3 studies"),
        ([{"mean_e": 1, "n_e": 1, "n_c": 1}] * 3, "continuous data need columns"),
        ([{"x": 1}] * 3, "need columns mean_e"),
        (
            [{"n_e": 20, "n_c": 20}, {"n_e": "many", "n_c": 24}, {"n_e": 30, "n_c": 30}],
            "row 2, column 'n_e': study 'Bell 2004': n_e is not a number: 'many'",
        ),
        ([{"n_e": -1, "n_c": 2}] * 3, "n_e is negative"),
        (
            [{"study": s, "n_e": 1, "n_c": 1} for s in ("Ames 2001", "Cole 2009", "Bell 2004")],
            "row 2 is for study 'Cole 2009'",
        ),
        ([{"events_e": 1, "n_e": 2, "events_c": 1, "n_c": 2}] * 3, "do not fit the measure MD"),
        ([1, 2, 3], "sequence of mappings"),
    ],
)
def test_bad_arms_are_refused(arms: object, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        forest_table(_small(), arms)


def _extents(fig: Figure) -> list[tuple[str, str, Bbox]]:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = [(t.get_text(), str(t.get_gid()), t.get_window_extent(renderer)) for t in fig.texts]
    texts += [
        (t.get_text(), str(t.get_gid()), t.get_window_extent(renderer)) for t in fig.axes[0].texts
    ]
    return texts


def test_figure_shows_exactly_the_table_and_nothing_overlaps(dichotomous: Dichotomous) -> None:
    o, res = dichotomous
    table = forest_table(res)
    fig = forest_plot(
        res, labels=("Favours antibiotics", "Favours placebo (a long label)"), title=o.name
    )
    texts = _extents(fig)
    shown = sorted(t for t, gid, _ in texts if ":" in gid)
    cells = sorted(v for col in table.columns[1:] for v in table[col] if v)
    assert shown == cells
    labels = {gid: t for t, gid, _ in texts}
    assert (labels["favours_left"], labels["favours_right"], labels["title"]) == (
        "Favours antibiotics",
        "Favours placebo (a long label)",
        o.name,
    )
    # texts on one line never overlap; spanning lines stay left of the plot column
    by_line: dict[float, list[Bbox]] = {}
    for _, gid, box in texts:
        if ":" in gid:
            by_line.setdefault(round(box.y0, 1), []).append(box)
    for boxes in by_line.values():
        boxes.sort(key=lambda b: b.x0)
        for left, right in itertools.pairwise(boxes):
            assert left.x1 <= right.x0, (left, right)
    plot_left = min(b.x0 for t, gid, b in texts if gid == "tick")
    right = next(b for _, gid, b in texts if gid == "favours_right")
    assert right.x1 <= fig.get_figwidth() * fig.dpi
    for _, gid, box in texts:
        if gid.startswith(("heterogeneity", "overall_effect", "subgroup_test", "subgroup:")):
            assert box.x1 < plot_left


def test_squares_diamonds_and_axis(dichotomous: Dichotomous) -> None:
    _, res = dichotomous
    fig = forest_plot(res)
    ax = fig.axes[0]
    squares = [p for p in ax.patches if isinstance(p, Rectangle)]
    diamonds = [p for p in ax.patches if isinstance(p, Polygon)]
    assert len(squares) == 6  # estimable studies
    assert len(diamonds) == 3  # two subtotals and the total
    sides = sorted(s.get_width() for s in squares)
    weights = sorted(w for w in res.weights if math.isfinite(w))
    assert sides[-1] / sides[-2] == pytest.approx(math.sqrt(weights[-1] / weights[-2]))
    ticks = [t.get_text() for t in ax.texts if t.get_gid() == "tick"]
    assert ticks == ["0.02", "0.1", "1", "10", "50"]  # log axis covering 0.08 to 45.5
    # the total diamond spans the pooled CI on the log axis, its middle at the estimate
    xs = diamonds[-1].get_xy()[:4, 0]
    share = (res.estimate - res.ci_low) / (res.ci_high - res.ci_low)  # log scale
    assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(share)


def test_axis_limits_and_height_follow_the_data(continuous: Continuous) -> None:
    _, res, arms = continuous
    fig = forest_plot(res, arms, xlim=100)
    ticks = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "tick"]
    assert ticks == ["-100", "-50", "0", "50", "100"]
    default = [t.get_text() for t in forest_plot(res, arms).axes[0].texts if t.get_gid() == "tick"]
    assert default == ["-50", "-25", "0", "25", "50"]  # widest study CI reaches 40.88
    assert fig.get_figheight() > forest_plot(_small()).get_figheight()
    with pytest.raises(InputError, match="positive axis half-width"):
        forest_plot(res, xlim=-1)


def test_ratio_xlim_must_be_a_revman_scale(dichotomous: Dichotomous) -> None:
    _, res = dichotomous
    with pytest.raises(InputError, match="must be one of 2, 5, 10"):
        forest_plot(res, xlim=3)
    ticks = [t.get_text() for t in forest_plot(res, xlim=5).axes[0].texts if t.get_gid() == "tick"]
    assert ticks == ["0.2", "0.5", "1", "2", "5"]


def test_saved_files_are_reproducible(tmp_path: Path) -> None:
    written = {
        ext: save(forest_plot(_small(), title="Pain"), tmp_path / f"a.{ext}").read_bytes()
        for ext in ("svg", "png", "pdf")
    }
    assert all(written.values())
    assert ET.fromstring(written["svg"]).tag.endswith("svg")
    assert written["png"].startswith(b"\x89PNG")
    assert written["pdf"].startswith(b"%PDF")
    for ext in ("svg", "pdf"):
        again = save(forest_plot(_small(), title="Pain"), tmp_path / f"b.{ext}")
        assert again.read_bytes() == written[ext]
