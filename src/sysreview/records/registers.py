"""Trial registers: ClinicalTrials.gov (CSV download and API v2 JSON) and WHO ICTRP XML.

A registration becomes a citation with the trial ID as ``record_id`` (and in ``raw``),
the brief/public title as ``title`` (official/scientific title kept in ``raw``), the
conditions as ``keywords``, the start (CT.gov) or registration (ICTRP) year as ``year``,
the register's URL, ``publication_type = "Trial registration"`` and the register as
``database``.
"""

from __future__ import annotations

import json
from typing import Any

from sysreview.errors import InputError
from sysreview.records.csv_table import column_key, read_rows
from sysreview.records.endnote_xml import parse_xml, text_of
from sysreview.records.model import Citation
from sysreview.records.normalise import Fields, first, to_citation

REGISTRATION = "Trial registration"


def _ctgov_url(nct_id: str | None) -> str | None:
    return f"https://clinicaltrials.gov/study/{nct_id}" if nct_id else None


def ctgov_study_fields(study: dict[str, Any]) -> Fields:
    """Map one API v2 study (``{"protocolSection": {...}}``) onto :class:`Fields`."""
    protocol = study.get("protocolSection", {})
    ident = protocol.get("identificationModule", {})
    status = protocol.get("statusModule", {})
    conditions = protocol.get("conditionsModule", {})
    description = protocol.get("descriptionModule", {})
    nct_id = ident.get("nctId")
    return Fields(
        record_id=nct_id,
        title=first(ident.get("briefTitle"), ident.get("officialTitle")),
        authors=[],
        year=[
            ("startDateStruct", status.get("startDateStruct", {}).get("date"), None),
            ("studyFirstSubmitDate", status.get("studyFirstSubmitDate"), None),
        ],
        abstract=description.get("briefSummary"),
        keywords=list(conditions.get("conditions", [])) + list(conditions.get("keywords", [])),
        publication_type=REGISTRATION,
        url=_ctgov_url(nct_id),
        database="ClinicalTrials.gov",
    )


def read_ctgov_json(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    """Read ClinicalTrials.gov API v2 JSON: ``{"studies": [...]}``, a list, or one study.

    Raises
    ------
    InputError
        For invalid JSON (with its line) or JSON without studies.

    Examples
    --------
    >>> text = ('{"studies": [{"protocolSection": {"identificationModule": {"nctId": '
    ...         '"NCT04280705", "briefTitle": "Adaptive COVID-19 Treatment Trial (ACTT)"}, '
    ...         '"statusModule": {"startDateStruct": {"date": "2020-02-21"}}}}]}')
    >>> c = read_ctgov_json(text)[0][0]
    >>> c.record_id, c.year, c.url
    ('NCT04280705', 2020, 'https://clinicaltrials.gov/study/NCT04280705')
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}", source=source, line=exc.lineno, unit="line"
        ) from exc
    studies = data.get("studies", [data]) if isinstance(data, dict) else data
    if not isinstance(studies, list) or not all(
        isinstance(s, dict) and "protocolSection" in s for s in studies
    ):
        raise InputError(
            "not ClinicalTrials.gov API v2 JSON: expected studies with a 'protocolSection'",
            source=source,
        )
    warnings: list[str] = []
    citations = [
        to_citation(
            ctgov_study_fields(study),
            position=position,
            line=None,
            raw=study,
            source=source,
            warnings=warnings,
        )
        for position, study in enumerate(studies, start=1)
    ]
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
    """Read a ClinicalTrials.gov CSV download (current and classic column names).

    Examples
    --------
    >>> text = ('"NCT Number","Study Title","Study URL","Conditions","Start Date"\\n'
    ...         '"NCT04280705","ACTT","https://clinicaltrials.gov/study/NCT04280705",'
    ...         '"COVID-19|Pneumonia","2020-02-21"\\n')
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
