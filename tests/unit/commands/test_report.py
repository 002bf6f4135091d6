"""``sysreview run``, ``sysreview report`` and ``sysreview update --analyse``, end to end.

The demo review (``examples/group-peer-support``, in the repository) is run once through
``sysreview run DIR --out TMP``; its report is checked against its own files (every
figure embedded is the figure file written), ``results.json`` against ``sysreview pool
analysis_data.csv --by analysis`` (an independent entry point: the pooling command reading
the exported inputs), and the HTML in a real headless Chromium. The store path runs a
fresh project: imports from ``imports.toml`` (re-runs skip them), de-duplication, the
screening status, no extracted data (a clear error), extracted data entered with
``sysreview.project.extracting.add_values``, the report, and a living update whose new
study changes the pooled result.
"""

from __future__ import annotations

import base64
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.extracting import add_values
from sysreview.project.services import init_project, opened
from sysreview.project.studies import add_study, list_studies
from tests.conftest import PROJECT_ROOT
from tests.unit.report.test_browser import ARTIFACTS, CHROMIUM, _need_browser

runner = CliRunner()
DEMO = Path(__file__).resolve().parents[3] / "examples" / "group-peer-support"
RECORDS = PROJECT_ROOT / "tests" / "fixtures" / "records"
FIGURE = re.compile(
    r'<figure id="figure-\d+">\s*<img src="data:image/svg\+xml;base64,([^"]+)"[^>]*>\s*'
    r"<figcaption><strong>Figure \d+\.</strong> ([^<]+)</figcaption>"
)


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo") / "out"
    code, stdout, stderr = invoke("run", str(DEMO), "--out", str(out))
    assert code == 0, stderr
    return out, stdout


@pytest.fixture(scope="module")
def results(demo: tuple[Path, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads((demo[0] / "results.json").read_text("utf-8"))
    return items


def test_the_demo_run_writes_the_report_and_says_where(demo: tuple[Path, str]) -> None:
    out, stdout = demo
    lines = stdout.splitlines()
    assert lines[0].endswith("demo-style folder (mapping.toml): import, dedup and screening "
                             "are not needed")  # fmt: skip
    assert lines[1].startswith("data: demo data: 10 studies, 20 arms, 42 outcome entries")
    assert lines[-1] == f"the report is at {out / 'report.html'}"
    for name in ("report.html", "report.docx", "results.json", "results.csv",
                 "analysis_data.csv", "figures/prisma.svg", "figures/prisma.png",
                 "figures/rob_traffic_light.png", "figures/rob_summary.svg"):  # fmt: skip
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
    keys = ("k", "estimate", "se", "ci_low", "ci_high", "statistic", "p", "tau2", "i2", "q", "df",
            "p_q", "pi_low", "pi_high", "measure", "model", "tau2_method", "level")  # fmt: skip
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


IMPORTS = """\
[[import]]
file = "pubmed_two_records.nbib"
source = "MEDLINE"
interface = "PubMed"
date = 2024-03-01

[[import]]
file = "two_entries.bib"
source = "Embase"
date = "2024-03-02"

[[import]]
file = "again.nbib"
source = "MEDLINE"
"""


def _hope(sid: str, n: tuple[int, int], diff: float) -> dict[str, list[dict[str, Any]]]:
    arms = [{"study_id": sid, "arm": "peer", "arm_type": "intervention", "n_randomised": n[0]},
            {"study_id": sid, "arm": "usual", "arm_type": "TAU", "n_randomised": n[1]}]  # fmt: skip
    outcomes = [
        {"study_id": sid, "arm": arm, "domain": "hope", "measure": "Herth Hope Index",
         "weeks_after_end": 0, "n": size - 2, "mean": mean, "sd": 5.0}
        for arm, size, mean in (("peer", n[0], 34.0 + diff), ("usual", n[1], 34.0))
    ]  # fmt: skip
    return {"studies": [{"study_id": sid, "country": "UK"}], "arms": arms, "outcomes": outcomes}


def _extract(directory: Path, *studies: tuple[str, tuple[int, int], float]) -> None:
    with opened(directory) as (project, store):
        known = {s.label for s in list_studies(store)}
        for sid, n, diff in studies:
            if sid not in known:  # studies are made explicitly (or by linking a report)
                add_study(store, sid)
            add_values(store, project.protocol, "R1", **_hope(sid, n, diff))


def test_the_store_path_from_imports_to_report_and_update(tmp_path: Path) -> None:
    d = tmp_path / "review"
    init_project(d, "group-peer-support")
    for name in ("pubmed_two_records.nbib", "two_entries.bib"):
        shutil.copyfile(RECORDS / name, d / name)
    shutil.copyfile(RECORDS / "pubmed_two_records.nbib", d / "again.nbib")
    (d / "imports.toml").write_text(IMPORTS, encoding="utf-8")

    code, stdout, stderr = invoke("run", str(d))
    assert code == 2
    assert f"import: skipped {d / 'again.nbib'} (same contents as import 1)" in stdout
    assert f"import: {d / 'pubmed_two_records.nbib'} (MEDLINE via PubMed, searched " \
        "2024-03-01): 2 records as batch 1" in stdout  # fmt: skip
    assert "dedup: 4 records" in stdout and re.search(r"Records +4\n", stdout)
    assert stderr.startswith("sysreview: error: ") and "no extracted data" in stderr
    assert not (d / "out").exists()

    _extract(d, ("Smith 2019", (40, 41), 2.0), ("Jones 2020", (60, 62), 3.5),
             ("Lee 2018", (30, 31), 0.5))  # fmt: skip
    code, stdout, stderr = invoke("run", str(d))
    assert code == 0, stderr
    assert f"import: skipped {d / 'two_entries.bib'} (already imported as batch 2)" in stdout
    assert "data: store data: 3 studies, 6 arms, 6 outcome entries; no risk-of-bias " \
        "judgements; PRISMA counts" in stdout  # fmt: skip
    main = json.loads((d / "out" / "results.json").read_text("utf-8"))[0]
    assert (main["analysis"], main["k"]) == ("hope.post_intervention.main", 3)
    html = (d / "out" / "report.html").read_text(encoding="utf-8")
    assert "Forest plot: Hope, post-intervention — main analysis" in html
    assert "PRISMA 2020 flow diagram" in html

    code, stdout, stderr = invoke("report", "-p", str(d), "--out", str(tmp_path / "again"))
    assert code == 0, stderr
    assert stdout.splitlines()[-1] == f"the report is at {tmp_path / 'again' / 'report.html'}"

    _extract(d, ("Brown 2021", (50, 50), 1.0))
    code, stdout, stderr = invoke("update", "--offline", "--analyse", "-p", str(d))
    assert code == 0, stderr
    assert f"analyse: compared with {d / 'out' / 'results.json'}: 5 changed, 1 unchanged" in (
        stdout
    )
    change = next(line for line in stdout.splitlines() if line.startswith("hope.post_"))
    assert change.startswith("hope.post_intervention.main: changed: k=3 MD 2.20 [0.51, 3.89]")
    assert change.endswith("-> k=4 MD 1.90 [0.54, 3.25] strong")
    again = json.loads((d / "out" / "results.json").read_text("utf-8"))[0]
    assert again["k"] == 4 and "Brown 2021" in again["studies"]


def test_report_without_extracted_data_and_a_broken_earlier_result(tmp_path: Path) -> None:
    init_project(tmp_path, "group-peer-support")
    code, _, stderr = invoke("report", "-p", str(tmp_path))
    assert code == 2 and "no extracted data in the project yet" in stderr
    _extract(tmp_path, ("Smith 2019", (40, 41), 2.0))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.json").write_text("[{", encoding="utf-8")
    code, _, stderr = invoke("update", "--offline", "--analyse", "-p", str(tmp_path))
    assert code == 2 and "cannot read the earlier results" in stderr
    assert str(tmp_path / "out" / "results.json") in stderr


def test_the_readme_shows_the_committed_demo_pictures() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("forest-plot.png", "prisma.png"):
        path = PROJECT_ROOT / "docs" / name
        assert f"](docs/{name})" in readme
        assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size < 200_000
