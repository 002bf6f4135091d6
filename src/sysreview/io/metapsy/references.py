"""Full citations from a Metapsy dataset's ``references.json``, keyed by study label.

:func:`references_from_metapsy` repairs mojibake in labels and citations (so a label joins
its study, whose label the reader repairs the same way) and collapses whitespace. Pure: it
takes the parsed JSON or its text; no files, no printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sysreview.errors import InputError
from sysreview.records.jsontext import parse_json
from sysreview.text import repair_mojibake

__all__ = ["references_from_metapsy"]


def references_from_metapsy(
    references: Mapping[str, Any] | str, *, source: str = "references.json"
) -> dict[str, str]:
    """``{study label: citation}`` from a Metapsy ``references.json`` (parsed, or its text).

    Labels and citations are repaired (mojibake) and their whitespace collapsed; the
    citation text is otherwise kept as given.

    Examples
    --------
    >>> references_from_metapsy('{"RÃ¼sch, 2014": "RÃ¼sch, N.  (2014). Title."}')
    {'Rüsch, 2014': 'Rüsch, N. (2014). Title.'}
    """
    if isinstance(references, str):
        references = parse_json(references, source)
    if not isinstance(references, Mapping):
        raise InputError("references must be a JSON object {study: citation}", source=source)
    out: dict[str, str] = {}
    for key, value in references.items():
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{key!r}: the citation must be non-empty text", source=source)
        label = " ".join(repair_mojibake(str(key)).split())
        out[label] = " ".join(repair_mojibake(value).split())
    return out
