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


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF of an icsplan HTML document."""
    from weasyprint import HTML  # imported late: it is slow to import and only PDF needs it

    document = HTML(string=html, base_url=None, url_fetcher=_no_fetch)
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
