"""A search strategy as data: concept blocks of terms, combined with AND / OR / NOT.

A strategy is written once, in TOML, and rendered to each database's syntax by
:mod:`sysreview.search.render`::

    name = "group-peer-support"
    title = "Group peer support for people with mental health conditions"
    combine = "peer AND group AND rct"

    [[blocks]]
    name = "peer"
    label = "Peer support"
    terms = [
      { text = "peer support*" },                         # title/abstract by default
      { text = "peer-led", fields = ["title", "abstract", "keywords"] },
      { text = "peer-run", fields = ["all_fields"] },      # .af. / [All Fields] / no label
      { near = ["peer*", "support*"], distance = 3 },      # peer* adj3 support*
      { heading = "Peer Group", thesaurus = "MeSH" },      # exploded unless explode = false
    ]

    [[blocks]]
    name = "rct"
    filter = "cochrane_hsss_sensitivity"                   # a named standard filter

Terms are OR-ed within a block; ``combine`` joins blocks by name with ``AND``, ``OR``,
``NOT`` and parentheses (``NOT`` is binary, as in the databases: ``a NOT b``). Text may
hold ``*`` for truncation; several words are a phrase.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from os import PathLike
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from sysreview.errors import InputError
from sysreview.protocol._base import NO_VALUE, Checker, Frozen, Name, Text, choice, one_or_many
from sysreview.protocol.errors import Problem, ProtocolError
from sysreview.protocol.loader import problems_from, toml_loads
from sysreview.protocol.locate import key_lines


class SearchField(StrEnum):
    """Where a text term is searched.

    ``all_text`` is the text words (Ovid ``.tw.``, PubMed ``[tw]``); ``all_fields`` every
    field of the record (Ovid ``.af.``, PubMed ``[All Fields]``, a Cochrane Library
    Search Manager line without a field label, a plain ClinicalTrials.gov term), as the
    Royle & Waugh filter searches ``random$.af.``.
    """

    TITLE = "title"
    ABSTRACT = "abstract"
    KEYWORDS = "keywords"
    ALL_TEXT = "all_text"
    ALL_FIELDS = "all_fields"


DATABASES = ("MEDLINE", "PsycINFO", "Embase", "Cochrane CENTRAL", "ClinicalTrials.gov")
"""The databases a strategy renders to (:data:`sysreview.search.render.TARGETS`)."""


class Thesaurus(StrEnum):
    """Subject-heading vocabularies: each database indexes with one of them."""

    MESH = "MeSH"
    EMTREE = "Emtree"
    APA = "APA"


DEFAULT_FIELDS = (SearchField.TITLE, SearchField.ABSTRACT)
_WORD = re.compile(r"^[\w*?'\-]+$")


class Term(Frozen):
    """One search term: free text, two words near each other, or a subject heading.

    Exactly one of ``text``, ``near`` or ``heading`` is given.

    Examples
    --------
    >>> Term(text="peer support*").kind
    'text'
    >>> Term(near=("peer*", "support*"), distance=3).kind
    'near'
    """

    text: Text | None = None
    near: tuple[Text, Text] | None = None
    distance: int = 3
    heading: Text | None = None
    thesaurus: Annotated[Thesaurus, choice(Thesaurus)] = Thesaurus.MESH
    explode: bool = True
    fields: tuple[Annotated[SearchField, choice(SearchField)], ...] = DEFAULT_FIELDS

    @model_validator(mode="after")
    def _check(self) -> Term:
        check = Checker()
        given = [k for k in ("text", "near", "heading") if getattr(self, k) is not None]
        check.that(
            len(given) == 1,
            ("text",),
            NO_VALUE,
            "give exactly one of text, near or heading"
            + (f" (got {', '.join(given)})" if given else ""),
        )
        if self.near is not None:
            for i, word in enumerate(self.near):
                check.that(
                    bool(_WORD.match(word)),
                    ("near", i),
                    word,
                    "must be a single word (truncation with * allowed)",
                )
            check.that(1 <= self.distance <= 99, ("distance",), self.distance, "must be 1-99")
        if self.text is not None:
            check.that('"' not in self.text, ("text",), self.text, "write phrases without quotes")
        check.that(bool(self.fields), ("fields",), self.fields, "name at least one field")
        check.that(
            SearchField.ALL_FIELDS not in self.fields or len(self.fields) == 1,
            ("fields",),
            tuple(f.value for f in self.fields),
            "all_fields already covers every field; give it alone",
        )
        check.raise_if_any()
        return self

    @property
    def kind(self) -> str:
        """``"text"``, ``"near"`` or ``"heading"``."""
        return "text" if self.text is not None else "near" if self.near is not None else "heading"


class Block(Frozen):
    """A concept block: terms OR-ed together, or a named standard filter.

    ``filter`` names one filter, or several (e.g. an RCT filter for MEDLINE, one for
    PsycINFO and one for Embase): each database gets the first that is published for it.
    ``fields`` sets where the block's text and proximity terms are searched, unless a
    term gives its own (``fields = ["all_fields"]``: a block searched in all fields).
    ``databases`` limits the block to some databases (e.g. a filter the review used in
    PsycINFO and Embase only); elsewhere it is left out, with a note.
    """

    name: Name
    label: Text | None = None
    terms: tuple[Term, ...] = ()
    filter: Annotated[tuple[Name, ...], BeforeValidator(one_or_many)] = ()
    fields: tuple[Annotated[SearchField, choice(SearchField)], ...] | None = None
    databases: Annotated[tuple[Text, ...], BeforeValidator(one_or_many)] = ()

    @model_validator(mode="before")
    @classmethod
    def _inherit_fields(cls, data: Any) -> Any:
        """Terms without their own ``fields`` take the block's."""
        if not isinstance(data, dict) or data.get("fields") is None:
            return data
        terms = data.get("terms")
        if not isinstance(terms, list | tuple):
            return data

        def inherit(term: Any) -> Any:
            own = not isinstance(term, dict) or "fields" in term or "heading" in term
            return term if own else {**term, "fields": data["fields"]}

        return {**data, "terms": [inherit(t) for t in terms]}

    def used_in(self, database: str) -> bool:
        """Whether the block is searched in ``database`` (all databases by default)."""
        return not self.databases or database.casefold() in {d.casefold() for d in self.databases}

    @model_validator(mode="after")
    def _check(self) -> Block:
        from sysreview.search.filters import FILTERS

        check = Checker()
        known = {d.casefold() for d in DATABASES}
        for i, name in enumerate(self.databases):
            check.that(
                name.casefold() in known,
                ("databases", i),
                name,
                f"must be one of {', '.join(DATABASES)}",
            )
        check.that(
            self.fields is None or bool(self.terms),
            ("fields",),
            self.fields,
            "fields apply to a block's terms; a filter has its own",
        )
        check.that(
            bool(self.terms) != bool(self.filter),
            ("terms",),
            NO_VALUE,
            "give terms or a filter (a named standard filter), not both",
        )
        for i, name in enumerate(self.filter):
            check.that(
                name in FILTERS,
                ("filter", i),
                name,
                f"unknown filter; the standard filters are {', '.join(FILTERS)}",
            )
        check.raise_if_any()
        return self


# ---- the combination expression -------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A node of the combination: a block name (``op == "block"``) or an operator."""

    op: str
    name: str = ""
    left: Node | None = None
    right: Node | None = None

    def blocks(self) -> Iterator[str]:
        """Block names in reading order."""
        if self.op == "block":
            yield self.name
            return
        assert self.left is not None and self.right is not None
        yield from self.left.blocks()
        yield from self.right.blocks()


_TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z_][\w\-]*)")


def parse_combination(text: str) -> Node:
    """Parse ``"peer AND (group OR mutual) NOT animals"`` (AND/OR/NOT left to right).

    ``AND`` binds tighter than ``OR``; ``NOT`` as tight as ``AND``.

    Examples
    --------
    >>> node = parse_combination("a AND (b OR c) NOT d")
    >>> node.op, list(node.blocks())
    ('NOT', ['a', 'b', 'c', 'd'])

    Raises
    ------
    ValueError
        Naming the position and what was expected.
    """
    tokens: list[str] = []
    pos = 0
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if m is None:
            at = len(text) - len(text[pos:].lstrip())
            raise ValueError(f"unexpected {text[at:].strip()[:10]!r} at character {at + 1}")
        tokens.append(m.group(1))
        pos = m.end()
    index = 0

    def peek() -> str | None:
        return tokens[index] if index < len(tokens) else None

    def take() -> str:
        nonlocal index
        token = peek()
        if token is None:
            raise ValueError("the expression ends too early")
        index += 1
        return token

    def atom() -> Node:
        token = take()
        if token == "(":
            node = disjunction()
            if take() != ")":
                raise ValueError("missing ')'")
            return node
        if token.upper() in ("AND", "OR", "NOT") or token == ")":
            raise ValueError(f"expected a block name, found {token!r}")
        return Node("block", token)

    def conjunction() -> Node:
        node = atom()
        while (token := peek()) is not None and token.upper() in ("AND", "NOT"):
            take()
            node = Node(token.upper(), left=node, right=atom())
        return node

    def disjunction() -> Node:
        node = conjunction()
        while (token := peek()) is not None and token.upper() == "OR":
            take()
            node = Node("OR", left=node, right=conjunction())
        return node

    result = disjunction()
    if peek() is not None:
        raise ValueError(f"unexpected {peek()!r} after a complete expression")
    return result


class Strategy(Frozen):
    """A whole search strategy: blocks and how they combine."""

    name: Name
    title: Text | None = None
    blocks: tuple[Block, ...] = Field(min_length=1)
    combine: Text

    @model_validator(mode="after")
    def _check(self) -> Strategy:
        check = Checker()
        check.unique([b.name for b in self.blocks], ("blocks",), "block name", "name")
        try:
            tree = parse_combination(self.combine)
        except ValueError as exc:
            check.that(False, ("combine",), self.combine, str(exc))
        else:
            names = {b.name for b in self.blocks}
            for name in tree.blocks():
                check.that(
                    name in names,
                    ("combine",),
                    self.combine,
                    f"names unknown block {name!r}; the blocks are {', '.join(sorted(names))}",
                )
        check.raise_if_any()
        return self

    @property
    def tree(self) -> Node:
        """The parsed combination."""
        return parse_combination(self.combine)

    def block(self, name: str) -> Block:
        """The block called ``name``."""
        return next(b for b in self.blocks if b.name == name)

    @property
    def version(self) -> str:
        """A short content hash: any change to the strategy changes it.

        Examples
        --------
        >>> s = Strategy(name="s", blocks=[Block(name="a", terms=[Term(text="peer")])],
        ...              combine="a")
        >>> len(s.version)
        12
        """
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def parse_strategy(text: str, source: str = "strategy.toml") -> Strategy:
    """Validate strategy text (TOML); every mistake reported with its key and line.

    Raises
    ------
    ProtocolError
        Listing every problem (key path, value, what is allowed, line).
    """
    try:
        data: Any = toml_loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError([Problem("", f"invalid TOML: {exc}")], source=source) from None
    try:
        return Strategy.model_validate(data)
    except ValidationError as exc:
        try:
            lines = key_lines(text)
        except (ValueError, IndexError):
            lines = {}
        raise ProtocolError(problems_from(exc, lines, data), source=source) from None


def load_strategy(path: str | PathLike[str]) -> Strategy:
    """Read and validate a strategy file.

    Raises
    ------
    InputError
        When the file cannot be read; :class:`ProtocolError` when it is invalid.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError(f"cannot read the strategy: {reason}", source=str(path)) from exc
    return parse_strategy(text, source=str(path))


__all__ = [
    "DATABASES",
    "Block",
    "Node",
    "SearchField",
    "Strategy",
    "Term",
    "Thesaurus",
    "load_strategy",
    "parse_combination",
    "parse_strategy",
]
