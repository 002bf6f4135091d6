"""Scale machinery: streamed blocking, chunked scoring, vectorised groups, synthetic sets."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import numpy as np
import pandas as pd
import pytest

import sysreview.dedup.engine as engine
from sysreview.dedup import find_duplicates
from sysreview.dedup.blocking import (
    BLOCKING_KEYS,
    candidate_pairs,
    iter_candidate_pairs,
    key_blocks,
    key_codes,
)
from sysreview.dedup.groups import connected_groups
from sysreview.dedup.scoring import prepare
from sysreview.records.model import Citation
from tests.unit.dedup.synthetic import GROUP_SIZES, pair_confusion, synthetic_set

REAL = [
    Citation(
        1,
        record_id="a",
        title="Aspirin after ischaemic stroke: a randomised controlled trial",
        authors=("Smith, John A.", "Jones, B."),
        year=2001,
        journal="Stroke",
        volume="32",
        pages="123-30",
        doi="10.1161/01.str.32.4.123",
    ),
    Citation(
        2,
        record_id="b",
        title="Statins for the primary prevention of cardiovascular disease in older adults",
        authors=("Taylor, F.", "Huffman, M. D.", "Ebrahim, S."),
        year=2013,
        journal="Cochrane Database of Systematic Reviews",
        pages="CD004816",
    ),
    Citation(
        3,
        record_id="c",
        title="Peer support for people recovering from severe mental illness",
        authors=("Lee, K.", "Wang, Y."),
        year=2019,
        journal="Journal of the American Medical Association",
        volume="321",
        pages="1001-1010",
        doi="10.1001/jama.2019.1",
    ),
    Citation(
        4,
        record_id="d",
        title="Exercise training for chronic heart failure: systematic review of trials",
        authors=("Garcia, M.", "Okafor, C. N."),
        year=2008,
        journal="British Medical Journal",
        volume="336",
        pages="77-81",
    ),
    Citation(
        5,
        record_id="e",
        title="Cognitive behavioural therapy for insomnia in primary care patients",
        authors=("Nguyen, T.", "Schmidt, H."),
        year=2016,
        journal="Annals of Internal Medicine",
        volume="165",
        pages="205-213",
        doi="10.7326/m15-1234",
    ),
]


@pytest.fixture(scope="module")
def data() -> tuple[list[Citation], np.ndarray]:
    made = synthetic_set(REAL, list(range(len(REAL))), 400, seed=3)
    return made.citations, made.labels


def test_chunked_streaming_gives_the_same_result(
    data: tuple[list[Citation], np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    citations = data[0]
    whole = find_duplicates(citations)
    monkeypatch.setattr(engine, "CHUNK_PAIRS", 50)
    monkeypatch.setattr(engine, "CHUNK_RECORDS", 13)
    stages: list[tuple[str, float]] = []
    chunked = find_duplicates(citations, progress=lambda s, f: stages.append((s, f)))
    assert whole.links and chunked.links == whole.links
    assert chunked.uncertain == whole.uncertain
    assert chunked.rule_counts == whole.rule_counts
    assert chunked.n_candidates == whole.n_candidates == sum(whole.rule_counts.values())
    assert all(type(v) is int for v in whole.rule_counts.values())
    score = [f for s, f in stages if s == "score"]
    assert len(score) > 3 and score == sorted(score) and score[-1] == 1.0
    assert [s for s, _ in stages if s == "normalise"].count("normalise") > 3


def test_links_are_ordered_and_found_once(data: tuple[list[Citation], np.ndarray]) -> None:
    result = find_duplicates(data[0])
    pairs = [(x.record_a, x.record_b) for x in (*result.links, *result.uncertain)]
    assert len(set(pairs)) == len(pairs)
    assert all(a < b for a, b in pairs)
    assert [(x.record_a, x.record_b) for x in result.links] == sorted(
        (x.record_a, x.record_b) for x in result.links
    )


def _brute_force(keys: pd.DataFrame, cap: int) -> set[tuple[int, int]]:
    found = set()
    for name in keys.columns:
        identifier = BLOCKING_KEYS.get(name, (None, False))[1]
        sizes = Counter(keys[name])
        for a, b in itertools.combinations(range(len(keys)), 2):
            key = keys[name].iloc[a]
            if key and key == keys[name].iloc[b] and (identifier or sizes[key] <= cap):
                found.add((a, b))
    return found


def test_streamed_pairs_are_the_union_over_keys_each_once() -> None:
    rng = random.Random(5)
    keys = pd.DataFrame(
        {
            name: [rng.choice(["", "x", "y", "z", "w"]) for _ in range(60)]
            for name in ("doi", "title_prefix", "author_year", "volume_page")
        }
    )
    expected = _brute_force(keys, cap=14)
    codes = key_codes_from(keys)
    streamed = [
        (a, b)
        for lo, hi, _ in iter_candidate_pairs(key_blocks(codes, 14), chunk=3)
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True)
    ]
    assert len(streamed) == len(set(streamed))
    assert set(streamed) == expected
    i, j = candidate_pairs(keys, max_block_size=14)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == sorted(expected)


def key_codes_from(keys: pd.DataFrame) -> dict[str, np.ndarray]:
    return {
        str(name): np.asarray(pd.factorize(keys[name].where(keys[name] != "", None))[0])
        for name in keys.columns
    }


def test_key_codes_mark_missing_keys() -> None:
    frame = prepare([Citation(1, title="Aspirin after stroke in adults"), Citation(2)])
    codes = key_codes(frame)
    assert set(codes) == set(BLOCKING_KEYS)
    assert codes["title_prefix"].tolist() == [0, -1]
    assert codes["doi"].tolist() == [-1, -1]


def test_connected_groups_match_a_reference() -> None:
    rng = random.Random(2)
    n = 200
    pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(120)]
    labels = connected_groups(n, pairs)
    for a, b in pairs:
        assert labels[a] == labels[b]
    # each label is the smallest member of its group, and groups are not over-merged
    for label in set(labels.tolist()):
        members = np.flatnonzero(labels == label)
        assert members.min() == label
    reached = {0}
    frontier = [0]
    while frontier:
        x = frontier.pop()
        for a, b in pairs:
            for u, v in ((a, b), (b, a)):
                if u == x and v not in reached:
                    reached.add(v)
                    frontier.append(v)
    assert set(np.flatnonzero(labels == labels[0]).tolist()) == reached


def test_synthetic_ground_truth(data: tuple[list[Citation], np.ndarray]) -> None:
    citations, labels = data
    assert len(citations) == len(labels) == 400
    assert labels[: len(REAL)].tolist() == list(range(len(REAL)))
    sizes = Counter(labels.tolist())
    assert set(sizes.values()) <= set(GROUP_SIZES)
    by_label: dict[int, list[Citation]] = {}
    for c, label in zip(citations, labels.tolist(), strict=True):
        by_label.setdefault(label, []).append(c)
    for members in by_label.values():
        # copies of one paper keep its year, volume and publication type
        assert len({(c.year, c.volume, c.publication_type) for c in members}) == 1
        assert len({c.doi for c in members if c.doi}) <= 1
    firsts = [m[0] for m in by_label.values()]
    dois = [c.doi for c in firsts if c.doi]
    assert len(dois) == len(set(dois))
    titles = [c.title for c in firsts]
    assert len(set(titles)) == len(titles)
    assert len({c.record_id for c in citations}) == len(citations)
    # about 35% of the synthetic records are duplicates
    synthetic = labels[len(REAL) :]
    share = 1 - len(np.unique(synthetic)) / len(synthetic)
    assert 0.25 < share < 0.45


def test_engine_against_synthetic_truth(data: tuple[list[Citation], np.ndarray]) -> None:
    citations, labels = data
    counts = pair_confusion(labels, find_duplicates(citations).labels)
    assert counts.fp == 0
    assert counts.recall > 0.9
