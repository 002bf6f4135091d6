"""PRISMA 2020 counts from another source, written out as a TOML file of the diagram's boxes.

For identification and screening a review did not do in the project (an earlier search
and screening in another tool, or by another team), the counts that source reports::

    source = "Search and screening in Covidence, 2023-01 to 2023-06 (PRISMA export)"
    note = "exported 2023-06-30"              # optional

    [counts]
    records_databases = 1200
    records_screened = 1010
    records_excluded = 950
    reports_sought = 60
    reports_assessed = 58
    reports_not_retrieved = 2
    reports_excluded = 50
    reports_included = 8
    studies_included = 7

    [counts.records_databases_by_source]
    MEDLINE = 700
    Embase = 500

    [counts.reports_excluded_by_reason]
    "Wrong population" = 30
    "Not randomised" = 20

Box names are those of :class:`~sysreview.prisma.PrismaCounts` (``records_registers``,
``records_other_methods``, ``duplicates_removed``, ``removed_by_automation``,
``removed_other_reasons`` ...); a box not given is 0, and the boxes must balance
(:func:`sysreview.prisma.counts_from_dict`). For an update of a review, the studies and
reports the previous version included are counts from another source too (withdrawn,
like any, with ``sysreview data withdraw-counts``); the diagram then draws the update's
boxes::

    source = "Smith et al. 2020, previous version of this review"

    [counts]
    previous_studies = 12
    previous_reports = 15

The file becomes a
:class:`~sysreview.io.dataset.Dataset` holding only the counts, which ``sysreview data
load`` records as counts from another source.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from sysreview.errors import InputError
from sysreview.io.dataset import Dataset
from sysreview.prisma import OtherSourceCounts, counts_from_dict
from sysreview.protocol.loader import toml_loads
from sysreview.protocol.locate import key_lines, line_of

__all__ = ["FORMAT", "read_prisma_counts"]

FORMAT = "prisma-counts"
_KEYS = ("source", "note", "counts")


def read_prisma_counts(path: str | Path) -> Dataset:
    """Read a PRISMA counts file (see the module docstring).

    Raises
    ------
    InputError
        Not TOML (with its line), an unknown key or box (with its line), a missing
        source, a count that is not a whole number, boxes that do not balance.
    """
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = toml_loads(text)
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", source=source) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", source=source) from None
    lines = key_lines(text)
    unknown = sorted(set(doc) - set(_KEYS))
    if unknown:
        raise InputError(
            f"unknown key {unknown[0]!r}; must be one of {', '.join(_KEYS)}",
            source=source,
            line=line_of(lines, (unknown[0],)),
            unit="line",
        )
    reported = doc.get("source")
    if not isinstance(reported, str) or not reported.strip():
        raise InputError(
            "'source' must say who reported the counts",
            source=source,
            line=line_of(lines, ("source",)),
            unit="line",
        )
    note = doc.get("note")
    if note is not None and not isinstance(note, str):
        raise InputError(
            "'note' must be text", source=source, line=line_of(lines, ("note",)), unit="line"
        )
    boxes = doc.get("counts")
    if not isinstance(boxes, dict):
        raise InputError("a [counts] table of the PRISMA boxes is required", source=source)
    try:
        counts = counts_from_dict(boxes, source=source)
    except InputError as exc:  # point at the box the message names, when it names one
        box = next(
            (
                k
                for k in boxes
                if exc.message.startswith((f"{k}:", f"{k}.", f"{k} "))
                or f"box {k!r}" in exc.message
            ),
            None,
        )
        line = None if box is None else line_of(lines, ("counts", box))
        raise InputError(exc.message, source=source, line=line, unit="line") from None
    return Dataset(source, FORMAT, counts=OtherSourceCounts(reported.strip(), counts, note))
