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
