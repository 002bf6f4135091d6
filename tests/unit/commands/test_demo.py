"""The bundled demo review, built as any project is: ``sysreview run examples/group-peer-support``.

The demo is an ordinary project: ``imports.toml`` lists its one data file (the Metapsy
peer-support ``data.csv``, read through ``mapping.toml`` by the Metapsy adapter), which
``run`` loads into the project's database (extracted values, RoB 2 judgements and the
dataset's search flow as PRISMA counts from another source) before analysing what the
database holds. It is run once into a throw-away database (``--db``) and output folder.

Checked: every number of ``results.json`` equals the results the demo had when it went
through its own loader (pinned in ``tests/fixtures/demo/``, to 1e-12 relative); a second
run stores nothing new and gives the same results; the report against its own files
(every figure embedded is the figure file written) and says where the counts and data
came from; ``results.json`` against ``sysreview pool analysis_data.csv --by analysis`` (an
independent entry point reading the exported inputs); the HTML in a real headless
Chromium; and no code path of the package knows about the demo.
"""

from __future__ import annotations

import base64
import json
import math
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.storage import sqlite_url
from tests.conftest import PROJECT_ROOT
from tests.unit.report.test_browser import ARTIFACTS, CHROMIUM, _need_browser

runner = CliRunner()
DEMO = PROJECT_ROOT / "examples" / "group-peer-support"
PINNED = PROJECT_ROOT / "tests" / "fixtures" / "demo" / "results-5d46d7c.json"
FIGURE = re.compile(
    r'<figure id="figure-\d+">\s*<img src="data:image/svg\+xml;base64,([^"]+)"[^>]*>\s*'
    r"<figcaption><strong>Figure \d+\.</strong> ([^<]+)</figcaption>"
)


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """``(out folder, stdout, database URL)`` of one run of the demo."""
    folder = tmp_path_factory.mktemp("demo")
    db = sqlite_url(folder / "review.db")
    out = folder / "out"
    code, stdout, stderr = invoke("run", str(DEMO), "--db", db, "--out", str(out))
    assert code == 0, stderr
    return out, stdout, db


@pytest.fixture(scope="module")
def demo(built: tuple[Path, str, str]) -> tuple[Path, str]:
    return built[0], built[1]


@pytest.fixture(scope="module")
def results(demo: tuple[Path, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads((demo[0] / "results.json").read_text("utf-8"))
    return items


RENAMED = {"z": "statistic"}
"""Fields of the pinned results.json that now have another name (issue 18's one output
vocabulary: ``statistic`` with its ``statistic_name``)."""
ADDED = frozenset({
    "statistic_name", "h2", "heterogeneity_ci", "tau2_ci_low", "tau2_ci_high", "i2_ci_low",
    "i2_ci_high", "h2_ci_low", "h2_ci_high", "metaregression", "trim_and_fill",
})  # fmt: skip
"""Fields added to results.json since the pin (heterogeneity limits, H², meta-regression,
trim and fill)."""


def _same(new: Any, old: Any, where: str) -> int:
    """Assert ``new`` is ``old`` (floats to 1e-12 relative); the number of numbers compared.

    A field renamed since the pin is compared under its new name; fields added since are
    not in the pin.
    """
    if isinstance(old, dict):
        assert isinstance(new, dict), where
        names = {RENAMED.get(k, k): k for k in old}
        assert set(names) <= set(new) and set(new) - set(names) <= ADDED, where
        return sum(_same(new[n], old[k], f"{where}.{n}") for n, k in names.items())
    if isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), where
        pairs = enumerate(zip(new, old, strict=True))
        return sum(_same(n, o, f"{where}[{i}]") for i, (n, o) in pairs)
    if isinstance(old, float) and isinstance(new, float):
        assert math.isclose(new, old, rel_tol=1e-12, abs_tol=0.0), (where, new, old)
        return 1
    assert new == old and type(new) is type(old), (where, new, old)
    return int(isinstance(old, int) and not isinstance(old, bool))


def test_the_demo_results_are_the_pinned_ones(results: list[dict[str, Any]]) -> None:
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    assert [r["analysis"] for r in results] == [r["analysis"] for r in pinned]
    assert _same(results, pinned, "results") == 410


def test_a_second_run_stores_nothing_and_gives_the_same_results(
    built: tuple[Path, str, str], tmp_path: Path
) -> None:
    out, _, db = built
    code, stdout, stderr = invoke("run", str(DEMO), "--db", db, "--out", str(tmp_path))
    assert code == 0, stderr
    assert "  studies: 10 rows, 0 new values, 72 unchanged" in stdout
    assert "  outcomes: 42 rows, 0 new values, 42 unchanged" in stdout
    assert "  risk of bias: 0 new judgements, 60 unchanged" in stdout
    assert "  PRISMA counts from another source: unchanged" in stdout
    assert "0 studies added" in stdout
    assert (tmp_path / "results.json").read_bytes() == (out / "results.json").read_bytes()


def test_no_code_path_knows_the_demo() -> None:
    """The demo's own loader and branches are gone, and the Metapsy code is an adapter:
    only ``sysreview.io`` imports it."""
    old_names = r"is_demo|demo_inputs|load_demo|DemoInputs|MAPPING_FILE|project\.demo\b"
    found = subprocess.run(
        ["git", "grep", "-n", "-E", old_names, "--", "src"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode not in (0, 1):
        pytest.skip(f"not a git checkout: {found.stderr.strip()}")
    assert found.stdout == ""
    users = subprocess.run(
        ["git", "grep", "-l", "-E", r"sysreview\.io\.metapsy|from \.metapsy", "--", "src"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert users.stdout and all(p.startswith("src/sysreview/io/") for p in users.stdout.split())


def test_the_demo_run_writes_the_report_and_says_where(demo: tuple[Path, str]) -> None:
    out, stdout = demo
    lines = stdout.splitlines()
    assert lines[0] == f"import: no files listed in {DEMO / 'imports.toml'}"
    assert lines[1] == (
        f"data load: {DEMO / 'data' / 'metapsy-peer-support.csv'} (metapsy), "
        "consensus values of R1: 10 studies added, 45 rows of the file not used"
    )
    assert "  outcomes: 42 rows, 42 new values, 0 unchanged" in lines
    assert "  risk of bias: 60 new judgements, 0 unchanged" in lines
    assert "  PRISMA counts from another source: recorded" in lines
    assert (
        "data: store data: 10 studies, 20 arms, 42 outcome entries; 10 RoB rows; PRISMA "
        "counts (1 from another source)"
    ) in lines
    assert lines[-1] == f"the report is at {out / 'report.html'}"
    for name in (
        "report.html",
        "report.docx",
        "results.json",
        "results.csv",
        "analysis_data.csv",
        "figures/prisma.svg",
        "figures/prisma.png",
        "figures/rob_traffic_light.png",
        "figures/rob_summary.svg",
    ):
        assert (out / name).is_file(), name
    assert not list(out.glob(".*")), "no staging folder is left behind"


def test_every_pooled_analysis_has_its_forest_figure_and_no_funnel_is_drawn(
    demo: tuple[Path, str], results: list[dict[str, Any]]
) -> None:
    out, _ = demo
    html = (out / "report.html").read_text(encoding="utf-8")
    embedded = {caption: base64.b64decode(data) for data, caption in FIGURE.findall(html)}
    pooled = [r for r in results if r["estimate"] is not None]
    assert {r["kind"] for r in pooled} == {"main", "sensitivity", "subgroup"}
    forests = {c for c in embedded if c.startswith("Forest plot: ")}
    assert forests == {f"Forest plot: {r['label']}" for r in pooled}
    for r in pooled:
        svg = out / "figures" / f"forest-{r['analysis']}.svg"
        assert embedded[f"Forest plot: {r['label']}"] == svg.read_bytes()
        assert (out / "figures" / f"forest-{r['analysis']}.png").is_file()
    # the demo's largest meta-analysis has 6 studies, fewer than funnel_min_studies = 10
    assert max(r["k"] for r in pooled) == 6
    assert not list(out.glob("figures/funnel-*")) and "Funnel plot:" not in html
    assert "so funnel plots, asymmetry tests and trim and fill were not done, as planned" in html
    assert len(embedded) == 3 + len(pooled)


def test_the_report_says_where_the_counts_and_the_data_came_from(demo: tuple[Path, str]) -> None:
    out, _ = demo
    html = (out / "report.html").read_text(encoding="utf-8").replace("&#39;", "'")
    assert (
        "These counts include counts of identification and screening done outside this "
        "review, as reported by its source rather than derived from the review's own records "
        "and decisions: Smit D, Miguel C, Vrijsen JN"
    ) in html
    assert "18 of its 28 included studies excluded by this review's selection" in html
    assert "PRISMA 2020 flow diagram (including counts from another source" in html
    assert (
        "Study data were loaded from a data file of another format rather than extracted "
        "from the reports with the review's forms: metapsy-peer-support.csv (metapsy "
        "format; consensus values of R1)."
    ) in html


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


def test_pool_reproduces_results_json_from_analysis_data(
    demo: tuple[Path, str], results: list[dict[str, Any]]
) -> None:
    out, _ = demo
    code, stdout, stderr = invoke(
        "pool", str(out / "analysis_data.csv"), "--by", "analysis", "--format", "json"
    )
    assert code == 0, stderr
    pooled = {p["analysis"]: p for p in json.loads(stdout)}
    wanted = [r for r in results if r["estimate"] is not None]
    assert sorted(pooled) == sorted(r["analysis"] for r in wanted)
    keys = (
        "k",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "statistic",
        "p",
        "tau2",
        "i2",
        "q",
        "df",
        "p_q",
        "pi_low",
        "pi_high",
        "measure",
        "model",
        "tau2_method",
        "level",
    )
    for rec in wanted:
        again = pooled[rec["analysis"]]
        for key in keys:
            assert _close(again[key], rec[key]), (rec["analysis"], key, again[key], rec[key])
        assert [s["study"] for s in again["studies"]] == rec["studies"]
        subs = {s["subgroup"]: s for s in again["subgroups"]}
        for sub in rec["subgroups"]:
            for key in ("k", "estimate", "ci_low", "ci_high", "tau2", "i2"):
                assert _close(subs[sub["subgroup"]][key], sub[key]), (rec["analysis"], key)


def test_the_demo_report_in_headless_chromium(demo: tuple[Path, str]) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    out, _ = demo
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto((out / "report.html").as_uri(), wait_until="load")
            assert page.title().startswith("Group peer support interventions")
            assert page.locator("#main-results table").is_visible()
            images = page.evaluate(
                "Array.from(document.images).map(i => [i.complete, i.naturalWidth])"
            )
            assert len(images) == len(list(out.glob("figures/*.svg")))
            assert all(done and width > 0 for done, width in images), images
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "demo-report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert (ARTIFACTS / "demo-report.png").stat().st_size > 0
