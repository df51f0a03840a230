"""The progress report as one standalone HTML document; also the input of the PDF.

Charts are inline SVG (text stays text, for search and screen readers) or PNG data URIs (for
WeasyPrint, and for mail clients that drop SVG). Every piece of text passes ``html.escape``.
"""

from __future__ import annotations

import base64
import re
from html import escape
from importlib.resources import files

from ..content import SBU_BANNER, SBU_CSS_CLASS
from .outline import SAMPLE_LABEL, STATUS_LABELS, Chart, Heading, Paragraph, ReportOutline, Table

_LABEL_TO_STATUS = {label: key for key, label in STATUS_LABELS.items()}
_SVG_HEAD = re.compile(rb"^.*?(?=<svg)", re.S)


def _e(text: str) -> str:
    return escape(text, quote=True)


def _css() -> str:
    return files(__package__).joinpath("report.css").read_text(encoding="utf-8")


def _status(key: str | None) -> str:
    if not key:
        return ""
    return f'<span class="status st-{_e(key)}">{_e(STATUS_LABELS[key])}</span>'


def _cover(outline: ReportOutline) -> str:
    c = outline.cover
    banner_class = "banner sbu-banner" if c.banner == SBU_BANNER else "banner"
    parts = [
        '<section class="cover">',
        '<p class="cover-kicker">U.S. Department of State \u00b7 U.S. Agency for International Development</p>',
        f'<h1 class="cover-title">{_e(c.title)}</h1>',
        f'<p class="cover-country">{_e(c.country)}</p>',
        f'<p class="cover-strategy">{_e(c.strategy_title)} {_e(c.edition)}'
        + (f" \u00b7 {_e(c.fiscal_span)}" if c.fiscal_span else "") + "</p>",
    ]
    if c.post:
        parts.append(f'<p class="cover-strategy">{_e(c.post)}</p>')
    parts.append(f'<p class="cover-period">Reporting period <span class="pid">{_e(c.period)}</span></p>')
    parts.append(f'<p class="cover-span">{_e(c.period_span)}</p>')
    parts.append(f'<p class="{banner_class}">{_e(c.banner)}</p>')
    if c.sample:
        parts.append(f'<p class="cover-sample">{_e(SAMPLE_LABEL)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _toc(outline: ReportOutline) -> str:
    items = "".join(f'<li><a href="#{_e(h.anchor)}">{_e(h.text)}</a></li>' for h in outline.toc())
    return (f'<nav class="toc" aria-label="Contents"><h2 class="toc-title">Contents</h2><ul>{items}</ul></nav>'
            if items else "")


def _table(block: Table) -> str:
    head = "".join(f'<th scope="col">{_e(col)}</th>' for col in block.columns)
    body = []
    for index, row in enumerate(block.rows):
        cells = []
        for col, text in enumerate(row):
            if col == 0:
                cells.append(f'<th scope="row">{_e(text)}</th>')
            elif col == block.status_column and text in _LABEL_TO_STATUS:
                cells.append(f'<td class="cell-status st-{_LABEL_TO_STATUS[text]}">{_e(text)}</td>')
            else:
                cells.append(f"<td>{_e(text)}</td>")
        css = ' class="current"' if index in block.highlight else ""
        body.append(f"<tr{css}>{''.join(cells)}</tr>")
    caption = f"<caption>{_e(block.caption)}</caption>" if block.caption else ""
    cols = ""
    if block.widths and len(block.widths) == len(block.columns):
        total = sum(block.widths)
        cols = "<colgroup>" + "".join(f'<col style="width: {100 * w / total:.1f}%">' for w in block.widths) + "</colgroup>"
    return f'<table class="data">{caption}{cols}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _svg_inline(data: bytes) -> str:
    # Drop the XML declaration and DOCTYPE; matplotlib's SVG is otherwise well-formed markup of
    # our own making (text from people in it is escaped by matplotlib's XML writer).
    svg = _SVG_HEAD.sub(b"", data, count=1).decode("utf-8")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _chart(block: Chart, charts: str) -> str:
    caption = f"<figcaption>{_e(block.caption)}</figcaption>" if block.caption else ""
    if charts == "svg":
        svg = _svg_inline(block.render("svg"))
        # The SVG's <title> would be the figure name; give it the full alt text instead.
        svg = svg.replace('role="img"', f'role="img" aria-label="{_e(block.alt)}"', 1)
        return f'<figure id="fig-{_e(block.name)}">{svg}{caption}</figure>'
    png = block.render("png")
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure id="fig-{_e(block.name)}"><img src="data:image/png;base64,{data}" alt="{_e(block.alt)}" '
            f'style="width: {block.display_width(png):.2f}in">{caption}</figure>')


def _block(block, charts: str) -> str:
    if isinstance(block, Heading):
        level = block.level + 1
        css = "section" if block.level == 1 else f"level{block.level}"
        return f'<h{level} id="{_e(block.anchor)}" class="{css}">{_e(block.text)}{_status(block.status)}</h{level}>'
    if isinstance(block, Paragraph):
        classes = [c for c, on in (("note", block.note), (SBU_CSS_CLASS, block.sbu), ("sample", SAMPLE_LABEL in block.text)) if on]
        css = f' class="{" ".join(classes)}"' if classes else ""
        label = f'<strong class="label">{_e(block.label)}</strong> ' if block.label else ""
        mark = "(SBU) " if block.sbu else ""
        return f"<p{css}>{label}{mark}{_e(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        return _chart(block, charts)
    raise TypeError(f"unknown block {block!r}")


def _body(outline: ReportOutline, charts: str):
    """The blocks as HTML; each indicator (its heading up to the next heading) in one section, so
    that its heading, chart and table are not parted by a page break."""
    open_section = False
    for block in outline.blocks:
        if isinstance(block, Heading) and open_section:
            yield "</section>"
            open_section = False
        if isinstance(block, Heading) and block.level == 4:
            yield f'<section class="indicator-block" aria-labelledby="{_e(block.anchor)}">'
            open_section = True
        yield _block(block, charts)
    if open_section:
        yield "</section>"


def report_html(outline: ReportOutline, *, charts: str = "svg") -> str:
    """The report as a standalone HTML page; ``charts`` is "svg" (inline) or "png" (data URIs)."""
    if charts not in ("svg", "png"):
        raise ValueError(f"charts are svg or png, not {charts!r}")
    c = outline.cover
    title = f"{c.title} {c.period} \u2014 {c.country}"
    body = "\n".join(_body(outline, charts))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        f'<meta name="author" content="{_e(c.post or "U.S. Mission " + c.country)}">\n'
        f'<meta name="description" content="{_e(title)} ({_e(c.banner)})">\n'
        f"<style>\n{_css()}\n</style>\n</head>\n<body>\n"
        f'<div class="screen-banner" aria-hidden="true">{_e(c.banner)}</div>\n'
        f"{_cover(outline)}\n<main>\n{_toc(outline)}\n{body}\n</main>\n"
        f'<div class="screen-banner" aria-hidden="true">{_e(c.banner)}</div>\n'
        "</body>\n</html>\n"
    )
