"""Record links: resolvers for DOI and PMID, and only http(s) URLs from the record."""

from __future__ import annotations

import pytest

from sysreview.records.links import doi_url, pubmed_url, record_links, web_url


@pytest.mark.parametrize(
    ("doi", "url"),
    [
        ("10.5555/ABC.1", "https://doi.org/10.5555/ABC.1"),
        ("https://doi.org/10.5555/abc", "https://doi.org/10.5555/abc"),
        ("doi: 10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E",
         "https://doi.org/10.1002/(SICI)1097-0258(19980430)17:8%3C857::AID-SIM777%3E3.0.CO;2-E"),
        ("10.5555/a b", "https://doi.org/10.5555/a%20b"),
        ("not a doi", None),
        (None, None),
    ],
)  # fmt: skip
def test_doi_urls(doi: str | None, url: str | None) -> None:
    assert doi_url(doi) == url


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "https://", "http://a b",
     "https://x.org/\x1b[31m", "ftp://x.org/a.pdf", "=HYPERLINK(\"http://x\")"],
)  # fmt: skip
def test_only_plain_web_urls_are_kept(url: str) -> None:
    assert web_url(url) is None
    assert record_links(None, None, url) == ()


def test_links_in_order_without_repeating_the_doi() -> None:
    links = record_links("10.5555/a", " 123 ", "https://doi.org/10.5555/a")
    assert [(x.label, x.url) for x in links] == [
        ("DOI", "https://doi.org/10.5555/a"),
        ("PubMed", "https://pubmed.ncbi.nlm.nih.gov/123/"),
    ]
    assert pubmed_url("12a") is None
