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


def html_to_pdf(html: str, *, data_urls: bool = False, attachments: dict[str, str] | None = None) -> bytes:
    """A tagged PDF of an icsplan HTML document (``data_urls``: allow embedded data: images;
    ``attachments``: file name -> text, embedded as PDF attachments)."""
    from weasyprint import HTML, Attachment  # imported late: it is slow to import and only PDF needs it

    _cache_page_references()
    fetcher = _no_fetch
    if data_urls:
        # Charts of the progress report are embedded as data: URLs, decoded in memory; every
        # other scheme (file:, http:) stays refused.
        from weasyprint.urls import URLFetcher

        fetcher = URLFetcher(allowed_protocols=("data",))  # others are skipped with a warning
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    files = [
        Attachment(string=content, name=name, base_url=None, url_fetcher=_no_fetch, relationship="Data",
                   description="icsplan strategy data (imports this PDF back without loss)")
        for name, content in (attachments or {}).items()
    ]
    return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=files)


def to_pdf(strategy: Strategy, *, public: bool = False, indicators: bool = True) -> bytes:
    """The strategy as a PDF; with its indicators, it also carries the canonical JSON of what it
    shows as an attachment (``ingest.embedded``), so importing it back loses nothing.

    The signature of the visible words is taken from the HTML the PDF is rendered from: reading
    the rendered PDF back would cost more than rendering it.
    """
    html = to_html(strategy, public=public, indicators=indicators)
    if not indicators:
        return html_to_pdf(html)  # the JSON would carry indicators the document does not show
    from icsplan.ingest.embedded import PDF_ATTACHMENT, part_xml, visible_signature

    from .html import visible_text
    from .redaction import public_copy

    source = public_copy(strategy) if public else strategy
    part = part_xml(source.to_json(indent=None), visible_signature(visible_text(html)))
    return html_to_pdf(html, attachments={PDF_ATTACHMENT: part})


class PdfRenderer(Renderer):
    """A print-ready, tagged PDF (cover, contents with page numbers, running banner)."""

    format = "pdf"
    media_type = "application/pdf"
    extension = "pdf"

    def __init__(self, *, indicators: bool = True):
        self.indicators = indicators

    def render(self, strategy: Strategy, *, public: bool = False) -> bytes:
        return to_pdf(strategy, public=public, indicators=self.indicators)


RENDERER = PdfRenderer()
