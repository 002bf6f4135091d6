"""Reading full-text PDFs: text and document information, and what is refused."""

from __future__ import annotations

import hashlib

import pytest

from sysreview.errors import InputError
from sysreview.fulltext import content_sha256, is_pdf, read_pdf
from sysreview.fulltext.pdf import MAX_PDF_BYTES, check_pdf
from tests.unit.fulltext.pdfs import make_pdf


def test_text_and_info_are_read_page_by_page() -> None:
    data = make_pdf(
        [["Synthetic trial A of group peer support", "doi:10.5555/abc.1"], ["References"]],
        {"Title": "Synthetic trial A", "Subject": "PMID: 1234567"},
    )
    pdf = read_pdf(data, source="a.pdf")
    assert pdf.page_count == 2
    assert "Synthetic trial A of group peer support" in pdf.pages[0]
    assert "References" in pdf.pages[1]
    assert pdf.info == {"Title": "Synthetic trial A", "Subject": "PMID: 1234567"}
    assert pdf.text.count("\f") == 1
    assert (
        pdf.summary() == f"2 page(s), {len(pdf.pages[0]) + len(pdf.pages[1]):,} characters; "
        "title 'Synthetic trial A'"
    )


def test_max_pages_reads_only_the_first_pages() -> None:
    pdf = read_pdf(make_pdf([["one"], ["two"], ["three"]]), source="a.pdf", max_pages=1)
    assert pdf.page_count == 3 and len(pdf.pages) == 1 and "one" in pdf.pages[0]


def test_the_hash_is_sha256_of_the_bytes() -> None:
    data = make_pdf([["x"]])
    assert content_sha256(data) == hashlib.sha256(data).hexdigest()
    assert len(content_sha256(data)) == 64


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04 this is a zip file", "not a PDF"),
        (b"<html><body>Access denied</body></html>", "not a PDF"),
        (b"%PDF-1.4\nthis is not really a pdf at all", "not a readable PDF"),
    ],
)
def test_what_is_not_a_readable_pdf_is_refused_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read_pdf(data, source="paper.pdf")
    assert "paper.pdf" in str(caught.value)


def test_a_too_large_file_is_refused_before_reading() -> None:
    class Huge(bytes):
        def __len__(self) -> int:
            return MAX_PDF_BYTES + 1

    with pytest.raises(InputError, match="at most 200 MiB"):
        check_pdf(Huge(b"%PDF-1.4"), source="big.pdf")


def test_header_must_be_in_the_first_kilobyte() -> None:
    assert is_pdf(b" " * 1000 + b"%PDF-1.7")
    assert not is_pdf(b" " * 1024 + b"%PDF-1.7")


def test_an_encrypted_pdf_that_needs_a_password_is_refused() -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["secret"]]))))
    writer.encrypt(user_password="pw", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(InputError, match="encrypted"):
        read_pdf(out.getvalue(), source="locked.pdf")


def test_a_page_without_text_reads_as_empty() -> None:
    assert read_pdf(make_pdf([[]]), source="scan.pdf").pages == ("",)
