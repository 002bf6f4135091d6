r"""Text every screen, export and database can hold: controls out, storable everywhere.

Two guards, for two different dangers:

* :func:`storable` and :func:`storable_tree`: the characters a database cannot hold the
  same way on every backend. PostgreSQL refuses NUL (U+0000) in text and in JSON, and
  both backends' drivers refuse a lone surrogate (U+D800-U+DFFF: half of a UTF-16 pair,
  which JSON escapes such as ``"\ud800"`` and broken UTF-16 files produce). Readers remove
  NUL and replace lone surrogates with U+FFFD (the replacement character) *as they read*,
  with a warning, so SQLite and PostgreSQL store the same text and a project exported from
  one loads into the other. NaN and infinite numbers, which PostgreSQL's JSON refuses,
  become ``None``.
* :func:`strip_controls`: what a terminal or a spreadsheet would act on. Escape sequences
  (``ESC [ 31 m`` colours, ``ESC [ 2 J`` screen clearing, ``ESC ] … BEL`` window titles and
  hyperlinks), the other C0 and C1 control characters and the bidirectional-text
  controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C, which can make text
  display in another order than it is stored, the "Trojan Source" problem: Boucher &
  Anderson 2021, https://trojansource.codes) are removed. The normalised fields of every
  record are cleaned this way (the record's ``raw`` fields keep them, as read), and every
  command that prints record text passes it through :func:`terminal_safe`.

No library does this: ``rich.markup.escape`` escapes markup, not control characters, and
``ftfy`` repairs mojibake but keeps escape sequences unless told to drop them per call.

A third, :func:`repair_mojibake`, undoes a different harm: UTF-8 text that was once
decoded as Windows-1252 or Latin-1 (``RÃ¼sch`` for ``Rüsch``, ``Lehmanâ€™s`` for
``Lehman’s``), which exports and data files carry over from the tool that made them. It
is ``ftfy``'s :func:`ftfy.fix_encoding` (Speer 2019, https://ftfy.readthedocs.io): only
the encoding is repaired, quotes, widths and ligatures are left as written.
"""

from __future__ import annotations

import math
import re
from typing import Any

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clearing the screen
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC/DCS/SOS/PM/APC strings: titles, links
    r"|\x1b[ -/]*[0-~]?"  # any other escape sequence, or a lone ESC
)
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f{_BIDI}]")
#: Any character :func:`strip_controls` removes (a cheap test before the work).
UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
#: A lone surrogate (half of a UTF-16 pair; Python strings can hold one, UTF-8 cannot).
SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def line_at(text: str, position: int) -> int:
    r"""The 1-based line of ``text`` that character ``position`` is on.

    >>> line_at("a\nb\nc", 4)
    3
    """
    return text.count("\n", 0, position) + 1


def repair_mojibake(text: str) -> str:
    """``text`` with mojibake repaired (:func:`ftfy.fix_encoding`); unchanged otherwise.

    ASCII text cannot be mojibake and is returned at once (most fields of most records).

    Examples
    --------
    >>> repair_mojibake("RÃ¼sch, 2014"), repair_mojibake("Lehmanâ€™s quality of life (QOL)")
    ('Rüsch, 2014', 'Lehman’s quality of life (QOL)')
    >>> repair_mojibake("Rüsch, 2014"), repair_mojibake("“curly” quotes stay")
    ('Rüsch, 2014', '“curly” quotes stay')
    """
    if text.isascii():
        return text
    import ftfy

    return ftfy.fix_encoding(text)


def strip_controls(text: str) -> str:
    r"""``text`` without escape sequences, control characters and bidi controls.

    Tab and newline are kept.

    Examples
    --------
    >>> strip_controls("\x1b[31mred\x1b[0m and \x1b]0;title\x07plain\x07")
    'red and plain'
    >>> strip_controls("a\tb\nc\x00\x08d\u202egnp.exe")
    'a\tb\ncdgnp.exe'
    """
    if UNSAFE.search(text) is None:
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def terminal_safe(value: object) -> str:
    r"""Text to print on a terminal: :func:`strip_controls` of ``str(value)``.

    >>> terminal_safe("[bold]A trial\x1b[2J")
    '[bold]A trial'
    """
    return strip_controls(str(value))


def storable(text: str) -> str:
    r"""``text`` without NUL characters and with lone surrogates replaced by U+FFFD.

    >>> storable("a\x00b\ud800c")
    'ab\ufffdc'
    """
    if "\x00" in text:
        text = text.replace("\x00", "")
    if SURROGATE.search(text) is not None:
        text = SURROGATE.sub(REPLACEMENT, text)
    return text


def needs_storing(text: str) -> bool:
    """Whether :func:`storable` would change ``text``."""
    return "\x00" in text or SURROGATE.search(text) is not None


def storable_tree(value: Any) -> tuple[Any, int]:
    r"""A JSON value (parsed JSON, a record's ``raw``) made storable, and how many changed.

    The count is of strings and numbers changed: :func:`storable` on every string (keys
    included), ``None`` for NaN and infinities. Walks without recursion, so any depth is
    safe.

    >>> storable_tree({"a\x00": ["x\ud800", float("nan"), 1, {"b": "ok"}]})
    ({'a': ['x\ufffd', None, 1, {'b': 'ok'}]}, 3)
    """
    changed = 0

    def fix(item: Any) -> Any:
        nonlocal changed
        if isinstance(item, str) and needs_storing(item):
            changed += 1
            return storable(item)
        if isinstance(item, float) and not math.isfinite(item):
            changed += 1
            return None
        return item

    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        item = parent[key]
        if isinstance(item, dict):
            copy = {fix(k): v for k, v in item.items()}
            parent[key] = copy
            stack.extend((copy, k) for k in copy)
        elif isinstance(item, list):
            copy_list = list(item)
            parent[key] = copy_list
            stack.extend((copy_list, i) for i in range(len(copy_list)))
        else:
            parent[key] = fix(item)
    return root[0], changed


def nesting_depth(value: Any) -> int:
    """Nesting depth of parsed JSON or TOML (a scalar is 0), found without recursion.

    >>> nesting_depth(1), nesting_depth([]), nesting_depth({"a": [{"b": 1}]})
    (0, 1, 3)
    """
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


__all__ = [
    "REPLACEMENT",
    "SURROGATE",
    "UNSAFE",
    "line_at",
    "needs_storing",
    "nesting_depth",
    "storable",
    "storable_tree",
    "strip_controls",
    "terminal_safe",
]
