"""Checking the rows of a store dump before any of them is loaded.

A dump written by :func:`~sysreview.project.storage.dump.export_store` always passes. One
edited by hand, cut short, or written by an older version may not; its first bad value
is refused with the file, the line and the column, before anything is written, instead
of failing half-way inside the database. The checks are those of the stricter backend,
so a dump loads into SQLite exactly when it loads into PostgreSQL: SQLite would take text
with NUL characters, strings longer than their ``VARCHAR``, integers beyond 32 bits and
``NaN``, which PostgreSQL refuses.

Constraints between rows (foreign keys, unique keys, checks) are left to the database;
:func:`~sysreview.project.storage.dump.load_store` reports a violation as an
:class:`~sysreview.errors.InputError` naming the table's file.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
)

from sysreview.errors import InputError
from sysreview.project.storage.base import UTCDateTime
from sysreview.records.jsontext import parse_json
from sysreview.text import needs_storing, storable_tree

_INT32 = 2**31


class _Bad(Exception):
    """A value a column cannot take (the message says why)."""


def _integer(value: Any) -> Any:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Bad("must be an integer")
    if not -_INT32 <= value < _INT32:
        raise _Bad("integer out of range (32 bits)")
    return value


def _key(value: Any) -> Any:
    """A surrogate key: PostgreSQL's sequence, moved past the largest, counts 1 to 2³¹ - 1."""
    if not 1 <= _integer(value) < _INT32 - 1:
        raise _Bad(f"an id must be between 1 and {_INT32 - 2}")
    return value


def _number(value: Any) -> Any:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _Bad("must be a number")
    if abs(value) >= 2**1023 if isinstance(value, int) else not math.isfinite(value):
        raise _Bad("number out of range")
    return value


def _boolean(value: Any) -> Any:
    if not isinstance(value, bool):
        raise _Bad("must be true or false")
    return value


def _timestamp(value: Any) -> Any:
    if not isinstance(value, str):
        raise _Bad("must be an ISO 8601 timestamp")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{value[:40]!r} is not an ISO 8601 timestamp") from None
    if parsed.utcoffset() is None:
        raise _Bad(f"{value[:40]!r} has no time zone")
    return parsed


def _date(value: Any) -> Any:
    if not isinstance(value, str):
        raise _Bad("must be an ISO 8601 date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{value[:40]!r} is not an ISO 8601 date") from None


def _text(length: int | None) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise _Bad("must be text")
        if length is not None and len(value) > length:
            raise _Bad(f"text longer than {length} characters")
        if needs_storing(value):
            raise _Bad("holds a NUL character or a lone surrogate, which PostgreSQL cannot store")
        return value

    return check


def _json(value: Any) -> Any:
    if storable_tree(value)[1]:
        raise _Bad("holds a NUL character, a lone surrogate or a non-finite number")
    return value


def _binary(value: Any) -> bytes:
    """Bytes written as base64 text (stored embeddings)."""
    if not isinstance(value, str):
        raise _Bad(f"is not base64 text: {value!r}")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise _Bad("is not valid base64") from None


def _checker(column: Column[Any]) -> Callable[[Any], Any]:
    kind = column.type
    if isinstance(kind, Boolean):
        check: Callable[[Any], Any] = _boolean
    elif isinstance(kind, Integer):
        check = _key if column.primary_key else _integer
    elif isinstance(kind, Float):
        check = _number
    elif isinstance(kind, UTCDateTime | DateTime):
        check = _timestamp
    elif isinstance(kind, Date):
        check = _date
    elif isinstance(kind, String):
        check = _text(kind.length)
    elif isinstance(kind, JSON):
        check = _json
    elif isinstance(kind, LargeBinary):
        check = _binary
    else:  # a new column type: add its check here
        raise TypeError(f"no dump check for {kind!r} ({column.table.name}.{column.name})")
    nullable = bool(column.nullable)

    def checked(value: Any) -> Any:
        if value is None:
            if not nullable:
                raise _Bad("is empty but required")
            return None
        return check(value)

    return checked


def row_reader(table: Table, source: str) -> Callable[[str, int], dict[str, Any]]:
    """A function turning line ``number`` of ``table``'s dump file into column values.

    Raises
    ------
    InputError
        Naming ``source``, the line and the column of the first problem.
    """
    columns = list(table.columns.keys())
    checks = [(column.name, _checker(column)) for column in table.columns]

    def read(line: str, number: int) -> dict[str, Any]:
        row = parse_json(line, source, line=number)
        if not isinstance(row, dict):
            raise InputError("a row must be a JSON object", source=source, line=number,
                             unit="line")  # fmt: skip
        if list(row) != columns:
            raise InputError(f"columns {list(row)} != {columns}", source=source, line=number,
                             unit="line")  # fmt: skip
        for name, check in checks:
            try:
                row[name] = check(row[name])
            except _Bad as bad:
                raise InputError(str(bad), source=source, line=number, column=name,
                                 unit="line") from None  # fmt: skip
        return row

    return read


__all__ = ["row_reader"]
