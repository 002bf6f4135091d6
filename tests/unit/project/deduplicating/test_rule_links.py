"""One rule-made duplicate link per pair: enforced by the database, kept by concurrent runs.

``duplicate_link`` is an event log: reviewers may accept and reject a pair any number of
times, but the de-duplication rules link a pair once. Two ``sysreview dedup`` runs at
the same time (real processes, both past reading the links so far) must not link a pair
twice, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from sysreview.project.deduplicating.pairs import deduplicate_store
from sysreview.project.importing.files import import_into
from sysreview.project.storage import DuplicateLink, Store, open_store
from tests.conftest import PROJECT_ROOT
from tests.unit.project.factories import add_batch, add_reviewers

TIMEOUT = 120
PAIRS = 40

TOPICS = (
    "peer support recovery psychosis depression anxiety trial group online hope employment "
    "housing stigma family carers adolescents veterans nursing primary care community "
    "outreach crisis relapse wellbeing loneliness mentoring"
)
WORDS = tuple(TOPICS.split())
RECORD = """TY  - JOUR
TI  - {title}
AU  - {author}, Jane
PY  - {year}
JO  - Journal of {journal}
VL  - {volume}
SP  - {first}
EP  - {last}
DO  - 10.1176/appi.ps.2019{volume:05d}
DB  - {database}
ER  -
"""


def _import_duplicated(store: Store, folder: Path) -> None:
    """``PAIRS`` records, each in two files (MEDLINE and Embase): ``PAIRS`` duplicate pairs."""
    for name in ("medline", "embase"):
        path = folder / f"{name}.ris"
        path.write_text(
            "".join(
                RECORD.format(
                    title=" ".join(random.Random(i).sample(WORDS, 8)),
                    author=f"Author{i}",
                    year=1990 + i,
                    journal=WORDS[i % len(WORDS)],
                    database=name,
                    volume=i,
                    first=100 + i,
                    last=110 + i,
                )
                for i in range(1, PAIRS + 1)
            ),
            encoding="utf-8",
        )
        import_into(store, [path], source=name)


def _rule_links(store: Store) -> Counter[tuple[int, int]]:
    with store.session(readonly=True) as session:
        query = select(DuplicateLink.record_a_id, DuplicateLink.record_b_id).where(
            DuplicateLink.reviewer_id.is_(None)
        )
        return Counter(tuple(row) for row in session.execute(query))  # type: ignore[misc]


def _worker(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.unit.project.workers", *map(str, args)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_dedup_runs_at_once_link_each_pair_once(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    _import_duplicated(store, tmp_path)
    go = tmp_path / "go"
    runs = [_worker("dedup", store_url, go) for _ in range(2)]
    for run in runs:
        assert run.stdout is not None
        line = run.stdout.readline().strip()
        assert line == "ready", run.communicate(timeout=TIMEOUT)[1]  # both are searching now
    go.touch()
    counts = []
    for run in runs:
        out, err = run.communicate(timeout=TIMEOUT)
        assert run.returncode == 0, err
        counts.append(json.loads(out.strip().splitlines()[-1]))
    links = _rule_links(store)
    assert len(links) == PAIRS and set(links.values()) == {1}
    assert sum(c["confirmed"] + c["proposed"] for c in counts) == PAIRS  # each pair once
    assert sorted(c["already_linked"] for c in counts) == sorted(
        c["confirmed"] + c["proposed"] for c in counts
    )  # what one run linked, the other found linked
    again, _ = deduplicate_store(store)
    assert (again.confirmed, again.proposed, again.already_linked) == (0, 0, PAIRS)


def test_the_database_refuses_a_second_rule_link_but_not_reviewer_events(store: Store) -> None:
    with store.session() as session:
        a, b = (r.id for r in add_batch(session, n=2).records)
        (reviewer,) = add_reviewers(session, "AB")
        session.add(DuplicateLink(record_a_id=a, record_b_id=b, rule="doi", status="proposed"))
    with pytest.raises(IntegrityError), store.session() as session:
        session.add(DuplicateLink(record_a_id=a, record_b_id=b, rule="doi", status="confirmed"))
    with store.session() as session:
        for status in ("confirmed", "rejected", "confirmed"):  # minds change: new events
            session.add(
                DuplicateLink(
                    record_a_id=a, record_b_id=b, rule="doi", status=status,
                    reviewer_id=reviewer.id,
                )
            )  # fmt: skip
    with store.session(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(DuplicateLink)) == 4


def test_the_migration_keeps_double_links_made_before_it(new_url: Callable[..., str]) -> None:
    """Runs at once before revision 0006 could link a pair twice: the rows stay (the log is
    append-only), the index is built, and no new double link can be made."""
    url = new_url(blank=True)
    with open_store(url, upgrade=False) as store:
        store.upgrade("0009")
        with store.session() as session:
            a, b, c = (r.id for r in add_batch(session, n=3).records)
            for _ in range(2):
                session.add(
                    DuplicateLink(record_a_id=a, record_b_id=b, rule="doi", status="confirmed")
                )
            session.add(DuplicateLink(record_a_id=a, record_b_id=c, rule="doi", status="proposed"))
        store.upgrade()
        indexes = {i["name"]: i for i in inspect(store.engine).get_indexes("duplicate_link")}
        assert indexes["uq_duplicate_link_rule_pair"]["unique"]
        assert sum(_rule_links(store).values()) == 3
        for pair in ((a, b), (a, c)):
            with pytest.raises(IntegrityError), store.session() as session:
                session.add(
                    DuplicateLink(record_a_id=pair[0], record_b_id=pair[1], rule="doi",
                                  status="proposed")
                )  # fmt: skip
