"""Read ``review.toml`` into a :class:`Protocol`; report every mistake with its line.

Reading is parse (``tomllib``) → validate (pydantic) → locate: each validation error
becomes a :class:`Problem` naming the key path, the value, what is allowed, and the
line found by :func:`~sysreview.protocol.locate.key_lines`.
"""

from __future__ import annotations

import re
import tomllib
import types
import typing
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from sysreview.errors import InputError
from sysreview.protocol._base import NO_VALUE, Loc, Problems, dotted
from sysreview.protocol.errors import Problem, ProtocolError
from sysreview.protocol.locate import key_lines, line_of
from sysreview.protocol.models import Protocol
from sysreview.text import SURROGATE, line_at, nesting_depth

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_LONG_NUMBER = re.compile(r"\d{4301}")
_BRACKET = re.compile(r"[\[\]{}]")

#: Deepest nesting of arrays and tables read; a protocol nests five levels at most.
MAX_DEPTH = 32

_MESSAGES = {
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "date_type": "must be a date, e.g. 2019-07-13",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "dict_type": "must be a table",
    "tuple_type": "must be an array",
    "list_type": "must be an array",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "must start with a letter and hold only letters, digits, _ or -",
}


def load_protocol(path: str | PathLike[str]) -> Protocol:
    """Read and validate a protocol file.

    Raises
    ------
    ProtocolError
        Listing every mistake found, each with its key path and line.
    InputError
        When the file cannot be read as UTF-8 text.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError(f"cannot read the protocol: {reason}", source=source) from exc
    return parse_protocol(text, source=source)


def parse_protocol(text: str, source: str = "review.toml") -> Protocol:
    """Validate protocol text (TOML).

    Examples
    --------
    >>> from sysreview.protocol import template_text
    >>> text = template_text("blank").replace('tau2_method = "DL"', 'tau2_method = "REM"')
    >>> try:
    ...     parse_protocol(text)
    ... except ProtocolError as err:
    ...     print(err.line, err.problems[0].format())  # doctest: +ELLIPSIS
    1... line 1...: analysis.tau2_method = 'REM': must be one of DL, REML, ML, PM, EB, SJ, HE

    Raises
    ------
    ProtocolError
        Listing every mistake found, each with its key path and line.
    """
    try:
        data = toml_loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError([_syntax_problem(str(exc))], source=source) from None
    try:
        return Protocol.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc, _lines(text), data)
        raise ProtocolError(problems, source=source) from None


def toml_loads(text: str) -> dict[str, Any]:
    r""":func:`tomllib.loads`, every failure a :class:`tomllib.TOMLDecodeError` saying where.

    Like tomllib's own syntax errors, the message ends ``... (at line N, column M)``.

    tomllib itself raises a bare ``ValueError`` for a number over Python's 4,300-digit
    limit on ``int()``, a ``RecursionError`` for arrays or inline tables nested some
    hundreds deep, and accepts a lone surrogate (text handed over as ``str``; a file read
    as UTF-8 cannot hold one). Nesting deeper than :data:`MAX_DEPTH` is refused too: the
    validators and the key-line scanner recurse once per level.

    >>> toml_loads("x = [[1]]")
    {'x': [[1]]}
    >>> toml_loads("a = 1\nx = " + "[" * 40 + "]" * 40)
    Traceback (most recent call last):
    ...
    tomllib.TOMLDecodeError: arrays or tables nested more than 32 levels deep (at line 2, column 37)
    """
    surrogate = SURROGATE.search(text)
    if surrogate is not None:
        raise _located("a lone surrogate", text, surrogate.start())
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise
    except ValueError:  # int() of a number over Python's 4,300-digit limit
        found = _LONG_NUMBER.search(text)
        position = found.start() if found else 0
        raise _located("a number with over 4,300 digits", text, position) from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise _too_deep(text) from None
    if nesting_depth(data) > MAX_DEPTH:
        raise _too_deep(text)
    return data


def _located(message: str, text: str, position: int) -> tomllib.TOMLDecodeError:
    line = line_at(text, position)
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return tomllib.TOMLDecodeError(f"{message} (at line {line}, column {column})")


def _too_deep(text: str) -> tomllib.TOMLDecodeError:
    """Nesting beyond :data:`MAX_DEPTH`, where brackets first go that deep."""
    level = 0
    message = f"arrays or tables nested more than {MAX_DEPTH} levels deep"
    for match in _BRACKET.finditer(text):
        level += 1 if match.group() in "[{" else -1
        if level > MAX_DEPTH:
            return _located(message, text, match.start())
    return tomllib.TOMLDecodeError(message)


def _lines(text: str) -> dict[Loc, int]:
    """Key lines of valid TOML; none (messages without lines) if the scanner fails on it."""
    try:
        return key_lines(text)
    except (ValueError, IndexError):  # a scanner gap must not hide the user's mistake
        return {}


def _syntax_problem(message: str) -> Problem:
    m = _TOML_POSITION.search(message)
    if m is None:
        return Problem("", f"invalid TOML: {message}")
    return Problem(
        "", f"invalid TOML: {message[: m.start()]}", int(m.group(1)), column=int(m.group(2))
    )


def problems_from(exc: ValidationError, lines: dict[Loc, int], data: Any = None) -> list[Problem]:
    """One :class:`Problem` per validation error, sorted by line (unlocated last).

    Values found by cross-field checks are shown as written in ``data`` (the parsed
    TOML) when the key is there, e.g. ``52`` rather than the validated ``52.0``.
    """
    found: list[Problem] = []
    for err in exc.errors():
        loc: Loc = tuple(err["loc"])
        error = err.get("ctx", {}).get("error")
        if isinstance(error, Problems):
            for sub, value, message in error.items:
                full = (*loc, *sub)
                shown = value if value is NO_VALUE else _raw(data, full, value)
                found.append(Problem(dotted(full), message, line_of(lines, full), shown))
        elif not _spurious(err):
            found.append(_problem(err, loc, lines))
    unique: dict[str, Problem] = {}
    for problem in found:
        unique.setdefault(problem.format(), problem)
    return sorted(unique.values(), key=lambda p: (p.line is None, p.line or 0))


def _raw(data: Any, loc: Loc, default: object) -> object:
    """The value at ``loc`` in parsed TOML, or ``default`` when it is not there."""
    for part in loc:
        if isinstance(data, list) and isinstance(part, int):
            found = 0 <= part < len(data)
        else:
            found = isinstance(data, dict) and part in data
        if not found:
            return default
        data = data[part]
    return data


def _spurious(err: ErrorDetails) -> bool:
    """A too-short array whose items failed: pydantic counts only valid items; not a mistake."""
    if err["type"] != "too_short":
        return False
    given = err.get("input")
    return isinstance(given, list) and len(given) >= err.get("ctx", {}).get("min_length", 0)


def _problem(err: ErrorDetails, loc: Loc, lines: dict[Loc, int]) -> Problem:
    kind, value = err["type"], err.get("input", NO_VALUE)
    if kind == "missing":
        model = _field_model(loc)
        what = "table" if model is not None else "key"
        return Problem(dotted(loc), f"required {what} is missing", line_of(lines, loc))
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        known = ", ".join(model.model_fields) if model is not None else "?"
        message = f"unknown key; allowed keys: {known}"
    elif kind == "value_error" and "error" in err.get("ctx", {}):
        message = str(err["ctx"]["error"])
    elif kind == "too_short":
        n = err.get("ctx", {}).get("min_length", 1)
        message = f"must have at least {n} item{'s' if n != 1 else ''}"
    else:
        message = _MESSAGES.get(kind, err["msg"])
    return Problem(dotted(loc), message, line_of(lines, loc), value)


def _models_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation (through ``X | None``, tuples, ``Annotated``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, tuple, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _models_in(arg)
            if found is not None:
                return found
    return None


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class validating the table at ``loc`` (``None`` if not a table)."""
    model: type[BaseModel] | None = Protocol
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _models_in(model.model_fields[part].annotation)
    return model


def _field_model(loc: Loc) -> type[BaseModel] | None:
    return _model_at(loc) if loc else None


__all__ = ["load_protocol", "parse_protocol", "problems_from", "toml_loads"]
