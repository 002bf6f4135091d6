"""The Metapsy mapping (``metapsy_mapping``): checked against the protocol, located by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.io.metapsy.convert import convert_metapsy
from sysreview.io.metapsy.mapping import OutcomeRule
from sysreview.project.demo import MAPPING_FILE, DemoInputs, load_demo, read_mapping
from sysreview.protocol import ProtocolError
from tests.unit.io.metapsy.helpers import DEMO, with_rules


def test_mapping_must_match_the_protocol(demo: DemoInputs) -> None:
    bad = with_rules(demo, OutcomeRule("A, 2020", "BDI", "depression", "BDI-II"))
    with pytest.raises(
        InputError,
        match=r"outcomes\[0\]\.measure = 'BDI-II': is not declared in domain 'depression'",
    ):
        convert_metapsy(demo.metapsy, demo.protocol, mapping=bad)


def test_mapping_mistakes_are_located_by_line(demo: DemoInputs, tmp_path: Path) -> None:
    text = (DEMO / MAPPING_FILE).read_text(encoding="utf-8")
    broken = text.replace('measure = "HSCL-25"', "measure = 25", 1).replace(
        'column = "format"', 'colum = "format"', 1
    )
    with pytest.raises(ProtocolError) as err:
        read_mapping(broken, "mapping.toml")
    lines = text.splitlines()
    hscl = lines.index('measure = "HSCL-25"') + 1
    messages = str(err.value).splitlines()
    assert f"mapping.toml, line {hscl}: outcomes[12].measure = 25: must be a string" in messages
    assert any(m.endswith("selection.column: required key is missing") for m in messages)
    # a measure the protocol does not declare, found by load_demo with its line
    for name in ("review.toml", "data"):
        target = tmp_path / name
        source = DEMO / name
        if source.is_dir():
            target.mkdir()
            for f in source.iterdir():
                (target / f.name).write_bytes(f.read_bytes())
        else:
            target.write_bytes(source.read_bytes())
    (tmp_path / MAPPING_FILE).write_text(text.replace('"RAS (mean item score)"', '"RAS"'))
    with pytest.raises(ProtocolError, match=r"line \d+: outcomes\[14\]\.measure = 'RAS': is not"):
        load_demo(tmp_path)
