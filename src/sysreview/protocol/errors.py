"""Protocol errors: every mistake located by key path and line of ``review.toml``.

``ProtocolError`` extends :class:`sysreview.errors.InputError`; it holds one
:class:`Problem` per mistake and prints one per line::

    review.toml, line 12: analysis.tau2_method = 'REM': must be one of DL, REML, ML, PM, EB, SJ, HE
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from sysreview.errors import InputError
from sysreview.protocol._base import NO_VALUE

_LONGEST = 80


def show(value: object) -> str:
    """A value as TOML-like text for messages (long values shortened).

    Examples
    --------
    >>> show("REM"), show(True), show([0.1, 0.01]), show({"name": "x"})
    ("'REM'", 'true', '[0.1, 0.01]', "{name = 'x'}")
    """
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    elif isinstance(value, Mapping):
        text = "{" + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + "}"
    else:
        text = repr(value)
    return text if len(text) <= _LONGEST else text[: _LONGEST - 3] + "..."


@dataclass(frozen=True)
class Problem:
    """One mistake in a protocol file.

    Attributes
    ----------
    key
        Key path, e.g. ``outcomes.groups[1].domains[0].name`` (empty for syntax errors).
    message
        What is wrong and what is allowed.
    line, column
        1-based position in the file (``column`` only for TOML syntax errors).
    value
        The offending value (``NO_VALUE`` when there is none, e.g. a missing key).
    """

    key: str
    message: str
    line: int | None = None
    value: object = NO_VALUE
    column: int | None = None

    def format(self, source: str | None = None) -> str:
        """The problem as one line of text.

        Examples
        --------
        >>> Problem("analysis.level", "must be between 0 and 100", 7, 120).format("review.toml")
        'review.toml, line 7: analysis.level = 120: must be between 0 and 100'
        """
        where = [] if source is None else [source]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        what = self.message
        if self.key:
            shown = "" if self.value is NO_VALUE else f" = {show(self.value)}"
            what = f"{self.key}{shown}: {self.message}"
        return f"{', '.join(where)}: {what}" if where else what


class ProtocolError(InputError):
    """A protocol file with one or more mistakes; ``str()`` gives one line per problem.

    ``line`` is the first problem's line; ``problems`` holds them all, in file order.

    Examples
    --------
    >>> err = ProtocolError([Problem("analysis.model", "must be one of fixed, random", 3, "x")],
    ...                     source="review.toml")
    >>> print(err)
    review.toml, line 3: analysis.model = 'x': must be one of fixed, random
    >>> isinstance(err, ValueError), err.line
    (True, 3)
    """

    def __init__(self, problems: Sequence[Problem], *, source: str | None = None) -> None:
        if not problems:
            raise ValueError("a ProtocolError needs at least one problem")
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__(first.message, source=source, line=first.line, column=None)

    def _format(self) -> str:
        return "\n".join(p.format(self.source) for p in self.problems)


__all__ = ["Problem", "ProtocolError", "show"]
