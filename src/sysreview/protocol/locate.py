"""Where each key of a TOML document is: a key path → line map for error messages.

``tomllib`` returns values without positions, so this module scans the text once and
records the line of every table header (``[a.b]``; ``[[a.b]]`` with the index of each
element), every ``key = value`` (dotted keys too), every element of an array and every
key of an inline table. Paths are pydantic ``loc`` tuples: ``("outcomes", "groups", 1,
"domains", 0, "name")``. The text must already be valid TOML (parse it with ``tomllib``
first); the scanner does not check syntax.
"""

from __future__ import annotations

import bisect
import re

from sysreview.protocol._base import Loc

_BARE = re.compile(r"[A-Za-z0-9_\-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.lines: dict[Loc, int] = {}
        self.arrays: dict[Loc, int] = {}

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def define(self, path: Loc, pos: int) -> None:
        """Record ``path`` at ``pos``; its parents only if not yet known."""
        line = self.line(pos)
        for k in range(1, len(path)):
            self.lines.setdefault(path[:k], line)
        self.lines[path] = line

    def skip(self, newlines: bool = False) -> None:
        s, n = self.s, len(self.s)
        while self.i < n:
            c = s[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.i += 1
            elif c == "#":
                while self.i < n and s[self.i] != "\n":
                    self.i += 1
            else:
                return

    def run(self) -> dict[Loc, int]:
        table: Loc = ()
        while True:
            self.skip(newlines=True)
            if self.i >= len(self.s):
                return self.lines
            if self.s[self.i] == "[":
                table = self.header()
            else:
                self.keyval(table)

    def key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip()
            c = self.s[self.i]
            if c in "\"'":
                start = self.i
                self.string()
                raw = self.s[start + 1 : self.i - 1]
                parts.append(_unescape(raw) if c == '"' else raw)
            else:
                m = _BARE.match(self.s, self.i)
                if m is None:
                    raise ValueError(f"not a key at line {self.line(self.i)}")
                parts.append(m.group())
                self.i = m.end()
            self.skip()
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
                continue
            return parts

    def resolve(self, keys: list[str]) -> Loc:
        """The path of dotted ``keys``, entering the current element of arrays of tables."""
        path: Loc = ()
        for k in keys:
            path = (*path, k)
            if path in self.arrays:
                path = (*path, self.arrays[path])
        return path

    def header(self) -> Loc:
        pos = self.i
        many = self.s.startswith("[[", pos)
        self.i += 2 if many else 1
        keys = self.key()
        self.i += 2 if many else 1
        if not many:
            table = self.resolve(keys)
            self.define(table, pos)
            return table
        array = (*self.resolve(keys[:-1]), keys[-1])
        index = self.arrays.get(array, -1) + 1
        self.arrays[array] = index
        self.define((*array, index), pos)
        return (*array, index)

    def keyval(self, table: Loc) -> None:
        pos = self.i
        path = (*table, *self.key())
        self.define(path, pos)
        self.i += 1  # "="
        self.skip()
        self.value(path)

    def value(self, path: Loc) -> None:
        c = self.s[self.i]
        if c in "\"'":
            self.string()
        elif c == "[":
            self.array(path)
        elif c == "{":
            self.inline_table(path)
        else:
            m = _SCALAR_END.search(self.s, self.i)
            self.i = m.start() if m else len(self.s)

    def array(self, path: Loc) -> None:
        self.i += 1
        index = 0
        while True:
            self.skip(newlines=True)
            if self.s[self.i] == "]":
                self.i += 1
                return
            self.define((*path, index), self.i)
            self.value((*path, index))
            index += 1
            self.skip(newlines=True)
            if self.s[self.i] == ",":
                self.i += 1

    def inline_table(self, path: Loc) -> None:
        self.i += 1
        while True:
            self.skip()
            if self.s[self.i] == "}":
                self.i += 1
                return
            self.keyval(path)
            self.skip()
            if self.s[self.i] == ",":
                self.i += 1

    def string(self) -> None:
        s, q = self.s, self.s[self.i]
        if s.startswith(q * 3, self.i):
            end = self.i + 3
            while not s.startswith(q * 3, end):
                end += 2 if q == '"' and s[end] == "\\" else 1
            end += 3
            while end < len(s) and s[end] == q:  # up to two quotes may close the content
                end += 1
            self.i = end
            return
        end = self.i + 1
        while s[end] != q:
            end += 2 if q == '"' and s[end] == "\\" else 1
        self.i = end + 1


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return raw.encode("latin-1", "backslashreplace").decode("unicode_escape")


def key_lines(text: str) -> dict[Loc, int]:
    """Map every key path of a valid TOML document to its 1-based line.

    Examples
    --------
    >>> doc = '''
    ... [analysis]
    ... model = "random"
    ... [[outcomes.groups]]
    ... name = "a"
    ... [[outcomes.groups]]
    ... name = "b"
    ... reasons = [
    ...   "x",
    ...   { attribute = "y" },
    ... ]
    ... '''
    >>> lines = key_lines(doc)
    >>> lines["analysis", "model"], lines["outcomes", "groups", 1, "name"]
    (3, 7)
    >>> lines["outcomes", "groups", 1, "reasons", 1, "attribute"]
    10
    """
    return _Scanner(text).run()


def line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    """The line of ``loc``, else of its nearest enclosing key or table (``None`` at the root).

    Examples
    --------
    >>> line_of({("analysis",): 4, ("analysis", "model"): 5}, ("analysis", "level"))
    4
    """
    for k in range(len(loc), 0, -1):
        if loc[:k] in lines:
            return lines[loc[:k]]
    return None


__all__ = ["key_lines", "line_of"]
