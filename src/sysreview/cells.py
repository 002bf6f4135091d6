r"""Spreadsheet-safe text cells: what every CSV the tool writes does to text, and undoes.

A spreadsheet (Excel, LibreOffice Calc, Google Sheets) runs a cell whose text starts with
``=``, ``+``, ``-`` or ``@`` as a formula, and also one that starts with a tab, carriage
return or NUL; a record title such as ``=HYPERLINK("http://evil", "click")`` would become
a live link (or worse) in the reviewer's spreadsheet. Following the OWASP guidance on
CSV injection, every *text* cell the tool writes that starts with one of
:data:`TRIGGERS` gets a leading apostrophe, which spreadsheets read as "this is text".
Numbers are written as numbers (a negative number is not a formula).

The escape is reversible, so that our own readers (sheets, ``sysreview pool``) give back
exactly the text that was written: :func:`restore` removes one leading apostrophe when
what follows it is a trigger, or another apostrophe that :func:`neutralise` added for the
same reason. Text that starts with apostrophes followed by a trigger gets one more, so
``"'=x"`` (a cell someone typed that way on purpose) survives as itself.

No library fits: ``defusedcsv`` wraps :mod:`csv` writing only (our readers must undo
the escape, and XLSX cells are marked as text instead, see
:mod:`sysreview.project.sheets.reading`).

References
----------
OWASP Foundation. CSV Injection. https://owasp.org/www-community/attacks/CSV_Injection
OWASP Application Security Verification Standard 5.0, requirement 1.2.10.

Examples
--------
>>> neutralise('=HYPERLINK("http://x")')
'\'=HYPERLINK("http://x")'
>>> restore(neutralise("-5 mg")), neutralise(-5), neutralise("Smith 2019")
('-5 mg', -5, 'Smith 2019')
>>> restore(neutralise("'=x")), restore("'quoted"), restore(neutralise("''"))
("'=x", "'quoted", "''")
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
"""Leading characters that make a spreadsheet evaluate a cell (OWASP; ASVS 5.0 1.2.10)."""
QUOTE = "'"
"""The prefix that makes a spreadsheet read a cell as text."""

T = TypeVar("T")
F = TypeVar("F")


def needs_quote(text: str) -> bool:
    """Whether :func:`neutralise` prefixes ``text`` (a trigger after any apostrophes).

    >>> needs_quote("@risk"), needs_quote("'@risk"), needs_quote("'quoted"), needs_quote("")
    (True, True, False, False)
    """
    return text.lstrip(QUOTE).startswith(TRIGGERS)


def neutralise(value: T) -> T | str:
    """``value`` with a leading apostrophe when it is text a spreadsheet would run.

    Anything that is not a ``str`` (numbers, booleans, ``None``) is returned unchanged.
    """
    if isinstance(value, str) and needs_quote(value):
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """Undo :func:`neutralise` on a cell's text: one apostrophe less before a trigger.

    >>> restore("'+44 20 7946 0000"), restore("+44"), restore("'")
    ('+44 20 7946 0000', '+44', "'")
    """
    if text.startswith(QUOTE) and needs_quote(text[1:]):
        return text[1:]
    return text


def safe_row(values: Iterable[object]) -> list[object]:
    """Every cell of a row through :func:`neutralise` (for :func:`csv.writer`)."""
    return [neutralise(v) for v in values]


def safe_frame(frame: F) -> F:
    """A copy of a pandas DataFrame whose text cells went through :func:`neutralise`.

    Numeric columns are untouched; pandas is not imported here (this module stays light
    for ``sysreview pool``).
    """
    out = frame.copy()  # type: ignore[attr-defined]
    for column in out.columns:
        if getattr(out[column].dtype, "kind", "O") not in "biufcmM":  # text or mixed
            out[column] = out[column].map(neutralise)
    return out  # type: ignore[no-any-return]


__all__ = [
    "QUOTE",
    "TRIGGERS",
    "needs_quote",
    "neutralise",
    "restore",
    "safe_frame",
    "safe_row",
]
