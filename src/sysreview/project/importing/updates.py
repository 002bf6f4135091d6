"""Living review updates: saved live searches, new imports, and what changed.

De-duplication is against everything already in the project.

Saved live searches live in ``searches/live.toml``::

    [[live]]
    name = "pubmed"
    source = "pubmed"                  # pubmed, europepmc, ctgov, openalex-forward,
    strategy = "group-peer-support"    #   openalex-backward, crossref
    # or: query = "peer support[tiab] AND group*[tiab]"
    # citation searches: dois = ["10.1186/..."] (default: DOIs of the included studies)

Each run saves what the service returned under ``searches/results/<name>-<date>.<ext>``
and imports it as an import batch (source, interface, date, query), so the PRISMA
diagram and the search log count it like any export. A result identical to one already
imported is recognised by its checksum and not imported twice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.prisma.decisions import duplicate_groups
from sysreview.project.deduplicating.pairs import deduplicate_store
from sysreview.project.importing.files import file_sha256, import_into
from sysreview.project.importing.searches import SEARCHES, project_strategy
from sysreview.project.reporting.prisma_data import confirmed_pairs
from sysreview.project.storage import ImportBatch, Reads, Record, Store, Study, StudyReport
from sysreview.protocol._base import Checker, Frozen, Name, Text
from sysreview.search import live, render

PathLike = str | os.PathLike[str]
LIVE_FILE = "live.toml"

_SERVICES = {
    "pubmed": ("MEDLINE", "PubMed"),
    "europepmc": ("Europe PMC", "Europe PMC REST API"),
    "ctgov": ("ClinicalTrials.gov", "ClinicalTrials.gov API v2"),
    "openalex-forward": ("Forward citation search (OpenAlex)", "OpenAlex API"),
    "openalex-backward": ("Backward citation search (OpenAlex)", "OpenAlex API"),
    "crossref": ("Crossref", "Crossref REST API"),
}


class LiveSearch(Frozen):
    """A saved live search: a source and a query, a strategy, or DOIs."""

    name: Name
    source: Text
    query: Text | None = None
    strategy: Name | None = None
    dois: tuple[Text, ...] = ()
    limit: int = Field(default=10_000, ge=1)

    @model_validator(mode="after")
    def _check(self) -> LiveSearch:
        check = Checker()
        check.that(
            self.source in live.SOURCES,
            ("source",),
            self.source,
            f"must be one of {', '.join(live.SOURCES)}",
        )
        citation = self.source.startswith("openalex") or self.source == "crossref"
        if not citation:
            check.that(
                (self.query is None) != (self.strategy is None),
                ("query",),
                self.query,
                "give a query or a strategy (one of them)",
            )
        check.raise_if_any()
        return self


class _LiveFile(Frozen):
    live: tuple[LiveSearch, ...] = ()


def live_searches(project_dir: PathLike) -> tuple[LiveSearch, ...]:
    """The saved live searches of ``searches/live.toml`` (none when the file is absent).

    Raises
    ------
    InputError
        For an invalid file, naming the key and line.
    """
    import tomllib

    from sysreview.protocol.errors import ProtocolError
    from sysreview.protocol.loader import problems_from, toml_loads
    from sysreview.protocol.locate import key_lines

    path = Path(project_dir) / SEARCHES / LIVE_FILE
    if not path.exists():
        return ()
    text = path.read_text(encoding="utf-8")
    try:
        data: Any = toml_loads(text)
        return _LiveFile.model_validate(data).live
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", source=str(path)) from None
    except ValidationError as exc:
        raise ProtocolError(problems_from(exc, key_lines(text), data), source=str(path)) from None


def _included_dois(store: Store) -> list[str]:
    with store.session(readonly=True) as session:
        query = (
            select(Record.doi)
            .join(StudyReport, StudyReport.record_id == Record.id)
            .join(Study, Study.id == StudyReport.study_id)
            .where(Record.doi.is_not(None))
            .order_by(Study.id, Record.id)
        )
        return [doi for doi in session.scalars(query) if doi]


def _query_of(project_dir: PathLike, search: LiveSearch) -> tuple[str, str | None]:
    """The query text to send and the rendering header (strategy version) if any."""
    if search.query is not None:
        return search.query, None
    assert search.strategy is not None
    database = {"pubmed": ("MEDLINE", "PubMed"), "ctgov": ("ClinicalTrials.gov", None)}.get(
        search.source
    )
    if database is None:
        raise InputError(
            f"live search {search.name!r}: a strategy renders for pubmed and ctgov only; give "
            f"a query for {search.source}"
        )
    rendered = render(project_strategy(project_dir, search.strategy), *database)
    return rendered.expanded(), rendered.text()


@dataclass(frozen=True)
class LiveRun:
    """One live search run: what the service reported and what was imported."""

    name: str
    result: live.LiveResult
    saved: str
    batch_id: int | None
    already: bool

    def summary(self) -> str:
        """One line for the command line."""
        what = "unchanged since the last run" if self.already else f"batch {self.batch_id}"
        return f"{self.name}: {self.result.summary()}; saved {self.saved} ({what})"


def run_live_search(
    project_dir: PathLike,
    store: Store,
    search: LiveSearch,
    client: live.ApiClient,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> LiveRun:
    """Run one saved search, save the result in the project and import it."""
    if search.source in ("openalex-forward", "openalex-backward", "crossref"):
        dois = list(search.dois) or _included_dois(store)
        if not dois:
            raise InputError(
                f"live search {search.name!r}: no DOIs given and no included study has one yet"
            )
        if search.source == "crossref":
            result = live.crossref(client, dois)
        else:
            direction = search.source.split("-")[1]
            result = live.citations(client, dois, direction=direction, progress=progress)
        header = None
    else:
        query, header = _query_of(project_dir, search)
        runner = {"pubmed": live.pubmed, "europepmc": live.europe_pmc,
                  "ctgov": live.clinicaltrials_gov}[search.source]  # fmt: skip
        result = runner(client, query, limit=search.limit, progress=progress)
    folder = Path(project_dir) / SEARCHES / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{search.name}-{result.searched.isoformat()}.{result.extension}"
    counter = 1
    while path.exists() and path.read_text(encoding="utf-8") != result.payload:
        counter += 1
        path = folder / f"{search.name}-{result.searched.isoformat()}-{counter}.{result.extension}"
    path.write_text(result.payload, encoding="utf-8")
    with store.session(readonly=True) as session:
        seen = session.scalar(
            select(ImportBatch.id).where(ImportBatch.file_sha256 == file_sha256(path))
        )
    if seen is not None:
        return LiveRun(search.name, result, str(path), seen, True)
    database, interface = _SERVICES[search.source]
    query_text = (header + "\n" if header else "") + result.query
    if not result.records:
        return LiveRun(search.name, result, str(path), None, False)
    imported = import_into(store, [path], source=database, source_kind=result.source_kind,
                           interface=interface, search_date=result.searched,
                           query_text=query_text)  # fmt: skip
    return LiveRun(search.name, result, str(path), imported[0].batch_id, False)


@dataclass(frozen=True)
class UpdateReport:
    """What an update added: batches, records, duplicates of earlier records, new to screen."""

    runs: tuple[LiveRun, ...]
    batches: tuple[int, ...]
    records: int
    duplicates_of_existing: int
    within_new: int
    to_screen: int

    def summary(self) -> str:
        """The update as text."""
        lines = [r.summary() for r in self.runs]
        lines += [
            f"new records: {self.records} in {len(self.batches)} batch(es)",
            f"  duplicates of records already in the project: {self.duplicates_of_existing}",
            f"  duplicates among the new records:             {self.within_new}",
            f"  new records queued for screening:             {self.to_screen}",
        ]
        return "\n".join(lines)


def new_records_report(store: Store, batches: Sequence[int]) -> tuple[int, int, int, int]:
    """``(records, duplicates of existing, duplicates among new, to screen)`` for batches."""
    with store.session(readonly=True) as session:
        new_ids = set(session.scalars(select(Record.id).where(Record.batch_id.in_(list(batches)))))
        first_new = min(new_ids) if new_ids else None
        oldest = session.scalar(select(func.min(Record.id)))
        groups = duplicate_groups(confirmed_pairs(Reads.of_session(session)))
    if not new_ids or first_new is None or oldest is None:
        return 0, 0, 0, 0
    existing = within = 0
    for record in new_ids:
        rep = groups.get(record, record)
        if rep < first_new:
            existing += 1
        elif rep != record:
            within += 1
    return len(new_ids), existing, within, len(new_ids) - existing - within


def update_project(
    project_dir: PathLike,
    store: Store,
    client: live.ApiClient | None,
    *,
    files: Sequence[PathLike] = (),
    file_source: str | None = None,
    searched: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UpdateReport:
    """Re-run the saved live searches, import new export files, de-duplicate, count what is new.

    The live searches run when a client is given; everything is de-duplicated.

    Raises
    ------
    InputError
        For files without ``file_source``, or any import problem (nothing half-imported).
    """
    runs: list[LiveRun] = []
    batches: list[int] = []
    if client is not None:
        for search in live_searches(project_dir):
            run = run_live_search(project_dir, store, search, client, progress=progress)
            runs.append(run)
            if run.batch_id is not None and not run.already:
                batches.append(run.batch_id)
    if files:
        if not file_source:
            raise InputError("new export files need --source (the database searched)")
        imported = import_into(store, list(files), source=file_source, search_date=searched)
        batches += [f.batch_id for f in imported]
    if batches:
        deduplicate_store(store)
    counts = new_records_report(store, batches)
    return UpdateReport(tuple(runs), tuple(batches), *counts)


@dataclass(frozen=True)
class ResultChange:
    """How one analysis changed between two runs of the analysis plan."""

    analysis: str
    change: str  # "new", "removed", "changed", "unchanged"
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    fields: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line: the analysis and what changed (k, estimate and CI, evidence)."""

        def show(r: Mapping[str, Any] | None) -> str:
            if r is None:
                return "-"
            if r.get("estimate") is None:
                reason = f": {r['reason']}" if r.get("reason") else ""
                return f"k={r.get('k')} ({r.get('kind')}{reason})"
            return (
                f"k={r.get('k')} {r.get('measure')} {r['estimate']:.2f} "
                f"[{r['ci_low']:.2f}, {r['ci_high']:.2f}] {r.get('evidence') or ''}".rstrip()
            )

        if self.change == "unchanged":
            return f"{self.analysis}: unchanged"
        return f"{self.analysis}: {self.change}: {show(self.before)} -> {show(self.after)}"


_COMPARED = ("k", "participants", "measure", "model", "estimate", "ci_low", "ci_high", "p",
             "i2", "tau2", "evidence", "magnitude", "studies", "reason")  # fmt: skip


def results_changes(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]], *, rel: float = 1e-12
) -> tuple[ResultChange, ...]:
    """Compare two ``results.json`` lists by analysis id (numbers to ``rel``).

    Examples
    --------
    >>> old = [{"analysis": "hope.post.main", "k": 3, "estimate": 0.2, "ci_low": 0.0,
    ...         "ci_high": 0.4, "measure": "SMD", "evidence": "weak"}]
    >>> new = [{**old[0], "k": 4, "estimate": 0.25}]
    >>> print(results_changes(old, new)[0].summary())
    hope.post.main: changed: k=3 SMD 0.20 [0.00, 0.40] weak -> k=4 SMD 0.25 [0.00, 0.40] weak
    """
    import math

    def differs(a: Any, b: Any) -> bool:
        if isinstance(a, float) and isinstance(b, float):
            if math.isnan(a) and math.isnan(b):
                return False
            return not math.isclose(a, b, rel_tol=rel, abs_tol=0.0)
        return bool(a != b)

    old = {str(r["analysis"]): r for r in before}
    new = {str(r["analysis"]): r for r in after}
    out: list[ResultChange] = []
    for key in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            out.append(ResultChange(key, "new" if a is None else "removed", a, b))
            continue
        changed = tuple(f for f in _COMPARED if differs(a.get(f), b.get(f)))
        out.append(ResultChange(key, "changed" if changed else "unchanged", a, b, changed))
    return tuple(out)


__all__ = [
    "LiveRun",
    "LiveSearch",
    "ResultChange",
    "UpdateReport",
    "live_searches",
    "new_records_report",
    "results_changes",
    "run_live_search",
    "update_project",
]
