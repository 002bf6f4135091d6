"""The column vocabulary of a per-study table (``sysreview pool``'s data).

The families of data columns (:data:`sysreview.effects.registry.FAMILIES`), the other
names they go by (:data:`ALIASES`: metafor's, R meta's, RevMan's), the optional settings
columns (:data:`SETTINGS`), and the matching of a header against them
(:func:`canonical_header`, :func:`data_columns`). :mod:`sysreview.analysis_table` reads
the rows; this module knows only names.
"""

from __future__ import annotations

from collections.abc import Sequence

from sysreview.effects.registry import FAMILIES, MEASURES
from sysreview.errors import InputError
from sysreview.vocab import Measure

CONTINUOUS = FAMILIES["continuous"].columns
DICHOTOMOUS = FAMILIES["dichotomous"].columns
GENERIC = FAMILIES["generic"].columns
DATA_FAMILIES = tuple(f.columns for f in FAMILIES.values())
"""The families of data columns, in the order a header is matched against them."""
MISSING = {"", "na", "nan", "n/a", "."}
NON_NEGATIVE = {
    "n_e", "n_c", "events_e", "events_c", "sd_e", "sd_c", "se", "events", "n", "time_e",
    "time_c", "nonevents_e", "nonevents_c", "nonevents",
}  # fmt: skip
TOTALS = {"n_e": ("events_e", "nonevents_e"), "n_c": ("events_c", "nonevents_c"),
          "n": ("events", "nonevents")}  # fmt: skip
"""A group size the table may give as events and non-events instead."""
SETTINGS = (
    "measure", "method", "model", "tau2_method", "ci_method", "level", "convention", "log_scale",
)  # fmt: skip
"""Optional per-analysis settings columns, named as in ``sysreview pool --format json``."""
ALIASES: dict[str, str] = {
    # metafor's escalc arguments
    "m1i": "mean_e", "sd1i": "sd_e", "n1i": "n_e", "m2i": "mean_c", "sd2i": "sd_c",
    "n2i": "n_c", "ai": "events_e", "ci": "events_c", "bi": "nonevents_e",
    "di": "nonevents_c", "x1i": "events_e", "x2i": "events_c", "t1i": "time_e",
    "t2i": "time_c", "xi": "events", "mi": "nonevents", "ni": "n", "ri": "r",
    "yi": "estimate", "sei": "se", "slab": "study",
    # R meta's arguments (metacont, metabin, metainc, metaprop, metacor, metagen)
    "studlab": "study", "n.e": "n_e", "mean.e": "mean_e", "sd.e": "sd_e", "n.c": "n_c",
    "mean.c": "mean_c", "sd.c": "sd_c", "event.e": "events_e", "event.c": "events_c",
    "time.e": "time_e", "time.c": "time_c", "event": "events", "cor": "r",
    "te": "estimate", "sete": "se",
    # RevMan 5's data attributes (MEAN_1, TOTAL_1, EVENTS_1, ESTIMATE, SE, ...)
    "mean_1": "mean_e", "sd_1": "sd_e", "total_1": "n_e", "mean_2": "mean_c",
    "sd_2": "sd_c", "total_2": "n_c", "events_1": "events_e", "events_2": "events_c",
}  # fmt: skip
"""Other names of the data columns (matched in any case), and the column each one is.

metafor's ``vi`` (a sampling variance) is read as ``se = sqrt(vi)`` when the table has
no standard error column."""


def with_totals(present: set[str]) -> set[str]:
    """The columns present, and the group sizes given as events and non-events."""
    derived = {n for n, parts in TOTALS.items() if n not in present and set(parts) <= present}
    return present | derived


def data_columns(header: Sequence[str], measure: Measure | None, source: str) -> tuple[str, ...]:
    """The data columns the table provides (and the measure needs)."""
    present = with_totals(set(header))
    if "study" not in present:
        raise InputError("missing required column 'study'", source=source, line=1, column="study")
    families = [f for f in DATA_FAMILIES if set(f) <= present]
    if measure is not None:
        wanted = MEASURES[measure].family.columns
        missing = [c for c in wanted if c not in present]
        if missing:
            raise InputError(
                f"measure {measure.value} needs columns {', '.join(wanted)}; "
                f"missing {', '.join(missing)}",
                source=source,
                line=1,
            )
        return wanted
    if not families:
        expected = " or ".join(",".join(f) for f in DATA_FAMILIES)
        raise InputError(f"no data columns: expected {expected}", source=source, line=1)
    return families[0]


_KNOWN = frozenset(
    (*(c for f in DATA_FAMILIES for c in f), *(c for parts in TOTALS.values() for c in parts),
     "study", "subgroup", *SETTINGS)
)  # fmt: skip


def canonical_header(header: Sequence[str], source: str) -> tuple[list[str], list[str]]:
    """The header with every data column under its own name (:data:`ALIASES`).

    Returns the renamed header and the header as written (for messages). Names of
    data, study, subgroup and settings columns are matched in any case; other columns
    (e.g. the ``--by`` column) keep their name. metafor's ``vi`` stands in for ``se``
    when there is no standard-error column.

    Examples
    --------
    >>> canonical_header(["Study", "yi", "VI", "outcome"], "t.csv")[0]
    ['study', 'estimate', 'se', 'outcome']
    """
    keys = [h.strip().lower() for h in header]
    has_se = any(ALIASES.get(k, k) == "se" for k in keys)
    names: list[str] = []
    for name, key in zip(header, keys, strict=True):
        if key == "vi" and not has_se:
            key = "se"
        names.append(ALIASES.get(key, key) if key in ALIASES or key in _KNOWN else name)
    seen: dict[str, str] = {}
    for name, written in zip(names, header, strict=True):
        if name in _KNOWN and name in seen:
            raise InputError(
                f"columns {seen[name]!r} and {written!r} are both the {name} column",
                source=source,
                line=1,
                column=written,
            )
        seen.setdefault(name, written)
    return names, list(header)
