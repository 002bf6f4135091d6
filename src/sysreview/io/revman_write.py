"""Write a RevMan 5 review file (``.rm5``): studies, risk of bias, analyses and results.

The file has the skeleton of the reviews RevMan 5 writes (the golden files in
``../shared/golden/revman/`` were read for its structure): a ``COCHRANE_REVIEW``
(``REVMAN_VERSION="5"``, ``TYPE="INTERVENTION"``, ``STAGE="R"``) holding, in RevMan's
order, ``COVER_SHEET`` (the title), an empty ``MAIN_TEXT``, ``STUDIES_AND_REFERENCES``
(one ``STUDY`` per included study, ``ID`` and ``NAME``), ``CHARACTERISTICS_OF_STUDIES``
(one empty ``INCLUDED_CHAR`` per study), ``QUALITY_ITEMS`` (risk of bias,
:mod:`sysreview.io.revman_rob`), the empty tables, ``ANALYSES_AND_DATA`` with every
comparison, outcome, subgroup and study row, and the empty ``FIGURES``, ``FEEDBACK``,
``APPENDICES`` and ``EXTENSIONS``.

Each outcome carries its settings and its computed results as RevMan stores them
(``EFFECT_SIZE``, ``CI_START``, ``CI_END``, ``Z``, ``P_Z``, ``CHI2``, ``DF``, ``P_CHI2``,
``I2``, ``TAU2``, base-10 ``LOG_*`` of ratio measures, ``STUDIES``, totals), and each study
row its data and its result (``EFFECT_SIZE``, ``SE``, ``CI_*``, ``WEIGHT``), so that
:func:`sysreview.revman.read_rm5` reads back exactly what was written
(:class:`~sysreview.revman.Review` in, the same ``Review`` out). Numbers are written at
full precision (Python's shortest round-trip form, which Java's ``Double.parseDouble``
reads); ``NaN`` and infinities as Java writes them. Text is XML-escaped, and characters
XML 1.0 cannot hold (C0 controls but tab and line ends) are left out.

The XML is built with :mod:`xml.etree.ElementTree` (writing only; reading goes through
:mod:`defusedxml`). Pure: bytes out, no files.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from xml.etree.ElementTree import Element, SubElement, tostring

from sysreview.io.revman_rob import QualityItem
from sysreview.revman.model import (
    Comparison,
    Outcome,
    Review,
    StoredPooled,
    StudyRow,
    Subgroup,
)

__all__ = ["rm5_bytes", "study_id"]

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID_SAFE = re.compile(r"[A-Za-z0-9]")
_TAGS = {"DICH": "DICH", "CONT": "CONT", "IV": "IV"}
_EMPTY_SECTIONS = ("SOF_TABLES", "ADDITIONAL_TABLES")
_TRAILING = ("FIGURES", "FEEDBACK", "APPENDICES", "EXTENSIONS")
_POOLED = (
    ("EFFECT_SIZE", "effect_size"), ("CI_START", "ci_start"), ("CI_END", "ci_end"),
    ("Z", "z"), ("P_Z", "p_z"), ("CHI2", "chi2"), ("DF", "df"), ("P_CHI2", "p_chi2"),
    ("I2", "i2"), ("TAU2", "tau2"), ("WEIGHT", "weight"),
    ("LOG_EFFECT_SIZE", "log_effect_size"), ("LOG_CI_START", "log_ci_start"),
    ("LOG_CI_END", "log_ci_end"), ("STUDIES", "studies"), ("TOTAL_1", "total_1"),
    ("TOTAL_2", "total_2"), ("EVENTS_1", "events_1"), ("EVENTS_2", "events_2"),
)  # fmt: skip
_STUDY = (
    ("EFFECT_SIZE", "effect_size"), ("CI_START", "ci_start"), ("CI_END", "ci_end"),
    ("WEIGHT", "weight"), ("LOG_EFFECT_SIZE", "log_effect_size"),
    ("LOG_CI_START", "log_ci_start"), ("LOG_CI_END", "log_ci_end"), ("O_E", "o_e"),
    ("VAR", "var"),
)  # fmt: skip
_INPUTS = {
    "DICH": (("EVENTS_1", "events_1"), ("EVENTS_2", "events_2")),
    "CONT": (("MEAN_1", "mean_1"), ("SD_1", "sd_1"), ("MEAN_2", "mean_2"), ("SD_2", "sd_2")),
    "IV": (("ESTIMATE", "estimate"), ("SE", "se_input")),
}


def study_id(name: str) -> str:
    r"""RevMan's ``STUDY_ID`` of a study name.

    ``STD-``, spaces as ``-``, any other character but letters and digits as ``_xHHHH_``
    (as RevMan writes them).

    Examples
    --------
    >>> study_id("Abu-Mouch 2011"), study_id("RIX\u00a0Anh 2011-PHL")
    ('STD-Abu_x002d_Mouch-2011', 'STD-RIX_x00a0_Anh-2011_x002d_PHL')
    """
    out = []
    for ch in name.strip():
        if ch == " ":
            out.append("-")
        elif _ID_SAFE.match(ch):
            out.append(ch)
        else:
            out.append(f"_x{ord(ch):04x}_" if ord(ch) <= 0xFFFF else f"_x{ord(ch):08x}_")
    return "STD-" + "".join(out)


def _clean(text: str) -> str:
    return _XML_UNSAFE.sub("", text)


def _number(value: float | int) -> str:
    """A number as RevMan reads it.

    Whole numbers without a decimal point, others at full precision, ``NaN``,
    ``Infinity`` and ``-Infinity`` as Java writes them.
    """
    x = float(value)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _set(el: Element, pairs: Sequence[tuple[str, str]], source: object) -> None:
    for attr, field in pairs:
        value = getattr(source, field)
        if value is not None:
            el.set(attr, _number(value))


def _text(parent: Element, tag: str, text: str | None) -> None:
    if text is not None:
        SubElement(parent, tag).text = _clean(text)


def _pooled(el: Element, stored: StoredPooled | None) -> None:
    if stored is not None:
        _set(el, _POOLED, stored)


def _row(parent: Element, row: StudyRow, data_type: str) -> None:
    el = SubElement(parent, f"{_TAGS[data_type]}_DATA", STUDY_ID=_clean(row.study_id))
    el.set("ESTIMABLE", "YES" if row.estimable else "NO")
    _set(el, (("TOTAL_1", "total_1"), ("TOTAL_2", "total_2")), row)
    _set(el, _INPUTS[data_type], row)
    if row.order is not None:
        el.set("ORDER", str(row.order))
    stored = row.stored
    if stored is not None:
        _set(el, _STUDY, stored)
        if stored.se is not None and data_type != "IV":
            el.set("SE", _number(stored.se))


def _subgroup(parent: Element, sub: Subgroup, data_type: str) -> None:
    el = SubElement(parent, f"{_TAGS[data_type]}_SUBGROUP", ID=sub.id, NO=str(sub.no))
    el.set("ESTIMABLE", "YES" if sub.estimable else "NO")
    _pooled(el, sub.stored)
    _text(el, "NAME", sub.name)
    for row in sub.studies:
        _row(el, row, data_type)


def _outcome(parent: Element, o: Outcome) -> None:
    el = SubElement(parent, f"{_TAGS[o.data_type]}_OUTCOME", ID=o.id, NO=str(o.no))
    if o.data_type != "IV":
        el.set("EFFECT_MEASURE", o.measure)
    if o.data_type == "DICH":
        el.set("METHOD", o.method)
    else:
        el.set("LOG_DATA", "YES" if o.log_data else "NO") if o.data_type == "IV" else None
    el.set("RANDOM", "YES" if o.random else "NO")
    el.set("TOTALS", o.totals)
    el.set("CI_STUDY", _number(o.ci_study))
    el.set("CI_TOTAL", _number(o.ci_total))
    el.set("SWAP_EVENTS", "YES" if o.swap_events else "NO")
    el.set("SUBGROUPS", "YES" if o.subgroups_flag else "NO")
    el.set("SUBGROUP_TEST", "YES" if o.subgroup_test_flag else "NO")
    el.set("ESTIMABLE", "YES" if o.estimable else "NO")
    _pooled(el, o.stored)
    if o.subgroup_test is not None:
        for attr, value in zip(("Q", "P_Q", "I2_Q"), o.subgroup_test, strict=True):
            el.set(attr, _number(value))
    _text(el, "NAME", o.name)
    if o.data_type == "IV":
        _text(el, "EFFECT_MEASURE", o.iv_measure_label)
    _text(el, "GROUP_LABEL_1", o.group_label_1)
    _text(el, "GROUP_LABEL_2", o.group_label_2)
    in_subgroups = {id(r) for sub in o.subgroups for r in sub.studies}
    for row in o.studies:
        if id(row) not in in_subgroups:
            _row(el, row, o.data_type)
    for sub in o.subgroups:
        _subgroup(el, sub, o.data_type)


def _comparison(parent: Element, c: Comparison) -> None:
    el = SubElement(parent, "COMPARISON", ID=c.id, NO=str(c.no))
    _text(el, "NAME", c.name)
    for o in c.outcomes:
        _outcome(el, o)


def _studies(root: Element, names: Mapping[str, str], years: Mapping[str, int]) -> None:
    refs = SubElement(root, "STUDIES_AND_REFERENCES")
    studies = SubElement(refs, "STUDIES")
    included = SubElement(studies, "INCLUDED_STUDIES")
    for ident, name in names.items():
        study = SubElement(included, "STUDY", DATA_SOURCE="PUB", ID=_clean(ident))
        study.set("NAME", _clean(name))
        if ident in years:
            study.set("YEAR", str(years[ident]))
    for tag in ("EXCLUDED_STUDIES", "AWAITING_STUDIES", "ONGOING_STUDIES"):
        SubElement(studies, tag)
    others = SubElement(refs, "OTHER_REFERENCES")
    for tag in ("ADDITIONAL_REFERENCES", "OTHER_VERSIONS_REFERENCES", "PENDING_REFERENCES"):
        SubElement(others, tag)
    chars = SubElement(root, "CHARACTERISTICS_OF_STUDIES")
    flags = {"USER_DEF_1_ENABLED": "NO", "USER_DEF_2_ENABLED": "NO", "USER_DEF_3_ENABLED": "NO"}
    table = SubElement(chars, "CHARACTERISTICS_OF_INCLUDED_STUDIES", {"SORT_BY": "STUDY", **flags})
    for ident in names:
        char = SubElement(table, "INCLUDED_CHAR", STUDY_ID=_clean(ident))
        for tag in ("CHAR_METHODS", "CHAR_PARTICIPANTS", "CHAR_INTERVENTIONS", "CHAR_OUTCOMES",
                    "CHAR_NOTES"):  # fmt: skip
            SubElement(SubElement(char, tag), "P")
    for tag in ("EXCLUDED", "AWAITING", "ONGOING"):
        extra = {} if tag == "EXCLUDED" else flags
        SubElement(chars, f"CHARACTERISTICS_OF_{tag}_STUDIES", {"SORT_BY": "STUDY", **extra})


def _quality(root: Element, items: Sequence[QualityItem]) -> None:
    parent = SubElement(root, "QUALITY_ITEMS")
    for item in items:
        el = SubElement(parent, "QUALITY_ITEM", CORE_ITEM="YES", ID=item.id, LEVEL=item.level)
        el.set("NO", str(item.no))
        _text(el, "NAME", item.name)
        SubElement(SubElement(el, "DESCRIPTION"), "P").text = _clean(item.description)
        for ident, name in item.groups:
            group = SubElement(el, "QUALITY_ITEM_DATA_ENTRY_GROUP", ID=ident)
            group.set("NO", ident.rsplit(".", 1)[-1].lstrip("0") or "1")
            _text(group, "NAME", name)
        data = SubElement(el, "QUALITY_ITEM_DATA")
        for e in item.entries:
            entry = SubElement(data, "QUALITY_ITEM_DATA_ENTRY")
            if e.group is not None:
                entry.set("GROUP_ID", e.group)
            entry.set("RESULT", e.result)
            entry.set("STUDY_ID", _clean(e.study_id))
            SubElement(SubElement(entry, "DESCRIPTION"), "P").text = _clean(e.description)


def rm5_bytes(
    review: Review,
    *,
    quality: Sequence[QualityItem] = (),
    years: Mapping[str, int] | None = None,
) -> bytes:
    """The RevMan 5 file of ``review`` (UTF-8 XML; see the module docstring).

    Parameters
    ----------
    review
        Comparisons, outcomes, subgroups and study rows with their stored results;
        ``review.study_names`` lists the included studies by ``STUDY_ID``.
    quality
        Risk-of-bias items (:func:`sysreview.io.revman_rob.rob1_items`).
    years
        Each study's year by ``STUDY_ID``, where known.

    Examples
    --------
    >>> from sysreview.revman import parse_rm5
    >>> empty = Review("A review", "a.rm5", (), {"STD-Smith-2001": "Smith 2001"})
    >>> back = parse_rm5(rm5_bytes(empty), source="a.rm5")
    >>> back == empty
    True
    """
    root = Element(
        "COCHRANE_REVIEW",
        TYPE="INTERVENTION",
        REVMAN_VERSION="5",
        ID="000000000000000000",
        VERSION_NO="0.1",
        STAGE="R",
        STATUS="A",
    )
    cover = SubElement(root, "COVER_SHEET")
    _text(cover, "TITLE", review.title)
    SubElement(root, "MAIN_TEXT")
    _studies(root, review.study_names, years or {})
    _quality(root, quality)
    for tag in _EMPTY_SECTIONS:
        SubElement(root, tag)
    analyses = SubElement(root, "ANALYSES_AND_DATA", CALCULATED_DATA="YES")
    for comparison in review.comparisons:
        _comparison(analyses, comparison)
    for tag in _TRAILING:
        SubElement(root, tag)
    body: bytes = tostring(root, encoding="UTF-8", xml_declaration=True)
    return body
