"""``sysreview run``, ``sysreview report`` and ``sysreview update --analyse``, end to end.

A fresh project: imports from ``imports.toml`` (re-runs skip them), de-duplication, the
screening status, no extracted data (a clear error), extracted data entered with
``sysreview.project.extracting.values.add_values``, the report, and a living update whose new
study changes the pooled result. The bundled demo review, which goes the same way with a
data file, is ``test_demo.py``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.extracting.values import add_values
from sysreview.project.opening import init_project, opened
from sysreview.project.selection.studies import add_study, list_studies
from tests.conftest import PROJECT_ROOT

runner = CliRunner()
RECORDS = PROJECT_ROOT / "tests" / "fixtures" / "records"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


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
