"""The locator maps key paths to lines, through arrays of tables, inline tables and strings."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from sysreview.protocol.locate import key_lines, line_of

TRICKY = '''\
# [not.a.table] = "in a comment"
title = "a [b] = c"   # 2
"quoted.key" = 1
a.b.c = 2
text = """
[fake]
x = "\\"""
"""
lit = \'\'\'it's ]\'\'\'
[t]
arr = [
  1, # comment ]
  [2, 3],
  { k = "}" },
]
[[t.list]]
name = "x"
[[t.list.sub]]
v = 1
[[t.list]]
[[t.list.sub]]
[[t.list.sub]]
v = 2
[ t . "sp ace" ]
k = { inner = { deep = 1 } }
'''


def test_tricky_document() -> None:
    tomllib.loads(TRICKY)  # the fixture itself is valid TOML
    lines = key_lines(TRICKY)
    expected = {
        ("title",): 2,
        ("quoted.key",): 3,
        ("a",): 4,
        ("a", "b", "c"): 4,
        ("text",): 5,
        ("lit",): 9,
        ("t",): 10,
        ("t", "arr"): 11,
        ("t", "arr", 0): 12,
        ("t", "arr", 1): 13,
        ("t", "arr", 1, 1): 13,
        ("t", "arr", 2, "k"): 14,
        ("t", "list"): 16,
        ("t", "list", 0): 16,
        ("t", "list", 0, "name"): 17,
        ("t", "list", 0, "sub", 0): 18,
        ("t", "list", 0, "sub", 0, "v"): 19,
        ("t", "list", 1): 20,
        ("t", "list", 1, "sub", 0): 21,
        ("t", "list", 1, "sub", 1): 22,
        ("t", "list", 1, "sub", 1, "v"): 23,
        ("t", "sp ace"): 24,
        ("t", "sp ace", "k", "inner", "deep"): 25,
    }
    assert {loc: lines.get(loc) for loc in expected} == expected
    assert ("fake",) not in lines and ("not",) not in lines


def test_fallback_to_enclosing_table() -> None:
    lines = key_lines(TRICKY)
    assert line_of(lines, ("t", "list", 1, "sub", 0, "missing")) == 21
    assert line_of(lines, ("t", "list", 1, "absent", 3)) == 20
    assert line_of(lines, ("nowhere",)) is None


def test_later_super_table_header_is_its_line() -> None:
    lines = key_lines("[a.b]\nx = 1\n[a]\ny = 2\n")
    assert (lines["a",], lines["a", "b"], lines["a", "y"]) == (3, 1, 4)


@given(
    st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=5),
    st.lists(st.sampled_from(["", "# note", "   "]), min_size=1, max_size=4),
)
def test_arrays_of_tables_count_per_parent(domains: list[int], fillers: list[str]) -> None:
    out: list[str] = []
    want: dict[tuple[str | int, ...], int] = {}

    def emit(line: str) -> int:
        out.append(fillers[len(out) % len(fillers)])
        out.append(line)
        return len(out)

    for g, n in enumerate(domains):
        want["groups", g] = emit("[[groups]]")
        want["groups", g, "name"] = emit(f'name = "g{g}"')
        for d in range(n):
            want["groups", g, "domains", d] = emit("[[groups.domains]]")
            want["groups", g, "domains", d, "name"] = emit(f'name = "d{g}_{d}"')
    text = "\n".join(out) + "\n"
    data = tomllib.loads(text)
    assert [len(g.get("domains", [])) for g in data["groups"]] == domains
    lines = key_lines(text)
    assert {loc: lines[loc] for loc in want} == want
