"""``project.exchange``: importing decisions takes the project's write lock once, for the
whole file (all or nothing); the exports only read. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sysreview.project.exchanging.service import ExchangeService
from sysreview.project.opening import open_project
from tests.unit.project.exchanging.test_decisions import TITLES, events, folder, rayyan  # noqa: F401
from tests.unit.project.retrieving.test_service import _counted


def test_importing_decisions_takes_the_write_lock_and_exports_do_not(
    folder: Path,  # noqa: F811
    store_url: str,
    tmp_path: Path,
) -> None:
    file = rayyan(tmp_path / "r.ris", {TITLES[1]: {"Ann": "Excluded"},
                                       TITLES[2]: {"Ann": "Included"}})  # fmt: skip
    with open_project(folder, store_url) as review:
        lock = _counted(review)
        assert isinstance(review.exchange, ExchangeService)
        result = review.exchange.import_decisions(file, fmt="rayyan", stage="ta", reviewer="R1")
        assert lock.turns == 1 and not lock.held, result.summary()
        assert events(store_url) == [(2, "exclude", "rayyan:r.ris"), (3, "include", "rayyan:r.ris")]
        count = review.exchange.export_decisions(tmp_path / "out.ris", fmt="rayyan", stage="ta",
                                                 reviewer="R1")  # fmt: skip
        done = review.exchange.export_references(tmp_path / "refs.csv")
        review.exchange.export_prisma2020(tmp_path / "prisma.csv")
        assert (count, done.count, lock.turns) == (4, 4, 1)  # R1 screens all 4 records
