"""Use case ``sysreview run DIR``: the whole review from import to report.

Import → data → de-duplicate → screening status → analyse → report.

The search exports of a project are listed in ``DIR/imports.toml``, one table per file::

    [[import]]
    file = "searches/medline-2024-03-01.ris"   # relative to DIR
    source = "MEDLINE"                         # the database or register searched
    kind = "database"                          # database (default), register or other
    interface = "Ovid"                         # optional
    date = 2024-03-01                          # optional search date (TOML date or text)
    query-file = "searches/medline.txt"        # optional: the search strategy as run

and so are data files of outside formats (extracted data, risk of bias, PRISMA counts from
another source; :mod:`sysreview.io`), which ``sysreview data load`` stores::

    [[data]]
    file = "data/metapsy-peer-support.csv"     # relative to DIR
    format = "metapsy"                         # optional: from the file's name and content
    mapping = "mapping.toml"                   # for metapsy and revman files
    reviewer = "R1"                            # whose values they are (an extractor)
    consensus = true                           # optional: the agreed values (default false)
    add-studies = true                         # optional: add the file's studies

:func:`pending_imports` lists the files whose contents (SHA-256) are not in the project
yet; a file already imported, or listed twice, is skipped (not an error), so running
``sysreview run`` again only adds what is new. Data files are loaded on every run: a value
already stored is not stored again (:mod:`sysreview.project.extracting.datasets`), so a run stores
only what changed in the file or its mapping. The other steps are the use cases of
:mod:`sysreview.project.opening` and :mod:`sysreview.project.reporting.report`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sysreview.errors import InputError
from sysreview.project.opening import PathLike
from sysreview.protocol.loader import toml_loads

if TYPE_CHECKING:
    from sysreview.project.extracting.datasets import DatasetLoad
    from sysreview.project.importing.files import ImportProgress

IMPORTS_FILE = "imports.toml"
KEYS = ("file", "source", "kind", "interface", "date", "query-file")
DATA_KEYS = ("file", "format", "mapping", "reviewer", "consensus", "add-studies")
KINDS = ("database", "register", "other")


@dataclass(frozen=True)
class PlannedImport:
    """One entry of ``imports.toml`` (paths resolved against the project folder)."""

    number: int
    file: Path
    source: str
    kind: str = "database"
    interface: str | None = None
    date: date | None = None
    query_file: Path | None = None

    def summary(self) -> str:
        """The file and where it came from."""
        via = f" via {self.interface}" if self.interface else ""
        when = f", searched {self.date.isoformat()}" if self.date else ""
        return f"{self.file} ({self.source}{via}{when})"


def _text(value: Any, where: str, key: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise InputError(f"{where}: '{key}' is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: '{key}' must be non-empty text, not {value!r}")
    return value.strip()


def _date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError(f"{where}: 'date' must be a date (YYYY-MM-DD), not {value!r}")


def _entry(directory: Path, number: int, item: Any, source: str) -> PlannedImport:
    where = f"{source}, import {number}"
    if not isinstance(item, dict):
        raise InputError(f"{where}: must be a table with file and source")
    unknown = sorted(set(item) - set(KEYS))
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; must be one of {', '.join(KEYS)}")
    file = _text(item.get("file"), where, "file", required=True)
    kind = _text(item.get("kind"), where, "kind") or "database"
    if kind not in KINDS:
        raise InputError(f"{where}: kind {kind!r}; must be one of {', '.join(KINDS)}")
    query = _text(item.get("query-file"), where, "query-file")
    path = directory / str(file)
    if not path.is_file():
        raise InputError(f"{where}: no such file {path}")
    return PlannedImport(
        number=number,
        file=path,
        source=str(_text(item.get("source"), where, "source", required=True)),
        kind=kind,
        interface=_text(item.get("interface"), where, "interface"),
        date=_date(item.get("date"), where),
        query_file=None if query is None else directory / query,
    )


@dataclass(frozen=True)
class PlannedData:
    """One ``[[data]]`` entry of ``imports.toml`` (paths resolved against the project)."""

    number: int
    file: Path
    reviewer: str
    format: str | None = None
    mapping: Path | None = None
    consensus: bool = False
    add_studies: bool = False

    def summary(self) -> str:
        """The file, its format and whose values it holds."""
        kind = "consensus" if self.consensus else "values"
        return f"{self.file} ({self.format or 'format from the file'}; {kind} of {self.reviewer})"


def _flag(item: dict[str, Any], key: str, where: str) -> bool:
    value = item.get(key, False)
    if not isinstance(value, bool):
        raise InputError(f"{where}: '{key}' must be true or false, not {value!r}")
    return value


def _data_entry(directory: Path, number: int, item: Any, source: str) -> PlannedData:
    where = f"{source}, data {number}"
    if not isinstance(item, dict):
        raise InputError(f"{where}: must be a table with file and reviewer")
    unknown = sorted(set(item) - set(DATA_KEYS))
    if unknown:
        raise InputError(
            f"{where}: unknown key {unknown[0]!r}; must be one of {', '.join(DATA_KEYS)}"
        )
    file = directory / str(_text(item.get("file"), where, "file", required=True))
    if not file.is_file():
        raise InputError(f"{where}: no such file {file}")
    mapping = _text(item.get("mapping"), where, "mapping")
    if mapping is not None and not (directory / mapping).is_file():
        raise InputError(f"{where}: no such file {directory / mapping}")
    return PlannedData(
        number=number,
        file=file,
        reviewer=str(_text(item.get("reviewer"), where, "reviewer", required=True)),
        format=_text(item.get("format"), where, "format"),
        mapping=None if mapping is None else directory / mapping,
        consensus=_flag(item, "consensus", where),
        add_studies=_flag(item, "add-studies", where),
    )


def _document(folder: Path) -> tuple[dict[str, Any], str] | None:
    """``DIR/imports.toml`` parsed, and its path (``None`` when there is no such file)."""
    path = folder / IMPORTS_FILE
    if not path.is_file():
        return None
    try:
        doc = toml_loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", source=str(path)) from None
    extra = sorted(set(doc) - {"import", "data"})
    if extra:
        raise InputError(
            f"unknown table {extra[0]!r}; list files as [[import]] or [[data]]", source=str(path)
        )
    return doc, str(path)


def _entries(doc: dict[str, Any], name: str, source: str) -> list[Any]:
    items = doc.get(name, [])
    if not isinstance(items, list):
        raise InputError(f"'{name}' must be an array of tables ([[{name}]])", source=source)
    return items


def read_imports(directory: PathLike) -> tuple[PlannedImport, ...]:
    """The ``[[import]]`` entries of ``DIR/imports.toml`` (none when the file does not exist).

    Raises
    ------
    InputError
        Not TOML (with its line), an unknown key, a missing file or source, a bad kind
        or date — naming the entry (``import 2``).

    Examples
    --------
    >>> read_imports("no-such-folder")
    ()
    """
    folder = Path(directory)
    found = _document(folder)
    if found is None:
        return ()
    doc, source = found
    items = _entries(doc, "import", source)
    return tuple(_entry(folder, i, item, source) for i, item in enumerate(items, start=1))


def read_data_files(directory: PathLike) -> tuple[PlannedData, ...]:
    """The ``[[data]]`` entries of ``DIR/imports.toml`` (none when the file does not exist).

    Raises
    ------
    InputError
        Not TOML, an unknown key, a missing file, mapping or reviewer, a flag that is not
        true or false — naming the entry (``data 1``).

    Examples
    --------
    >>> read_data_files("no-such-folder")
    ()
    """
    folder = Path(directory)
    found = _document(folder)
    if found is None:
        return ()
    doc, source = found
    items = _entries(doc, "data", source)
    return tuple(_data_entry(folder, i, item, source) for i, item in enumerate(items, start=1))


def load_planned_data(
    directory: PathLike, item: PlannedData, db_url: str | None = None
) -> DatasetLoad:
    """Load one planned data file into the project (:func:`project_load_dataset`)."""
    from sysreview.project.extracting.datasets import project_load_dataset

    return project_load_dataset(directory, item.file, item.reviewer, format=item.format,
                                mapping=item.mapping, consensus=item.consensus,
                                add_studies=item.add_studies, db_url=db_url)  # fmt: skip


def pending_imports(
    directory: PathLike, planned: tuple[PlannedImport, ...], db_url: str | None = None
) -> tuple[tuple[PlannedImport, ...], tuple[tuple[PlannedImport, str], ...]]:
    """``(to import, skipped with the reason)``.

    Files already in the project (same SHA-256) or listed twice are skipped.
    """
    from sqlalchemy import select

    from sysreview.project.importing.files import file_sha256
    from sysreview.project.opening import opened
    from sysreview.project.storage import ImportBatch

    with opened(directory, db_url) as (_, store), store.session(readonly=True) as session:
        known = {
            sha: batch_id
            for sha, batch_id in session.execute(select(ImportBatch.file_sha256, ImportBatch.id))
        }
    todo: list[PlannedImport] = []
    skipped: list[tuple[PlannedImport, str]] = []
    seen: dict[str, PlannedImport] = {}
    for item in planned:
        sha = file_sha256(item.file)
        if sha in known:
            skipped.append((item, f"already imported as batch {known[sha]}"))
        elif sha in seen:
            skipped.append((item, f"same contents as import {seen[sha].number}"))
        else:
            seen[sha] = item
            todo.append(item)
    return tuple(todo), tuple(skipped)


def import_planned(
    directory: PathLike,
    item: PlannedImport,
    db_url: str | None = None,
    progress: ImportProgress | None = None,
) -> tuple[int, int]:
    """Import one planned file; ``(batch id, records)``; ``progress`` as ``import_files``'s."""
    from sysreview.project.importing.service import import_files

    done = import_files(
        directory,
        [item.file],
        source=item.source,
        source_kind=item.kind,
        interface=item.interface,
        search_date=item.date,
        query_file=item.query_file,
        db_url=db_url,
        progress=progress,
    )
    return done[0].batch_id, done[0].records


__all__ = [
    "IMPORTS_FILE",
    "PlannedData",
    "PlannedImport",
    "import_planned",
    "load_planned_data",
    "pending_imports",
    "read_data_files",
    "read_imports",
]
