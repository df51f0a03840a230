"""The canonical JSON that icsplan embeds in its own DOCX and PDF, so its export imports back losslessly.

Visible text cannot carry everything a strategy holds (indicator definitions, period values,
statuses, markings, post and bureau), so icsplan's DOCX export also stores the strategy's
interchange JSON in a custom XML part (``customXml/itemN.xml``, root ``<strategy>`` in the
:data:`NAMESPACE`), with a signature of the document's visible words. Word and LibreOffice keep
custom XML parts when they save (checked with LibreOffice 7.4 in tests/publishing).

On import the JSON is used only while the visible text is still what icsplan wrote: the
signature is compared with the words of the document as read now. A document someone edited
(a changed title, a new paragraph) is read from its visible text instead, as any other DOCX.
The PDF export carries the same part as a PDF attachment (:data:`PDF_ATTACHMENT`, in the
document's ``EmbeddedFiles``); its signature is taken from the HTML the PDF is rendered from, so
the export never has to read its own PDF back, and on import it is compared with the words the
PDF reader extracts (the two agree once the contents' leader dots and page numbers, which CSS
adds, are set aside: :func:`visible_signature`).
No Django here: this runs in the reader's child process.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

from icsplan.document.model import Strategy
from icsplan.errors import DocumentError, Location, UploadTooLarge

from .files import strategy_from_json
from .uploads import ReaderLimits, current_limits, human_size

NAMESPACE = "urn:icsplan:strategy/1"
ROOT = f"{{{NAMESPACE}}}strategy"
_ITEM = re.compile(r"^customXml/item(\d+)\.xml$")
_WORD = re.compile(r"\w+")
# "Chief of Mission Priorities ........ 3": a contents line's leader and page number are layout
# (CSS fills them in the PDF, Word's field in the DOCX), not words of the document.
_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d+")
#: File name of the part in icsplan's PDF exports.
PDF_ATTACHMENT = "icsplan-strategy.xml"
_MAX_TREE_NODES = 1_000
_CUSTOM_XML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
_CUSTOM_PROPS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
# A fixed data-store id: Word wants one per custom XML part; the same id every time keeps the
# export deterministic.
_ITEM_ID = "{2F6D1C2E-5A4B-4C3D-9E8F-1A2B3C4D5E6F}"


def visible_signature(text: str) -> str:
    """A digest of the words of a document's visible text (as ``docx_to_text`` gives it): layout,
    spacing, styles and page numbers do not change it, any change of wording does."""
    words = " ".join(_WORD.findall(_LEADER.sub(" ", text).casefold()))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


def part_xml(strategy_json: str, signature: str) -> str:
    """The embedded part: ``<strategy signature="…">JSON</strategy>`` as an XML document."""
    root = ElementTree.Element(ROOT, {"signature": signature})
    root.text = strategy_json
    ElementTree.register_namespace("", NAMESPACE)
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ElementTree.tostring(root, encoding="unicode")


def embed(docx: bytes, strategy_json: str, signature: str) -> bytes:
    """``docx`` with ``strategy_json`` and ``signature`` in a new custom XML part."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    names = source.namelist()
    numbers = [int(m.group(1)) for m in (_ITEM.match(n) for n in names) if m]
    number = max(numbers, default=0) + 1
    item, props = f"customXml/item{number}.xml", f"customXml/itemProps{number}.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/{props}" ContentType="{_PROPS_TYPE}"/>'
                                    "</Types>".encode())
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdIcsplan{number}" '
                                    f'Type="{_CUSTOM_XML_REL}" Target="../{item}"/></Relationships>'.encode())
            target.writestr(info, data)
        target.writestr(item, part_xml(strategy_json, signature))
        target.writestr(f"customXml/_rels/item{number}.xml.rels",
                        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                        f'<Relationship Id="rId1" Type="{_CUSTOM_PROPS_REL}" Target="itemProps{number}.xml"/>'
                        "</Relationships>")
        target.writestr(props, '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                        f'<ds:datastoreItem ds:itemID="{_ITEM_ID}" '
                        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
                        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>')
    return out.getvalue()


def embedded_strategy(docx: bytes, text: str, *, source: str, limits: ReaderLimits | None = None) -> Strategy | None:
    """The strategy embedded by icsplan's export when the visible ``text`` is still the text it
    was exported with; None when there is none, or the document has been edited since.

    ``docx`` has passed the zip container checks (size, entries, ratio) before this is called.
    """
    limits = limits or current_limits()
    archive = zipfile.ZipFile(io.BytesIO(docx))
    for info in archive.infolist():
        if not _ITEM.match(info.filename) or info.file_size > limits.max_text_bytes:
            continue
        data = archive.read(info.filename)
        if NAMESPACE.encode() not in data[:4096]:
            continue
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            continue  # icsplan never writes these: not its part
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError:
            continue
        if root.tag != ROOT:
            continue
        if root.get("signature") != visible_signature(text):
            return None  # edited since the export: the visible text wins
        return strategy_from_json(root.text or "", source, max_depth=limits.json_max_depth)
    return None


def _attachment_error(source: str, why: str) -> DocumentError:
    return DocumentError(f"The strategy data attached to the PDF ({PDF_ATTACHMENT}) cannot be read: {why}. "
                         "Export the PDF from icsplan again, or import the Word or JSON export instead.",
                         code="corrupt", where=Location(file=source, field=PDF_ATTACHMENT))


def _name_tree_files(root: Any, source: str) -> Iterator[tuple[str, Any]]:
    """(file name, file specification) of a PDF name tree, walked with a bound on its nodes so a
    looping or enormous tree cannot keep the reader busy."""
    from pdfminer.pdftypes import resolve1

    pending, seen = [root], 0
    while pending:
        node = resolve1(pending.pop())
        seen += 1
        if seen > _MAX_TREE_NODES:
            raise _attachment_error(source, f"the list of attached files has more than {_MAX_TREE_NODES} entries")
        if not isinstance(node, dict):
            continue
        names = resolve1(node.get("Names"))
        if isinstance(names, list):
            for key, spec in zip(names[::2], names[1::2]):
                yield _pdf_string(resolve1(key)), resolve1(spec)
        kids = resolve1(node.get("Kids"))
        if isinstance(kids, list):
            pending.extend(kids)


def _pdf_string(value: Any) -> str:
    if isinstance(value, bytes):
        from pdfminer.utils import decode_text

        return decode_text(value)
    return value if isinstance(value, str) else ""


def _spec_names(spec: dict[str, Any]) -> set[str]:
    from pdfminer.pdftypes import resolve1

    return {_pdf_string(resolve1(spec.get(key))) for key in ("UF", "F")}


def _attachment_bytes(stream: Any, source: str, limit: int) -> bytes:
    """The content of an embedded-file stream, inflated up to ``limit`` bytes (never more: a
    deflate bomb is refused after ``limit`` bytes, not held in memory)."""
    from pdfminer.psparser import PSLiteral

    raw = stream.get_rawdata()
    if not isinstance(raw, bytes):
        raise _attachment_error(source, "its content is missing")
    if len(raw) > limit:
        raise _too_large(source, limit)
    names: list[str] = []
    for kind, _params in stream.get_filters():
        name = kind.name if isinstance(kind, PSLiteral) else kind
        names.append(name.decode("latin-1") if isinstance(name, bytes) else str(name))
    data: bytes
    if not names:
        data = raw
    elif names in (["FlateDecode"], ["Fl"]):
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(raw, limit + 1)
        except zlib.error:
            raise _attachment_error(source, "its compressed content is damaged") from None
    else:
        raise _attachment_error(source, f"it is encoded with {', '.join(names)}, which icsplan does not write")
    if len(data) > limit:
        raise _too_large(source, limit)
    return data


def _too_large(source: str, limit: int) -> UploadTooLarge:
    return UploadTooLarge(f"The strategy data attached to the PDF ({PDF_ATTACHMENT}) is larger than the limit: "
                          f"at most {human_size(limit)} is accepted.", where=Location(file=source, field=PDF_ATTACHMENT))


def pdf_embedded_strategy(pdf: bytes, text: str, *, source: str, limits: ReaderLimits | None = None) -> Strategy | None:
    """The strategy attached to icsplan's PDF export when the PDF's visible ``text`` (as
    ``pdf_to_text`` reads it) is still the text it was exported with; None when the PDF has no
    such attachment or has been edited since. A damaged or oversized attachment is refused.

    ``pdf`` has passed :func:`icsplan.ingest.pdf.pdf_to_text` (size, encryption, damage) first.
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    limits = limits or current_limits()
    try:
        document = PDFDocument(PDFParser(io.BytesIO(pdf)))
        names = resolve1(document.catalog.get("Names"))
        files = resolve1(names.get("EmbeddedFiles")) if isinstance(names, dict) else None
    except MemoryError:  # the reader's memory limit: the pipeline says so
        raise
    except Exception:  # noqa: BLE001 - pdfminer raises many kinds; the text was read, so no attachment is found
        return None
    if not isinstance(files, dict):
        return None
    try:
        return _attached_strategy(files, text, source=source, limits=limits)
    except (DocumentError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged name tree or stream, in pdfminer's many kinds
        raise _attachment_error(source, f"the PDF's attached files are damaged ({type(exc).__name__})") from None


def _attached_strategy(files: dict[str, Any], text: str, *, source: str, limits: ReaderLimits) -> Strategy | None:
    from pdfminer.pdftypes import PDFStream, resolve1

    for name, spec in _name_tree_files(files, source):
        if not isinstance(spec, dict) or PDF_ATTACHMENT not in ({name} | _spec_names(spec)):
            continue
        embedded = resolve1(spec.get("EF"))
        stream = resolve1(embedded.get("F")) if isinstance(embedded, dict) else None
        if not isinstance(stream, PDFStream):
            raise _attachment_error(source, "it has no content")
        data = _attachment_bytes(stream, source, limits.max_text_bytes)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise _attachment_error(source, "it declares a document type, which icsplan never writes")
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as exc:
            raise _attachment_error(source, f"it is not well-formed XML ({exc})") from None
        if root.tag != ROOT or root.get("signature") is None:
            raise _attachment_error(source, "it is not an icsplan strategy part")
        if root.get("signature") != visible_signature(text):
            return None  # edited since the export: the visible text wins
        return strategy_from_json(root.text or "", source, max_depth=limits.json_max_depth)
    return None
