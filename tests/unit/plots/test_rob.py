"""Risk-of-bias figures: structure, colours, proportions read back, validation, saving.

Palette and symbols: robvis ``"cochrane"`` colour scheme (McGuinness & Higgins, Res Syn Meth
2021;12:55-61).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle

from sysreview.appraisal import DomainJudgement, Rob1Assessment, Rob2Assessment
from sysreview.errors import InputError
from sysreview.plots import PALETTE, SYMBOLS, save, summary_bar, traffic_light
from sysreview.protocol.appraisal import ROB1_DOMAINS

GOOD = {
    "randomisation_process": {"1.1": "Y", "1.2": "Y", "1.3": "N"},
    "deviations_from_intended_interventions": {"2.1": "N", "2.2": "N", "2.6": "Y"},
    "missing_outcome_data": {"3.1": "Y"},
    "measurement_of_the_outcome": {"4.1": "N", "4.2": "N", "4.3": "N"},
    "selection_of_the_reported_result": {"5.1": "Y", "5.2": "N", "5.3": "N"},
}
CONCERNS = {**GOOD, "randomisation_process": {"1.1": "Y", "1.2": "NI", "1.3": "N"}}
HIGH = {**CONCERNS, "missing_outcome_data": {"3.1": "N", "3.2": "N", "3.3": "PY", "3.4": "NI"}}


def _rob1(study: str, levels: str) -> Rob1Assessment:
    """``levels``: one letter per domain, l/u/h."""
    names = {"l": "low", "u": "unclear", "h": "high"}
    js = tuple(DomainJudgement(d, names[c]) for d, c in zip(ROB1_DOMAINS, levels, strict=True))
    return Rob1Assessment(study, js)


@pytest.fixture
def rob1_list() -> list[Rob1Assessment]:
    return [_rob1("A 2001", "lllllll"), _rob1("B 2002", "luhllll"), _rob1("C 2003", "hhlluuu")]


@pytest.fixture
def rob2_list() -> list[Rob2Assessment]:
    return [
        Rob2Assessment("X 2010", "pain", GOOD),
        Rob2Assessment("Y 2011", "pain", CONCERNS),
        Rob2Assessment("Z 2012", "pain", HIGH),
    ]


def _circles(fig: Figure) -> list[Circle]:
    return [p for p in fig.axes[0].patches if isinstance(p, Circle)]


def _expected_cells(assessments: list[Rob1Assessment] | list[Rob2Assessment]) -> list[str]:
    cells: list[str] = []
    for a in assessments:
        if isinstance(a, Rob1Assessment):
            cells += [a.judgement(d) for d in ROB1_DOMAINS]
        else:
            cells += list(a.domain_judgements.values())
        cells.append(a.overall)
    return cells


@pytest.mark.parametrize("kind", ["rob1_list", "rob2_list"])
def test_traffic_light_grid(kind: str, request: pytest.FixtureRequest) -> None:
    assessments = request.getfixturevalue(kind)
    n_dom = 7 if kind == "rob1_list" else 5
    fig = traffic_light(assessments)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    circles = _circles(fig)
    assert len(circles) == len(assessments) * (n_dom + 1)
    expected = _expected_cells(assessments)
    assert [to_rgba(PALETTE[j]) for j in expected] == [c.get_facecolor() for c in circles]
    symbols = [t.get_text() for t in ax.texts if t.get_gid() != "caption"]
    assert symbols == [SYMBOLS[j] for j in expected]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        *(f"D{i}" for i in range(1, n_dom + 1)),
        "Overall",
    ]
    assert [t.get_text() for t in ax.get_yticklabels()] == [a.study for a in assessments]
    caption = next(t.get_text() for t in ax.texts if t.get_gid() == "caption")
    assert caption.count("\nD") == n_dom
    legend = ax.get_legend()
    assert legend is not None
    assert len(legend.get_texts()) == 3


def test_traffic_light_rob1_names_and_symbols(rob1_list: list[Rob1Assessment]) -> None:
    fig = traffic_light(rob1_list)
    caption = next(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "caption")
    assert "D1: Random sequence generation" in caption
    assert "D7: Other bias" in caption
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"+", "?", "X"} <= texts
    legend = fig.axes[0].get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["+  Low", "?  Unclear", "X  High"]


def test_traffic_light_rob2_overall_values(rob2_list: list[Rob2Assessment]) -> None:
    assert [a.overall for a in rob2_list] == ["low", "some_concerns", "high"]
    circles = _circles(traffic_light(rob2_list))
    overall = circles[5::6]
    assert [c.get_facecolor() for c in overall] == [
        to_rgba("#02C100"),
        to_rgba("#E2DF07"),
        to_rgba("#BF0000"),
    ]


def test_traffic_light_without_overall(rob1_list: list[Rob1Assessment]) -> None:
    fig = traffic_light(rob1_list, overall=False)
    assert len(_circles(fig)) == 3 * 7
    assert "Overall" not in [t.get_text() for t in fig.axes[0].get_xticklabels()]


def test_duplicate_rob2_studies_labelled_with_result() -> None:
    a = [Rob2Assessment("X", "pain", GOOD), Rob2Assessment("X", "function", HIGH)]
    labels = [t.get_text() for t in traffic_light(a).axes[0].get_yticklabels()]
    assert labels == ["X: pain", "X: function"]


def test_draws_into_given_axes(rob1_list: list[Rob1Assessment]) -> None:
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert traffic_light(rob1_list, ax=left) is fig
    assert summary_bar(rob1_list, ax=right) is fig
    assert len(fig.axes) == 2
    assert len(_circles(fig)) == 24


@pytest.mark.parametrize("plot", [traffic_light, summary_bar])
def test_empty_and_mixed_inputs_raise(
    plot: object, rob1_list: list[Rob1Assessment], rob2_list: list[Rob2Assessment]
) -> None:
    assert callable(plot)
    with pytest.raises(InputError, match="at least one"):
        plot([])
    mixed: list[object] = [rob1_list[0], rob2_list[0]]
    with pytest.raises(InputError, match="all Rob1Assessment or all Rob2Assessment"):
        plot(mixed)
    with pytest.raises(InputError, match="str"):
        plot(["not an assessment"])


def _bars(fig: Figure, n_levels: int) -> np.ndarray:
    """Bar widths as (judgement level, bar) from the drawn rectangles."""
    rects = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    widths = np.array([r.get_width() for r in rects], dtype=float)
    return widths.reshape(n_levels, -1)


def test_summary_bar_unweighted_proportions(rob1_list: list[Rob1Assessment]) -> None:
    fig = summary_bar(rob1_list)
    widths = _bars(fig, 3)
    # Domains of A, B, C: lllllll / luhllll / hhlluuu; overall low, unclear (B's high D3 is
    # not a key domain, its D2 is unclear), high.
    #                   D1 D2 D3 D4 D5 D6 D7 overall
    low = np.array([2, 1, 2, 3, 2, 2, 2, 1]) / 3
    unclear = np.array([0, 1, 0, 0, 1, 1, 1, 1]) / 3
    high = np.array([1, 1, 1, 0, 0, 0, 0, 1]) / 3
    assert [a.overall for a in rob1_list] == ["low", "unclear", "high"]
    np.testing.assert_allclose(widths, [low, unclear, high], rtol=0, atol=1e-15)
    np.testing.assert_allclose(widths.sum(axis=0), 1.0, rtol=1e-15)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Random sequence generation"
    assert labels[-1] == "Overall risk of bias"
    assert ax.get_xlabel() == "Proportion of studies"
    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert rects[0].get_facecolor() == to_rgba(PALETTE["low"])
    assert rects[-1].get_facecolor() == to_rgba(PALETTE["high"])


def test_summary_bar_weighted_rob2(rob2_list: list[Rob2Assessment]) -> None:
    weights = [50.0, 30.0, 20.0]
    widths = _bars(summary_bar(rob2_list, weights=weights), 3)
    # D1: low, some concerns, some concerns; D3: low, low, high; overall: low, sc, high.
    np.testing.assert_allclose(widths[:, 0], [0.5, 0.5, 0.0], atol=1e-15)
    np.testing.assert_allclose(widths[:, 2], [0.8, 0.0, 0.2], atol=1e-15)
    np.testing.assert_allclose(widths[:, -1], [0.5, 0.3, 0.2], atol=1e-15)


def test_summary_bar_without_overall(rob2_list: list[Rob2Assessment]) -> None:
    assert _bars(summary_bar(rob2_list, overall=False), 3).shape == (3, 5)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1.0, 2.0], "one weight per assessment"),
        ([1.0, 2.0, 3.0, 4.0], "one weight per assessment"),
        ([1.0, -2.0, 3.0], "non-negative"),
        ([1.0, float("nan"), 3.0], "finite"),
        ([0.0, 0.0, 0.0], "all be zero"),
    ],
)
def test_summary_bar_weight_validation(
    rob1_list: list[Rob1Assessment], weights: list[float], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        summary_bar(rob1_list, weights=weights)


def test_plots_do_not_modify_inputs(
    rob1_list: list[Rob1Assessment], rob2_list: list[Rob2Assessment]
) -> None:
    before1, before2 = copy.deepcopy(rob1_list), copy.deepcopy(rob2_list)
    weights = [1.0, 2.0, 3.0]
    traffic_light(rob1_list)
    summary_bar(rob1_list, weights=weights)
    traffic_light(rob2_list)
    summary_bar(rob2_list, weights=weights)
    assert rob1_list == before1
    assert rob2_list == before2
    assert weights == [1.0, 2.0, 3.0]


MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF", "svg": b"<?xml"}


@pytest.mark.parametrize("ext", ["png", "svg", "pdf", "PNG"])
def test_save_by_extension(ext: str, tmp_path: object, rob2_list: list[Rob2Assessment]) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    target = tmp_path / f"rob.{ext}"
    written = save(traffic_light(rob2_list), target)
    assert written == target
    assert target.stat().st_size > 0
    assert target.read_bytes().startswith(MAGIC[ext.lower()])


@pytest.mark.parametrize("name", ["rob.tiff", "rob", "rob.png.txt"])
def test_save_rejects_unknown_extension(name: str, tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    with pytest.raises(InputError, match="unsupported figure format"):
        save(Figure(), tmp_path / name)
    assert not (tmp_path / name).exists()
