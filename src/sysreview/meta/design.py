"""Moderators to a design matrix: numeric covariates and factors (treatment coding).

A meta-regression's moderators are given as a formula over the columns of a table,
``"~ ablat + factor(alloc)"``, as a list of column names, or as a mapping of name to
values. The formula language is a small subset of R's, documented here, rather than a
dependency on patsy (in maintenance mode) or formulaic: meta-regressions need terms,
factors with a reference level and the intercept, and every formula outside the subset
gets an error naming what is supported.

Formula subset
--------------
* ``~`` (optional) then terms joined by ``+``;
* a term is a column name (``ablat``; a name with other characters in backquotes,
  ```mean age```), ``factor(name)``, ``factor(name, ref = "level")`` or R's
  ``relevel(factor(name), ref = "level")``;
* ``- 1`` or ``+ 0`` (or ``0 +``) drops the intercept.

A column of numbers is a covariate; a column of text (or booleans), or any column in
``factor()``, is a factor. A factor with ``L`` levels gets ``L - 1`` indicator columns
against its reference level (the first in sorted order, as R's ``factor``, unless
``ref`` names another); without an intercept, the first factor gets all ``L`` columns.
Interactions (``a:b``, ``a*b``), ``I()``, ``poly()`` and transformations are not
supported: compute the column first. Studies with a missing moderator (NaN, an empty
cell) are left out of the fit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sysreview.effects.base import BoolArray, FloatArray
from sysreview.errors import InputError

SUPPORTED = (
    "terms joined by '+': column names, factor(x), factor(x, ref=\"level\"), "
    "relevel(factor(x), ref=\"level\"); '- 1' drops the intercept"
)


@dataclass(frozen=True)
class TermSpec:
    """A term of a formula.

    A column, whether ``factor()`` forces it to be a factor, and the reference level asked
    for.
    """

    column: str
    factor: bool = False
    reference: str | None = None


@dataclass(frozen=True)
class Term:
    """A term of a fitted design: its columns in the design matrix.

    ``levels`` are a factor's levels, reference first (empty for a covariate).
    """

    name: str
    kind: str
    columns: tuple[int, ...]
    levels: tuple[str, ...] = ()

    @property
    def reference(self) -> str | None:
        """A factor's reference level."""
        return self.levels[0] if self.kind == "factor" and self.levels else None


@dataclass(frozen=True, eq=False)
class Design:
    """The design matrix of a meta-regression.

    ``x`` has one row per study (all studies; rows with a missing moderator are
    flagged in ``missing``) and one column per coefficient, named in ``names``.
    """

    x: FloatArray
    names: tuple[str, ...]
    terms: tuple[Term, ...]
    intercept: bool
    formula: str
    missing: tuple[str | None, ...]

    @property
    def complete(self) -> BoolArray:
        """Rows whose moderators are all given."""
        return np.array([m is None for m in self.missing], dtype=bool)

    def row(self, values: Mapping[str, Any]) -> FloatArray:
        """The design row of a new study with these moderator values (for predictions).

        Numeric terms take a number, factors a level; the intercept is added.

        Raises
        ------
        InputError
            A moderator missing from ``values`` or an unknown level.
        """
        out = np.zeros(len(self.names))
        if self.intercept:
            out[0] = 1.0
        for term in self.terms:
            if term.name not in values:
                raise InputError(f"no value for moderator {term.name!r}")
            value = values[term.name]
            if term.kind == "numeric":
                out[term.columns[0]] = float(value)
                continue
            level = _level_text(value)
            if level not in term.levels:
                raise InputError(
                    f"{term.name} has no level {level!r}; levels are {', '.join(term.levels)}"
                )
            coded = term.levels[-len(term.columns) :]
            if level in coded:
                out[term.columns[coded.index(level)]] = 1.0
        return out


_TOKEN = re.compile(
    r"\s*(?:(?P<name>`[^`]+`|[A-Za-z_.][A-Za-z0-9_.]*)|(?P<number>\d+)"
    r"|(?P<string>\"[^\"]*\"|'[^']*')|(?P<op>[~+\-(),=:*^/]))"
)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise InputError(f"cannot read the formula {text!r} at {text[pos:]!r}; {SUPPORTED}")
        out.append(match.group().strip())
        pos = match.end()
    return out


def _unquote(token: str) -> str:
    return token[1:-1] if token[:1] in "`\"'" else token


def parse_formula(formula: str) -> tuple[list[TermSpec], bool]:
    """The terms of a formula and whether it keeps the intercept.

    Examples
    --------
    >>> terms, intercept = parse_formula("~ ablat + factor(alloc, ref='random') - 1")
    >>> [(t.column, t.factor, t.reference) for t in terms], intercept
    ([('ablat', False, None), ('alloc', True, 'random')], False)
    """
    tokens = _tokens(formula)
    if tokens[:1] == ["~"]:
        tokens = tokens[1:]
    if not tokens:
        raise InputError(f"the formula {formula!r} has no terms; {SUPPORTED}")
    terms: list[TermSpec] = []
    intercept = True
    i, sign = 0, "+"

    def expect(token: str) -> None:
        nonlocal i
        if i >= len(tokens) or tokens[i] != token:
            found = tokens[i] if i < len(tokens) else "the end"
            raise InputError(
                f"formula {formula!r}: expected {token!r}, found {found!r}; {SUPPORTED}"
            )
        i += 1

    def reference() -> str:
        nonlocal i
        expect(",")
        expect("ref")
        expect("=")
        if i >= len(tokens):
            raise InputError(f"formula {formula!r}: ref needs a level")
        level = _unquote(tokens[i])
        i += 1
        return level

    while i < len(tokens):
        token = tokens[i]
        if token in ("+", "-"):
            sign, i = token, i + 1
            continue
        if token in ("0", "1"):
            intercept = (token == "1" and sign == "+") or (token == "0" and sign == "-")
            i += 1
        elif token == "factor":
            i += 1
            expect("(")
            column = _unquote(tokens[i]) if i < len(tokens) else ""
            i += 1
            ref = reference() if i < len(tokens) and tokens[i] == "," else None
            expect(")")
            terms.append(TermSpec(column, True, ref))
        elif token == "relevel":
            i += 1
            expect("(")
            expect("factor")
            expect("(")
            column = _unquote(tokens[i]) if i < len(tokens) else ""
            i += 1
            expect(")")
            ref = reference()
            expect(")")
            terms.append(TermSpec(column, True, ref))
        elif token[:1] == "`" or re.fullmatch(r"[A-Za-z_.][A-Za-z0-9_.]*", token):
            if i + 1 < len(tokens) and tokens[i + 1] == "(":
                raise InputError(f"formula {formula!r}: {token}() is not supported; {SUPPORTED}")
            terms.append(TermSpec(_unquote(token)))
            i += 1
        else:
            raise InputError(f"formula {formula!r}: {token!r} is not supported; {SUPPORTED}")
        if sign == "-" and tokens[i - 1] not in ("0", "1"):
            raise InputError(f"formula {formula!r}: only '- 1' may be subtracted; {SUPPORTED}")
        if i < len(tokens) and tokens[i] not in ("+", "-"):
            raise InputError(f"formula {formula!r}: {tokens[i]!r} is not supported; {SUPPORTED}")
    columns = [t.column for t in terms]
    if len(set(columns)) != len(columns):
        raise InputError(f"formula {formula!r} names a column twice")
    return terms, intercept


def _level_text(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return isinstance(value, str) and value.strip().lower() in ("", "na", "nan", "n/a", ".")


def _as_numbers(values: Sequence[Any]) -> FloatArray | None:
    """The values as floats (missing ones NaN), or ``None`` when some are not numbers."""
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if _is_missing(v):
            continue
        if isinstance(v, bool | np.bool_):
            return None
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            return None
    return out


def _sort_key(level: str) -> tuple[int, float, str]:
    try:
        return (0, float(level), level)
    except ValueError:
        return (1, 0.0, level)


def _column(data: Any, name: str, k: int) -> list[Any]:
    try:
        values = data[name]
    except (KeyError, IndexError, TypeError):
        columns = list(getattr(data, "columns", data.keys() if isinstance(data, Mapping) else []))
        raise InputError(
            f"no moderator column {name!r}; columns are {', '.join(map(str, columns)) or 'none'}"
        ) from None
    items = values.tolist() if hasattr(values, "tolist") else list(values)
    if len(items) != k:
        raise InputError(f"moderator {name!r} has {len(items)} values for {k} studies")
    return items


def design_matrix(
    mods: str | Sequence[str] | Mapping[str, Any],
    data: Any,
    k: int,
) -> Design:
    """The design matrix of ``k`` studies (see the module notes for ``mods``).

    Raises
    ------
    InputError
        An unreadable formula, a column that is not in ``data``, a factor with a
        single level, or an unknown reference level.

    Examples
    --------
    >>> d = design_matrix("~ dose + factor(arm)", {"dose": [1, 2, 3], "arm": list("aba")}, 3)
    >>> d.names, d.x.tolist()
    (('intrcpt', 'dose', 'arm[b]'), [[1.0, 1.0, 0.0], [1.0, 2.0, 1.0], [1.0, 3.0, 0.0]])
    """
    if isinstance(mods, str):
        specs, intercept = parse_formula(mods)
        formula = mods.strip() if mods.strip().startswith("~") else f"~ {mods.strip()}"
    else:
        if isinstance(mods, Mapping):
            data, names = mods, list(mods)
        else:
            names = [str(m) for m in mods]
        specs, intercept = [TermSpec(n) for n in names], True
        formula = "~ " + " + ".join(names)
    if data is None:
        raise InputError("moderators named by column need data")
    columns: list[FloatArray] = [np.ones(k)] if intercept else []
    names_out: list[str] = ["intrcpt"] if intercept else []
    terms: list[Term] = []
    missing: list[str | None] = [None] * k
    full_factor = not intercept
    for spec in specs:
        raw = _column(data, spec.column, k)
        numbers = None if spec.factor else _as_numbers(raw)
        for i, v in enumerate(raw):
            if missing[i] is None and _is_missing(v):
                missing[i] = f"missing moderator {spec.column!r}"
        if numbers is not None:
            terms.append(Term(spec.column, "numeric", (len(columns),)))
            columns.append(np.nan_to_num(numbers))
            names_out.append(spec.column)
            continue
        texts = [None if _is_missing(v) else _level_text(v) for v in raw]
        levels = sorted({t for t in texts if t is not None}, key=_sort_key)
        if spec.reference is not None:
            if spec.reference not in levels:
                raise InputError(
                    f"{spec.column} has no level {spec.reference!r}; levels are {', '.join(levels)}"
                )
            levels.remove(spec.reference)
            levels.insert(0, spec.reference)
        if len(levels) < 2 and not full_factor:
            raise InputError(f"moderator {spec.column!r} has one level only ({', '.join(levels)})")
        coded = levels if full_factor else levels[1:]
        start = len(columns)
        for level in coded:
            columns.append(np.array([1.0 if t == level else 0.0 for t in texts]))
            names_out.append(f"{spec.column}[{level}]")
        terms.append(Term(spec.column, "factor", tuple(range(start, len(columns))), tuple(levels)))
        full_factor = False
    if not columns:
        raise InputError(f"the formula {formula!r} has no coefficients")
    x = np.column_stack(columns)
    return Design(x, tuple(names_out), tuple(terms), intercept, formula, tuple(missing))


__all__ = ["SUPPORTED", "Design", "Term", "TermSpec", "design_matrix", "parse_formula"]
