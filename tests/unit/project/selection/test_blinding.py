"""Blinding through the services, as a property: whatever R1 decided on records R2 has
not decided yet, everything R2 can reach is the same (queue and its order, counts,
progress, agreement, PRISMA, the record pages, the studies page).

Two worlds share a history; they differ only in R1's decisions on records assigned to
both reviewers that R2 has not decided. R2's every response must be identical in both.
Runs on SQLite and PostgreSQL (hypothesis draws the histories).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysreview.project.accounts.users import AccountInfo
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, load_project, open_project
from sysreview.project.selection.decisions import (
    assigned_records,
    decisions_seen_by,
    pending_records,
    prioritised_queue,
    record_decision,
)
from sysreview.project.storage import open_store

TITLES = [
    "Peer support groups for people with psychosis: a randomised trial",
    "Statins after myocardial infarction",
    "Group peer support and recovery in mental health services",
    "Knee arthroplasty outcomes in older adults",
    "Mutual support groups for depression: randomised controlled trial",
    "Dental caries in children",
    "Peer-led recovery groups for severe mental illness",
    "Hip fracture rehabilitation at home",
]
N = len(TITLES)
DUAL = list(range(1, 5))  # dual_fraction = 0.5 of 8: records 1-4 go to R1 and R2
R2 = AccountInfo(2, "R2", "reviewer", True)
Verdict = st.sampled_from(["include", "exclude", "maybe"])


def _project(directory: Path, url: str) -> Path:
    init_project(directory, "group-peer-support", url)
    path = directory / "review.toml"
    text = path.read_text(encoding="utf-8").replace("dual_fraction = 0.10", "dual_fraction = 0.5")
    path.write_text(text, encoding="utf-8")
    ris = "".join(f"TY  - JOUR\nTI  - {t}\nAB  - {t}.\nER  -\n" for t in TITLES)
    (directory / "s.ris").write_text(ris, encoding="utf-8")
    import_files(directory, [directory / "s.ris"], source="MEDLINE", db_url=url)
    return directory


def _what_r2_sees(directory: Path, url: str) -> dict[str, Any]:
    protocol = load_project(directory, url).protocol
    with open_store(url) as store:
        queue = prioritised_queue(store, protocol, stage="ta", reviewer="R2")
        seen = {
            record: decisions_seen_by(store, protocol, stage=stage, record_id=record, reviewer="R2")
            for record in range(1, N + 1)
            for stage in ("ta",)
        }
        views = {
            "queue": (queue.records, queue.prioritised, queue.advice),
            "assigned": assigned_records(store, protocol, stage="ta", reviewer="R2"),
            "pending": pending_records(store, protocol, stage="ta", reviewer="R2"),
            "ft assigned": assigned_records(store, protocol, stage="ft", reviewer="R2"),
            "seen": seen,
        }
    ws = open_project(directory, url)
    try:
        ws.screening.start()
        view = ws.screening.view("ta", "R2")
        views |= {
            "screen page": (view.assigned, view.queue, view.prioritised, view.advice, view.card),
            "progress": ws.screening.progress(R2),
            "agreement": ws.screening.agreement_seen_by("ta", R2),
            "prisma": ws.report.prisma().to_dict(),
            "studies": ws.screening.report_links(),
        }
    finally:
        ws.close()
    return views


@given(
    shared=st.dictionaries(st.sampled_from(range(1, N + 1)), st.tuples(Verdict, Verdict)),
    r1_a=st.dictionaries(st.sampled_from(DUAL), Verdict),
    r1_b=st.dictionaries(st.sampled_from(DUAL), Verdict),
)
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_r2_sees_the_same_whatever_r1_decided_on_r2s_open_records(
    tmp_path_factory: Any,
    new_url: Callable[..., str],
    shared: dict[int, tuple[str, str]],
    r1_a: dict[int, str],
    r1_b: dict[int, str],
) -> None:
    # shared history: both reviewers' decisions on some records (R2's only where assigned)
    open_for_r2 = [r for r in DUAL if r not in shared]
    worlds = []
    for r1_only in (r1_a, r1_b):
        url = new_url()
        directory = _project(tmp_path_factory.mktemp("world") / "p", url)
        protocol = load_project(directory, url).protocol
        with open_store(url) as store:
            for record, (first, second) in shared.items():
                record_decision(store, protocol, stage="ta", record_id=record, reviewer="R1",
                                decision=first)  # fmt: skip
                if record in DUAL:
                    record_decision(
                        store,
                        protocol,
                        stage="ta",
                        record_id=record,
                        reviewer="R2",
                        decision=second,
                    )
            for record, verdict in r1_only.items():
                if record in open_for_r2:
                    record_decision(store, protocol, stage="ta", record_id=record,
                                    reviewer="R1", decision=verdict)  # fmt: skip
        worlds.append(_what_r2_sees(directory, url))
    assert worlds[0] == worlds[1]
