"""Strategies of the fuzz suite, and the contract every reader and loader is held to.

Inputs are of two kinds:

* real export files (``../shared/fixtures/exports/`` and ``tests/fixtures/records/``)
  mutated byte by byte: spans deleted, duplicated or truncated, random bytes, and tokens
  that break parsers inserted (NUL bytes, terminal escapes, bidi overrides, invalid UTF-8,
  byte-order marks, 5,000-digit numbers, deep brackets and braces, other formats' tags);
* structured generators for what a byte mutation rarely reaches: ClinicalTrials.gov JSON
  with unexpected node types, deep nesting, huge integers, ``NaN``, lone surrogates and NUL
  escapes; BibTeX with undefined macros, ``@string`` definitions, ``#`` concatenation and
  deep or unbalanced braces.

The contract (:func:`read_or_refuse`): a reader returns records whose normalised fields
hold no control or bidi characters and whose every value (``raw`` included) can be stored
alike by SQLite and PostgreSQL (no NUL, no lone surrogate, no NaN), or it raises
:class:`~sysreview.errors.InputError` naming the file, as one line. Anything else fails.

``SYSREVIEW_FUZZ_EXAMPLES`` sets the examples per test (default 60: a few seconds per
reader); a longer local run: ``SYSREVIEW_FUZZ_EXAMPLES=3000 pytest tests/fuzz``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sysreview.errors import InputError
from sysreview.records import Citation, ReadResult, read_bytes
from tests.conftest import PROJECT_ROOT, shared_path

EXAMPLES = int(os.environ.get("SYSREVIEW_FUZZ_EXAMPLES", "60"))

#: Bounded examples per test; the deadline only catches runaway inputs (a hang, a
#: quadratic blow-up), not ordinary slowness on a busy machine.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=20),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
    ],
)

LOCAL = PROJECT_ROOT / "tests" / "fixtures" / "records"

#: Real files per format: (shared export file name) or a Path to a local fixture.
SAMPLES: dict[str, tuple[str | Path, ...]] = {
    "ris": (
        "embase.ris",
        "pubmed_zotero.ris",
        "ris_issue_992.txt",
        "baseline_tag-notes.ris",
        "ovid_zotero.ris",
    ),
    "ovid": ("Embase_endnote_r3001-3002.cgi.txt",),
    "wos": ("WoS_other_reference_software_r4001-4012.txt",),
    "medline": (LOCAL / "pubmed_two_records.nbib",),
    "endnote_xml": ("Respiratory_endnote_excerpt.xml",),
    "bibtex": (LOCAL / "two_entries.bib",),
    "csv": ("generic.csv", "embase.csv", "generic_semicolon.csv", "generic_tab.csv"),
    "ctgov_csv": (LOCAL / "ctgov_studies.csv",),
    "ctgov_json": (LOCAL / "ctgov_api_v2.json",),
    "ictrp_xml": (LOCAL / "ictrp_two_trials.xml",),
    "pmid_list": ("pmid.txt",),
}


def sample_bytes(sample: str | Path) -> bytes:
    """The bytes of a sample file (skipping the test when ../shared/ is absent)."""
    path = sample if isinstance(sample, Path) else shared_path("fixtures", "exports", sample)
    return path.read_bytes()


#: Tokens that break parsers, inserted by :func:`mutated`.
NASTY: tuple[bytes, ...] = (
    b"\x00",
    b"\x00\x00\x00\x00",
    b"\x1b[31m",
    b"\x1b[2J\x1b[H",
    b"\x1b]0;pwned\x07",
    b"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    "\u009b".encode(),
    "\u202e".encode(),
    "\u2066x\u2069".encode(),
    b"\x07\x08\x7f",
    b"\r",
    b"\r\n",
    b"\n",
    b"\n\n",
    b"\t",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",  # an encoded surrogate: invalid UTF-8
    b"\x80\x81\x8d",
    b"\xc3",
    b"9" * 5000,
    b"-1e999",
    b"NaN",
    b"[bold]red[/bold]",
    b"{" * 300,
    b"}" * 40,
    b"[" * 300,
    b"]" * 40,
    b'"',
    b"'",
    b",",
    b";",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\\udc00x\\ud83d",
    b"<",
    b">",
    b"&",
    b"&#0;",
    b"&#xD800;",
    b"<![CDATA[",
    b"<!ENTITY x 'y'>",
    b"<record>",
    b"</record>",
    b"TY  - JOUR\n",
    b"ER  - \n",
    b"TI  - ",
    b"PMID- 1\n",
    b"<1. >\n",
    b"PT J\n",
    b"   ",
    b"@article{x,\n",
    b"@string{m = {M}}\n",
    b" # ",
    b"title = undefinedmacro,\n",
    b'=HYPERLINK("x")',
)


@st.composite
def mutated(draw: st.DrawFn, data: bytes, tokens: tuple[bytes, ...] = NASTY) -> bytes:
    """``data`` with 1-6 mutations (insert a token, delete, duplicate, replace, truncate)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(
            st.sampled_from(["token", "token", "delete", "duplicate", "replace", "truncate"])
        )
        pos = draw(st.integers(0, len(out)))
        if draw(st.booleans()):  # often at the start of a line, where tags live
            newline = out.find(b"\n", pos)
            pos = len(out) if newline < 0 else newline + 1
        if kind == "token":
            out[pos:pos] = draw(st.sampled_from(tokens))
        elif kind == "delete":
            del out[pos : pos + draw(st.integers(1, 300))]
        elif kind == "duplicate":
            out[pos:pos] = out[pos : pos + draw(st.integers(1, 2000))]
        elif kind == "replace":
            out[pos : pos + 1] = draw(st.binary(min_size=1, max_size=4))
        else:
            del out[pos:]
    return bytes(out)


# ---- the contract ---------------------------------------------------------------------------

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unsafe_char(char: str) -> bool:
    """A character no normalised field may hold: C0/C1 controls (tab and newline too,
    fields are single-line), DEL, bidi controls, surrogates."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or char in _BIDI or 0xD800 <= code <= 0xDFFF


def storable(value: Any, path: str = "raw") -> None:
    """Assert a value can be stored alike by SQLite and PostgreSQL (JSON, text columns)."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            assert "\x00" not in item, f"{where}: NUL in {item[:60]!r}"
            item.encode("utf-8")  # raises on a lone surrogate
        elif isinstance(item, bool) or item is None:
            pass
        elif isinstance(item, int):
            assert len(str(item)) < 4300, f"{where}: integer too long to store"
        elif isinstance(item, float):
            assert math.isfinite(item), f"{where}: {item} (PostgreSQL JSON has no NaN/inf)"
        elif isinstance(item, dict):
            for key, sub in item.items():
                assert isinstance(key, str), f"{where}: key {key!r}"
                storable(key, f"{where} key")
                stack.append((f"{where}.{key[:20]}", sub))
        elif isinstance(item, list | tuple):
            stack.extend((f"{where}[{i}]", sub) for i, sub in enumerate(item))
        else:
            raise AssertionError(f"{where}: {type(item).__name__} is not JSON")


def assert_clean(citation: Citation) -> None:
    """Normalised fields free of control/bidi characters; everything storable."""
    for f in fields(citation):
        value = getattr(citation, f.name)
        if f.name == "raw":
            storable(value)
            json.dumps(value, allow_nan=False)
            continue
        for text in value if isinstance(value, tuple) else [value]:
            if isinstance(text, str):
                bad = [c for c in text if unsafe_char(c)]
                assert not bad, f"{f.name} holds {bad[:3]!r}: {text[:80]!r}"
                assert text == text.strip(), f"{f.name} not stripped: {text[:80]!r}"


def assert_refusal(exc: InputError, source: str) -> None:
    """An InputError that names the file and prints as one line."""
    assert exc.source == source, f"the error does not name the file: {exc}"
    assert str(exc).startswith(source), str(exc)
    assert "\n" not in str(exc), f"not one line: {exc!s}"
    assert not any(unsafe_char(c) for c in str(exc) if c != "\n"), repr(str(exc))


def read_or_refuse(
    data: bytes,
    format: str | None,
    reader: Callable[..., ReadResult] = read_bytes,
    source: str | None = None,
) -> ReadResult | None:
    """Read ``data``; assert the contract; the result, or ``None`` when refused."""
    source = source or f"fuzz.{format or 'export'}"
    try:
        result = reader(data, source, format=format)
    except InputError as exc:
        assert_refusal(exc, source)
        return None
    assert result.citations
    for citation in result.citations:
        assert_clean(citation)
    for warning in result.warnings:
        assert not any(unsafe_char(c) for c in warning), repr(warning)
    return result


# ---- structured JSON --------------------------------------------------------------------------


class Raw(str):
    """JSON text written as is (numbers Python's json would refuse to write, bad escapes)."""


def to_json(value: Any) -> str:
    """JSON text of ``value``, :class:`Raw` pieces verbatim, NaN/inf as bare words."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{to_json(str(k))}: {to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return json.dumps(value)


#: Characters for strings: printable text plus controls, escapes, bidi, NUL, surrogates.
ODD_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x00", "\x1b", "\x9b", "\u202e", "\x07", "\ud800", "\udfff", "["]),
    ),
    max_size=30,
)
RAW_JSON = st.sampled_from(
    [
        "9" * 5000,
        "-" + "9" * 4400,
        "1e400",
        "-1e999",
        "NaN",
        "-Infinity",
        '"\\ud800"',
        '"x\\udfff\\ud800y"',
        '"\\u0000"',
        '"a\\u001b[2Jb"',
        '"\\u202egnp.exe"',
        '"[bold]x[/bold]"',
    ]
).map(Raw)
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), ODD_TEXT, RAW_JSON)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ODD_TEXT, inner, max_size=3),
    max_leaves=12,
)


@st.composite
def deep_json(draw: st.DrawFn) -> Raw:
    """An array or object nested 50 to 100,000 levels deep."""
    depth = draw(st.sampled_from([50, 200, 999, 1001, 5000, 100_000]))
    if draw(st.booleans()):
        return Raw("[" * depth + "1" + "]" * depth)
    return Raw('{"a": ' * depth + "1" + "}" * depth)


#: Paths of a ClinicalTrials.gov study that the reader uses.
CTGOV_PATHS: tuple[tuple[str, ...], ...] = (
    ("protocolSection",),
    ("protocolSection", "identificationModule"),
    ("protocolSection", "identificationModule", "nctId"),
    ("protocolSection", "identificationModule", "briefTitle"),
    ("protocolSection", "identificationModule", "officialTitle"),
    ("protocolSection", "statusModule"),
    ("protocolSection", "statusModule", "startDateStruct"),
    ("protocolSection", "statusModule", "startDateStruct", "date"),
    ("protocolSection", "statusModule", "studyFirstSubmitDate"),
    ("protocolSection", "descriptionModule", "briefSummary"),
    ("protocolSection", "conditionsModule"),
    ("protocolSection", "conditionsModule", "conditions"),
    ("protocolSection", "conditionsModule", "keywords"),
    ("hasResults",),
)


def _study(number: int) -> dict[str, Any]:
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": f"NCT0{number:07d}",
                "briefTitle": f"Trial {number}",
                "officialTitle": f"The official title of trial {number}",
            },
            "statusModule": {
                "startDateStruct": {"date": "2020-02-21"},
                "studyFirstSubmitDate": "2020-02-20",
            },
            "descriptionModule": {"briefSummary": "A randomised trial."},
            "conditionsModule": {"conditions": ["COVID-19"], "keywords": ["remdesivir"]},
        },
        "hasResults": False,
    }


def _put(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node: Any = tree
    for key in path[:-1]:
        if not isinstance(node, dict):
            return
        node = node.setdefault(key, {})
    if isinstance(node, dict):
        node[path[-1]] = value


@st.composite
def ctgov_json(draw: st.DrawFn) -> bytes:
    """API v2 JSON whose studies have nodes replaced by unexpected values."""
    studies: list[Any] = []
    for number in range(draw(st.integers(1, 3))):
        study = _study(number)
        for path in draw(st.lists(st.sampled_from(CTGOV_PATHS), max_size=3)):
            _put(study, path, draw(st.one_of(JSON_VALUE, deep_json())))
        studies.append(study)
    shape = draw(st.sampled_from(["studies", "list", "one", "odd"]))
    if shape == "studies":
        document: Any = {"studies": studies, "nextPageToken": draw(JSON_VALUE)}
    elif shape == "list":
        document = studies
    elif shape == "one":
        document = studies[0]
    else:
        document = {"studies": draw(st.one_of(JSON_VALUE, deep_json()))}
    text = to_json(document)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return text.encode(encoding, errors="surrogatepass")


# ---- structured BibTeX ------------------------------------------------------------------------

BIB_TEXT = st.lists(
    st.one_of(
        st.sampled_from("abcXYZ 0129.-:/"),
        st.sampled_from(["\\'e", '{\\"u}', "\\relax ", "\\", "%", "@", "=", ",", "#", '"']),
        st.sampled_from(["\x00", "\x1b[31m", "\u202e", "\ud800", "~", "$x^2$", "\\\\"]),
    ),
    max_size=12,
).map("".join)
MACROS = st.sampled_from(["jan", "feb", "dec", "undefinedmacro", "foo", "bar", "x1", "1990"])


@st.composite
def bib_value(draw: st.DrawFn, depth: int = 0) -> str:
    """A field value: braces (maybe deep or unbalanced), quotes, a macro, a number, or #."""
    kind = draw(st.sampled_from(["braced", "deep", "quoted", "macro", "number", "concat"]))
    text = draw(BIB_TEXT)
    if kind == "braced":
        return "{" + text + "}"
    if kind == "deep":
        opened = draw(st.sampled_from([10, 100, 500, 1000, 3000]))
        closed = opened + draw(st.sampled_from([0, 0, -1, 1]))
        return "{" * opened + text + "}" * max(closed, 0)
    if kind == "quoted":
        return '"' + text + '"'
    if kind == "macro":
        return draw(MACROS)
    if kind == "number":
        return str(draw(st.integers(-(10**30), 10**30)))
    if depth > 2:
        return draw(MACROS)
    return draw(bib_value(depth + 1)) + " # " + draw(bib_value(depth + 1))


@st.composite
def bibtex(draw: st.DrawFn) -> bytes:
    """BibTeX entries, @string/@preamble/@comment blocks and junk between them."""
    names = st.sampled_from(["title", "author", "year", "journal", "doi", "month", "pages",
                             "abstract", "keywords", "pmid", "url", "note"])  # fmt: skip
    parts: list[str] = []
    for number in range(draw(st.integers(1, 4))):
        block = draw(st.sampled_from(["entry", "entry", "entry", "string", "preamble", "junk"]))
        if block == "string":
            parts.append(f"@string{{{draw(MACROS)} = {draw(bib_value())}}}\n")
        elif block == "preamble":
            parts.append(f"@preamble{{{draw(bib_value())}}}\n")
        elif block == "junk":
            parts.append(draw(BIB_TEXT) + "\n")
        else:
            kind = draw(st.sampled_from(["article", "book", "misc", "ARTICLE", "odd_type"]))
            key = draw(st.sampled_from([f"key{number}", "dup", "", "a b", "k{", "ü"]))
            body = ",\n".join(
                f"  {draw(names)} = {draw(bib_value())}" for _ in range(draw(st.integers(0, 5)))
            )
            close = draw(st.sampled_from(["}", "}", ")", ""]))
            parts.append(f"@{kind}{{{key},\n{body}\n{close}\n")
    return "".join(parts).encode("utf-8", errors="surrogatepass")
