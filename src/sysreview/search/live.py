"""Live searches where a free API exists.

PubMed, Europe PMC, ClinicalTrials.gov, OpenAlex citations and Crossref.

Every source returns a :class:`LiveResult`: the records found, the query as sent, the
hit count the service reported, and the raw payload saved in the service's own export
format where one exists (MEDLINE text for PubMed, API v2 JSON for ClinicalTrials.gov), so
that the result is imported — and can be re-read — like any export file.

Requests go through the polite :class:`~sysreview.search.client.ApiClient` (timeouts,
retries with backoff, each service's rate limit, the email / API key it asks for). Tests
pass an ``httpx.MockTransport`` serving stored responses; nothing here is called without
an explicit request.

Service documentation: NCBI E-utilities (esearch ``retmode=json``, efetch
``rettype=medline``); Europe PMC REST ``/search`` (``format=json``, ``resultType=core``,
``cursorMark``); ClinicalTrials.gov API v2 ``/studies`` (``query.term``, ``pageToken``);
OpenAlex ``/works`` (``filter=cites:``, ``filter=openalex:``, ``cursor``, ``mailto``);
Crossref REST ``/works/{doi}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sysreview.errors import InputError
from sysreview.records.model import Citation
from sysreview.records.normalise import clean_doi
from sysreview.search.client import USER_AGENT as USER_AGENT  # re-exported
from sysreview.search.client import ApiClient
from sysreview.search.responses import (
    Answer,
    LiveSearchError,
    crossref_citation,
    europepmc_citation,
    openalex_citation,
)
from sysreview.text import storable


@dataclass(frozen=True)
class LiveResult:
    """What a live search found: records, the query and date, and the raw export.

    ``payload``/``extension`` hold the result in the service's export format (or as a
    CSV of the records when it has none), ready to be saved and imported.
    """

    source: str
    source_kind: str
    query: str
    searched: date
    hits: int
    records: tuple[Citation, ...]
    payload: str
    extension: str

    def summary(self) -> str:
        """One line: source, hits and records retrieved."""
        return f"{self.source}: {self.hits} hit(s), {len(self.records)} record(s) retrieved"


Progress = Callable[[int, int], None]


def _progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


# ---- PubMed -------------------------------------------------------------------------------

EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"


def pubmed(
    client: ApiClient,
    query: str,
    *,
    limit: int = 10_000,
    batch: int = 200,
    progress: Progress | None = None,
) -> LiveResult:
    """Search PubMed (esearch with history) and fetch the records as MEDLINE text (efetch)."""
    from sysreview.records.medline import read_medline

    ident = {"tool": "sysreview", **({"email": client.email} if client.email else {})}
    if client.api_keys.get("ncbi"):
        ident["api_key"] = client.api_keys["ncbi"]
    answer = client.get(
        "ncbi",
        f"{EUTILS}/esearch.fcgi",
        {"db": "pubmed", "term": query, "retmode": "json", "usehistory": "y", "retmax": 0, **ident},
    )
    found = Answer.of(answer, "PubMed").node("esearchresult")
    if found.raw("ERROR") is not None:
        raise LiveSearchError(f"PubMed: {found.text('ERROR')}")
    hits = found.number("count")
    webenv, key = found.text("webenv"), found.text("querykey")
    if hits is None or (hits and (webenv is None or key is None)):
        raise LiveSearchError("PubMed: unexpected answer: no hit count, WebEnv or query key")
    wanted = min(hits, limit)
    parts: list[str] = []
    for start in range(0, wanted, batch):
        text = client.get(
            "ncbi",
            f"{EUTILS}/efetch.fcgi",
            {"db": "pubmed", "query_key": key, "WebEnv": webenv,
             "retstart": start, "retmax": min(batch, wanted - start), "rettype": "medline",
             "retmode": "text", **ident},
        ).text  # fmt: skip
        parts.append(storable(text).strip("\n"))
        _progress(progress, min(start + batch, wanted), wanted)
    payload = "\n\n".join(parts) + "\n" if parts else ""
    try:
        records, _ = read_medline(payload, source="PubMed") if payload else ([], [])
    except InputError as exc:
        raise LiveSearchError(f"PubMed: unexpected answer: {exc}") from None
    return LiveResult("PubMed", "database", query, date.today(), hits, tuple(records),
                      payload, "nbib")  # fmt: skip


# ---- records as CSV (for services without an export format) -------------------------------

CSV_COLUMNS = ("record_id", "title", "authors", "year", "journal", "volume", "issue", "pages",
               "doi", "pmid", "abstract", "url")  # fmt: skip


def records_csv(records: list[Citation]) -> str:
    """The records as a CSV that :func:`sysreview.records.read_file` reads back."""
    import csv
    import io

    from sysreview.cells import safe_row

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        writer.writerow(safe_row([r.record_id or "", r.title or "", "; ".join(r.authors),
                                  r.year or "", r.journal or "", r.volume or "", r.issue or "",
                                  r.pages or "", r.doi or "", r.pmid or "", r.abstract or "",
                                  r.url or ""]))  # fmt: skip
    return out.getvalue()


# ---- Europe PMC ----------------------------------------------------------------------------

EUROPEPMC = "https://www.ebi.ac.uk/europepmc/webservices/rest/search"


def europe_pmc(
    client: ApiClient, query: str, *, limit: int = 10_000, progress: Progress | None = None
) -> LiveResult:
    """Search Europe PMC (cursor paging, core results with abstracts)."""
    cursor, hits = "*", 0
    records: list[Citation] = []
    while len(records) < limit:
        page = Answer.of(client.get(
            "europepmc",
            EUROPEPMC,
            {"query": query, "format": "json", "resultType": "core", "cursorMark": cursor,
             "pageSize": min(1000, limit - len(records))},
        ), "Europe PMC")  # fmt: skip
        hits = page.number("hitCount") or 0
        items = page.node("resultList").nodes("result")
        records += [europepmc_citation(it, len(records) + i + 1) for i, it in enumerate(items)]
        _progress(progress, len(records), min(hits, limit))
        following = page.text("nextCursorMark")
        if not items or not following or following == cursor:
            break
        cursor = following
    return LiveResult("Europe PMC", "database", query, date.today(), hits, tuple(records),
                      records_csv(records), "csv")  # fmt: skip


# ---- ClinicalTrials.gov ---------------------------------------------------------------------

CTGOV = "https://clinicaltrials.gov/api/v2/studies"


def clinicaltrials_gov(
    client: ApiClient, query: str, *, limit: int = 10_000, progress: Progress | None = None
) -> LiveResult:
    """Search ClinicalTrials.gov (API v2, ``query.term``); the payload is API v2 JSON."""
    from sysreview.records.registers import read_ctgov_json

    studies: list[Any] = []
    token: str | None = None
    hits = 0
    while len(studies) < limit:
        params: dict[str, Any] = {"query.term": query, "pageSize": min(1000, limit - len(studies)),
                                  "countTotal": "true", "format": "json"}  # fmt: skip
        if token:
            params["pageToken"] = token
        page = Answer.of(client.get("ctgov", CTGOV, params), "ClinicalTrials.gov")
        hits = page.number("totalCount") or hits
        studies += [study.data for study in page.nodes("studies")]
        _progress(progress, len(studies), min(hits, limit) if hits else len(studies))
        token = page.text("nextPageToken")
        if not token:
            break
    payload = json.dumps({"studies": studies}, ensure_ascii=False, indent=1)
    try:
        records, _ = read_ctgov_json(payload, source="ClinicalTrials.gov")
    except InputError as exc:
        raise LiveSearchError(f"ClinicalTrials.gov: unexpected answer: {exc}") from None
    return LiveResult("ClinicalTrials.gov", "register", query, date.today(), hits or len(studies),
                      tuple(records), payload, "json")  # fmt: skip


# ---- OpenAlex citations ---------------------------------------------------------------------

OPENALEX = "https://api.openalex.org"


def _openalex_params(client: ApiClient, **params: Any) -> dict[str, Any]:
    return {**params, **({"mailto": client.email} if client.email else {})}


def _openalex_id(client: ApiClient, doi: str) -> tuple[str, list[str]]:
    cleaned = clean_doi(doi)
    if cleaned is None:
        raise LiveSearchError(f"OpenAlex: {doi!r} is not a DOI")
    work = Answer.of(
        client.get("openalex", f"{OPENALEX}/works/doi:{cleaned}", _openalex_params(client)),
        "OpenAlex",
    )
    ident = work.text("id")
    if not ident:
        raise LiveSearchError(f"OpenAlex: unexpected answer: no id for {cleaned}")
    return ident.rsplit("/", 1)[-1], [w.rsplit("/", 1)[-1] for w in work.texts("referenced_works")]


def _openalex_pages(client: ApiClient, filter_: str, progress: Progress | None) -> Iterator[Answer]:
    cursor: str | None = "*"
    seen = 0
    while cursor:
        page = Answer.of(client.get(
            "openalex",
            f"{OPENALEX}/works",
            _openalex_params(client, filter=filter_, cursor=cursor, **{"per-page": 200}),
        ), "OpenAlex")  # fmt: skip
        results = page.nodes("results")
        seen += len(results)
        _progress(progress, seen, page.node("meta").number("count") or seen)
        yield from results
        cursor = page.node("meta").text("next_cursor") if results else None


def citations(
    client: ApiClient, dois: list[str], *, direction: str, progress: Progress | None = None
) -> LiveResult:
    """Citation search in OpenAlex for the included studies' DOIs.

    Forward (``"forward"``: works citing them) or backward (``"backward"``: their
    references).

    Raises
    ------
    LiveSearchError
        For an unknown direction, a DOI OpenAlex does not know, or a failed request.
    """
    if direction not in ("forward", "backward"):
        raise LiveSearchError(f"direction must be forward or backward, not {direction!r}")
    works: dict[str, Answer] = {}
    for doi in dois:
        work_id, references = _openalex_id(client, doi)
        if direction == "forward":
            for work in _openalex_pages(client, f"cites:{work_id}", progress):
                works.setdefault(work.text("id") or str(len(works)), work)
        else:
            for start in range(0, len(references), 50):  # OpenAlex: up to 50 ids per filter
                chunk = "|".join(references[start : start + 50])
                for work in _openalex_pages(client, f"openalex:{chunk}", progress):
                    works.setdefault(work.text("id") or str(len(works)), work)
    records = [openalex_citation(w, i) for i, w in enumerate(works.values(), start=1)]
    what = "citing" if direction == "forward" else "cited by"
    query = f"OpenAlex works {what} " + ", ".join(dois)
    return LiveResult(f"OpenAlex ({direction} citations)", "other", query, date.today(),
                      len(records), tuple(records), records_csv(records), "csv")  # fmt: skip


# ---- Crossref -------------------------------------------------------------------------------

CROSSREF = "https://api.crossref.org/works"


def crossref(client: ApiClient, dois: list[str]) -> LiveResult:
    """Look DOIs up in Crossref (a fallback when a record lacks fields)."""
    records: list[Citation] = []
    for doi in dois:
        cleaned = clean_doi(doi)
        if cleaned is None:
            raise LiveSearchError(f"Crossref: {doi!r} is not a DOI")
        answer = Answer.of(client.get("crossref", f"{CROSSREF}/{cleaned}", {}), "Crossref")
        records.append(crossref_citation(answer.node("message"), len(records) + 1))
    return LiveResult("Crossref", "other", "DOIs: " + ", ".join(dois), date.today(),
                      len(records), tuple(records), records_csv(records), "csv")  # fmt: skip


SOURCES = ("pubmed", "europepmc", "ctgov", "openalex-forward", "openalex-backward", "crossref")
"""The live sources by name, as ``searches/live.toml`` and the CLI name them."""


__all__ = [
    "SOURCES",
    "ApiClient",
    "LiveResult",
    "LiveSearchError",
    "citations",
    "clinicaltrials_gov",
    "crossref",
    "europe_pmc",
    "pubmed",
    "records_csv",
]
