"""Trial registers: ClinicalTrials.gov (CSV download and API v2 JSON) and WHO ICTRP XML.

A registration becomes a citation with the trial ID as ``record_id`` (and in ``raw``),
the brief/public title as ``title`` (official/scientific title kept in ``raw``), the
conditions as ``keywords``, the start (CT.gov) or registration (ICTRP) year as ``year``,
the register's URL, ``publication_type = "Trial registration"`` and the register as
``database``.
"""

from __future__ import annotations

from typing import Any

from sysreview.errors import InputError
from sysreview.records.csv_table import column_key, read_rows
from sysreview.records.endnote_xml import parse_xml, text_of
from sysreview.records.jsontext import json_kind, parse_json
from sysreview.records.model import Citation
from sysreview.records.normalise import Fields, first, to_citation
from sysreview.text import storable_tree

REGISTRATION = "Trial registration"


def _ctgov_url(nct_id: str | None) -> str | None:
    return f"https://clinicaltrials.gov/study/{nct_id}" if nct_id else None


class _Study:
    """Typed access to one study's nodes.

    A node of an unexpected type is an error naming the study and the node's path.
    """

    def __init__(self, study: dict[str, Any], number: int, source: str) -> None:
        self.study, self.number, self.source = study, number, source

    def _fail(self, path: tuple[str, ...], value: Any, expected: str) -> InputError:
        return InputError(
            f"{'.'.join(path)} is {json_kind(value)}; expected {expected}",
            source=self.source,
            line=self.number,
            unit="study",
        )

    def _get(self, path: tuple[str, ...]) -> Any:
        node: Any = self.study
        for depth, key in enumerate(path):
            if node is None:
                return None
            if not isinstance(node, dict):
                raise self._fail(path[:depth], node, "an object")
            node = node.get(key)
        return node

    def node(self, *path: str) -> dict[str, Any]:
        """An object (``{}`` when absent)."""
        value = self._get(path)
        if value is not None and not isinstance(value, dict):
            raise self._fail(path, value, "an object")
        return value or {}

    def text(self, *path: str) -> str | None:
        """A string (``None`` when absent)."""
        value = self._get(path)
        if value is not None and not isinstance(value, str):
            raise self._fail(path, value, "a string")
        return value

    def texts(self, *path: str) -> list[str]:
        """A list of strings (``[]`` when absent)."""
        value = self._get(path)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(path, value, "a list of strings")
        return value


def ctgov_study_fields(study: dict[str, Any], number: int = 1, source: str = "<text>") -> Fields:
    """Map one API v2 study (``{"protocolSection": {...}}``) onto :class:`Fields`.

    Raises
    ------
    InputError
        For a node of an unexpected type (naming the study's number and the node).
    """
    s = _Study(study, number, source)
    nct_id = s.text("protocolSection", "identificationModule", "nctId")
    status = ("protocolSection", "statusModule")
    conditions = ("protocolSection", "conditionsModule")
    s.node(*status, "startDateStruct")
    return Fields(
        record_id=nct_id,
        title=first(
            s.text("protocolSection", "identificationModule", "briefTitle"),
            s.text("protocolSection", "identificationModule", "officialTitle"),
        ),
        authors=[],
        year=[
            ("startDateStruct", s.text(*status, "startDateStruct", "date"), None),
            ("studyFirstSubmitDate", s.text(*status, "studyFirstSubmitDate"), None),
        ],
        abstract=s.text("protocolSection", "descriptionModule", "briefSummary"),
        keywords=s.texts(*conditions, "conditions") + s.texts(*conditions, "keywords"),
        publication_type=REGISTRATION,
        url=_ctgov_url(nct_id),
        database="ClinicalTrials.gov",
    )


def read_ctgov_json(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    """Read ClinicalTrials.gov API v2 JSON: ``{"studies": [...]}``, a list, or one study.

    Strings holding NUL or lone surrogates (which JSON escapes can encode, but databases
    cannot store) are cleaned in ``raw`` too, with a warning; see
    :mod:`sysreview.text`.

    Raises
    ------
    InputError
        For invalid JSON (with its line), JSON without studies, or a study node of an
        unexpected type (with the study's number and the node).

    Examples
    --------
    >>> text = ('{"studies": [{"protocolSection": {"identificationModule": {"nctId": '
    ...         '"NCT04280705", "briefTitle": "Adaptive COVID-19 Treatment Trial (ACTT)"}, '
    ...         '"statusModule": {"startDateStruct": {"date": "2020-02-21"}}}}]}')
    >>> c = read_ctgov_json(text)[0][0]
    >>> c.record_id, c.year, c.url
    ('NCT04280705', 2020, 'https://clinicaltrials.gov/study/NCT04280705')
    """
    data = parse_json(text, source)
    studies = data.get("studies", [data]) if isinstance(data, dict) else data
    if not isinstance(studies, list) or not all(
        isinstance(s, dict) and "protocolSection" in s for s in studies
    ):
        raise InputError(
            "not ClinicalTrials.gov API v2 JSON: expected studies with a 'protocolSection'",
            source=source,
        )
    warnings: list[str] = []
    citations: list[Citation] = []
    cleaned: list[int] = []
    for position, study in enumerate(studies, start=1):
        raw, changed = storable_tree(study)
        if changed:
            cleaned.append(position)
        citations.append(
            to_citation(
                ctgov_study_fields(raw, position, source),
                position=position,
                line=None,
                raw=raw,
                source=source,
                warnings=warnings,
            )
        )
    if cleaned:
        warnings.append(
            f"{source}: {len(cleaned)} studies (first: study {cleaned[0]}) held NUL "
            "characters, lone surrogates or non-finite numbers; removed or replaced"
        )
    return citations, warnings


_CTGOV_COLUMNS = {
    "record_id": ("nct number",),
    "title": ("study title", "title"),
    "abstract": ("brief summary",),
    "conditions": ("conditions",),
    "year": ("start date", "first posted"),
    "url": ("study url", "url"),
    "type": ("study type",),
}


def read_ctgov_csv(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    r"""Read a ClinicalTrials.gov CSV download (current and classic column names).

    Examples
    --------
    >>> text = ('"NCT Number","Study Title","Study URL","Conditions","Start Date"\n'
    ...         '"NCT04280705","ACTT","https://clinicaltrials.gov/study/NCT04280705",'
    ...         '"COVID-19|Pneumonia","2020-02-21"\n')
    >>> c = read_ctgov_csv(text)[0][0]
    >>> c.record_id, c.title, c.keywords, c.year
    ('NCT04280705', 'ACTT', ('COVID-19', 'Pneumonia'), 2020)
    """
    header, rows = read_rows(text, source)
    keys = [column_key(h) for h in header]
    index = {
        name: next((keys.index(a) for a in aliases if a in keys), None)
        for name, aliases in _CTGOV_COLUMNS.items()
    }
    warnings: list[str] = []
    citations: list[Citation] = []
    for position, (line, cells) in enumerate(rows, start=1):

        def cell(name: str, cells: list[str] = cells) -> str | None:
            i = index[name]
            return cells[i] if i is not None else None

        nct_id = cell("record_id")
        fields = Fields(
            record_id=nct_id,
            title=cell("title"),
            year=[(header[i], cells[i], line) for i in [index["year"]] if i is not None],
            abstract=cell("abstract"),
            keywords=[c.strip() for c in (cell("conditions") or "").split("|")],
            publication_type=REGISTRATION,
            url=cell("url") or _ctgov_url(nct_id),
            database="ClinicalTrials.gov",
        )
        raw = dict(zip(header, cells, strict=True))
        citations.append(
            to_citation(
                fields, position=position, line=line, raw=raw, source=source, warnings=warnings
            )
        )
    return citations, warnings


def read_ictrp_xml(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    """Read a WHO ICTRP search-portal XML export (``<Trials_downloaded_from_ICTRP>``).

    Examples
    --------
    >>> xml = ('<Trials_downloaded_from_ICTRP><Trial><TrialID>ISRCTN12345678</TrialID>'
    ...        '<Public_title>Exercise for back pain</Public_title>'
    ...        '<Date_registration>03/01/2020</Date_registration>'
    ...        '<Condition>Back pain;Obesity</Condition></Trial></Trials_downloaded_from_ICTRP>')
    >>> c = read_ictrp_xml(xml)[0][0]
    >>> c.record_id, c.title, c.year, c.keywords
    ('ISRCTN12345678', 'Exercise for back pain', 2020, ('Back pain', 'Obesity'))
    """
    root = parse_xml(text, source)
    warnings: list[str] = []
    citations: list[Citation] = []
    for position, trial in enumerate(root.iter("Trial"), start=1):
        raw = {child.tag: text_of(child) for child in trial}

        def get(tag: str, raw: dict[str, str | None] = raw) -> str | None:
            return raw.get(tag)

        fields = Fields(
            record_id=get("TrialID"),
            title=first(get("Public_title"), get("Scientific_title")),
            year=[(t, get(t), None) for t in ("Date_registration", "Date_registration3")],
            keywords=[c.strip() for c in (get("Condition") or "").replace("<br>", ";").split(";")],
            publication_type=REGISTRATION,
            url=get("web_address"),
            database=first(get("Source_Register"), "WHO ICTRP"),
        )
        citations.append(
            to_citation(
                fields, position=position, line=None, raw=raw, source=source, warnings=warnings
            )
        )
    return citations, warnings
