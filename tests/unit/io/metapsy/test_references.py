"""Citations from a Metapsy ``references.json`` (``metapsy_references``)."""

from __future__ import annotations

import pytest

from sysreview.errors import InputError
from sysreview.io.metapsy.references import references_from_metapsy


def test_references_are_repaired_and_whitespace_collapsed() -> None:
    refs = references_from_metapsy({"Boevink, 2016": "A  user-developed  programme."})
    assert refs == {"Boevink, 2016": "A user-developed programme."}
    with pytest.raises(InputError, match="must be non-empty text"):
        references_from_metapsy({"X, 2000": ""})
