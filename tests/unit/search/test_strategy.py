"""Strategies as data: validation with line numbers, the combination grammar, versions."""

from __future__ import annotations

import pytest

from sysreview.protocol.errors import ProtocolError
from sysreview.search import parse_combination, parse_strategy

GOOD = """name = "s"
combine = "a AND b"

[[blocks]]
name = "a"
terms = [{ text = "peer" }]

[[blocks]]
name = "b"
filter = "cochrane_hsss_sensitivity"
"""


def test_combination_precedence_and_errors() -> None:
    node = parse_combination("a OR b AND c")
    assert node.op == "OR"
    assert node.right is not None and node.right.op == "AND"
    assert list(parse_combination("(a OR b) NOT c").blocks()) == ["a", "b", "c"]
    for bad, message in [
        ("a AND", "the expression ends too early"),
        ("a AND (b", "the expression ends too early"),
        ("a b", "unexpected 'b' after a complete expression"),
        ("AND a", "expected a block name, found 'AND'"),
        ("a & b", "unexpected '& b' at character 3"),
    ]:
        with pytest.raises(ValueError, match=message.replace("(", r"\(")):
            parse_combination(bad)


def test_every_mistake_is_reported_with_its_line() -> None:
    text = GOOD.replace('{ text = "peer" }', '{ text = "peer", near = ["x", "y"] }').replace(
        '"cochrane_hsss_sensitivity"', '"hsss"'
    )
    with pytest.raises(ProtocolError) as caught:
        parse_strategy(text, source="searches/s.toml")
    assert str(caught.value).splitlines() == [
        "searches/s.toml, line 6: blocks[0].terms[0].text: give exactly one of text, near or "
        "heading (got text, near)",
        "searches/s.toml, line 10: blocks[1].filter[0] = 'hsss': unknown filter; the standard "
        "filters are cochrane_hsss_sensitivity, cochrane_hsss_precision, royle_waugh_brss, "
        "cooper_p3, psycinfo_treatment_sensitivity, embase_treatment_sensitivity",
    ]
    with pytest.raises(ProtocolError) as caught:
        parse_strategy(GOOD.replace('"a AND b"', '"a AND c"'), source="s.toml")
    assert str(caught.value) == (
        "s.toml, line 2: combine = 'a AND c': names unknown block 'c'; the blocks are a, b"
    )


def test_terms_are_checked() -> None:
    bad = GOOD.replace('{ text = "peer" }', '{ near = ["peer support", "x*"], distance = 0 }')
    with pytest.raises(ProtocolError) as caught:
        parse_strategy(bad)
    shown = str(caught.value)
    assert "must be a single word (truncation with * allowed)" in shown
    assert "must be 1-99" in shown


def test_version_changes_with_content_only() -> None:
    one = parse_strategy(GOOD)
    assert parse_strategy("# a comment\n" + GOOD).version == one.version
    assert parse_strategy(GOOD.replace('"peer"', '"peers"')).version != one.version
