"""The Metapsy mapping (``io.metapsy.mapping``): checked against the protocol, located by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.io.metapsy import read_metapsy_dataset
from sysreview.io.metapsy.convert import convert_metapsy
from sysreview.io.metapsy.mapping import OutcomeRule, read_mapping
from sysreview.protocol import ProtocolError
from tests.unit.io.metapsy.helpers import DATA_FILE, DEMO, MAPPING_FILE, Demo, with_rules


def test_mapping_must_match_the_protocol(demo: Demo) -> None:
    bad = with_rules(demo, OutcomeRule("A, 2020", "BDI", "depression", "BDI-II"))
    with pytest.raises(
        InputError,
        match=r"outcomes\[0\]\.measure = 'BDI-II': is not declared in domain 'depression'",
    ):
        convert_metapsy(demo.read.data, demo.protocol, mapping=bad)


def test_mapping_mistakes_are_located_by_line(demo: Demo, tmp_path: Path) -> None:
    text = MAPPING_FILE.read_text(encoding="utf-8")
    broken = (
        text.replace('measure = "HSCL-25"', "measure = 25", 1)
        .replace('column = "format"', 'colum = "format"', 1)
        .replace('databases = "PubMed', 'database = "PubMed', 1)
    )
    with pytest.raises(ProtocolError) as err:
        read_mapping(broken, "mapping.toml")
    lines = text.splitlines()
    hscl = lines.index('measure = "HSCL-25"') + 1
    messages = str(err.value).splitlines()
    assert f"mapping.toml, line {hscl}: outcomes[12].measure = 25: must be a string" in messages
    assert any(m.endswith("selection.column: required key is missing") for m in messages)
    assert any("dataset.database: unknown key" in m for m in messages)
    # a measure the protocol does not declare, found when the file is read, with its line
    (tmp_path / "mapping.toml").write_text(text.replace('"RAS (mean item score)"', '"RAS"'))
    with pytest.raises(ProtocolError, match=r"line \d+: outcomes\[14\]\.measure = 'RAS': is not"):
        read_metapsy_dataset(DATA_FILE, demo.protocol, tmp_path / "mapping.toml")


def test_dataset_paths_are_relative_to_the_mapping_file() -> None:
    mapping = read_mapping(MAPPING_FILE.read_text(encoding="utf-8"), "m.toml", DEMO)
    assert mapping.dataset.references == DEMO / "data" / "references.json"
    assert mapping.dataset.search_flow == DEMO / "data" / "search_flow.json"
    assert mapping.dataset.databases.startswith("PubMed, Embase, PsycINFO")
