"""PDF documents in: the text of a PDF in reading order, without its page furniture.

pdfplumber gives words with their font and position. Words are grouped into lines, lines into
paragraphs (by vertical gaps), large type becomes Markdown headings and bold type ``**...**``.
Running headers, footers and page numbers are found as lines that repeat at the top or bottom
of most pages once digits are normalized ("Page 3 of 12" == "Page 7 of 12"), whatever they say.

Refused with a DocumentError: non-PDF, damaged, encrypted, image-only (scanned), over the size or
page limit (:class:`~icsplan.ingest.uploads.ReaderLimits`), or taking longer than ``TIME_LIMIT``
seconds between pages. The hard wall-clock and memory limits are the pipeline's child process
(:func:`icsplan.ingest.pipeline.run_isolated`): a single page can inflate a deflate bomb.
"""

from __future__ import annotations

import io
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from icsplan.errors import DocumentError, Location

from .uploads import DEFAULT_LIMITS, refuse_size

if TYPE_CHECKING:
    from pdfplumber.page import Page

MAX_BYTES = DEFAULT_LIMITS.max_bytes
MAX_PAGES = DEFAULT_LIMITS.pdf_max_pages
TIME_LIMIT = 120.0  # seconds for the whole extraction
EDGE_LINES = 3  # lines at the top and bottom of a page that may be running furniture
EDGE_BAND = 0.12  # ...and within this share of the page height from the top or bottom edge
REPEAT_SHARE = 0.6  # furniture repeats on at least this share of the pages
_DIGITS = re.compile(r"\d+")
_HEADING_RATIO = 1.15  # type this much larger than the body text is a heading


@dataclass
class _Line:
    words: list[dict[str, Any]]
    top: float
    bottom: float
    size: float = 0.0
    bold: bool = False
    text: str = ""
    marked: str = ""  # text with bold stretches wrapped in **

    def finish(self) -> "_Line":
        self.words.sort(key=lambda word: word["x0"])
        self.text = " ".join(word["text"] for word in self.words)
        self.size = max(word["size"] for word in self.words)
        flags = [_is_bold(word) for word in self.words]
        self.bold = all(flags)
        parts: list[list[tuple[bool, str]]] = []
        run: list[tuple[bool, str]] = []
        for word, bold in zip(self.words, flags):
            if run and run[-1][0] != bold:
                parts.append(run)
                run = []
            run.append((bold, word["text"]))
        if run:
            parts.append(run)
        self.marked = " ".join(
            ("**" + " ".join(t for _, t in part) + "**") if part[0][0] else " ".join(t for _, t in part)
            for part in parts
        )
        return self


@dataclass
class _Page:
    lines: list[_Line] = field(default_factory=list)
    height: float = 0.0
    right: float = 0.0  # right edge of the text block

    def __post_init__(self) -> None:
        self.right = max((line.words[-1]["x1"] for line in self.lines), default=0.0)


def _fail(message: str, source: str, code: str = "not-a-pdf") -> DocumentError:
    return DocumentError(message, code=code, where=Location(file=source))


def _is_bold(word: dict[str, Any]) -> bool:
    name = (word.get("fontname") or "").lower()
    return "bold" in name or "black" in name or "heavy" in name or name.endswith(",b")


def _lines(page: Page) -> list[_Line]:
    words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False)
    return _group_lines(words)


def _group_lines(words: list[dict[str, Any]]) -> list[_Line]:
    lines: list[_Line] = []
    # Words of one line share a baseline; labels in a smaller font sit a little lower or higher.
    for word in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        if lines and abs(lines[-1].bottom - word["bottom"]) <= max(2.0, word["size"] * 0.25):
            lines[-1].words.append(word)
            lines[-1].top = min(lines[-1].top, word["top"])
        else:
            lines.append(_Line([word], word["top"], word["bottom"]))
    return [line.finish() for line in lines]


def _furniture(pages: list[_Page]) -> set[str]:
    """Normalized lines that repeat at the top or bottom of most pages."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_DIGITS.sub("#", line.text) for line in _edges(page)})
    needed = max(2, int(len(pages) * REPEAT_SHARE + 0.5))
    return {text for text, count in counts.items() if count >= needed}


def _edges(page: _Page) -> list[_Line]:
    """The lines that may be running furniture: among the first or last few, and in the margin bands."""
    count = len(page.lines)
    return [
        line
        for index, line in enumerate(page.lines)
        if (index < EDGE_LINES or index >= count - EDGE_LINES)
        and (line.top < page.height * EDGE_BAND or line.bottom > page.height * (1 - EDGE_BAND))
    ]


def _drop_furniture(page: _Page, furniture: set[str]) -> None:
    # Only at the edges: a cover repeats the banner mid-page, and that one is content.
    drop = {id(line) for line in _edges(page) if _DIGITS.sub("#", line.text) in furniture}
    page.lines = [line for line in page.lines if id(line) not in drop]


def _join(previous: str, line: str) -> str:
    # A line broken after a hyphen ("counter-" / "terrorism") is one word again.
    if re.search(r"[A-Za-z]-$", previous):
        return previous + line
    return f"{previous} {line}"


def _render(pages: list[_Page], furniture: set[str]) -> str:
    for page in pages:
        _drop_furniture(page, furniture)
    body = [line for page in pages for line in page.lines]
    if not body:
        return ""
    sizes: Counter[float] = Counter()
    for line in body:
        sizes[round(line.size, 1)] += len(line.text)
    body_size = sizes.most_common(1)[0][0]
    heading_sizes = sorted({round(line.size, 1) for line in body if line.size > body_size * _HEADING_RATIO}, reverse=True)
    levels = {size: min(6, rank + 1) for rank, size in enumerate(heading_sizes)}

    blocks: list[list[Any]] = []  # [kind, text, page_index]
    previous: _Line | None = None
    for page_index, page in enumerate(pages):
        for line in page.lines:
            size = round(line.size, 1)
            kind = f"h{levels[size]}" if size in levels else ("bold" if line.bold else "text")
            new_block = True
            if blocks and previous is not None and blocks[-1][2] == page_index and blocks[-1][0] == kind:
                gap = line.top - previous.bottom
                # Lines of one paragraph are closer than half a line; paragraphs have margins.
                new_block = gap > line.size * 0.55 or kind == "text" and line.marked.startswith("**")
            elif blocks and blocks[-1][0] == kind == "text" and blocks[-1][2] == page_index - 1 and previous:
                # A paragraph cut by a page break goes on when the last line of the previous page
                # runs to the right margin (a paragraph's own last line is usually short).
                full = previous.words[-1]["x1"] >= pages[page_index - 1].right - previous.size * 1.5
                new_block = not full and blocks[-1][1].rstrip().endswith((".", ":", "?", "!", "**"))
            if new_block:
                blocks.append([kind, line.text if kind != "text" else line.marked, page_index])
            else:
                blocks[-1][1] = _join(blocks[-1][1], line.text if kind != "text" else line.marked)
            previous = line
    out = []
    for kind, text, *_ in blocks:
        if kind.startswith("h"):
            out.append("#" * int(kind[1:]) + " " + text)
        elif kind == "bold":
            out.append(f"**{text}**")
        else:
            out.append(text.replace("** **", " "))
    return "\n\n".join(out) + "\n"


def _reraise_memory(causes: list[Any]) -> None:
    """pdfplumber wraps a MemoryError (a deflate bomb against the reader's memory limit) in its own
    exception; the pipeline reports it as the limit it is, not as a damaged file."""
    if any(isinstance(cause, MemoryError) for cause in causes):
        raise MemoryError


_WORD = re.compile(r"\S+")
_X_TOLERANCE = 3.0  # pdfplumber's default: letters closer than this are one word


def _pdfium_words(textpage: Any, height: float) -> list[dict[str, Any]] | None:
    """The words of one page as pdfplumber gives them (text, x0, x1, top, bottom, fontname, size),
    read through pdfium: the page's text in one call, then a few calls per *word* for its place
    and font (not per character, which is where pdfplumber spends its time).

    Top and bottom follow pdfminer's geometry (bottom at the baseline less the font's descent, the
    box one font size high), so the line and paragraph rules below read both alike. ``None`` when
    pdfium's text does not map one character to one index (characters outside the BMP), which
    the caller reads with pdfplumber instead.
    """
    import ctypes

    import pypdfium2.raw as raw

    count = raw.FPDFText_CountChars(textpage.raw)
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    if len(text) != count:
        return None
    box, edge, matrix = raw.FS_RECTF(), raw.FS_RECTF(), raw.FS_MATRIX()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    handle = textpage.raw

    # Loose boxes span each letter's advance, as pdfminer's do, so gaps compare alike.
    def right_of(index: int) -> float:
        raw.FPDFText_GetLooseCharBox(handle, index, edge)
        return float(edge.right)

    def left_of(index: int) -> float:
        raw.FPDFText_GetLooseCharBox(handle, index, edge)
        return float(edge.left)

    spans: list[list[int]] = []
    joined: set[int] = set()  # pdfium's own spaces inside a word, left out of its text
    for match in _WORD.finditer(text):
        start, end = match.span()
        # pdfium puts a space of its own where letters stand apart (letter-spaced capitals, dot
        # leaders); pdfplumber splits a word only where the gap exceeds its x tolerance.
        if (spans and spans[-1][1] == start - 1 and text[start - 1] == " "
                and raw.FPDFText_IsGenerated(handle, start - 1) == 1
                and left_of(start) - right_of(start - 2) <= _X_TOLERANCE):
            spans[-1][1] = end
            joined.add(start - 1)
        else:
            spans.append([start, end])
    words = []
    size, font = 0.0, ""
    run = None  # the pdfium text object of the previous word: one font, size and scale each
    for first, end in spans:
        text_object = raw.FPDFText_GetTextObject(handle, first)
        object_id = ctypes.cast(text_object, ctypes.c_void_p).value if text_object else None
        if object_id is None or object_id != run:
            run = object_id
            raw.FPDFText_GetMatrix(handle, first, matrix)
            # The font size as drawn: pdfium's size is in text space, before the page's own scaling.
            size = raw.FPDFText_GetFontSize(handle, first) * math.hypot(matrix.c, matrix.d)
            length = raw.FPDFText_GetFontInfo(handle, first, name, len(name), flags)
            font = name.value.decode("utf-8", "replace") if 0 < length <= len(name) else ""
        raw.FPDFText_GetLooseCharBox(handle, first, box)
        word_bottom = height - box.bottom
        words.append({
            "text": _word_text(text, first, end, joined), "x0": box.left, "x1": right_of(end - 1),
            "top": word_bottom - size, "bottom": word_bottom, "size": size, "fontname": font,
        })
    return words


def _word_text(text: str, first: int, end: int, joined: set[int]) -> str:
    word = text[first:end]
    if joined:
        word = "".join(ch for index, ch in enumerate(word, first) if index not in joined)
    # pdfium marks a hyphen that ends a line with U+FFFE; the text has a hyphen there.
    return word.replace("\ufffe", "-")


def _pdfium_pages(data: bytes, source: str, max_pages: int, started: float) -> list[_Page] | None:
    """The pages read through pdfium, or ``None`` for pdfplumber to read (and, for a damaged or
    encrypted file, to name what is wrong exactly as before)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        if raw.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
            return None  # encrypted: refused below with pdfplumber's reason
        count = len(pdf)
        if count > max_pages:
            raise _fail(f"The PDF has {count} pages, more than the limit: at most {max_pages} are accepted.",
                        source, "too-many-pages")
        pages = []
        for index in range(count):
            if time.monotonic() - started > TIME_LIMIT:
                raise _fail(f"Reading the PDF took longer than {TIME_LIMIT:.0f} seconds and was stopped.", source, "too-slow")
            page = pdf[index]
            try:
                height = float(page.get_height())
                textpage = page.get_textpage()
                try:
                    words = _pdfium_words(textpage, height)
                finally:
                    textpage.close()
            finally:
                page.close()
            if words is None:
                return None
            pages.append(_Page(_group_lines(words), height=height))
            if index + 1 == EARLY_PAGES and count > EARLY_PAGES:
                _refuse_unless_ics(pages, source)
        return pages
    except pdfium.PdfiumError:
        return None
    finally:
        pdf.close()


#: a long PDF is judged on its first pages: no ICS goes this far without naming itself
EARLY_PAGES = 8
_ICS_MARKS = re.compile(r"integrated\s+country\s+strategy|mission\s+goal|\bics\b", re.IGNORECASE)


def _refuse_unless_ics(pages: list[_Page], source: str) -> None:
    """Refuse at once a long PDF whose first pages never say "Integrated Country Strategy",
    "Mission Goal" or "ICS" (its cover, table of contents and first goals would): reading the
    rest of a 100-page report only to find no Mission Goal wastes the reader's time."""
    text = " ".join(line.text for page in pages for line in page.lines)
    if not _ICS_MARKS.search(text):
        raise DocumentError(f"The first {len(pages)} pages never mention an Integrated Country Strategy or a "
                            "Mission Goal; is this an Integrated Country Strategy?",
                            code="not-an-ics", where=Location(file=source))


def pdf_to_text(data: bytes, *, source: str, max_pages: int | None = None, pdfium: bool = True) -> str:
    """The text of a PDF in the shape ``icsplan.ingest.parse_text`` reads.

    pdfium (pypdfium2) reads the text and the place and font of each word; pdfplumber reads what
    pdfium does not (a file it cannot open, an encrypted one, characters outside the BMP) and
    names the problem of a damaged file. ``pdfium=False`` reads with pdfplumber alone.
    """
    max_pages = MAX_PAGES if max_pages is None else max_pages
    if len(data) > MAX_BYTES:
        raise refuse_size(source, len(data), MAX_BYTES)
    if b"%PDF-" not in data[:1024]:
        raise _fail("The file is not a PDF document.", source)
    started = time.monotonic()
    fast = _pdfium_pages(data, source, max_pages, started) if pdfium else None
    if fast is not None and any(page.lines for page in fast):
        return _render(fast, _furniture(fast))
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    started = time.monotonic()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except MemoryError:  # the reader's memory limit: the pipeline says so, not "damaged"
        raise
    except Exception as exc:  # pdfminer raises many kinds for a damaged file; pdfplumber wraps them
        causes = [exc, exc.__cause__, exc.__context__, *(exc.args[:1] if exc.args else [])]
        _reraise_memory(causes)
        if any(isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) for cause in causes):
            raise _fail("The PDF is encrypted; export an unprotected copy and import that.", source, "encrypted") from None
        raise _fail(f"The PDF is damaged and cannot be read ({type(exc).__name__}).", source, "corrupt") from None
    with pdf:
        if getattr(pdf.doc, "encryption", None):
            raise _fail("The PDF is encrypted; export an unprotected copy and import that.", source, "encrypted")
        try:
            count = len(pdf.pages)
        except MemoryError:  # the reader's memory limit: the pipeline says so, not "damaged"
            raise
        except Exception as exc:
            _reraise_memory([exc, exc.__cause__, exc.__context__, *(exc.args[:1] if exc.args else [])])
            raise _fail(f"The PDF is damaged and cannot be read ({type(exc).__name__}).", source, "corrupt") from None
        if count > max_pages:
            raise _fail(f"The PDF has {count} pages, more than the limit: at most {max_pages} are accepted.",
                        source, "too-many-pages")
        pages = []
        for page in pdf.pages:
            if time.monotonic() - started > TIME_LIMIT:
                raise _fail(f"Reading the PDF took longer than {TIME_LIMIT:.0f} seconds and was stopped.", source, "too-slow")
            try:
                pages.append(_Page(_lines(page), height=float(page.height)))
            except MemoryError:  # the reader's memory limit: the pipeline says so, not "damaged"
                raise
            except Exception as exc:
                _reraise_memory([exc, exc.__cause__, exc.__context__, *(exc.args[:1] if exc.args else [])])
                raise _fail(f"The PDF is damaged and cannot be read ({type(exc).__name__}).", source, "corrupt") from None
            page.close()  # frees the page's cached layout objects
    if not any(page.lines for page in pages):
        raise _fail(
            "The PDF has no text layer (it looks scanned); run it through OCR or import the Word file instead.",
            source,
            "no-text",
        )
    return _render(pages, _furniture(pages))
