"""A RevMan 5 review's risk-of-bias tables (``QUALITY_ITEMS``), read and written.

RevMan 5 keeps the Cochrane risk-of-bias tool (Higgins et al. 2011, RoB 1) as *quality
items*: one ``QUALITY_ITEM`` per domain (``LEVEL="STUDY"``, or ``"GROUP"`` for domains
judged per group of outcomes, such as blinding), each holding one
``QUALITY_ITEM_DATA_ENTRY`` per study and group with ``RESULT`` ``YES`` (low risk of
bias), ``NO`` (high risk) or ``UNKNOWN`` (unclear risk) and the support for the judgement
in ``DESCRIPTION``::

    <QUALITY_ITEM ID="QIT-01" LEVEL="STUDY" NO="1" CORE_ITEM="YES">
      <NAME>Random sequence generation (selection bias)</NAME>
      <QUALITY_ITEM_DATA>
        <QUALITY_ITEM_DATA_ENTRY RESULT="YES" STUDY_ID="STD-Smith-2001">
          <DESCRIPTION><P>Computer-generated list</P></DESCRIPTION>

:func:`parse_quality_items` reads them as written (:class:`QualityItem`);
:func:`rob1_rows` turns them into the protocol's RoB 1 judgements per study
(:class:`~sysreview.io.dataset.RobRow`): items are recognised by their names (the names
RevMan 5.0 to 5.4 give the standard domains, ``"Adequate sequence generation?"`` as well
as ``"Random sequence generation (selection bias)"``); a combined ``Blinding`` item
judges both blinding domains unless the study also has the separate items; a domain
judged for several groups of outcomes takes the worst judgement (high before unclear
before low), its support naming each group. Items of no RoB 1 domain, and studies
without a judgement in every domain, are listed as skipped with the reason, never
guessed. :func:`rob1_items` writes RoB 1 judgements back as RevMan's seven standard
items. Pure: no files, no database.

References
----------
Higgins JPT, Altman DG, Gøtzsche PC, et al. The Cochrane Collaboration's tool for
assessing risk of bias in randomised trials. BMJ 2011;343:d5928.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sysreview.io.dataset import RobRow, Skipped
from sysreview.protocol.appraisal import ROB1_DOMAINS

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "JUDGEMENTS",
    "QualityEntry",
    "QualityItem",
    "parse_quality_items",
    "rob1_items",
    "rob1_rows",
]

JUDGEMENTS = {"YES": "low", "NO": "high", "UNKNOWN": "unclear"}
"""RevMan's ``RESULT`` and the RoB 1 judgement it stands for."""
_RESULTS = {v: k for k, v in JUDGEMENTS.items()}
_WORST = {"high": 2, "unclear": 1, "low": 0}
_BOTH_BLINDING = ("blinding_participants_personnel", "blinding_outcome_assessment")
_SPACE = re.compile(r"[ \t\r\n]+")

#: RevMan 5's names of the standard items, in RevMan's order (what :func:`rob1_items` writes).
STANDARD_NAMES = {
    "random_sequence_generation": "Random sequence generation (selection bias)",
    "allocation_concealment": "Allocation concealment (selection bias)",
    "blinding_participants_personnel": "Blinding of participants and personnel (performance bias)",
    "blinding_outcome_assessment": "Blinding of outcome assessment (detection bias)",
    "incomplete_outcome_data": "Incomplete outcome data (attrition bias)",
    "selective_reporting": "Selective reporting (reporting bias)",
    "other_bias": "Other bias",
}
_GROUP_LEVEL = ("blinding_participants_personnel", "blinding_outcome_assessment",
                "incomplete_outcome_data")  # fmt: skip


@dataclass(frozen=True)
class QualityEntry:
    """One study's judgement of one item (and group): ``result`` as RevMan writes it."""

    study_id: str
    result: str
    description: str = ""
    group: str | None = None


@dataclass(frozen=True)
class QualityItem:
    """One risk-of-bias item: its id, number, name, level, groups and entries.

    ``groups`` are ``(id, name)`` of the groups of outcomes a ``GROUP``-level item is
    judged for.
    """

    id: str
    no: int
    name: str
    level: str
    entries: tuple[QualityEntry, ...]
    description: str = ""
    groups: tuple[tuple[str, str], ...] = ()


def _text(el: Element | None) -> str:
    return "" if el is None else _SPACE.sub(" ", "".join(el.itertext())).strip(" ")


def parse_quality_items(root: Element) -> tuple[QualityItem, ...]:
    """The ``QUALITY_ITEMS`` of a parsed RevMan 5 file (its root element), as written.

    Entries without a ``STUDY_ID`` or with a ``RESULT`` other than ``YES``, ``NO`` or
    ``UNKNOWN`` (an item not judged yet) are left out.
    """
    items: list[QualityItem] = []
    for el in root.iterfind("QUALITY_ITEMS/QUALITY_ITEM"):
        entries = tuple(
            QualityEntry(
                e.get("STUDY_ID", ""),
                e.get("RESULT", ""),
                _text(e.find("DESCRIPTION")),
                e.get("GROUP_ID"),
            )
            for e in el.iterfind("QUALITY_ITEM_DATA/QUALITY_ITEM_DATA_ENTRY")
            if e.get("STUDY_ID") and e.get("RESULT") in JUDGEMENTS
        )
        groups = tuple(
            (g.get("ID", ""), _text(g.find("NAME")))
            for g in el.iterfind("QUALITY_ITEM_DATA_ENTRY_GROUP")
        )
        no = el.get("NO", "")
        items.append(
            QualityItem(
                id=el.get("ID", ""),
                no=int(no) if no.isdigit() else len(items) + 1,
                name=_text(el.find("NAME")),
                level=el.get("LEVEL", "STUDY"),
                entries=entries,
                description=_text(el.find("DESCRIPTION")),
                groups=groups,
            )
        )
    return tuple(items)


def domains_of(name: str) -> tuple[str, ...]:
    """The RoB 1 domains an item's name stands for (none: not a RoB 1 domain).

    Examples
    --------
    >>> domains_of("Blinding (performance bias and detection bias)")
    ('blinding_participants_personnel', 'blinding_outcome_assessment')
    >>> domains_of("Adequate sequence generation?"), domains_of("Baseline imbalance")
    (('random_sequence_generation',), ())
    """
    n = name.casefold()
    if "sequence" in n:
        return ("random_sequence_generation",)
    if "allocation" in n and "conceal" in n:
        return ("allocation_concealment",)
    if "blind" in n or "performance bias" in n or "detection bias" in n:
        participants = "participant" in n or "personnel" in n or "performance" in n
        assessment = "assess" in n or "detection" in n
        if participants and not assessment:
            return ("blinding_participants_personnel",)
        if assessment and not participants:
            return ("blinding_outcome_assessment",)
        return _BOTH_BLINDING
    if "incomplete" in n or "attrition" in n:
        return ("incomplete_outcome_data",)
    if "selective" in n or "reporting bias" in n:
        return ("selective_reporting",)
    if "other" in n:
        return ("other_bias",)
    return ()


@dataclass
class _Found:
    """A study's judgement of one domain as read so far (worst over groups)."""

    judgement: str
    support: list[str]
    specific: bool


def _merge(found: dict[str, _Found], domain: str, judgement: str, support: str,
           specific: bool) -> None:  # fmt: skip
    old = found.get(domain)
    if old is not None and old.specific and not specific:
        return  # a separate blinding item wins over the combined one
    if old is None or (specific and not old.specific):
        found[domain] = _Found(judgement, [support] if support else [], specific)
        return
    if _WORST[judgement] > _WORST[old.judgement]:
        old.judgement = judgement
    if support:
        old.support.append(support)


def rob1_rows(
    items: Sequence[QualityItem],
    names: Mapping[str, str],
    *,
    source: str,
    studies: Sequence[str] | None = None,
) -> tuple[tuple[RobRow, ...], tuple[Skipped, ...]]:
    """RoB 1 judgements per study from RevMan's items (see the module notes).

    Parameters
    ----------
    items
        The review's items (:func:`parse_quality_items`).
    names
        Study names by ``STUDY_ID``.
    source
        The file's name, for each row's location.
    studies
        Only these study names (``None``: every study judged).

    Returns
    -------
    rows, skipped
        One :class:`RobRow` per study judged in all seven domains, in file order; the
        items and studies left out, with the reason.
    """
    skipped: list[Skipped] = []
    per_study: dict[str, dict[str, _Found]] = {}
    for item in items:
        domains = domains_of(item.name)
        if not domains:
            skipped.append(Skipped(f"{source}, risk of bias item {item.name!r}",
                                   "not a domain of the Cochrane RoB 1 tool"))  # fmt: skip
            continue
        groups = dict(item.groups)
        for e in item.entries:
            name = names.get(e.study_id, e.study_id)
            support = e.description
            if e.group is not None and len(groups) > 1 and groups.get(e.group):
                support = f"{groups[e.group]}: {support}" if support else ""
            found = per_study.setdefault(name, {})
            for domain in domains:
                _merge(found, domain, JUDGEMENTS[e.result], support, len(domains) == 1)
    wanted = None if studies is None else set(studies)
    rows = []
    for name, found in per_study.items():
        if wanted is not None and name not in wanted:
            continue
        missing = [d for d in ROB1_DOMAINS if d not in found]
        where = f"{source}, risk of bias of {name}"
        if missing:
            skipped.append(Skipped(where, f"no judgement of {', '.join(missing)}"))
            continue
        rows.append(
            RobRow(
                study=name,
                tool="RoB1",
                judgements={d: found[d].judgement for d in ROB1_DOMAINS},
                location=where,
                support={d: "; ".join(found[d].support) for d in ROB1_DOMAINS if found[d].support},
            )
        )
    return tuple(rows), tuple(skipped)


def rob1_items(
    judgements: Sequence[tuple[str, Mapping[str, tuple[str, str]]]],
) -> tuple[QualityItem, ...]:
    """RevMan's seven standard items from RoB 1 judgements.

    Parameters
    ----------
    judgements
        ``(STUDY_ID, {domain: (judgement, support)})`` per study; the judgements are
        ``low``, ``unclear`` or ``high``.

    Examples
    --------
    >>> items = rob1_items([("STD-A-2001", {"other_bias": ("low", "none seen")})])
    >>> [(i.id, i.level, len(i.entries)) for i in items][-2:]
    [('QIT-06', 'STUDY', 0), ('QIT-07', 'STUDY', 1)]
    >>> items[-1].entries[0]
    QualityEntry(study_id='STD-A-2001', result='YES', description='none seen', group=None)
    """
    items = []
    for no, (domain, name) in enumerate(STANDARD_NAMES.items(), start=1):
        ident = f"QIT-{no:02d}"
        grouped = domain in _GROUP_LEVEL
        group = f"QIG-{no:02d}.01" if grouped else None
        entries = tuple(
            QualityEntry(study, _RESULTS[found[domain][0]], found[domain][1], group)
            for study, found in judgements
            if domain in found
        )
        items.append(
            QualityItem(
                id=ident,
                no=no,
                name=name,
                level="GROUP" if grouped else "STUDY",
                entries=entries,
                groups=((group, "All outcomes"),) if group else (),
            )
        )
    return tuple(items)
