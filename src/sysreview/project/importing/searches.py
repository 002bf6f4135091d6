"""Search strategies in the project.

Files under ``searches/``, renderings, pilots, PRESS reviews and the search log.

A project keeps each strategy as ``searches/<name>.toml`` (versioned by content hash) and
its PRESS reviews as ``searches/<name>.press.json``. The search log is derived from the
import batches: database, interface, date, hits and — when the query file was rendered by
sysreview — the strategy and version (read from the rendering's first line).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from sysreview.errors import InputError
from sysreview.project.storage import ImportBatch, Record, Store
from sysreview.records.model import Citation
from sysreview.search import (
    PilotReport,
    PressReview,
    RenderedSearch,
    Strategy,
    load_strategy,
    pilot,
    render,
    render_all,
)

SEARCHES = "searches"
_HEADER = re.compile(r"^# sysreview strategy (\S+) version (\S+)", re.MULTILINE)
PathLike = str | os.PathLike[str]


def strategy_path(project_dir: PathLike, name: str) -> Path:
    """``DIR/searches/<name>.toml``."""
    return Path(project_dir) / SEARCHES / f"{name}.toml"


def strategy_names(project_dir: PathLike) -> list[str]:
    """The project's strategies, by name."""
    folder = Path(project_dir) / SEARCHES
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def project_strategy(project_dir: PathLike, name: str) -> Strategy:
    """Load ``searches/<name>.toml``.

    Raises
    ------
    InputError
        When there is no such strategy (listing those there are) or it is invalid.
    """
    path = strategy_path(project_dir, name)
    if not path.exists():
        known = ", ".join(strategy_names(project_dir)) or "none yet"
        raise InputError(f"no strategy {name!r} in {path.parent} (strategies: {known})")
    strategy = load_strategy(path)
    if strategy.name != name:
        raise InputError(
            f"the strategy in {path} is named {strategy.name!r}; rename the file or the name"
        )
    return strategy


def render_strategy(
    project_dir: PathLike,
    name: str,
    *,
    database: str | None = None,
    interface: str | None = None,
    out_dir: PathLike | None = None,
) -> tuple[RenderedSearch, ...]:
    """Render one strategy for one target (or all), writing ``<out>/<name>-<db>-<if>.txt``."""
    strategy = project_strategy(project_dir, name)
    rendered = (
        (render(strategy, database, interface),) if database is not None else render_all(strategy)
    )
    if out_dir is not None:
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for item in rendered:
            slug = re.sub(r"[^a-z0-9]+", "-", item.target.label.casefold()).strip("-")
            (folder / f"{name}-{slug}.txt").write_text(item.text(), encoding="utf-8")
    return rendered


def _citation(record: Record, position: int) -> Citation:
    return Citation(position=position, title=record.title, doi=record.doi, pmid=record.pmid)


def pilot_batch(store: Store, papers: list[str], batch_id: int | None = None) -> PilotReport:
    """Check the records of one import batch (or of all) against the model papers."""
    with store.session(readonly=True) as session:
        query = select(Record).order_by(Record.id)
        if batch_id is not None:
            if session.get(ImportBatch, batch_id) is None:
                raise InputError(f"no import batch {batch_id}")
            query = query.where(Record.batch_id == batch_id)
        records = [_citation(r, r.id) for r in session.scalars(query)]
    return pilot(papers, records)


def press_path(project_dir: PathLike, name: str) -> Path:
    """``DIR/searches/<name>.press.json``."""
    return Path(project_dir) / SEARCHES / f"{name}.press.json"


def press_reviews(project_dir: PathLike, name: str) -> list[PressReview]:
    """The PRESS reviews recorded for a strategy, oldest first."""
    path = press_path(project_dir, name)
    if not path.exists():
        return []
    return [PressReview.model_validate(item) for item in json.loads(path.read_text("utf-8"))]


def add_press_review(project_dir: PathLike, review: PressReview) -> Path:
    """Record a PRESS review of the strategy's current version (written atomically).

    Raises
    ------
    InputError
        When the review is of another version than the strategy file now holds.
    """
    strategy = project_strategy(project_dir, review.strategy)
    if review.version != strategy.version:
        raise InputError(
            f"the review is of version {review.version}, but {review.strategy} is now at "
            f"version {strategy.version}"
        )
    path = press_path(project_dir, review.strategy)
    items = [r.model_dump(mode="json") for r in press_reviews(project_dir, review.strategy)]
    items.append(review.model_dump(mode="json"))
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(items, handle, indent=2)
    os.replace(tmp, path)
    return path


def search_log(store: Store) -> pd.DataFrame:
    """One row per import batch: the search log for the report's appendix."""
    with store.session(readonly=True) as session:
        batches = list(session.scalars(select(ImportBatch).order_by(ImportBatch.id)))
        rows = []
        for b in batches:
            found = _HEADER.search(b.query_text or "")
            rows.append(
                {
                    "source": b.source_database,
                    "kind": b.source_kind,
                    "interface": b.interface,
                    "date": b.search_date.isoformat() if b.search_date else None,
                    "hits": b.record_count,
                    "strategy": found.group(1) if found else None,
                    "version": found.group(2) if found else None,
                    "file": b.file_name,
                }
            )
    columns = ["source", "kind", "interface", "date", "hits", "strategy", "version", "file"]
    return pd.DataFrame(rows, columns=columns)


__all__ = [
    "add_press_review",
    "pilot_batch",
    "press_reviews",
    "project_strategy",
    "render_strategy",
    "search_log",
    "strategy_names",
    "strategy_path",
]
