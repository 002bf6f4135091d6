"""The databases and interfaces a search strategy renders to: thesaurus and syntax.

Each :class:`Target` is a database on an interface (MEDLINE on Ovid or PubMed, Cochrane
CENTRAL on Wiley, ClinicalTrials.gov on its own site); :func:`target` finds one by name.
:mod:`sysreview.search.render` writes a strategy in each target's syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

from sysreview.errors import InputError
from sysreview.search.strategy import Thesaurus


@dataclass(frozen=True)
class Target:
    """A database on an interface: its thesaurus and syntax family."""

    database: str
    interface: str
    syntax: str  # "ovid" | "pubmed" | "wiley" | "ctgov"
    thesaurus: Thesaurus | None
    keywords_field: str = "kw"

    @property
    def filter_key(self) -> str:
        """The key of this target's version of a standard filter."""
        return f"ovid:{self.database}" if self.syntax == "ovid" else self.syntax

    @property
    def label(self) -> str:
        """``"MEDLINE (Ovid)"``; a register searched on its own site is just its name."""
        if self.database == self.interface:
            return self.database
        return f"{self.database} ({self.interface})"


TARGETS: tuple[Target, ...] = (
    Target("MEDLINE", "Ovid", "ovid", Thesaurus.MESH, "kf"),
    Target("PsycINFO", "Ovid", "ovid", Thesaurus.APA, "id"),
    Target("Embase", "Ovid", "ovid", Thesaurus.EMTREE, "kw"),
    Target("MEDLINE", "PubMed", "pubmed", Thesaurus.MESH),
    Target("Cochrane CENTRAL", "Wiley", "wiley", Thesaurus.MESH),
    Target("ClinicalTrials.gov", "ClinicalTrials.gov", "ctgov", None),
)
"""Every database and interface a strategy renders to."""

_ALIASES = {"pubmed": ("medline", "pubmed"), "central": ("cochrane central", "wiley")}


def target(database: str, interface: str | None = None) -> Target:
    """The target for a database (and interface; the only one when omitted).

    Examples
    --------
    >>> target("medline", "pubmed").label
    'MEDLINE (PubMed)'
    >>> target("CENTRAL").label
    'Cochrane CENTRAL (Wiley)'

    Raises
    ------
    InputError
        Listing the supported databases and interfaces.
    """
    db = database.strip().casefold()
    face = interface.strip().casefold() if interface else None
    if face is None and db in _ALIASES:
        db, face = _ALIASES[db]
    if db == "central":
        db = "cochrane central"
    found = [
        t
        for t in TARGETS
        if t.database.casefold() == db and (face is None or t.interface.casefold() == face)
    ]
    if len(found) != 1:
        shown = "; ".join(t.label for t in TARGETS)
        what = f"{database} ({interface})" if interface else database
        why = "name the interface too" if len(found) > 1 else "not supported"
        raise InputError(f"cannot render for {what}: {why}; the targets are {shown}")
    return found[0]


__all__ = ["TARGETS", "Target", "target"]
