"""Read any supported export: decode, detect the format by content, dispatch to its reader.

Two ways in:

* :func:`read_file`, :func:`read_bytes`, :func:`read_text` give a :class:`ReadResult`
  with every record in memory;
* :func:`open_export` gives an :class:`Export` whose records are read on demand, as a
  stream, for files too large to hold: RIS, PubMed/MEDLINE, Ovid, Web of Science and PMID
  lists are read record by record from lines decoded chunk by chunk (:data:`STREAMED`);
  the formats parsed as a whole (XML, JSON, BibTeX, CSV) are read once and kept.

Both go through the same readers and the same :class:`~sysreview.records.source.Lines`,
so a file gives the same records, warnings and errors either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sysreview.errors import InputError
from sysreview.records.bibtex import read_bibtex
from sysreview.records.csv_table import read_csv
from sysreview.records.detect import FORMATS, detect_format
from sysreview.records.endnote_xml import read_endnote_xml
from sysreview.records.medline import (
    iter_medline,
    iter_ovid,
    medline_fields,
    ovid_fields,
    read_medline,
    read_ovid,
)
from sysreview.records.model import Citation
from sysreview.records.normalise import Fields, tagged_citation
from sysreview.records.pmid_list import iter_pmids, read_pmid_list
from sysreview.records.registers import read_ctgov_csv, read_ctgov_json, read_ictrp_xml
from sysreview.records.ris import RisRecord, iter_ris, read_ris, ris_fields
from sysreview.records.source import Lines, Progress
from sysreview.records.wos import iter_wos, read_wos, wos_fields

#: A reader takes decoded text and the source name; returns citations and warnings.
Reader = Callable[[str, str], tuple[list[Citation], list[str]]]

#: Readers keyed by format name (the keys of :data:`~sysreview.records.detect.FORMATS`).
READERS: dict[str, Reader] = {
    "ris": read_ris,
    "medline": read_medline,
    "ovid": read_ovid,
    "endnote_xml": read_endnote_xml,
    "bibtex": read_bibtex,
    "wos": read_wos,
    "csv": read_csv,
    "ctgov_csv": read_ctgov_csv,
    "ctgov_json": read_ctgov_json,
    "ictrp_xml": read_ictrp_xml,
    "pmid_list": read_pmid_list,
}


class Streamed(NamedTuple):
    """How a format is read record by record: a *read* step and a *clean* step.

    ``records(lines, source, warnings)`` is the *read* step (it raises for a malformed
    file); ``citation(record, position, source, warnings)`` the *clean* step.
    """

    records: Callable[[Iterable[str], str, list[str]], Iterator[Any]]
    citation: Callable[[Any, int, str, list[str]], Citation]


def _tagged(
    records: Callable[[Iterable[str], str, list[str]], Iterator[RisRecord]],
    mapper: Callable[[RisRecord], Fields],
) -> Streamed:
    def citation(record: RisRecord, position: int, source: str, warnings: list[str]) -> Citation:
        return tagged_citation(record, mapper, position, source, warnings)

    return Streamed(records, citation)


def _as_is(record: Citation, position: int, source: str, warnings: list[str]) -> Citation:
    return record


#: Formats read record by record from a stream of lines (the same parsers as :data:`READERS`).
STREAMED: dict[str, Streamed] = {
    "ris": _tagged(iter_ris, ris_fields),
    "medline": _tagged(iter_medline, medline_fields),
    "ovid": _tagged(iter_ovid, ovid_fields),
    "wos": _tagged(iter_wos, wos_fields),
    "pmid_list": Streamed(iter_pmids, _as_is),
}


@dataclass(frozen=True)
class ReadResult:
    """Citations read from one export, with how they were read.

    Attributes
    ----------
    format
        Detected format name (a key of :data:`READERS`).
    encoding
        Encoding the bytes were decoded with (``None`` for :func:`read_text`).
    citations
        The records in file order (``position`` 1, 2, ...).
    warnings
        Problems that did not stop reading, each starting with ``file:line``.
    """

    format: str
    encoding: str | None
    citations: tuple[Citation, ...]
    warnings: tuple[str, ...] = ()


@dataclass
class Export:
    """An export opened for reading: format and encoding known, records read on demand.

    :meth:`count` reads the whole file once (the *read* step only: every error, no
    cleaning); :meth:`citations` reads it again, record by record. A file given to
    :func:`open_export` is decoded from disk each time, never held in memory whole
    (except for the formats parsed as a whole, which are parsed once and kept).
    """

    lines: Lines
    format: str
    _whole: tuple[list[Citation], list[str]] | None = field(default=None, repr=False)

    @property
    def source(self) -> str:
        """The file name used in messages."""
        return self.lines.source

    @property
    def encoding(self) -> str | None:
        """The encoding the file was decoded with."""
        return self.lines.encoding

    def _read_whole(self, on_bytes: Progress | None) -> tuple[list[Citation], list[str]]:
        if self._whole is None:
            text = "\n".join(self.lines.read(on_bytes))
            self._whole = READERS[self.format](text, self.source)
        return self._whole

    def count(self, on_bytes: Progress | None = None) -> int:
        """The number of records, reading the whole file (``on_bytes`` reports progress).

        Raises
        ------
        InputError
            For a malformed file (naming file and line), or one without records.
        """
        streamed = STREAMED.get(self.format)
        if streamed is None:
            n = len(self._read_whole(on_bytes)[0])
        else:
            n = sum(1 for _ in streamed.records(self.lines.read(on_bytes), self.source, []))
        if n == 0:
            raise InputError(f"no records found in this {FORMATS[self.format]} file",
                             source=self.source)  # fmt: skip
        return n

    def citations(self, warnings: list[str]) -> Iterator[Citation]:
        """The records in file order; warnings go to ``warnings``.

        Those of decoding and of removed characters come first, once the file has been read.

        Raises
        ------
        InputError
            For a malformed file (naming file and line).
        """
        streamed = STREAMED.get(self.format)
        if streamed is None:
            citations, found = self._read_whole(None)
            yield from citations
            warnings += found
        else:
            records = streamed.records(self.lines, self.source, warnings)
            for position, record in enumerate(records, start=1):
                yield streamed.citation(record, position, self.source, warnings)
        warnings[:0] = self.lines.warnings()


def _open(lines: Lines, format: str | None) -> Export:
    if format is not None:
        if format not in READERS:
            raise InputError(
                f"unknown format {format!r}; must be one of {', '.join(READERS)}",
                source=lines.source,
            )
        return Export(lines, format)
    head = lines.head()
    if not head.strip():
        raise InputError("the file is empty; there are no records to read", source=lines.source)
    return Export(lines, detect_format(head, lines.source))


def open_export(path: str | Path, *, format: str | None = None) -> Export:
    """Open an export file for reading; its format is detected from the content.

    Raises
    ------
    InputError
        If the file cannot be read, is empty, or its format is not recognised.
    """
    return _open(Lines.from_file(path), format)


def _read(lines: Lines, format: str | None) -> ReadResult:
    export = _open(lines, format)
    warnings: list[str] = []
    citations = tuple(export.citations(warnings))
    if not citations:
        raise InputError(f"no records found in this {FORMATS[export.format]} file",
                         source=lines.source)  # fmt: skip
    return ReadResult(export.format, lines.encoding, citations, tuple(warnings))


def read_text(
    text: str, source: str = "<text>", *, format: str | None = None, encoding: str | None = None
) -> ReadResult:
    r"""Read export text whose format is detected from its content (or given as ``format``).

    Raises
    ------
    InputError
        If the format is not recognised, or the content is malformed (with file and line).

    Examples
    --------
    >>> result = read_text("TY  - JOUR\nTI  - A trial\nDO  - https://doi.org/10.1/X\nER  - \n")
    >>> result.format, result.citations[0].title, result.citations[0].doi
    ('ris', 'A trial', '10.1/x')
    """
    lines = Lines.from_text(text, source)
    lines.encoding = encoding
    return _read(lines, format)


def read_bytes(data: bytes, source: str = "<bytes>", *, format: str | None = None) -> ReadResult:
    r"""Decode (UTF-8, UTF-16, else cp1252 with a warning) and read an export.

    >>> read_bytes(b"\xef\xbb\xbf12345\n678\n").citations[1].pmid
    '678'
    """
    return _read(Lines.from_bytes(data, source), format)


def read_file(path: str | Path, *, format: str | None = None) -> ReadResult:
    """Read an export file; its format is detected from the content, not the extension.

    Raises
    ------
    InputError
        If the file cannot be read, its format is not recognised or it is malformed.
    """
    return _read(Lines.from_file(path), format)
