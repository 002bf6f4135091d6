"""Data extraction from a form (the web app): one study's rows, a reviewer's own values.

The page sends the study's rows of the three parts of the protocol's form
(:func:`sysreview.extraction.forms.extraction_form`); :func:`save_extraction_form` stores
them with :func:`sysreview.project.extracting.writer.store_rows` (validated completely,
one transaction, the same events as a loaded template), keeping the page's row numbers so
each problem (sheet, row, column) can be shown next to its field.
:func:`own_extraction_rows` gives back only the reviewer's own values (blinding).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sysreview.errors import InputError
from sysreview.extraction.forms import PARTS
from sysreview.extraction.validate import Cell
from sysreview.project.extracting.state import read_state
from sysreview.project.extracting.values import _prefill
from sysreview.project.extracting.writer import LoadResult, store_rows
from sysreview.project.selection.decisions import check_reviewer
from sysreview.project.storage import Store
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role

FORM_SOURCE = "form"


def extraction_studies(store: Store, protocol: Protocol, reviewer: str) -> tuple[str, ...]:
    """The project's studies, for an extractor (:class:`InputError` for anyone else)."""
    check_reviewer(protocol, reviewer, Role.EXTRACTOR)
    with store.session(readonly=True) as session:
        return tuple(sorted(s.label for s in read_state(session).studies.values()))


def check_extracts(store: Store, protocol: Protocol, reviewer: str, study: str) -> None:
    """Refuse (:class:`InputError`) a study that is not one of ``reviewer``'s to extract."""
    if study not in extraction_studies(store, protocol, reviewer):
        raise InputError(f"unknown study {study!r}")


def own_extraction_rows(
    store: Store, protocol: Protocol, *, reviewer: str, study: str
) -> dict[str, list[dict[str, Any]]]:
    """``reviewer``'s own current rows of ``study`` by part (never anyone else's values)."""
    check_extracts(store, protocol, reviewer, study)
    with store.session(readonly=True) as session:
        rows = _prefill(read_state(session), reviewer)
    return {part: [r for r in rows.get(part, []) if r["study_id"] == study] for part in PARTS}


def save_extraction_form(
    store: Store,
    protocol: Protocol,
    *,
    reviewer: str,
    study: str,
    rows: Mapping[str, Sequence[tuple[int, Mapping[str, Cell]]]],
) -> LoadResult:
    """Store one study's rows for ``reviewer``; every row must be of ``study``.

    Raises
    ------
    ExtractionInputError
        Every problem by sheet, row (the page's numbering) and column; nothing is stored.
    """
    check_study_rows(store, protocol, reviewer, study, rows)
    return store_rows(store, protocol, rows, reviewer, source=FORM_SOURCE)


def check_study_rows(
    store: Store,
    protocol: Protocol,
    reviewer: str,
    study: str,
    rows: Mapping[str, Sequence[tuple[int, Mapping[str, Cell]]]],
) -> None:
    """Refuse a page's rows unless ``study`` is one ``reviewer`` extracts and every row is of it.

    Raises
    ------
    InputError
        An unknown study, or a row (by part and the page's numbering) of another study.
    """
    check_extracts(store, protocol, reviewer, study)
    for part, given in rows.items():
        for number, row in given:
            if row.get("study_id") != study:
                raise InputError(f"{part} row {number} is not of the study {study!r}")


__all__ = [
    "check_extracts",
    "check_study_rows",
    "extraction_studies",
    "own_extraction_rows",
    "save_extraction_form",
]
