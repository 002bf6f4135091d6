r"""The lines of an export, decoded and made storable, from memory or streamed from disk.

:class:`Lines` is what every reader reads: the text split at line breaks (``\r\n``,
``\r`` and ``\n`` alike, as ``str.split("\n")`` after normalising them, so line numbers
are the same whichever way the text came), without byte-order marks, NUL characters or
lone surrogates (see :mod:`sysreview.text`). A file is decoded chunk by chunk, so
a 200 MB export is never in memory at once, and it can be read more than once (a check
pass, then a storing pass). What was removed is reported by :meth:`Lines.warnings`.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from pathlib import Path

from sysreview.errors import InputError
from sysreview.text import REPLACEMENT, SURROGATE, line_at

CHUNK = 1 << 20
Progress = Callable[[int], None]

#: Encodings tried, in order, after the one the first bytes suggest (``decode`` docs).
_FALLBACKS = ("cp1252", "latin-1")


def sniff_encoding(head: bytes) -> str:
    r"""The encoding the first bytes of a file announce; otherwise UTF-8.

    A BOM, or the zero bytes that ASCII text has in UTF-16.

    >>> sniff_encoding(b"\xff\xfeT\x00"), sniff_encoding(b"T\x00Y\x00"), sniff_encoding(b"TY")
    ('utf-16', 'utf-16-le', 'utf-8')
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be"
    return "utf-8"


def _valid(chunks: Callable[[], Iterator[bytes]], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in chunks():
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def choose_encoding(chunks: Callable[[], Iterator[bytes]], head: bytes) -> tuple[str, str, str]:
    """``(encoding, errors, warning)`` for bytes given as chunks (checked in full).

    UTF-8 and UTF-16 as :func:`sniff_encoding` says; text that is not valid UTF-8 is read
    as cp1252 (else latin-1) with a warning; invalid UTF-16 (a lone surrogate, an odd
    byte count) keeps UTF-16 with the bad units replaced by U+FFFD, also with a warning.
    """
    encoding = sniff_encoding(head)
    if _valid(chunks, encoding):
        return encoding, "strict", ""
    if encoding.startswith("utf-16"):
        warning = f"not valid {encoding.upper()}; invalid parts replaced by {REPLACEMENT!r}"
        return encoding, "replace", warning
    for fallback in _FALLBACKS:
        if _valid(chunks, fallback):
            break
    return fallback, "strict", f"not valid UTF-8; decoded as {fallback} (check accented characters)"


class Lines:
    """The guarded lines of one export; iterate it (more than once) to read them.

    Build it with :meth:`from_text`, :meth:`from_bytes` or :meth:`from_file`;
    :meth:`read` with ``on_bytes`` reports the bytes of a file read so far, chunk by chunk.
    """

    def __init__(
        self,
        source: str,
        chunks: Callable[[Progress | None], Iterator[str]],
        *,
        encoding: str | None = None,
        decode_warning: str = "",
    ) -> None:
        self.source = source
        self.encoding = encoding
        self._chunks = chunks
        self._decode_warning = decode_warning
        self._nul = self._surrogates = 0
        self._nul_line = self._surrogate_line = 0

    @classmethod
    def from_text(cls, text: str, source: str = "<text>") -> Lines:
        """The lines of text already in memory."""
        return cls(source, lambda _: iter((text,)))

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "<bytes>") -> Lines:
        """Decoded bytes (see :func:`choose_encoding`)."""
        encoding, errors, warning = choose_encoding(lambda: iter((data,)), data[:4])
        text = data.decode(encoding, errors)
        return cls(source, lambda _: iter((text,)), encoding=encoding, decode_warning=warning)

    @classmethod
    def from_file(cls, path: str | Path, source: str | None = None) -> Lines:
        """A file, decoded chunk by chunk each time it is read.

        Raises
        ------
        InputError
            When the file cannot be opened or read.
        """
        name = source or str(path)

        def raw_chunks() -> Iterator[bytes]:
            try:
                with open(path, "rb") as handle:
                    while chunk := handle.read(CHUNK):
                        yield chunk
            except OSError as exc:
                raise InputError(f"cannot read the file: {exc.strerror}", source=name) from exc

        try:
            with open(path, "rb") as handle:
                head = handle.read(4)
        except OSError as exc:
            raise InputError(f"cannot read the file: {exc.strerror}", source=name) from exc
        encoding, errors, warning = choose_encoding(raw_chunks, head)

        def text_chunks(on_bytes: Progress | None) -> Iterator[str]:
            decoder = codecs.getincrementaldecoder(encoding)(errors)
            for chunk in raw_chunks():
                yield decoder.decode(chunk)
                if on_bytes is not None:
                    on_bytes(len(chunk))
            yield decoder.decode(b"", final=True)

        return cls(name, text_chunks, encoding=encoding, decode_warning=warning)

    def __iter__(self) -> Iterator[str]:
        return self.read()

    def read(self, on_bytes: Progress | None = None) -> Iterator[str]:
        r"""The lines, as ``text.split("\n")`` of the whole normalised text gives them.

        ``on_bytes(n)`` is called after each chunk of ``n`` bytes of a file.
        """
        self._nul = self._surrogates = 0
        partial = carry = ""
        number = 0  # lines completed before the current chunk
        for piece in self._chunks(on_bytes):
            text = carry + piece
            carry = ""
            if text.endswith("\r"):  # maybe the first half of a \r\n split across chunks
                text, carry = text[:-1], "\r"
            text = self._guard(text.replace("\r\n", "\n").replace("\r", "\n"), number)
            lines = text.split("\n")
            lines[0] = partial + lines[0]
            partial = lines.pop()
            number += len(lines)
            yield from lines
        yield partial
        if carry:  # the text ended with a lone \r: one more (empty) line
            yield ""

    def _guard(self, text: str, number: int) -> str:
        if "\ufeff" in text:
            text = text.replace("\ufeff", "")
        if "\x00" in text:
            if not self._nul:
                self._nul_line = number + line_at(text, text.index("\x00"))
            self._nul += text.count("\x00")
            text = text.replace("\x00", "")
        found = SURROGATE.search(text)
        if found is not None:
            if not self._surrogates:
                self._surrogate_line = number + line_at(text, found.start())
            self._surrogates += len(SURROGATE.findall(text))
            text = SURROGATE.sub(REPLACEMENT, text)
        return text

    def head(self, limit: int = 2_000_000) -> str:
        """The first lines, up to about ``limit`` characters (for format detection)."""
        taken: list[str] = []
        size = 0
        for line in self:
            taken.append(line)
            size += len(line) + 1
            if size >= limit:
                break
        return "\n".join(taken)

    def warnings(self) -> list[str]:
        """What decoding and guarding changed, as ``file: message`` (after a full read)."""
        found = [f"{self.source}: {self._decode_warning}"] if self._decode_warning else []
        if self._nul:
            found.append(
                f"{self.source}:{self._nul_line}: {self._nul} NUL character(s) removed "
                f"(first on line {self._nul_line}); a database cannot store them"
            )
        if self._surrogates:
            found.append(
                f"{self.source}:{self._surrogate_line}: {self._surrogates} lone surrogate(s) "
                f"(half of a UTF-16 pair) replaced by {REPLACEMENT!r} (first on line "
                f"{self._surrogate_line})"
            )
        return found


__all__ = ["CHUNK", "Lines", "choose_encoding", "sniff_encoding"]
