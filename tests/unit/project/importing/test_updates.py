"""Living updates: saved live searches import as batches; re-runs and duplicates are counted."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sysreview.errors import InputError
from sysreview.project.importing.searches import search_log
from sysreview.project.importing.service import import_files
from sysreview.project.importing.updates import live_searches, update_project
from sysreview.project.opening import init_project
from sysreview.project.storage import open_store
from sysreview.protocol.errors import ProtocolError
from sysreview.search import live
from tests.unit.search.test_live import Services

LIVE = """
[[live]]
name = "pubmed"
source = "pubmed"
strategy = "group-peer-support"

[[live]]
name = "trials"
source = "ctgov"
query = "peer support AND group"
"""

EARLIER = (
    "TY  - JOUR\nTI  - Synthetic trial A of group peer support\nDO  - 10.5555/synthetic.a\n"
    "PY  - 2019\nER  -\n"
)


def test_update_runs_saved_searches_and_counts_what_is_new(tmp_path: Path) -> None:
    project = tmp_path / "p"
    url = f"sqlite:///{tmp_path / 'review.db'}"
    init_project(project, "group-peer-support", url)
    (project / "earlier.ris").write_text(EARLIER, encoding="utf-8")
    import_files(project, [project / "earlier.ris"], source="PsycINFO", db_url=url)
    (project / "searches" / "live.toml").write_text(LIVE, encoding="utf-8")
    assert [s.name for s in live_searches(project)] == ["pubmed", "trials"]

    services = Services()
    client = live.ApiClient(transport=httpx.MockTransport(services), sleep=lambda s: None)
    with open_store(url) as store, client:
        report = update_project(project, store, client)
        assert [r.already for r in report.runs] == [False, False]
        # PubMed: 2 records in the one efetch page served (of 3 hits); trials: 2. The PubMed
        # copy of "Synthetic trial A" duplicates the earlier PsycINFO record (same DOI).
        assert (report.records, report.duplicates_of_existing, report.to_screen) == (4, 1, 3)
        sent = services.requests[0].url.params["term"]
        assert "(peer*[tiab] AND support*[tiab])" in sent and "randomized[tiab]" in sent
        log = search_log(store)
        assert log["source"].tolist() == ["PsycINFO", "MEDLINE", "ClinicalTrials.gov"]
        assert log["strategy"].tolist()[1] == "group-peer-support"
        assert log["kind"].tolist()[2] == "register"
        again = update_project(project, store, client)
        assert [r.already for r in again.runs] == [True, True]
        assert again.records == 0
    saved = sorted(p.suffix for p in (project / "searches" / "results").iterdir())
    assert saved == [".json", ".nbib"]


def test_bad_live_files_and_missing_sources(tmp_path: Path) -> None:
    project = tmp_path / "p"
    init_project(project, "group-peer-support", f"sqlite:///{tmp_path / 'r.db'}")
    (project / "searches" / "live.toml").write_text(
        '[[live]]\nname = "x"\nsource = "scopus"\nquery = "a"\n', encoding="utf-8"
    )
    with pytest.raises(
        ProtocolError, match=r"line 3: live\[0\]\.source = 'scopus': must be one of"
    ):
        live_searches(project)
    with (
        open_store(f"sqlite:///{tmp_path / 'r.db'}") as store,
        pytest.raises(InputError, match="new export files need --source"),
    ):
        update_project(project, store, None, files=[project / "review.toml"])
