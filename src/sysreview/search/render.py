"""Render a strategy in each database's own syntax, line-numbered as its interface shows it.

Targets and their syntax:

==================  ===============  ==========  ============================================
database            interface        thesaurus   syntax
==================  ===============  ==========  ============================================
MEDLINE             Ovid             MeSH        ``peer support*.ti,ab.``, ``(peer* adj3
                                                 support*).ti,ab.``, ``exp Peer Group/``,
                                                 ``or/1-3``, ``4 and 8``
PsycINFO            Ovid             APA         as MEDLINE; keywords field ``id``
Embase              Ovid             Emtree      as MEDLINE; keywords field ``kw``
MEDLINE             PubMed           MeSH        ``"peer support*"[tiab]``, ``"peer
                                                 support"[tiab:~3]``, ``"Peer Group"[Mesh]``,
                                                 history ``#1 AND #2``
Cochrane CENTRAL    Wiley            MeSH        ``"peer support*":ti,ab``, ``(peer* NEAR/3
                                                 support*):ti,ab``, ``[mh "Peer Group"]``,
                                                 ``#1 OR #2``
ClinicalTrials.gov  ClinicalTrials   (none)      one query: ``"peer support" AND ...``
                    .gov
==================  ===============  ==========  ============================================

Where a database cannot express a term exactly (PubMed proximity takes no truncation;
ClinicalTrials.gov neither truncates nor searches by proximity or field), the nearest
form is used and a note says so; headings of another thesaurus are left out with a note.

A term or block searched in *all fields* is ``.af.`` in Ovid, ``[All Fields]`` in PubMed,
a Search Manager line without a field label in the Cochrane Library (which searches all
text) and a plain term in ClinicalTrials.gov; never title/abstract.

Sources: Ovid field guide (``.ti,ab.``, ``.af.`` all fields, ``adjN``, ``exp``, ``or/``);
PubMed User Guide (field tags, ``[All Fields]``, ``[tiab:~N]`` proximity, ``[Mesh:NoExp]``);
Cochrane Library Search Manager help (``NEAR/N``, ``:ti,ab,kw``, ``[mh]``, ``[mh ^]``, no
label = all text); ClinicalTrials.gov search expression syntax (Essie: AND/OR/NOT,
quotes, ``AREA[]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sysreview.errors import InputError
from sysreview.search.filters import FILTERS
from sysreview.search.strategy import Block, Node, SearchField, Strategy, Term
from sysreview.search.targets import TARGETS, Target, target

_REF = re.compile(r"#(\d+)")


@dataclass(frozen=True)
class RenderedSearch:
    """A strategy in one database's syntax: numbered lines, the final line, notes."""

    strategy: str
    version: str
    target: Target
    lines: tuple[str, ...]
    final: int
    notes: tuple[str, ...]

    def numbered(self) -> list[str]:
        """The lines as the interface numbers them (``1``, … for Ovid; ``#1``, … else)."""
        mark = "" if self.target.syntax == "ovid" else "#"
        width = len(str(len(self.lines)))
        return [f"{mark}{i:<{width}}  {line}" for i, line in enumerate(self.lines, start=1)]

    def text(self) -> str:
        """A header (strategy, version, target), the numbered lines and the notes."""
        head = [
            f"# sysreview strategy {self.strategy} version {self.version}",
            f"# {self.target.label}",
        ]
        notes = [f"# note: {n}" for n in self.notes]
        return "\n".join([*head, *self.numbered(), *notes]) + "\n"

    @property
    def query(self) -> str:
        """The final line (the whole search for ClinicalTrials.gov)."""
        return self.lines[self.final - 1]

    def expanded(self) -> str:
        """The whole search as one line, ``#n`` references replaced by their lines.

        For PubMed, Wiley and ClinicalTrials.gov; Ovid searches run line by line.

        Raises
        ------
        InputError
            For Ovid targets.
        """
        if self.target.syntax == "ovid":
            raise InputError("Ovid searches run line by line; there is no one-line form")

        def expand(n: int) -> str:
            text = self.lines[n - 1]
            return _REF.sub(lambda m: f"({expand(int(m.group(1)))})", text)

        return expand(self.final)


# ---- terms -----------------------------------------------------------------------------


def _ovid_fields(term: Term, t: Target) -> str:
    codes = {
        SearchField.TITLE: "ti",
        SearchField.ABSTRACT: "ab",
        SearchField.KEYWORDS: t.keywords_field,
        SearchField.ALL_TEXT: "tw",
        SearchField.ALL_FIELDS: "af",
    }
    return ",".join(codes[f] for f in term.fields)


def _wiley_fields(term: Term) -> str:
    if SearchField.ALL_TEXT in term.fields or SearchField.ALL_FIELDS in term.fields:
        return ""  # a Search Manager line without a field label searches all text
    codes = {SearchField.TITLE: "ti", SearchField.ABSTRACT: "ab", SearchField.KEYWORDS: "kw"}
    return ":" + ",".join(codes[f] for f in term.fields)


def _pubmed_tags(term: Term, notes: list[str]) -> list[str]:
    fields = set(term.fields)
    tags: list[str] = []
    if SearchField.ALL_FIELDS in fields:
        return ["All Fields"]
    if SearchField.ALL_TEXT in fields:
        return ["tw"]
    if SearchField.ABSTRACT in fields:
        if SearchField.TITLE not in fields:
            notes.append("PubMed has no abstract-only field: searched title/abstract [tiab]")
        tags.append("tiab")
    elif SearchField.TITLE in fields:
        tags.append("ti")
    if SearchField.KEYWORDS in fields:
        tags.append("ot")
    return tags


def _quoted(text: str) -> str:
    return f'"{text}"' if " " in text else text


def _term(term: Term, t: Target, notes: list[str]) -> str | None:
    """One term in the target's syntax; ``None`` when the target cannot use it."""
    if term.kind == "heading":
        assert term.heading is not None
        if t.thesaurus is None or term.thesaurus is not t.thesaurus:
            indexed = t.thesaurus.value if t.thesaurus else "no thesaurus"
            notes.append(
                f"heading {term.heading!r} ({term.thesaurus.value}) left out: {t.label} "
                f"indexes with {indexed}"
            )
            return None
        name = term.heading
        if t.syntax == "ovid":
            return f"{'exp ' if term.explode else ''}{name}/"
        if t.syntax == "pubmed":
            return f'"{name}"[Mesh{"" if term.explode else ":NoExp"}]'
        return f'[mh {"" if term.explode else "^"}"{name}"]'
    if term.kind == "near":
        assert term.near is not None
        left, right = term.near
        n = term.distance
        if t.syntax == "ovid":
            return f"({left} adj{n} {right}).{_ovid_fields(term, t)}."
        if t.syntax == "wiley":
            return f"({left} NEAR/{n} {right}){_wiley_fields(term)}"
        if t.syntax == "pubmed":
            if SearchField.ALL_FIELDS in term.fields:
                notes.append(
                    f"PubMed searches proximity only in title/abstract: {left} adj{n} {right} "
                    "in all fields searched as both words in [All Fields] (broader)"
                )
                return f"({left}[All Fields] AND {right}[All Fields])"
            tag = "ti" if set(term.fields) == {SearchField.TITLE} else "tiab"
            if "*" in left + right:
                notes.append(
                    f"PubMed proximity takes no truncation: {left} adj{n} {right} searched as "
                    f"both words anywhere in [{tag}] (broader)"
                )
                return f"({left}[{tag}] AND {right}[{tag}])"
            return f'"{left} {right}"[{tag}:~{n}]'
        notes.append(
            f"ClinicalTrials.gov has no proximity search: {left} adj{n} {right} searched as "
            "both words"
        )
        return f"({left.replace('*', '')} AND {right.replace('*', '')})"
    assert term.text is not None
    text = term.text
    if t.syntax == "ovid":
        return f"{text}.{_ovid_fields(term, t)}."
    if t.syntax == "wiley":
        return f"{_quoted(text)}{_wiley_fields(term)}"
    if t.syntax == "pubmed":
        tags = _pubmed_tags(term, notes)
        parts = [f"{_quoted(text)}[{tag}]" for tag in tags]
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    bare = text.replace("*", "")
    if "*" in text:
        notes.append(
            f"ClinicalTrials.gov does not truncate: {text!r} searched as {bare!r} (it expands "
            "whole words to their variants, so a stem that is not a word finds nothing)"
        )
    return _quoted(bare)


# ---- blocks and combination -----------------------------------------------------------


class _Lines:
    """The numbered lines being built (1-based references)."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, line: str) -> int:
        self.items.append(line)
        return len(self.items)


def _combine_ref(t: Target, op: str, refs: list[int]) -> str:
    if op in ("AND", "OR"):
        refs = sorted(refs)  # commutative: list lines in order, as searchers write them
    if t.syntax == "ovid":
        if op == "OR" and refs == list(range(refs[0], refs[-1] + 1)) and len(refs) > 2:
            return f"or/{refs[0]}-{refs[-1]}"
        return f" {op.lower()} ".join(str(r) for r in refs)
    return f" {op} ".join(f"#{r}" for r in refs)


def _filter_lines(block: Block, t: Target, lines: _Lines, notes: list[str]) -> int | None:
    specs = [FILTERS[name] for name in block.filter]
    if any(t.database in spec.not_needed for spec in specs):
        notes.append(f"block {block.name!r} (filter) not used in {t.database}: no filter needed")
        return None
    usable = [spec for spec in specs if spec.version(t.filter_key) is not None]
    missing = [spec for spec in specs if spec.text_missing]
    if not usable and missing:
        spec = missing[0]
        notes.append(
            f"block {block.name!r}: filter {spec.name} ({spec.title}; {spec.citation}) is NOT "
            f"in this search: {spec.text_missing}"
        )
        return None
    if not usable:
        published = sorted({key for spec in specs for key in spec.versions})
        raise InputError(
            f"block {block.name!r}: no filter in it ({', '.join(block.filter)}) is published "
            f"for {t.label}; they exist for {', '.join(published)}. Add one for this database "
            f"to the block's filter list (standard filters: {', '.join(FILTERS)})."
        )
    spec = usable[0]
    version = spec.version(t.filter_key)
    assert version is not None
    if spec.notes.get(t.filter_key):
        notes.append(spec.notes[t.filter_key])
    notes.append(f"filter {spec.name}: {spec.title}; {spec.citation}")
    start = len(lines.items)
    last = 0
    for line in version:
        text = line
        for k in range(len(version), 0, -1):
            text = text.replace(f"{{{k}}}", str(start + k))
        last = lines.add(text)
    return last


def _block_line(block: Block, t: Target, lines: _Lines, notes: list[str]) -> int | None:
    if not block.used_in(t.database):
        notes.append(
            f"block {block.name!r} is for {', '.join(block.databases)} only: not used in "
            f"{t.database}"
        )
        return None
    if block.filter:
        return _filter_lines(block, t, lines, notes)
    rendered = [r for term in block.terms if (r := _term(term, t, notes)) is not None]
    if not rendered:
        notes.append(f"block {block.name!r} has no term {t.label} can search; left out")
        return None
    if t.syntax in ("ovid", "wiley"):
        refs = [lines.add(r) for r in rendered]
        return refs[0] if len(refs) == 1 else lines.add(_combine_ref(t, "OR", refs))
    body = rendered[0] if len(rendered) == 1 else "(" + " OR ".join(rendered) + ")"
    return lines.add(body)


def _chain(node: Node, op: str) -> list[Node]:
    if node.op == op and op in ("AND", "OR"):
        assert node.left is not None and node.right is not None
        return _chain(node.left, op) + _chain(node.right, op)
    return [node]


def render(strategy: Strategy, database: str, interface: str | None = None) -> RenderedSearch:
    r"""The strategy in the syntax of ``database`` on ``interface``.

    Ovid, PubMed and Wiley get one line per term (PubMed: per block) and combination
    lines referring to them by number; ClinicalTrials.gov gets one query.

    Examples
    --------
    >>> from sysreview.search.strategy import parse_strategy
    >>> s = parse_strategy('''
    ... name = "demo"
    ... combine = "peer AND rct"
    ... [[blocks]]
    ... name = "peer"
    ... terms = [{ text = "peer support*" }, { near = ["peer*", "support*"], distance = 3 }]
    ... [[blocks]]
    ... name = "rct"
    ... filter = "cochrane_hsss_sensitivity"
    ... ''')
    >>> print("\n".join(render(s, "MEDLINE", "Ovid").numbered()))  # doctest: +NORMALIZE_WHITESPACE
    1   peer support*.ti,ab.
    2   (peer* adj3 support*).ti,ab.
    3   1 or 2
    4   randomized controlled trial.pt.
    5   controlled clinical trial.pt.
    6   randomized.ab.
    7   placebo.ab.
    8   drug therapy.fs.
    9   randomly.ab.
    10  trial.ab.
    11  groups.ab.
    12  or/4-11
    13  exp animals/ not humans.sh.
    14  12 not 13
    15  3 and 14
    """
    t = target(database, interface)
    lines = _Lines()
    notes: list[str] = []
    block_refs = {b.name: _block_line(b, t, lines, notes) for b in strategy.blocks}

    if t.syntax == "ctgov":

        def expr(node: Node) -> str | None:
            if node.op == "block":
                ref = block_refs[node.name]
                return None if ref is None else lines.items[ref - 1]
            assert node.left is not None and node.right is not None
            left, right = expr(node.left), expr(node.right)
            if left is None or right is None:
                return left or right
            return f"({left} {node.op} {right})"

        query = expr(strategy.tree)
        if query is None:
            raise InputError(f"nothing of strategy {strategy.name!r} can be searched in {t.label}")
        final = lines.add(query[1:-1] if query.startswith("(") else query)
        return RenderedSearch(strategy.name, strategy.version, t, tuple(lines.items), final,
                              tuple(dict.fromkeys(notes)))  # fmt: skip

    def combine(node: Node) -> int | None:
        if node.op == "block":
            return block_refs[node.name]
        if node.op == "NOT":
            assert node.left is not None and node.right is not None
            left, right = combine(node.left), combine(node.right)
            if left is None or right is None:
                return left or right
            return lines.add(_combine_ref(t, "NOT", [left, right]))
        refs = [r for r in (combine(n) for n in _chain(node, node.op)) if r is not None]
        if not refs:
            return None
        return refs[0] if len(refs) == 1 else lines.add(_combine_ref(t, node.op, refs))

    last = combine(strategy.tree)
    if last is None:
        raise InputError(f"nothing of strategy {strategy.name!r} can be searched in {t.label}")
    return RenderedSearch(strategy.name, strategy.version, t, tuple(lines.items), last,
                          tuple(dict.fromkeys(notes)))  # fmt: skip


def render_all(strategy: Strategy) -> tuple[RenderedSearch, ...]:
    """The strategy for every supported target."""
    return tuple(render(strategy, t.database, t.interface) for t in TARGETS)


__all__ = ["TARGETS", "RenderedSearch", "Target", "render", "render_all", "target"]
