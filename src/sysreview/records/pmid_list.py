"""A plain list of PubMed IDs, one per line (PubMed's "PMID" export)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sysreview.errors import InputError
from sysreview.records.model import Citation
from sysreview.records.normalise import clean_pmid


def iter_pmids(lines: Iterable[str], source: str, warnings: list[str]) -> Iterator[Citation]:
    """One citation per non-empty line, with ``pmid`` and ``record_id`` set.

    Raises
    ------
    InputError
        For a line that is not a PMID (naming the line).
    """
    position = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        pmid = clean_pmid(line)
        if pmid is None:
            raise InputError(
                f"{line.strip()[:40]!r} is not a PMID (a list of PMIDs has one number per line)",
                source=source,
                line=number,
                unit="line",
            )
        position += 1
        yield Citation(
            position=position,
            line=number,
            record_id=pmid,
            pmid=pmid,
            url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
            database="PubMed",
            raw={"PMID": line.strip()},
        )


def read_pmid_list(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    r"""All citations of a list of PMIDs (:func:`iter_pmids` over its lines).

    Raises
    ------
    InputError
        For a line that is not a PMID (naming the line).

    Examples
    --------
    >>> citations, _ = read_pmid_list("30668574\n\n30235242")
    >>> [(c.position, c.line, c.pmid) for c in citations]
    [(1, 1, '30668574'), (2, 3, '30235242')]
    """
    warnings: list[str] = []
    return list(iter_pmids(text.split("\n"), source, warnings)), warnings
