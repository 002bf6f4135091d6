"""Highlighting the protocol's words in titles and abstracts, safely.

The text is split into pieces at the matches, *every* piece is HTML-escaped, and only
then are the matched pieces wrapped in ``<mark>``: nothing of the record's text can
become markup, and a word can never match inside an escape such as ``&amp;``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from sysreview.protocol import Protocol
from sysreview.protocol.review import ELIGIBILITY_DOMAINS

_WORD = re.compile(r"[^\W\d_][\w-]*[^\W_]", re.UNICODE)
STOPWORDS = frozenset(
    """
    about above after again against all also among and any are because been before being
    below between both but by can could did does doing during each either for from further
    had has have having her here hers him his how into its itself just least less like
    many may might more most much must neither nor not now once only other others our ours
    out over own same several she should some such than that the their theirs them then
    there these they this those through too under until upon very was were what when where
    which while who whom why will with within without would you your yours
    """.split()  # noqa: SIM905 - a block of words reads better than a list literal
)
MIN_LENGTH = 4


@dataclass(frozen=True)
class Terms:
    """Words to mark: ``include`` words (from include statements) and ``exclude`` words."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def _words(statements: Iterable[str]) -> list[str]:
    found: dict[str, None] = {}
    for text in statements:
        for word in _WORD.findall(text):
            key = word.casefold()
            if len(key) >= MIN_LENGTH and key not in STOPWORDS:
                found.setdefault(key)
    return list(found)


def protocol_terms(protocol: Protocol, extra: Iterable[str] = ()) -> Terms:
    """Words of the eligibility criteria: include statements' and exclude statements'.

    A word in both lists counts as an include word; ``extra`` words are include words.
    """
    crit = [protocol.eligibility.criteria(d) for d in ELIGIBILITY_DOMAINS]
    include = _words([*extra, *(s for c in crit for s in c.include)])
    exclude = [w for w in _words(s for c in crit for s in c.exclude) if w not in include]
    return Terms(tuple(include), tuple(exclude))


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(words), key=len, reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def highlight(text: str | None, terms: Terms) -> Markup:
    """``text`` escaped, with the terms wrapped in ``<mark class="inc|exc">``.

    Examples
    --------
    >>> terms = Terms(include=("peer",), exclude=("cluster",))
    >>> str(highlight("<b>Peer</b> & cluster", terms))
    '&lt;b&gt;<mark class="inc">Peer</mark>&lt;/b&gt; &amp; <mark class="exc">cluster</mark>'
    >>> str(highlight("& amp", Terms(include=("amp",))))
    '&amp; <mark class="inc">amp</mark>'
    """
    if not text:
        return Markup("")
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
        out.append(f'<mark class="{css}">{escape(match.group(0))}</mark>')
        end = match.end()
    out.append(str(escape(text[end:])))
    return Markup("".join(out))
