"""Building blocks shared by the protocol models: the frozen base, strict scalars, choices.

Every model is frozen and rejects unknown keys. Scalars are strict (TOML is typed, so
``min_studies = "3"`` is an error, not a silent conversion); arrays arrive as lists and are
stored as tuples. Choices parse case-insensitively and, when they cannot, say which values
are allowed. Cross-field checks raise :class:`Problems`, which carries one located message
per mistake so that the loader can report each at its own key and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Strict,
    StringConstraints,
)

Loc = tuple[str | int, ...]


class _NoValue:
    """Marks a problem that has no value to show (a missing key, an empty table)."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()


class Problems(ValueError):
    """Several located mistakes found by one cross-field check.

    Parameters
    ----------
    items
        ``(loc, value, message)`` triples; ``loc`` is relative to the model that raised.

    Examples
    --------
    >>> str(Problems([(("name",), "x", "is taken")]))
    "name = 'x': is taken"
    """

    def __init__(self, items: Sequence[tuple[Loc, object, str]]) -> None:
        self.items = tuple(items)
        super().__init__("; ".join(_say(loc, v, m) for loc, v, m in self.items))


def _say(loc: Loc, value: object, message: str) -> str:
    return (
        f"{dotted(loc)}: {message}"
        if value is NO_VALUE
        else f"{dotted(loc)} = {value!r}: {message}"
    )


def dotted(loc: Iterable[str | int]) -> str:
    """The key path of a pydantic ``loc`` as written in messages.

    Examples
    --------
    >>> dotted(("outcomes", "groups", 1, "domains", 0, "name"))
    'outcomes.groups[1].domains[0].name'
    """
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class Checker:
    """Collects problems; raises them all at once.

    Examples
    --------
    >>> check = Checker()
    >>> check.that(1 < 2, ("a",), 1, "never reported")
    >>> check.that(2 < 1, ("b",), 2, "must be smaller")
    >>> check.raise_if_any()
    Traceback (most recent call last):
    ...
    sysreview.protocol._base.Problems: b = 2: must be smaller
    """

    def __init__(self) -> None:
        self.items: list[tuple[Loc, object, str]] = []

    def that(self, ok: bool, loc: Loc, value: object, message: str) -> None:
        """Record ``message`` at ``loc`` unless ``ok``."""
        if not ok:
            self.items.append((loc, value, message))

    def unique(
        self, values: Sequence[object], loc: Loc, what: str = "name", key: str | None = None
    ) -> None:
        """Record every repeat in ``values`` (case-insensitive) at ``loc + (index, key)``."""
        seen: set[object] = set()
        for i, v in enumerate(values):
            folded = v.lower() if isinstance(v, str) else v
            where: Loc = (*loc, i) if key is None else (*loc, i, key)
            self.that(folded not in seen, where, v, f"duplicate {what}; each must be unique")
            seen.add(folded)

    def raise_if_any(self) -> None:
        """Raise :class:`Problems` with everything recorded, if anything was."""
        if self.items:
            raise Problems(self.items)


class Frozen(BaseModel):
    """Base of every protocol model: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False)


def _choice_parser(cls: type[StrEnum]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise ValueError(f"must be a string, one of {allowed(cls)}")
        text = value.strip().lower()
        for member in cls:
            if text in (member.value.lower(), member.name.lower()):
                return member
        raise ValueError(f"must be one of {allowed(cls)}")

    return parse


def allowed(cls: type[StrEnum]) -> str:
    """The allowed values of a choice, as listed in messages."""
    return ", ".join(m.value for m in cls)


def choice(cls: type[StrEnum]) -> BeforeValidator:
    """A validator parsing a member of ``cls`` case-insensitively (by value or name)."""
    return BeforeValidator(_choice_parser(cls))


def one_or_many(value: Any) -> Any:
    """A single string as a one-item tuple (for keys taking one name or a list of them).

    Examples
    --------
    >>> one_or_many("TAU"), one_or_many(["TAU", "WL"])
    (('TAU',), ['TAU', 'WL'])
    """
    return (value,) if isinstance(value, str) else value


def _day(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise ValueError("must be a date, e.g. 2019-07-13")


def _fraction(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError("must be a fraction between 0 and 1")
    return value


def _positive(value: float) -> float:
    if not value > 0:
        raise ValueError("must be greater than 0")
    return value


def _at_least_one(value: int) -> int:
    if value < 1:
        raise ValueError("must be at least 1")
    return value


Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
"""A non-empty string."""
Name = Annotated[
    str,
    Strict(),
    StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$"),
]
"""An identifier: a letter, then letters, digits, ``_`` or ``-``."""
Int = Annotated[int, Strict()]
Count = Annotated[int, Strict(), AfterValidator(_at_least_one)]
Number = Annotated[float, Strict(), AllowInfNan(False)]
"""A finite number (TOML ``inf`` and ``nan`` are refused)."""
Positive = Annotated[float, Strict(), AllowInfNan(False), AfterValidator(_positive)]
Fraction = Annotated[float, Strict(), AllowInfNan(False), AfterValidator(_fraction)]
Flag = Annotated[bool, Strict()]
Day = Annotated[date, BeforeValidator(_day)]
"""A date: a TOML local date or an ISO 8601 string (as in JSON)."""

__all__ = [
    "NO_VALUE",
    "Checker",
    "Count",
    "Day",
    "Flag",
    "Fraction",
    "Frozen",
    "Int",
    "Loc",
    "Name",
    "Number",
    "Positive",
    "Problems",
    "Text",
    "allowed",
    "choice",
    "dotted",
    "one_or_many",
]
