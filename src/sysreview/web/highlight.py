"""Highlighting keywords in titles and abstracts, safely and not by colour alone.

The text is split into pieces at the matches, *every* piece is HTML-escaped, and only
then are the matched pieces wrapped in ``<mark>``: nothing of the record's text can
become markup, and a word can never match inside an escape such as ``&amp;``.

Include words are marked ``<mark class="inc">`` (green, solid underline) and exclude
words ``<mark class="exc">`` (red, wavy underline); each mark also carries its kind in
words (its ``title``), and the screening pages show a legend, so colour is never the
only cue (WCAG 2.2, success criterion 1.4.1 Use of Color).
The words are the project's and the reviewer's keywords
(:func:`sysreview.project.selection.labels.keywords_for`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup, escape


class HasTerms(Protocol):
    """Anything with ``include`` and ``exclude`` words (e.g. the service's ``Keywords``)."""

    @property
    def include(self) -> tuple[str, ...]:
        """Words marked green."""

    @property
    def exclude(self) -> tuple[str, ...]:
        """Words marked red."""


@dataclass(frozen=True)
class Terms:
    """Words to mark: ``include`` words (green) and ``exclude`` words (red)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


_KINDS = {"inc": "include keyword", "exc": "exclude keyword"}


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(words), key=len, reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def highlight(text: str | None, terms: HasTerms | None) -> Markup:
    """``text`` escaped, with the terms wrapped in ``<mark class="inc|exc">``.

    A word that is both an include and an exclude word counts as an include word;
    longer words win over shorter ones they contain ("peer support" over "peer").

    Examples
    --------
    >>> terms = Terms(include=("peer",), exclude=("cluster",))
    >>> print(highlight("<b>Peer</b>", terms))
    &lt;b&gt;<mark class="inc" title="include keyword">Peer</mark>&lt;/b&gt;
    >>> print(highlight("a cluster & more", terms))
    a <mark class="exc" title="exclude keyword">cluster</mark> &amp; more
    >>> str(highlight("& amp", Terms(include=("amp",)))).startswith('&amp; <mark class="inc"')
    True
    """
    if not text:
        return Markup("")
    if terms is None:
        return escape(text)
    kind = {w.casefold(): "inc" for w in terms.include}
    kind.update({w.casefold(): "exc" for w in terms.exclude if w.casefold() not in kind})
    pattern = _pattern(kind)
    if pattern is None:
        return escape(text)
    out: list[str] = []
    end = 0
    for match in pattern.finditer(text):
        out.append(str(escape(text[end : match.start()])))
        css = kind[match.group(0).casefold()]
        out.append(f'<mark class="{css}" title="{_KINDS[css]}">{escape(match.group(0))}</mark>')
        end = match.end()
    out.append(str(escape(text[end:])))
    return Markup("".join(out))
