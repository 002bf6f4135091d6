"""JSON as the standard defines it, read without a traceback whatever the input.

Python's :func:`json.loads` accepts ``NaN`` and ``Infinity`` (not JSON; PostgreSQL's JSON
columns refuse them), raises a bare ``ValueError`` for integers longer than 4,300 digits
(Python's limit on converting text to ``int``) and a ``RecursionError`` for deep nesting.
:func:`parse_json` turns each into an :class:`~sysreview.errors.InputError` naming the
line, and refuses nesting deeper than :data:`MAX_JSON_DEPTH` (deeper values could not be
stored either: JSON columns are written by recursive encoders).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sysreview.errors import InputError
from sysreview.text import line_at, nesting_depth

#: Deepest nesting read: real ClinicalTrials.gov studies nest about ten levels.
MAX_JSON_DEPTH = 64
_LONG_NUMBER = re.compile(r"\d{4301}")
_CONSTANT = re.compile(r"-?\b(?:NaN|Infinity)\b")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _line_of(text: str, pattern: re.Pattern[str]) -> int | None:
    found = pattern.search(text)
    return line_at(text, found.start()) if found else None


def json_kind(value: Any) -> str:
    """What a parsed JSON value is, for messages.

    >>> json_kind({}), json_kind([1]), json_kind(True), json_kind(2.5), json_kind(None)
    ('an object', 'a list', 'true/false', 'a number', 'null')
    """
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    return kinds.get(type(value), "a number" if isinstance(value, int | float) else "null")


def parse_json(text: str, source: str, *, line: int | None = None) -> Any:
    """Parse JSON text; every failure is an :class:`InputError` naming ``source``.

    ``line``, when given, is the line of ``source`` the text is (JSON-lines files);
    otherwise the line inside ``text`` is named.

    Examples
    --------
    >>> parse_json('{"a": [1, 2.5, null]}', "x.json")
    {'a': [1, 2.5, None]}
    >>> parse_json('{"a": NaN}', "x.json")
    Traceback (most recent call last):
    ...
    sysreview.errors.InputError: x.json, line 1: invalid JSON: NaN is not a JSON number
    """
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}", source=source, line=line or exc.lineno, unit="line"
        ) from None
    except RecursionError:
        # the json module's failure on deep nesting: report it as the limit below
        raise _too_deep(text, source, line) from None
    except ValueError as exc:  # _refuse_constant, or int() refusing a huge number
        if "JSON number" in str(exc):
            found, message = _line_of(text, _CONSTANT), f"invalid JSON: {exc}"
        else:
            found, message = _line_of(text, _LONG_NUMBER), "a number with over 4,300 digits"
        raise InputError(message, source=source, line=line or found, unit="line") from None
    if nesting_depth(data) > MAX_JSON_DEPTH:
        raise _too_deep(text, source, line)
    return data


def _too_deep(text: str, source: str, line: int | None) -> InputError:
    """The error for nesting deeper than the limit, with the line where it is crossed."""
    level, at = 0, 1
    in_string = escaped = False
    for char in text:  # only runs for a refused file
        if char == "\n":
            at += 1
        elif in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            if level > MAX_JSON_DEPTH:
                break
        elif char in "]}":
            level -= 1
    return InputError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep", source=source,
                      line=line or at, unit="line")  # fmt: skip


__all__ = ["MAX_JSON_DEPTH", "json_kind", "parse_json"]
