"""Projects for the arbiter's and administrator's screens: a third screener, queued pairs.

Both are made through the commands a user runs (the protocol file, ``import_files``,
``deduplicate_project``), on a copy of the seeded web project.
"""

from __future__ import annotations

from pathlib import Path

from sysreview.project.accounts.users import create_account
from sysreview.project.deduplicating.service import deduplicate_project
from sysreview.project.importing.service import import_files
from sysreview.project.opening import opened

R4_PASSWORD = "r4-password"

_RECORD = """TY  - JOUR
TI  - Hope and empowerment in recovery colleges: a controlled study
AU  - Smith, Jane
AU  - Doe, John
PY  - 2019
JO  - Psychiatric Services
VL  - 70
SP  - {first}
EP  - 110
DO  - {doi}
AB  - {abstract}
ER  -
"""
PAIR_DOIS = ("10.1176/appi.ps.201900456", "10.1176/appi.ps.201900789")
PAIR_ABSTRACTS = (
    "Recovery colleges offer courses. We compared hope scores at 12 weeks.",
    "Recovery colleges offer courses. We compared hope and empowerment at 12 weeks.",
)


def add_screener(project: Path, name: str = "R4") -> None:
    """Add ``name`` to the protocol as a screener, with a reviewer account."""
    path = project / "review.toml"
    text = path.read_text(encoding="utf-8")
    extra = f'\n[[review.reviewers]]\nid = "{name}"\nname = "Reviewer 4"\nroles = ["screener"]\n'
    marker = "[eligibility.design]"
    path.write_text(text.replace(marker, extra + "\n" + marker), "utf-8")
    with opened(project) as (_, store):
        create_account(store, name, role="reviewer", password=R4_PASSWORD)


def queue_pairs(project: Path) -> None:
    """Import two reports of one study with different DOIs and pages, then de-duplicate.

    The engine queues them (``different_doi_same_title``, records 7 and 8) and the seed
    records' similar titles (pairs among records 2-6): eleven pairs wait for review.
    """
    text = "".join(
        _RECORD.format(first=first, doi=doi, abstract=abstract)
        for first, doi, abstract in zip((100, 101), PAIR_DOIS, PAIR_ABSTRACTS, strict=True)
    )
    (project / "embase.ris").write_text(text, encoding="utf-8")
    import_files(project, [project / "embase.ris"], source="Embase")
    deduplicate_project(project)


LINKED_RECORD = """TY  - JOUR
TI  - Peer support groups for adults with schizophrenia: a randomised controlled trial
AU  - Okafor, Ngozi
AU  - Lindqvist, Erik
PY  - 2021
JO  - Schizophrenia Bulletin
DO  - 10.1093/schbul/sbab001
PM  - 33500001
AB  - Adults with schizophrenia were randomised to peer support groups or usual care.
ER  -
"""


def add_linked_record(project: Path) -> int:
    """Import one record with a DOI and a PMID (record 7 of the seeded project)."""
    (project / "linked.ris").write_text(LINKED_RECORD, encoding="utf-8")
    import_files(project, [project / "linked.ris"], source="MEDLINE")
    return 7
