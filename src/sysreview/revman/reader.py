"""Read the analyses of a RevMan 5 review (``.rm5``, XML) into frozen records.

The file is parsed once with :mod:`defusedxml` (no DTD entities, no external
references); only ``COVER_SHEET/TITLE``, the ``STUDY`` elements and
``ANALYSES_AND_DATA`` are walked. The XML declaration decides the encoding
(RevMan writes UTF-8 or ISO-8859-1, with LF or CRLF line ends).

Examples
--------
>>> rm5 = b'''<?xml version="1.0" encoding="UTF-8"?>
... <COCHRANE_REVIEW><COVER_SHEET><TITLE>Demo</TITLE></COVER_SHEET>
... <ANALYSES_AND_DATA><COMPARISON ID="CMP-001" NO="1"><NAME>A vs B</NAME>
... <DICH_OUTCOME ID="CMP-001.01" NO="1" EFFECT_MEASURE="RR" METHOD="MH" RANDOM="NO"
...  TOTALS="YES" CI_STUDY="95" CI_TOTAL="95" EFFECT_SIZE="0.5" TAU2="NaN" STUDIES="1">
... <NAME>Death</NAME>
... <DICH_DATA STUDY_ID="STD-Smith-2001" EVENTS_1="5" TOTAL_1="50" EVENTS_2="10"
...  TOTAL_2="50" ESTIMABLE="YES" EFFECT_SIZE="0.5" SE="0.4" ORDER="1"/>
... </DICH_OUTCOME></COMPARISON></ANALYSES_AND_DATA></COCHRANE_REVIEW>'''
>>> review = parse_rm5(rm5, source="demo.rm5")
>>> outcome = review.outcome("CMP-001.01")
>>> outcome.measure, outcome.method, outcome.log_data, outcome.stored.effect_size
('RR', 'MH', True, 0.5)
>>> row = outcome.studies[0]
>>> row.study_name, row.events_1, row.total_2, row.stored.se
('Smith 2001', 5.0, 50.0, 0.4)
>>> try:
...     parse_rm5(b"<html/>", source="page.html")
... except InputError as exc:
...     print(exc)
page.html: not a RevMan 5 file: the root element is <html>, expected <COCHRANE_REVIEW>
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from sysreview.errors import InputError
from sysreview.revman.model import (
    Comparison,
    DataType,
    Outcome,
    Review,
    StoredPooled,
    StoredStudy,
    StudyRow,
    Subgroup,
    Totals,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["parse_rm5", "read_rm5"]

_OUTCOME_TAGS: dict[str, DataType] = {
    "DICH_OUTCOME": "DICH",
    "CONT_OUTCOME": "CONT",
    "IV_OUTCOME": "IV",
}
_MEASURES: dict[DataType, tuple[str, ...]] = {
    "DICH": ("RR", "OR", "RD", "PETO_OR"),
    "CONT": ("MD", "SMD"),
    "IV": ("GIV",),
}
_RATIO_MEASURES = frozenset({"RR", "OR", "PETO_OR"})
_METHODS = ("MH", "IV", "PETO")
_TOTALS: tuple[Totals, ...] = ("YES", "SUB", "NO")
_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SPACE = re.compile(r"[ \t\r\n]+")


def read_rm5(path: str | os.PathLike[str]) -> Review:
    """Read the analyses of a RevMan 5 file.

    Parameters
    ----------
    path
        The ``.rm5`` file.

    Returns
    -------
    Review
        Comparisons, outcomes, subgroups and study rows, each with RevMan's stored
        results next to the inputs.

    Raises
    ------
    InputError
        If the file cannot be read, is not well-formed (or is unsafe) XML, is not a
        RevMan 5 review, or holds a value this reader cannot interpret; the message
        names the file and what is wrong.
    """
    source = os.fspath(path)
    try:
        with open(source, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=source) from exc
    return parse_rm5(data, source=source)


def parse_rm5(data: bytes | str, *, source: str = "<string>") -> Review:
    """Parse the text of a RevMan 5 file (see :func:`read_rm5`).

    Parameters
    ----------
    data
        The file's content; bytes are decoded as the XML declaration says.
    source
        Where the data came from, used in error messages and as ``Review.path``.

    Raises
    ------
    InputError
        As :func:`read_rm5`.
    """
    try:
        root = SafeET.fromstring(data)
    except SafeET.ParseError as exc:
        raise InputError(f"malformed XML: {exc}", source=source) from exc
    except DefusedXmlException as exc:
        raise InputError(f"unsafe XML refused: {exc}", source=source) from exc
    if root.tag != "COCHRANE_REVIEW":
        raise InputError(
            f"not a RevMan 5 file: the root element is <{root.tag}>, expected <COCHRANE_REVIEW>",
            source=source,
        )
    ctx = _Context(source=source, names=_study_names(root))
    analyses = root.find("ANALYSES_AND_DATA")
    comparisons: tuple[Comparison, ...] = ()
    if analyses is not None:
        comparisons = tuple(_comparison(el, ctx) for el in analyses.iterfind("COMPARISON"))
    return Review(
        title=_text(root.find("COVER_SHEET/TITLE")),
        path=source,
        comparisons=comparisons,
        study_names=ctx.names,
        skipped_outcomes=tuple(ctx.skipped),
    )


@dataclass(slots=True)
class _Context:
    """What the walk needs besides the element: the source, names, skipped outcomes."""

    source: str
    names: dict[str, str]
    skipped: list[str] = field(default_factory=list)

    def name_of(self, study_id: str) -> str:
        name = self.names.get(study_id)
        if name is None:
            name = self.names[study_id] = _fallback_name(study_id)
        return name

    def error(self, el: Element, message: str) -> InputError:
        ident = el.get("ID") or el.get("STUDY_ID")
        where = f"<{el.tag} ID={ident!r}>" if ident else f"<{el.tag}>"
        return InputError(f"{where}: {message}", source=self.source)


def _study_names(root: Element) -> dict[str, str]:
    names: dict[str, str] = {}
    for study in root.iterfind("STUDIES_AND_REFERENCES/STUDIES/*/STUDY"):
        study_id = study.get("ID")
        if study_id:
            names[study_id] = (study.get("NAME") or "").strip(" \t\r\n") or _fallback_name(study_id)
    return names


def _fallback_name(study_id: str) -> str:
    """Derive a name from an id: ``'STD-Belch-1991'`` -> ``'Belch 1991'``."""
    name = study_id.removeprefix("STD-").replace("-", " ")
    return _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), name)


def _comparison(el: Element, ctx: _Context) -> Comparison:
    outcomes = []
    for child in el:
        data_type = _OUTCOME_TAGS.get(child.tag)
        if data_type is not None:
            outcomes.append(_outcome(child, data_type, ctx))
        elif child.tag.endswith("_OUTCOME"):
            ctx.skipped.append(child.get("ID") or child.tag)
    return Comparison(
        id=_required(el, "ID", ctx),
        no=_int_required(el, "NO", ctx),
        name=_text(el.find("NAME")),
        outcomes=tuple(outcomes),
    )


def _outcome(el: Element, data_type: DataType, ctx: _Context) -> Outcome:
    if data_type == "IV":
        measure = "GIV"
        method = "IV"
        log_data = el.get("LOG_DATA") == "YES"
    else:
        measure = _choice(el, "EFFECT_MEASURE", _MEASURES[data_type], ctx)
        method = _choice(el, "METHOD", _METHODS, ctx) if data_type == "DICH" else "IV"
        log_data = measure in _RATIO_MEASURES
    rows: list[StudyRow] = []
    subgroups: list[Subgroup] = []
    data_tag, subgroup_tag = f"{data_type}_DATA", f"{data_type}_SUBGROUP"
    for child in el:
        if child.tag == data_tag:
            rows.append(_row(child, data_type, None, ctx))
        elif child.tag == subgroup_tag:
            subgroup = _subgroup(child, data_type, ctx)
            subgroups.append(subgroup)
            rows.extend(subgroup.studies)
    test = (_num(el, "Q", ctx), _num(el, "P_Q", ctx), _num(el, "I2_Q", ctx))
    return Outcome(
        id=_required(el, "ID", ctx),
        no=_int_required(el, "NO", ctx),
        name=_text(el.find("NAME")),
        data_type=data_type,
        measure=measure,
        iv_measure_label=_optional_text(el.find("EFFECT_MEASURE")) if data_type == "IV" else None,
        method=method,
        random=el.get("RANDOM") == "YES",
        totals=cast(Totals, _choice(el, "TOTALS", _TOTALS, ctx, default="YES")),
        log_data=log_data,
        ci_study=_level(el, "CI_STUDY", ctx),
        ci_total=_level(el, "CI_TOTAL", ctx),
        swap_events=el.get("SWAP_EVENTS") == "YES",
        subgroups_flag=el.get("SUBGROUPS") == "YES",
        subgroup_test_flag=el.get("SUBGROUP_TEST") == "YES",
        group_label_1=_optional_text(el.find("GROUP_LABEL_1")),
        group_label_2=_optional_text(el.find("GROUP_LABEL_2")),
        stored=_pooled(el, ctx),
        subgroup_test=None if None in test else cast(tuple[float, float, float], test),
        subgroups=tuple(subgroups),
        studies=tuple(rows),
        estimable=el.get("ESTIMABLE") != "NO",
    )


def _subgroup(el: Element, data_type: DataType, ctx: _Context) -> Subgroup:
    no = _int_required(el, "NO", ctx)
    data_tag = f"{data_type}_DATA"
    return Subgroup(
        id=_required(el, "ID", ctx),
        no=no,
        name=_text(el.find("NAME")),
        stored=_pooled(el, ctx),
        studies=tuple(_row(c, data_type, no, ctx) for c in el if c.tag == data_tag),
        estimable=el.get("ESTIMABLE") != "NO",
    )


def _row(el: Element, data_type: DataType, subgroup_no: int | None, ctx: _Context) -> StudyRow:
    study_id = _required(el, "STUDY_ID", ctx)
    dich, cont, iv = data_type == "DICH", data_type == "CONT", data_type == "IV"
    return StudyRow(
        study_id=study_id,
        study_name=ctx.name_of(study_id),
        subgroup_no=subgroup_no,
        order=_int(el, "ORDER", ctx),
        events_1=_num(el, "EVENTS_1", ctx) if dich else None,
        total_1=_num(el, "TOTAL_1", ctx),
        events_2=_num(el, "EVENTS_2", ctx) if dich else None,
        total_2=_num(el, "TOTAL_2", ctx),
        mean_1=_num(el, "MEAN_1", ctx) if cont else None,
        sd_1=_num(el, "SD_1", ctx) if cont else None,
        mean_2=_num(el, "MEAN_2", ctx) if cont else None,
        sd_2=_num(el, "SD_2", ctx) if cont else None,
        estimate=_num(el, "ESTIMATE", ctx) if iv else None,
        se_input=_num(el, "SE", ctx) if iv else None,
        estimable=el.get("ESTIMABLE") != "NO",
        stored=_stored_study(el, iv, ctx),
    )


def _stored_study(el: Element, iv: bool, ctx: _Context) -> StoredStudy | None:
    effect = _num(el, "EFFECT_SIZE", ctx)
    if effect is None:
        return None
    return StoredStudy(
        effect_size=effect,
        se=None if iv else _num(el, "SE", ctx),
        ci_start=_num(el, "CI_START", ctx),
        ci_end=_num(el, "CI_END", ctx),
        weight=_num(el, "WEIGHT", ctx),
        log_effect_size=_num(el, "LOG_EFFECT_SIZE", ctx),
        log_ci_start=_num(el, "LOG_CI_START", ctx),
        log_ci_end=_num(el, "LOG_CI_END", ctx),
        o_e=_num(el, "O_E", ctx),
        var=_num(el, "VAR", ctx),
    )


def _pooled(el: Element, ctx: _Context) -> StoredPooled | None:
    effect = _num(el, "EFFECT_SIZE", ctx)
    if effect is None:
        return None
    return StoredPooled(
        effect_size=effect,
        ci_start=_num(el, "CI_START", ctx),
        ci_end=_num(el, "CI_END", ctx),
        z=_num(el, "Z", ctx),
        p_z=_num(el, "P_Z", ctx),
        chi2=_num(el, "CHI2", ctx),
        df=_num(el, "DF", ctx),
        p_chi2=_num(el, "P_CHI2", ctx),
        i2=_num(el, "I2", ctx),
        tau2=_num(el, "TAU2", ctx),
        weight=_num(el, "WEIGHT", ctx),
        log_effect_size=_num(el, "LOG_EFFECT_SIZE", ctx),
        log_ci_start=_num(el, "LOG_CI_START", ctx),
        log_ci_end=_num(el, "LOG_CI_END", ctx),
        studies=_int(el, "STUDIES", ctx),
        total_1=_num(el, "TOTAL_1", ctx),
        total_2=_num(el, "TOTAL_2", ctx),
        events_1=_num(el, "EVENTS_1", ctx),
        events_2=_num(el, "EVENTS_2", ctx),
    )


def _num(el: Element, attr: str, ctx: _Context) -> float | None:
    """Parse a Java double (``'NaN'``, ``'-Infinity'``, ``'4.1E-4'``); absent or ``''`` -> None."""
    value = el.get(attr)
    if value is None or not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise ctx.error(el, f"{attr}={value!r} is not a number") from None


def _level(el: Element, attr: str, ctx: _Context) -> float:
    """A confidence level in percent; RevMan's default 95 when absent."""
    value = _num(el, attr, ctx)
    return 95.0 if value is None else value


def _int(el: Element, attr: str, ctx: _Context) -> int | None:
    value = el.get(attr)
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise ctx.error(el, f"{attr}={value!r} is not an integer") from None


def _int_required(el: Element, attr: str, ctx: _Context) -> int:
    value = _int(el, attr, ctx)
    if value is None:
        raise ctx.error(el, f"attribute {attr} is missing")
    return value


def _required(el: Element, attr: str, ctx: _Context) -> str:
    value = el.get(attr)
    if not value:
        raise ctx.error(el, f"attribute {attr} is missing")
    return value


def _choice(
    el: Element, attr: str, allowed: tuple[str, ...], ctx: _Context, default: str | None = None
) -> str:
    value = el.get(attr) or default
    if value is None or value not in allowed:
        shown = "missing" if value is None else repr(value)
        raise ctx.error(el, f"{attr} is {shown}; must be one of {', '.join(allowed)}")
    return value


def _text(el: Element | None) -> str:
    """All text of an element (``<SUB>`` and the like included), XML whitespace collapsed.

    Only XML whitespace (space, tab, CR, LF) is collapsed; a no-break space is kept.
    """
    return "" if el is None else _SPACE.sub(" ", "".join(el.itertext())).strip(" ")


def _optional_text(el: Element | None) -> str | None:
    return _text(el) or None
