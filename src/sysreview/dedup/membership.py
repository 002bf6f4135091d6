"""Group membership as a table: ``record_id, group_id, rule, score`` per record."""

from __future__ import annotations

from dataclasses import dataclass

from sysreview.dedup.groups import DedupResult


@dataclass(frozen=True)
class Membership:
    """One record's group, and the strongest link that put it there (none if alone)."""

    record_id: str
    group_id: int
    rule: str | None
    score: float | None


def memberships(result: DedupResult) -> list[Membership]:
    """Every record with a dense 1-based group number, in input order.

    ``record_id`` is the file's own identifier where it has one, else the record's
    position. A record in a group of two or more carries the rule and score of its
    highest-scoring duplicate link; a record alone has neither.

    Examples
    --------
    >>> from sysreview.dedup import find_duplicates
    >>> from sysreview.records.model import Citation
    >>> a = Citation(1, title="Peer support for recovery", authors=("Smith, J",), year=2019,
    ...              journal="Psychiatr Serv", volume="70", pages="100-110")
    >>> b = Citation(2, title="Peer support for recovery.", authors=("Smith, Jane",), year=2019,
    ...              journal="Psychiatric Services", volume="70", pages="100-10")
    >>> c = Citation(3, title="Hope after psychosis", authors=("Lee, K",), year=2020)
    >>> [(m.record_id, m.group_id, m.rule) for m in memberships(find_duplicates([a, b, c]))]
    [('1', 1, 'same_page_range'), ('2', 1, 'same_page_range'), ('3', 2, None)]
    """
    best: dict[int, tuple[str, float]] = {}
    for link in result.links:
        for index in (link.record_a, link.record_b):
            if index not in best or link.score > best[index][1]:
                best[index] = (link.rule, link.score)
    numbers: dict[int, int] = {}
    rows = []
    for index, (citation, label) in enumerate(zip(result.citations, result.labels, strict=True)):
        group = numbers.setdefault(int(label), len(numbers) + 1)
        rule, score = best.get(index, (None, None))
        rows.append(Membership(citation.record_id or str(citation.position), group, rule, score))
    return rows
