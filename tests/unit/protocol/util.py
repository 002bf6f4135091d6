"""Helpers for the protocol tests: edit a template, collect problems, find a line."""

from __future__ import annotations

import pytest

from sysreview.protocol import Problem, ProtocolError, parse_protocol, template_text

SEED = template_text("group-peer-support")
BLANK = template_text("blank")


def edit(text: str, old: str, new: str) -> str:
    """Replace the single occurrence of ``old`` (fails if it is absent or repeated)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def problems(text: str) -> tuple[Problem, ...]:
    """The problems reported for ``text`` (fails if it loads)."""
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text)
    return info.value.problems


def only_problem(text: str) -> Problem:
    """The single problem reported for ``text``."""
    found = problems(text)
    assert len(found) == 1, "\n".join(p.format() for p in found)
    return found[0]


def line_with(text: str, needle: str) -> int:
    """1-based number of the one line containing ``needle`` (found by plain search)."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}"
    return hits[0]


def assign(obj: object, name: str, value: object) -> None:
    """``obj.name = value``, for tests that mutation of a frozen model is refused."""
    setattr(obj, name, value)
