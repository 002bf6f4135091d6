"""Normaliser invariants (hypothesis) and a RIS write -> read round trip."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sysreview.records import Citation, read_text, write_ris
from sysreview.records.normalise import (
    clean_doi,
    clean_text,
    find_doi,
    normalise_author,
    parse_year,
)

suffix = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._()/;",
    min_size=1,
    max_size=30,
)
dois = st.builds(lambda reg, s: f"10.{reg}/{s}", st.integers(1000, 999999999), suffix)
prefixes = st.sampled_from(["", "doi:", "DOI: ", "https://doi.org/", "http://dx.doi.org/", " "])


@given(prefixes, dois)
def test_clean_doi_is_idempotent_and_prefix_free(prefix: str, doi: str) -> None:
    cleaned = clean_doi(prefix + doi)
    assert cleaned == clean_doi(cleaned)
    if cleaned is not None:
        assert cleaned == cleaned.lower() and cleaned.startswith("10.")


@given(st.text(max_size=40))
def test_clean_doi_never_crashes_and_is_idempotent(text: str) -> None:
    assert clean_doi(clean_doi(text)) == clean_doi(text)


@given(dois)
def test_find_doi_finds_a_doi_in_a_url(doi: str) -> None:
    found = find_doi(f"https://example.org/article/{doi}")
    assert found is not None and found.startswith(clean_doi(doi)[:8])  # type: ignore[index]


@given(
    st.integers(1500, 2099), st.sampled_from(["{y}", "{y}///", "{y} Jul 13", "{y}/07/03", "({y})"])
)
def test_parse_year_finds_the_year(year: int, pattern: str) -> None:
    assert parse_year(pattern.format(y=year)) == year


@given(st.text(max_size=30))
def test_normalise_author_is_idempotent(name: str) -> None:
    once = normalise_author(name)
    assert normalise_author(once) == once


names = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄÖÜéß ", min_size=1, max_size=20)
    .map(str.strip)
    .filter(lambda s: bool(s) and "  " not in s)
)
records = st.builds(
    Citation,
    position=st.just(1),
    title=names,
    authors=st.lists(
        st.builds(lambda s, g: f"{s.title()}, {g.title()}", names, names), max_size=4
    ).map(tuple),
    year=st.integers(1900, 2099),
    journal=names,
    volume=st.from_regex(r"[1-9][0-9]{0,2}", fullmatch=True),
    doi=dois.map(clean_doi),
    abstract=names,
    keywords=st.lists(names, max_size=3, unique=True).map(tuple),
)


@given(records)
def test_ris_round_trip(citation: Citation) -> None:
    back = read_text(write_ris([citation]), "round.ris").citations[0]
    for name in ("title", "year", "journal", "volume", "doi", "abstract", "keywords"):
        assert getattr(back, name) == getattr(citation, name), name
    assert back.authors == tuple(normalise_author(a) for a in citation.authors)
    assert clean_text(back.title) == back.title


def test_mojibake_from_a_real_data_file_is_repaired_in_every_normalised_field() -> None:
    """Cells of the Metapsy peer-support ``data.csv`` (rows 17, 33, 56), UTF-8 once read as
    Windows-1252, in a RIS record: repaired by ``ftfy``; the raw fields keep them."""
    ris = (
        "TY  - JOUR\n"
        "AU  - RÃ¼sch, N.\n"
        "TI  - Lehmanâ€™s quality of life (QOL) and GAFâ€”Global Assessment of Functioning\n"
        "JO  - Psychiatrische Praxis fÃ¼r Ã„rzte\n"
        "AB  - “curly quotes” and naïve text stay as they are\n"
        "ER  - \n"
    )
    (citation,) = read_text(ris, "x.ris").citations
    assert citation.authors == ("Rüsch, N.",)
    assert (
        citation.title == "Lehman’s quality of life (QOL) and GAF—Global Assessment of Functioning"
    )
    assert citation.journal == "Psychiatrische Praxis für Ärzte"
    assert citation.abstract == "“curly quotes” and naïve text stay as they are"
    assert "RÃ¼sch, N." in str(citation.raw)
