"""PDF through WeasyPrint, from the same HTML as the HTML renderer.

The PDF is tagged (PDF/UA-1: structure tree, headings, language, title) so that screen readers
and text extraction see the document's hierarchy; WeasyPrint embeds the DejaVu font subsets.
"""

from __future__ import annotations

from icsplan.document.model import Strategy
from icsplan.errors import IcsplanError

from .base import Renderer
from .html import to_html

PDF_VARIANT = "pdf/ua-1"


def _no_fetch(url: str, *args, **kwargs):
    # Everything the document needs is inline; refusing fetches means nothing in a narrative
    # can make the renderer read a local file or reach the network.
    raise IcsplanError(f"external resources are not loaded while rendering a PDF: {url}")


def _cache_page_references() -> None:
    """Make pydyf's ``PDF.page_references`` O(1) per call instead of O(pages).

    WeasyPrint's PDF/UA tagging asks for ``pdf.page_references[n]`` once per tagged element, and
    pydyf (0.13) rebuilds the whole tuple of page references on every access, so writing a tagged
    PDF cost elements x pages: the one super-linear part of our PDF output (0.6 s of 6.4 s at
    155 pages, growing with the square of the size). The cached tuple is rebuilt whenever a page
    was added (``Kids`` only grows), so it is always the value the original property returns.
    """
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(original, property) or getattr(original.fget, "_icsplan_cached", False):
        return

    def page_references(self):
        kids = self.pages["Kids"]
        cached = self.__dict__.get("_icsplan_page_refs")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), original.fget(self))
            self.__dict__["_icsplan_page_refs"] = cached
        return cached[1]

    setattr(page_references, "_icsplan_cached", True)  # a function attribute (mypy allows none)
    pydyf.PDF.page_references = property(page_references, doc=original.__doc__)


def html_to_pdf(html: str, *, data_urls: bool = False) -> bytes:
    """A tagged PDF of an icsplan HTML document (``data_urls``: allow embedded data: images)."""
    from weasyprint import HTML  # imported late: it is slow to import and only PDF needs it

    _cache_page_references()
    fetcher = _no_fetch
    if data_urls:
        # Charts of the progress report are embedded as data: URLs, decoded in memory; every
        # other scheme (file:, http:) stays refused.
        from weasyprint.urls import URLFetcher

        fetcher = URLFetcher(allowed_protocols=("data",))  # others are skipped with a warning
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT)


class PdfRenderer(Renderer):
    """A print-ready, tagged PDF (cover, contents with page numbers, running banner)."""

    format = "pdf"
    media_type = "application/pdf"
    extension = "pdf"

    def __init__(self, *, indicators: bool = True):
        self.indicators = indicators

    def render(self, strategy: Strategy, *, public: bool = False) -> bytes:
        return html_to_pdf(to_html(strategy, public=public, indicators=self.indicators))


RENDERER = PdfRenderer()
