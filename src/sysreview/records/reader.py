"""Read any supported export: decode, detect the format by content, dispatch to its reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sysreview.errors import InputError
from sysreview.records.bibtex import read_bibtex
from sysreview.records.csv_table import read_csv
from sysreview.records.detect import FORMATS, decode, detect_format
from sysreview.records.endnote_xml import read_endnote_xml
from sysreview.records.medline import read_medline, read_ovid
from sysreview.records.model import Citation
from sysreview.records.pmid_list import read_pmid_list
from sysreview.records.registers import read_ctgov_csv, read_ctgov_json, read_ictrp_xml
from sysreview.records.ris import read_ris
from sysreview.records.wos import read_wos

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


def read_text(
    text: str, source: str = "<text>", *, format: str | None = None, encoding: str | None = None
) -> ReadResult:
    """Read export text whose format is detected from its content (or given as ``format``).

    Raises
    ------
    InputError
        If the format is not recognised, or the content is malformed (with file and line).

    Examples
    --------
    >>> result = read_text("TY  - JOUR\\nTI  - A trial\\nDO  - https://doi.org/10.1/X\\nER  - \\n")
    >>> result.format, result.citations[0].title, result.citations[0].doi
    ('ris', 'A trial', '10.1/x')
    """
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("the file is empty; there are no records to read", source=source)
    name = format or detect_format(text, source)
    if name not in READERS:
        raise InputError(f"unknown format {name!r}; must be one of {', '.join(READERS)}")
    citations, warnings = READERS[name](text, source)
    if not citations:
        raise InputError(f"no records found in this {FORMATS[name]} file", source=source)
    return ReadResult(name, encoding, tuple(citations), tuple(warnings))


def read_bytes(data: bytes, source: str = "<bytes>", *, format: str | None = None) -> ReadResult:
    """Decode (UTF-8, UTF-16, else cp1252 with a warning) and read an export.

    >>> read_bytes(b"\\xef\\xbb\\xbf12345\\n678\\n").citations[1].pmid
    '678'
    """
    text, encoding, decode_warnings = decode(data)
    result = read_text(text, source, format=format, encoding=encoding)
    warnings = tuple(f"{source}: {w}" for w in decode_warnings) + result.warnings
    return ReadResult(result.format, encoding, result.citations, warnings)


def read_file(path: str | Path, *, format: str | None = None) -> ReadResult:
    """Read an export file; its format is detected from the content, not the extension.

    Raises
    ------
    InputError
        If the file cannot be read, its format is not recognised or it is malformed.
    """
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", source=source) from exc
    return read_bytes(data, source, format=format)
