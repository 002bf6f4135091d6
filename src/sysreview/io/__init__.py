"""Adapters for outside formats: each reads a file into the extraction form's rows.

One place for every format a review's data may arrive in; each adapter produces the same
:class:`~sysreview.io.dataset.Dataset` (rows of the form's studies, arms and outcomes
parts, risk-of-bias judgements, PRISMA counts from another source), which the project
stores exactly as it stores a filled extraction template::

    metapsy        Metapsy data standard: data.csv + mapping.toml (+ references, search flow)
    revman         RevMan 5 review (.rm5): per-arm data of its analyses (+ a mapping file,
                   else the protocol's domains labelled as its analyses)
    metafor-csv    a CSV with metafor's (m1i, sd1i, n1i, ai, ...), meta's or RevMan's
                   column names, as ``sysreview pool`` reads it, plus domain and measure
    prisma-counts  PRISMA 2020 counts from another source (a TOML file of the boxes)

:func:`read_dataset` picks the adapter (``format``, else :func:`detect_format`). Adapters
read files and return values; they never touch a project's database (see
``sysreview.project.extracting.datasets``).
"""

from __future__ import annotations

from collections.abc import Callable
from os import PathLike
from pathlib import Path

from sysreview.errors import InputError
from sysreview.io.dataset import Dataset, RobRow, Row, Skipped
from sysreview.protocol import Protocol

__all__ = [
    "FORMATS",
    "Dataset",
    "RobRow",
    "Row",
    "Skipped",
    "detect_format",
    "read_dataset",
]

Adapter = Callable[[Path, Protocol, Path | None], Dataset]

FORMATS = ("metapsy", "revman", "metafor-csv", "prisma-counts")
"""The formats :func:`read_dataset` reads."""
NEEDS_MAPPING = ("metapsy",)
"""Formats whose files do not say which protocol domain and measure each outcome is."""


def _metapsy(path: Path, protocol: Protocol, mapping: Path | None) -> Dataset:
    from sysreview.io.metapsy import read_metapsy_dataset

    assert mapping is not None
    return read_metapsy_dataset(path, protocol, mapping).dataset


def _revman(path: Path, protocol: Protocol, mapping: Path | None) -> Dataset:
    from sysreview.io.revman import read_revman_dataset

    return read_revman_dataset(path, protocol, mapping)


def _metafor_csv(path: Path, protocol: Protocol, mapping: Path | None) -> Dataset:
    from sysreview.io.metafor_csv import read_metafor_csv

    return read_metafor_csv(path, protocol, mapping)


def _prisma_counts(path: Path, protocol: Protocol, mapping: Path | None) -> Dataset:
    from sysreview.io.prisma_counts import read_prisma_counts

    if mapping is not None:
        raise InputError("PRISMA counts take no mapping file", source=str(mapping))
    return read_prisma_counts(path)


_ADAPTERS: dict[str, Adapter] = {
    "metapsy": _metapsy,
    "revman": _revman,
    "metafor-csv": _metafor_csv,
    "prisma-counts": _prisma_counts,
}


def detect_format(path: str | Path) -> str:
    """The format of a file, from its name and first line.

    ``.rm5`` (or XML naming ``COCHRANE_REVIEW``) is ``revman``; ``.toml`` is
    ``prisma-counts``; a ``;``-separated header with Metapsy's ``condition_arm1`` and
    ``.g`` columns is ``metapsy``; any other ``.csv`` is ``metafor-csv``.

    Raises
    ------
    InputError
        When the file cannot be read or is none of these.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read it: {exc.strerror}", source=str(path)) from None
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    if suffix == ".rm5" or "<COCHRANE_REVIEW" in head:
        return "revman"
    if suffix == ".toml":
        return "prisma-counts"
    if ";" in first and '"condition_arm1"' in first and '".g"' in first:
        return "metapsy"
    if suffix in (".csv", ".tsv", ".txt"):
        return "metafor-csv"
    raise InputError(
        f"cannot tell the format of {path.name}; give one of {', '.join(FORMATS)}",
        source=str(path),
    )


def read_dataset(
    path: str | PathLike[str],
    protocol: Protocol,
    *,
    format: str | None = None,
    mapping: str | PathLike[str] | None = None,
) -> Dataset:
    """Read ``path`` with the adapter of ``format`` (default: :func:`detect_format`).

    Parameters
    ----------
    path
        The data file.
    protocol
        The review protocol: its domains, measures, comparator codes and RoB tool are
        what the rows may name.
    format
        One of :data:`FORMATS`.
    mapping
        The mapping file the format needs (:data:`NEEDS_MAPPING`; optional for
        ``metafor-csv`` and ``revman``).

    Raises
    ------
    InputError
        An unknown format, a missing mapping, or anything the adapter refuses (naming the
        file, row and column).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    name = detect_format(path) if format is None else format
    if name not in _ADAPTERS:
        raise InputError(f"unknown data format {name!r}; must be one of {', '.join(FORMATS)}")
    if name in NEEDS_MAPPING and mapping is None:
        raise InputError(
            f"a {name} file needs a mapping file (--mapping): it says which "
            "protocol domain and measure each outcome is",
            source=str(path),
        )
    return _ADAPTERS[name](path, protocol, None if mapping is None else Path(mapping))
