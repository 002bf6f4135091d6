"""Fuzzing every reader: records or an InputError naming the file, never anything else.

See :mod:`tests.fuzz.strategies` for the inputs and the contract.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.records import FORMATS, ReadResult, read_file, read_text
from tests.fuzz.strategies import (
    FUZZ,
    ODD_TEXT,
    SAMPLES,
    bibtex,
    ctgov_json,
    mutated,
    read_or_refuse,
    sample_bytes,
)


def test_every_format_is_fuzzed() -> None:
    assert set(SAMPLES) == set(FORMATS)


@pytest.mark.parametrize("format", sorted(SAMPLES))
@FUZZ
@given(data=st.data())
def test_mutated_real_files(format: str, data: st.DataObject) -> None:
    """Each reader, given its format, on mutated real exports of that format."""
    sample = data.draw(st.sampled_from(SAMPLES[format]))
    read_or_refuse(data.draw(mutated(sample_bytes(sample))), format)


@FUZZ
@given(data=st.data())
def test_mutated_files_with_format_detection(data: st.DataObject) -> None:
    """The whole path a user's import takes: detection, then the reader it picks."""
    format = data.draw(st.sampled_from(sorted(SAMPLES)))
    sample = data.draw(st.sampled_from(SAMPLES[format]))
    read_or_refuse(data.draw(mutated(sample_bytes(sample))), None)


@FUZZ
@given(data=st.data())
def test_mutated_files_read_from_disk(data: st.DataObject) -> None:
    """The streaming path (decoded line by line from the file) keeps the same contract."""
    format = data.draw(st.sampled_from(["ris", "medline", "ovid", "wos", "pmid_list", "csv"]))
    sample = data.draw(st.sampled_from(SAMPLES[format]))
    raw = data.draw(mutated(sample_bytes(sample)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.export"
        path.write_bytes(raw)

        def reader(blob: bytes, source: str, format: str | None) -> ReadResult:
            return read_file(path, format=format)

        read_or_refuse(raw, format, reader, source=str(path))


@FUZZ
@given(ctgov_json())
def test_clinicaltrials_gov_json(raw: bytes) -> None:
    """Unexpected node types, deep nesting, huge numbers, NaN, lone surrogates, NUL."""
    read_or_refuse(raw, "ctgov_json")
    read_or_refuse(raw, None)


@FUZZ
@given(bibtex())
def test_bibtex(raw: bytes) -> None:
    """Undefined macros, @string, # concatenation, deep and unbalanced braces."""
    read_or_refuse(raw, "bibtex")


@pytest.mark.parametrize("format", sorted(SAMPLES))
@FUZZ
@given(text=st.lists(ODD_TEXT, min_size=1, max_size=8))
def test_text_with_surrogates_and_controls(format: str, text: list[str]) -> None:
    """Text given as ``str`` (an API caller's, a live search's) may hold lone surrogates."""
    template = {
        "ris": "TY  - JOUR\nTI  - {0}\nAU  - {1}\nKW  - {2}\nER  - \n",
        "medline": "PMID- 1\nTI  - {0}\nFAU - {1}\nOT  - {2}\n",
        "ovid": "<1. >\nTI  - {0}\nAU  - {1}\n",
        "wos": "PT J\nTI {0}\nAU {1}\nER\n",
        "bibtex": "@article{{k, title = {{{0}}}, author = {{{1}}}}}\n",
        "csv": "title,authors\n{0},{1}\n",
        "ctgov_csv": "NCT Number,Study Title\nNCT1,{0}\n",
        "endnote_xml": "<xml><records><record><titles><title>{0}</title></titles>"
        "</record></records></xml>",
        "ictrp_xml": "<Trials_downloaded_from_ICTRP><Trial><TrialID>X</TrialID>"
        "<Public_title>{0}</Public_title></Trial></Trials_downloaded_from_ICTRP>",
        "ctgov_json": '{{"studies": [{{"protocolSection": {{"identificationModule": '
        '{{"briefTitle": "{0}"}}}}}}]}}',
        "pmid_list": "{0}\n123\n",
    }[format]
    text = template.format(*(text * 3))

    def reader(blob: bytes, source: str, format: str | None) -> ReadResult:
        return read_text(text, source, format=format)

    read_or_refuse(b"", format, reader)
