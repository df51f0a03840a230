"""The canonical JSON that icsplan embeds in its own DOCX, so its export imports back losslessly.

Visible text cannot carry everything a strategy holds (indicator definitions, period values,
statuses, markings, post and bureau), so icsplan's DOCX export also stores the strategy's
interchange JSON in a custom XML part (``customXml/itemN.xml``, root ``<strategy>`` in the
:data:`NAMESPACE`), with a signature of the document's visible words. Word and LibreOffice keep
custom XML parts when they save (checked with LibreOffice 7.4 in tests/publishing).

On import the JSON is used only while the visible text is still what icsplan wrote: the
signature is compared with the words of the document as read now. A document someone edited
(a changed title, a new paragraph) is read from its visible text instead, as any other DOCX.
No Django here: this runs in the reader's child process.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from xml.etree import ElementTree

from icsplan.document.model import Strategy

from .files import strategy_from_json
from .uploads import ReaderLimits, current_limits

NAMESPACE = "urn:icsplan:strategy/1"
ROOT = f"{{{NAMESPACE}}}strategy"
_ITEM = re.compile(r"^customXml/item(\d+)\.xml$")
_WORD = re.compile(r"\w+")
_CUSTOM_XML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
_CUSTOM_PROPS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
# A fixed data-store id: Word wants one per custom XML part; the same id every time keeps the
# export deterministic.
_ITEM_ID = "{2F6D1C2E-5A4B-4C3D-9E8F-1A2B3C4D5E6F}"


def visible_signature(text: str) -> str:
    """A digest of the words of a document's visible text (as ``docx_to_text`` gives it): layout,
    spacing, styles and page numbers do not change it, any change of wording does."""
    words = " ".join(_WORD.findall(text.casefold()))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


def embed(docx: bytes, strategy_json: str, signature: str) -> bytes:
    """``docx`` with ``strategy_json`` and ``signature`` in a new custom XML part."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    names = source.namelist()
    numbers = [int(m.group(1)) for m in (_ITEM.match(n) for n in names) if m]
    number = max(numbers, default=0) + 1
    item, props = f"customXml/item{number}.xml", f"customXml/itemProps{number}.xml"
    root = ElementTree.Element(ROOT, {"signature": signature})
    root.text = strategy_json
    ElementTree.register_namespace("", NAMESPACE)
    body = ElementTree.tostring(root, encoding="unicode")
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
        target.writestr(item, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body)
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
