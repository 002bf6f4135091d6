"""The RevMan 5 writer: every golden file read, written and read back is the same review.

The golden files are RevMan's own (../shared/golden/revman/); the comparison is the
reader's whole :class:`~sysreview.revman.Review` (settings, every study row's data and
RevMan's stored results, subgroups, tests), so a number written with less than full
precision or a setting dropped fails the test.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from sysreview.io.revman_rob import parse_quality_items, rob1_items, rob1_rows
from sysreview.io.revman_write import rm5_bytes
from sysreview.revman import Review, parse_rm5, read_rm5
from tests.conftest import shared_path


def differences(a: object, b: object, where: str = "review") -> list[str]:
    """Where two readings differ, NaN equal to NaN (RevMan writes NaN for results it
    could not compute) and nothing else loosened."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type) and type(a) is type(b):
        return [
            d
            for f in dataclasses.fields(a)
            for d in differences(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
        ]
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items, {len(b)} back"]
        pairs = enumerate(zip(a, b, strict=True))
        return [d for i, (x, y) in pairs for d in differences(x, y, f"{where}[{i}]")]
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return []
    return [] if a == b and type(a) is type(b) else [f"{where}: {a!r} != {b!r}"]


GOLDEN = sorted(p.name for p in shared_path("golden", "revman").glob("*.rm5"))


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_round_trip(name: str) -> None:
    path = shared_path("golden", "revman") / name
    review = read_rm5(path)
    items = parse_quality_items(SafeET.fromstring(path.read_bytes()))
    written = rm5_bytes(review, quality=items)
    back = parse_rm5(written, source=str(path))
    assert differences(review, back) == []
    assert parse_quality_items(SafeET.fromstring(written)) == items


def test_rob_judgements_round_trip() -> None:
    """RoB 1 judgements read from RevMan, written as the standard items, read again."""
    path = shared_path("golden", "revman") / "antibiotics-for-sore-throat.rm5"
    review = read_rm5(path)
    rows, _ = rob1_rows(
        parse_quality_items(SafeET.fromstring(path.read_bytes())),
        review.study_names,
        source=path.name,
    )
    assert rows, "the file holds RoB 1 judgements"
    ids = {name: ident for ident, name in review.study_names.items()}
    judged = [
        (ids[r.study], {d: (j, r.support.get(d, "")) for d, j in r.judgements.items()})
        for r in rows
    ]
    written = rm5_bytes(review, quality=rob1_items(judged))
    again, skipped = rob1_rows(
        parse_quality_items(SafeET.fromstring(written)), review.study_names, source="x"
    )
    assert skipped == ()
    assert [(r.study, dict(r.judgements)) for r in again] == [
        (r.study, dict(r.judgements)) for r in rows
    ]


def test_unsafe_text_is_left_out_and_escaped() -> None:
    review = Review("A <b>&\x07 review", "a.rm5", (), {"STD-A": "A & B\x1b[31m 2001"})
    back = parse_rm5(rm5_bytes(review), source="a.rm5")
    assert back.title == "A <b>& review"
    assert back.study_names == {"STD-A": "A & B[31m 2001"}


def test_not_written_to_disk(tmp_path: Path) -> None:
    """The writer is pure: it returns bytes and touches no file."""
    before = set(tmp_path.iterdir())
    assert rm5_bytes(Review("t", "a.rm5", (), {})).startswith(b"<?xml")
    assert set(tmp_path.iterdir()) == before
