"""Every TOML file sysreview reads (protocol, imports, live searches, strategies) goes
through ``toml_loads``: what tomllib would end in a traceback is a located error."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.project.analysing.running import read_imports
from sysreview.project.importing.updates import live_searches
from sysreview.protocol import ProtocolError, parse_protocol
from sysreview.protocol.loader import toml_loads
from sysreview.search.strategy import parse_strategy

DEEP = "a = 1\nx = " + "[" * 3000 + "]" * 3000 + "\n"
HUGE = "a = 1\nn = " + "9" * 5000 + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (DEEP, "arrays or tables nested more than 32 levels deep (at line 2, column 37)"),
        ("x = " + "{a=" * 40 + "1" + "}" * 40, "nested more than 32 levels deep (at line 1"),
        (HUGE, "a number with over 4,300 digits (at line 2, column 5)"),
        ('a = 1\ntitle = "x\ud800"', "a lone surrogate (at line 2, column 11)"),
    ],
)
def test_toml_loads_locates_what_tomllib_cannot_read(text: str, message: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        toml_loads(text)
    assert message in str(info.value)


def test_the_protocol_names_line_and_column() -> None:
    with pytest.raises(ProtocolError) as info:
        parse_protocol(HUGE, "review.toml")
    assert str(info.value) == (
        "review.toml, line 2, column 5: invalid TOML: a number with over 4,300 digits"
    )


def test_other_toml_files_answer_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "imports.toml").write_text(DEEP, encoding="utf-8")
    with pytest.raises(InputError, match=r"imports\.toml: not valid TOML: arrays or tables"):
        read_imports(tmp_path)
    (tmp_path / "searches").mkdir()
    (tmp_path / "searches" / "live.toml").write_text(HUGE, encoding="utf-8")
    with pytest.raises(InputError, match=r"live\.toml: invalid TOML: a number with over 4,300"):
        live_searches(tmp_path)
    with pytest.raises(ProtocolError, match=r"s\.toml: invalid TOML: arrays or tables nested"):
        parse_strategy(DEEP, "s.toml")
