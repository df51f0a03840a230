"""A standalone HTML document with print CSS; also the input of the PDF renderer.

Built with plain string joining and ``html.escape`` on every piece of text (no template
engine, no Django): narrative written by people must come out inert, whatever it contains.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from icsplan.document.model import Strategy

from .base import Renderer
from .content import SBU_BANNER
from .outline import (
    FrameworkLine,
    Heading,
    IndicatorTable,
    Items,
    Outline,
    Paragraph,
    prepare,
)

_STYLE_PATH = "html.css"


def _css() -> str:
    from importlib.resources import files

    return files(__package__).joinpath(_STYLE_PATH).read_text(encoding="utf-8")


def _e(text: str) -> str:
    return escape(text, quote=True)


def _mark(sbu: bool) -> str:
    return '<span class="sbu-mark">(SBU)</span> ' if sbu else ""


def _cover(outline: Outline) -> str:
    cover = outline.cover
    banner_class = "banner sbu-banner" if cover.banner == SBU_BANNER else "banner"
    parts = [
        '<section class="cover">',
        '<p class="cover-kicker">U.S. Department of State \u00b7 U.S. Agency for International Development</p>',
        f'<h1 class="cover-title">{_e(cover.title)}</h1>',
        f'<p class="cover-country">{_e(cover.country)}</p>',
    ]
    if cover.post:
        parts.append(f'<p class="cover-post">{_e(cover.post)}</p>')
    if cover.bureau:
        parts.append(f'<p class="cover-post">{_e(cover.bureau)}</p>')
    if cover.fiscal_span:
        parts.append(f'<p class="cover-span">{_e(cover.fiscal_span)}</p>')
    # The banner element also feeds the running header and footer (CSS string-set), so the
    # classification text never has to be written into the style sheet.
    parts.append(f'<p class="{banner_class} banner-source">{_e(cover.banner)}</p>')
    dates = []
    if cover.approved:
        dates.append(f"<p>Approved: {_e(cover.approved)}</p>")
    if cover.reviewed:
        dates.append(f"<p>Reviewed: {_e(', '.join(cover.reviewed))}</p>")
    if dates:
        parts.append('<div class="cover-dates">' + "".join(dates) + "</div>")
    parts.append("</section>")
    return "\n".join(parts)


def _toc(outline: Outline) -> str:
    items = "".join(
        f'<li><a href="#{_e(heading.anchor)}">{_e(heading.text)}</a></li>' for heading in outline.toc()
    )
    return f'<nav class="toc" aria-label="Table of Contents"><h2 class="toc-title">Table of Contents</h2><ul>{items}</ul></nav>'


def _indicator(block: IndicatorTable) -> str:
    rows = "".join(
        f"<tr><th scope=\"row\">{_e(period)}</th><td>{_e(target)}</td><td>{_e(result)}</td></tr>"
        for period, target, result in block.rows
    )
    details = "".join(f"<li>{_e(detail)}</li>" for detail in block.details)
    table = (
        f'<table class="values"><thead><tr><th scope="col">Period</th><th scope="col">Target</th>'
        f'<th scope="col">Result</th></tr></thead><tbody>{rows}</tbody></table>'
        if rows
        else ""
    )
    css = "indicator sbu" if block.sbu else "indicator"
    return (
        f'<div class="{css}"><p class="indicator-heading">{_mark(block.sbu)}Indicator {_e(block.heading)}</p>'
        f'<ul class="indicator-details">{details}</ul>{table}</div>'
    )


def _block(block) -> str:
    if isinstance(block, Heading):
        level = block.level + 1  # h1 is the cover title
        css = "section" if block.level == 1 else f"level{block.level}"
        return f'<h{level} id="{_e(block.anchor)}" class="{css}">{_e(block.text)}</h{level}>'
    if isinstance(block, FrameworkLine):
        return f'<p class="framework depth{block.depth}">{_e(block.text)}</p>'
    if isinstance(block, Paragraph):
        label = f'<strong class="label">{_e(block.label)}</strong> ' if block.label else ""
        css = ' class="sbu"' if block.sbu else ""
        return f"<p{css}>{label}{_mark(block.sbu)}{_e(block.text)}</p>"
    if isinstance(block, Items):
        items = "".join(
            ('<li class="sbu">' if sbu else "<li>") + f"{_mark(sbu)}{_e(text)}</li>" for text, sbu in block.items
        )
        return f'<p class="list-label"><strong class="label">{_e(block.label)}</strong></p><ul class="items">{items}</ul>'
    if isinstance(block, IndicatorTable):
        return _indicator(block)
    raise TypeError(f"unknown block {block!r}")


def to_html(strategy: Strategy, *, public: bool = False, indicators: bool = True) -> str:
    """The strategy as one standalone HTML document (UTF-8 text)."""
    outline = prepare(strategy, public=public, indicators=indicators)
    cover = outline.cover
    title = f"{cover.title} \u2014 {cover.country}"
    body = "\n".join(_block(block) for block in outline.blocks)
    author = cover.post or f"U.S. Mission {cover.country}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        f'<meta name="author" content="{_e(author)}">\n'
        f'<meta name="description" content="{_e(title)} ({_e(cover.banner)})">\n'
        f"<style>\n{_css()}\n</style>\n</head>\n<body>\n"
        f'<div class="screen-banner" aria-hidden="true">{_e(cover.banner)}</div>\n'
        f"{_cover(outline)}\n{_toc(outline)}\n<main>\n{body}\n</main>\n"
        f'<div class="screen-banner" aria-hidden="true">{_e(cover.banner)}</div>\n'
        "</body>\n</html>\n"
    )


class _VisibleText(HTMLParser):
    """The text a reader sees in an icsplan HTML document printed: no head, no style, nothing
    hidden from print and assistive technology (``aria-hidden``: the screen-only banner)."""

    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
    _HIDDEN = frozenset({"head", "script", "style", "template", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            self.parts.append(" ")
            return
        hidden = tag in self._HIDDEN or dict(attrs).get("aria-hidden") == "true"
        self.hidden.append(hidden or bool(self.hidden and self.hidden[-1]))
        self.parts.append(" ")  # block and cell boundaries separate words

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._VOID and self.hidden:
            self.hidden.pop()
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not (self.hidden and self.hidden[-1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The printed text of an HTML document written by :func:`to_html` (the signature of the
    PDF's visible words is taken from it)."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


class HtmlRenderer(Renderer):
    """Standalone HTML with print CSS (cover, contents, running banner, page numbers)."""

    format = "html"
    media_type = "text/html; charset=utf-8"
    extension = "html"

    def __init__(self, *, indicators: bool = True):
        self.indicators = indicators

    def render(self, strategy: Strategy, *, public: bool = False) -> bytes:
        return to_html(strategy, public=public, indicators=self.indicators).encode("utf-8")


RENDERER = HtmlRenderer()
