"""Citations from a Metapsy ``references.json`` (``io.metapsy.references``)."""

from __future__ import annotations

import pytest

from sysreview.errors import InputError
from sysreview.io.metapsy.references import references_from_metapsy


def test_references_are_repaired_and_whitespace_collapsed() -> None:
    refs = references_from_metapsy(
        {"Boevink, 2016": "A  user-developed  programme.", "RÃ¼sch, 2014": "RÃ¼sch, N. (2014)."}
    )
    assert refs == {
        "Boevink, 2016": "A user-developed programme.",
        "Rüsch, 2014": "Rüsch, N. (2014).",
    }
    with pytest.raises(InputError, match=r"refs\.json, line 1"):
        references_from_metapsy('{"A": ', source="refs.json")
    with pytest.raises(InputError, match="must be non-empty text"):
        references_from_metapsy({"X, 2000": ""})
