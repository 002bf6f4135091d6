"""Fuzzing the parsing of live-search answers (stored answers, mutated): each search
returns a result whose records are clean and whose payload can be saved and imported,
or raises a SysreviewError (a LiveSearchError naming the service)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.errors import SysreviewError
from sysreview.search import live
from tests.fuzz.strategies import FUZZ, JSON_VALUE, RAW_JSON, assert_clean, deep_json, mutated
from tests.fuzz.strategies import to_json as encode

LIVE = Path(__file__).resolve().parents[1] / "fixtures" / "live"


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, sub in value.items():
            found += _paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            found += _paths(sub, (*prefix, index))
    return found


@st.composite
def answer(draw: st.DrawFn, name: str) -> str:
    """A stored answer with 1-3 nodes replaced by odd JSON values, or its bytes mutated."""
    text = (LIVE / name).read_text(encoding="utf-8")
    if draw(st.integers(0, 3)) == 0:
        return draw(mutated(text.encode())).decode("utf-8", errors="replace")
    tree = json.loads(text)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(tree)))
        value = draw(st.one_of(JSON_VALUE, RAW_JSON, deep_json()))
        if not path:
            tree = value
            continue
        node = tree
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        if not isinstance(tree, dict | list):
            break
    return encode(tree)


SEARCHES: dict[str, tuple[Callable[[live.ApiClient], live.LiveResult], tuple[str, ...]]] = {
    "europepmc": (lambda c: live.europe_pmc(c, "q", limit=5), ("europepmc_1.json",)),
    "ctgov": (lambda c: live.clinicaltrials_gov(c, "q", limit=5), ("ctgov_1.json",)),
    "openalex": (
        lambda c: live.citations(c, ["10.5555/x"], direction="forward"),
        ("openalex_work.json", "openalex_cites.json"),
    ),
    "crossref": (lambda c: live.crossref(c, ["10.5555/x"]), ("crossref_work.json",)),
    "pubmed": (lambda c: live.pubmed(c, "q", limit=5), ("pubmed_esearch.json",)),
}


@pytest.mark.parametrize("service", sorted(SEARCHES))
@FUZZ
@given(data=st.data())
def test_mutated_answers(service: str, data: st.DataObject) -> None:
    search, names = SEARCHES[service]
    bodies = {name: data.draw(answer(name)) for name in names}
    efetch = (LIVE / "pubmed_efetch_1.txt").read_text(encoding="utf-8")

    def respond(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("efetch.fcgi"):
            return httpx.Response(200, text=efetch)
        if "/works/doi:" in path:
            return httpx.Response(200, text=bodies["openalex_work.json"])
        if request.url.params.get("cursor", "*") != "*" or request.url.params.get("pageToken"):
            return httpx.Response(200, text='{"results": [], "studies": []}')
        return httpx.Response(200, text=next(iter(bodies.values())) if len(bodies) == 1 else (
            bodies["openalex_cites.json"]))  # fmt: skip

    client = live.ApiClient(transport=httpx.MockTransport(respond), sleep=lambda _: None)
    try:
        result = search(client)
    except SysreviewError as exc:
        assert "\n" not in str(exc)
        return
    finally:
        client.close()
    for record in result.records:
        assert_clean(record)
    result.payload.encode("utf-8")  # the payload can be saved
