"""The report as PDF, rendered from the same HTML by WeasyPrint (for editors and printing).

WeasyPrint (BSD licence, on PyPI) lays out HTML and CSS for paged media without a browser:
the report's print style sheet (A4, page numbers, header rows repeated, no row or figure
split across pages) applies as it does when the HTML is printed. It needs the Pango text
library of the operating system; where Pango (or WeasyPrint) is missing, :func:`render_pdf`
says so and the rest of the report is written without its PDF.

Why not headless Chromium's print to PDF: it would make a browser a requirement of
``sysreview report``; WeasyPrint is a library installed with sysreview.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

MISSING = (
    "report.pdf not written: WeasyPrint could not be loaded ({reason}); it needs the Pango "
    "library (Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0; macOS: brew "
    "install pango)"
)


@dataclass(frozen=True)
class PdfResult:
    """The PDF's bytes, or why there are none."""

    data: bytes | None
    reason: str | None = None


def render_pdf(html: str) -> PdfResult:
    """Render the self-contained report HTML to PDF bytes.

    The page loads nothing from outside (figures are ``data:`` URIs), so no URL fetcher is
    needed; any attempt to fetch is refused.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        return PdfResult(None, MISSING.format(reason=str(exc).splitlines()[0]))

    fetcher: Any
    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint 68 and later
        fetcher = weasyprint.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    else:

        def fetcher(url: str, *args: object, **kwargs: object) -> Any:
            if url.startswith("data:"):
                return weasyprint.default_url_fetcher(url)
            raise ValueError(f"the report does not load {url}")

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    return PdfResult(document.write_pdf())


__all__ = ["MISSING", "PdfResult", "render_pdf"]
