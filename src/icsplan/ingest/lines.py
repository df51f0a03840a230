"""Line classification: the first stage of the text/Markdown parser.

Every source line becomes one :class:`Token` of a small vocabulary (blank, furniture, section
heading, element heading, label, text). Later stages never look at raw markup again, which keeps
the grammar of the two published layouts (2018 and 2022) in one place.

All regexes are anchored, bounded and free of nested quantifiers so that classification stays
linear in the size of the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypedDict

# -- token kinds -----------------------------------------------------------------------------
BLANK = "blank"
FURNITURE = "furniture"  # page furniture: banners, page numbers, TOC lines, repeated dates
RULE = "rule"  # a horizontal rule: acts like a blank line, but is not evidence of a page break
SECTION = "section"
HEADING = "heading"
LABEL = "label"
TEXT = "text"

# -- markup ----------------------------------------------------------------------------------
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
# Bullets as Word, PDF extraction and Markdown write them. "o" is Word's second-level bullet;
# only taken when a capital follows so that no English word is mistaken for one.
_BULLET = re.compile(r"^(?:[•●▪◦‣∙·■□➢►▸\uf0b7\uf0a7]|[-*+–](?=[ \t])|o(?=[ \t]+[A-Z]))[ \t]*")
_EMPHASIS = re.compile(r"\*\*|__")
_PORTION_MARK = re.compile(r"^\((U|SBU|CUI)\)[ \t]*", re.IGNORECASE)
_MD_ESCAPE = re.compile(r"""\\([\\`*_{}\[\]()#+\-.!|>$~^<"'@=:&])""")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
# A soft hyphen is dropped, except at the end of a line: there it marks a word the PDF hyphenated,
# which the paragraph stage joins without a space ("trans\u00ad" / "parency").
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]|\u00ad(?=.)")
# Typographic ligatures that PDF text extraction leaves in ("eﬀective", "ﬁshing").
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
# Pandoc's Markdown: heading attributes "{#anchor .unnumbered}", links "[text](target)", single-star
# emphasis (a star between two spaces is a literal one), and a line that is only an internal link
# (a table of contents entry).
_MD_ATTRIBUTES = re.compile(r"[ \t]*\{[#.][^{}]{0,200}\}$")
_MD_LINK = re.compile(r"\[([^\[\]]{0,300})\]\([^()\s]{0,500}\)")
_MD_STAR = re.compile(r"(?<![\\ ])\*|(?<!\\)\*(?! )")
_MD_TOC_LINK = re.compile(r"^\[[^\[\]]{1,300}\]\(#[^()\s]{0,300}\)(?:[ \t]*\d{1,4})?$")
_RULE_LINE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,})$")

# -- page furniture --------------------------------------------------------------------------
_BANNER_WORDS = r"(?:FOR\s+PUBLIC\s+RELEASE|SENSITIVE\s+BUT\s+UNCLASSIFIED|UNCLASSIFIED|SBU|CUI)"
_BANNER = re.compile(
    rf"^(?:\d{{1,3}}[ \t]+)?(?P<banner>{_BANNER_WORDS}(?:[ \t]*(?://|/|–|-)[ \t]*{_BANNER_WORDS}){{0,2}})"
    rf"(?:[ \t]+\d{{1,3}})?$",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(
    r"^(?:page[ \t]+\d{1,4}(?:[ \t]*(?:of|/)[ \t]*\d{1,4})?"
    r"|\d{1,4}[ \t]*(?:of|/)[ \t]*\d{1,4}"
    r"|[-–—][ \t]*\d{1,4}[ \t]*[-–—]"
    r"|\d{1,3}(?:[ \t]*\|[ \t]*page)?"
    r"|[ivxl]{1,6})$",
    re.IGNORECASE,
)
_BOOKMARK_ERROR = re.compile(r"Error!\s*(?:Bookmark|Reference source)\s+not\s+(?:defined|found)\.?", re.IGNORECASE)
# Text that survives in running text after a page break was flattened into one line.
_INLINE_FURNITURE = re.compile(
    r"\bPage[ \t]+\d{1,4}[ \t]+of[ \t]+\d{1,4}\b|\bFOR PUBLIC RELEASE\b|\bSENSITIVE BUT UNCLASSIFIED\b"
)
_TOC_TITLE = re.compile(r"^(?:table[ \t]+of[ \t]+contents|contents)[ \t]*:?$", re.IGNORECASE)
# A TOC entry: some title, a leader (dots, ellipses, underscores) and a page number at the end.
# Checked from the end of the line with plain string operations: a regex searching for a leader
# anywhere would backtrack quadratically over a long run of dots.
_TRAILING_PAGE = re.compile(r"[ \t]*\d{1,4}$")
_LEADERS = ("...", "…", ". . .", "___")
_TOC_PLAIN_ENTRY = re.compile(r"^\S.{0,120}?[ \t]\d{1,4}$")
# "Approved: August 14, 2018" / "Originally Approved: ... Reviewed and Updated: ...": a keyword then a
# date right away, so that a sentence such as "Approved funding will..." is never taken.
_APPROVAL_KEY = re.compile(
    r"^(?:ICS[ \t]+)?(?:originally[ \t]+approved|approved|reviewed(?:[ \t]+and[ \t]+updated)?|updated|revised"
    r"|date[ \t]+approved|approval[ \t]+date)(?:[ \t]+on)?[ \t]*[:\-–]?[ \t]*"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ \t]+\d|\d)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")

# -- section headings ------------------------------------------------------------------------
_SECTION = re.compile(
    r"^(?:section[ \t]+)?(?:(?P<num>\d{1,2}|[IVX]{1,4})[ \t]*[.:)]?[ \t]+)?(?P<title>[A-Z][^.!?|]{2,90}?)[ \t]*:?$"
)
_KNOWN_SECTIONS = (
    ("priorities", re.compile(r"^(?:chief[ \t]+of[ \t]+mission(?:['’]s)?|com|mission)[ \t]+priorities$", re.I)),
    ("framework", re.compile(r"^(?:mission[ \t]+)?strategic[ \t]+framework$", re.I)),
    # "Mission Goals and Objectives", "Mission Goals, Objectives and Sub-Objectives"; 2014-2016
    # editions also wrote "Mission Goals" alone.
    ("body", re.compile(r"^mission[ \t]+goals?(?:(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+)(?:mission[ \t]+)?objectives?\b.*)?$", re.I)),
    ("management", re.compile(r"^(?:mission[ \t]+)?management[ \t]+objectives?$", re.I)),
)
# Titles of the extra sections some editions carry; recognised even as plain lines.
_EXTRA_SECTION = re.compile(
    r"^(?:country[ \t]+context|transition[ \t]+planning|executive[ \t]+summary|annex|appendix|acronyms"
    r"|abbreviations|mission[ \t]+resources|resource[ \t]+considerations|strategic[ \t]+context"
    r"|overview|introduction|cross[- ]cutting[ \t]+\w+)\b.{0,60}$",
    re.IGNORECASE,
)

# -- element headings ------------------------------------------------------------------------
_HEADING = re.compile(
    r"^(?P<kw>(?P<mission>Mission[ \t]+)?(?:(?P<sub>Sub[ \t]*[-–]?[ \t]*Objective)|(?P<goal>Goal)|(?P<obj>Objective))"
    r"|(?P<mgmt>Management[ \t]+(?P<msub>Sub[ \t]*[-–]?[ \t]*)?Objective))"
    r"[ \t]+(?P<num>\d{1,2}(?:\.\d{1,2}){0,2})(?P<dot>\.)?"
    r"(?:[ \t]*(?P<sep>[:|–—]|-(?=[ \t]))[ \t]*(?P<title>.*)|[ \t]+(?P<bare>\S.*))?$",
    re.IGNORECASE,
)

# -- labels ----------------------------------------------------------------------------------
_LABEL = re.compile(
    r"^(?P<name>description[ \t]+and[ \t]+linkages?|(?:goal[ \t]+|objective[ \t]+)?description"
    r"|(?:objective[ \t]+)?justification|linkages?|alignment|risks?(?:[ \t]+and[ \t]+mitigations?)?"
    r"|risks?[ \t]+associated[ \t]+with[ \t]+not[ \t]+achieving[ \t]+th(?:is|e)[ \t]+\w+(?:[ \t]+objective)?)"
    r"[ \t]*(?:(?P<sep>[:|–—]|-(?=[ \t]))[ \t]*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_LABEL_FIELDS = {
    "description": "description",
    "justification": "justification",
    "linkage": "linkages",
    "alignment": "linkages",
    "risk": "risks",
}

# A heading is never the middle of a sentence: reject it after a line that plainly runs on.
_RUNS_ON = re.compile(r"(?:,|-|\b(?:and|or|of|the|to|in|with|for|by|under|see|per|a|an))$", re.IGNORECASE)


@dataclass
class Token:
    """One classified source line."""

    kind: str
    line: int  # 1-based line number in the source
    text: str = ""  # cleaned content (title of a heading, rest of a label, body of a text line)
    raw_len: int = 0
    md_level: int = 0
    bold: bool = False
    bullet: bool = False
    sbu: bool = False
    # heading / section / label details
    element: str | None = None  # goal, objective, sub_objective, management_objective, management_sub
    number: str | None = None
    sep: str | None = None
    target: str | None = None  # label target: description, justification, linkages, risks
    section: str | None = None  # priorities, framework, body, management, other
    meta: dict[str, Any] = field(default_factory=dict)  # furniture details: banner, approval line


@dataclass
class _Clean:
    text: str
    md_level: int
    bold: bool
    bullet: bool
    sbu: bool


def clean_line(raw: str, *, markdown: bool) -> _Clean:
    """Strip Markdown heading marks, bullets, emphasis and portion markings from one line."""
    s = _SPACES.sub(" ", _INVISIBLE.sub("", raw.translate(_LIGATURES))).strip()
    md_level = 0
    match = _MD_HEADING.match(s)
    if match:
        md_level, s = len(match.group(1)), match.group(2).strip()
    if markdown:
        s = _MD_ATTRIBUTES.sub("", s)
    bullet = False
    match = _BULLET.match(s)
    if match and match.end() < len(s):
        bullet, s = True, s[match.end():]
    bold = s.startswith(("**", "__"))
    s = _EMPHASIS.sub("", s).strip()
    if markdown:
        if not _MD_TOC_LINK.match(s):
            s = _MD_LINK.sub(r"\1", s)
        s = _MD_ESCAPE.sub(r"\1", _MD_STAR.sub("", s))
    sbu = False
    match = _PORTION_MARK.match(s)
    if match:
        sbu, s = match.group(1).upper() != "U", s[match.end():]
    return _Clean(s.strip(), md_level, bold, bullet, sbu)


def looks_like_markdown(lines: list[str]) -> bool:
    """True when the text uses Markdown headings or escaped pipes (then Markdown escapes are undone)."""
    return any((line.startswith("#") and _MD_HEADING.match(line)) or "\\|" in line for line in lines[:400])


#: Stands for a form feed: the parser splits lines at form feeds and puts this between the pieces.
PAGE_BREAK = "\f"


def classify(lines: list[tuple[int, str]]) -> list[Token]:
    """Classify every (line number, text) of a document; see the module docstring."""
    markdown = looks_like_markdown([text for _, text in lines])
    tokens: list[Token] = []
    in_toc = False
    previous_text: Token | None = None
    # Text lines since the last element heading; None once a label or section came after it.
    since_heading: int | None = None
    for index, raw in lines:
        if raw == PAGE_BREAK:
            tokens.append(Token(FURNITURE, line=index, meta={"page": True}))
            continue
        stripped = raw.strip()
        if _RULE_LINE.match(stripped):
            # Checked before cleaning: emphasis stripping would turn "***" into "*".
            tokens.append(Token(RULE, line=index))
            continue
        c = clean_line(raw, markdown=markdown)
        listing = since_heading is not None and since_heading <= 2
        token = _classify_one(c, index, len(stripped), in_toc, previous_text, listing)
        in_toc = _toc_state(in_toc, c.text, token)
        tokens.append(token)
        if token.kind == TEXT:
            previous_text = token
            since_heading = None if since_heading is None else since_heading + 1
        elif token.kind not in (BLANK, FURNITURE, RULE):
            previous_text = None
            since_heading = 0 if token.kind == HEADING else None
    return tokens


def _toc_state(in_toc: bool, text: str, token: Token) -> bool:
    """A TOC runs from its title to the first line that is neither blank nor an entry."""
    if token.kind == FURNITURE and token.meta.get("toc_title"):
        return True
    if in_toc:
        return token.kind in (BLANK, FURNITURE, RULE)
    return False


class _TokenBase(TypedDict):
    """The fields every token of one line shares."""

    line: int
    raw_len: int
    md_level: int
    bold: bool
    bullet: bool
    sbu: bool


def _classify_one(c: _Clean, line: int, raw_len: int, in_toc: bool, previous_text: Token | None,
                  listing: bool = False) -> Token:
    s = c.text
    base = _TokenBase(line=line, raw_len=raw_len, md_level=c.md_level, bold=c.bold, bullet=c.bullet, sbu=c.sbu)
    if not s:
        return Token(BLANK, **base)
    furniture = _furniture(s, in_toc)
    if furniture is not None:
        return Token(FURNITURE, text=s, meta=furniture, **base)
    heading = _heading(s, c, previous_text, listing)
    if heading is not None:
        return Token(HEADING, text=heading[2], element=heading[0], number=heading[1], sep=heading[3], **base)
    section = _section(s, c)
    if section is not None:
        return Token(SECTION, text=section[1], section=section[0], number=section[2], **base)
    label = _LABEL.match(s)
    if label and (label.group("sep") or len(s) <= 40):
        field_ = _label_field(label.group("name"))
        return Token(LABEL, text=(label.group("rest") or "").strip(), target=field_, sep=label.group("sep"), **base)
    body = _INLINE_FURNITURE.sub(" ", _BOOKMARK_ERROR.sub(" ", s))
    body = _SPACES.sub(" ", body).strip()
    if not body:
        return Token(FURNITURE, text=s, meta={"inline": True}, **base)
    return Token(TEXT, text=body, **base)


def _furniture(s: str, in_toc: bool) -> dict[str, Any] | None:
    """Details of a furniture line (banner, page number, TOC, approval line), or None."""
    if _TOC_TITLE.match(s):
        return {"toc_title": True}
    if s.startswith("[") and _MD_TOC_LINK.match(s):
        return {"toc": True}
    match = _BANNER.match(s)
    if match:
        return {"banner": _SPACES.sub(" ", match.group("banner").upper())}
    if _PAGE_NUMBER.match(s):
        return {"page": True}
    if _BOOKMARK_ERROR.search(s) and (in_toc or len(_BOOKMARK_ERROR.sub("", s).strip()) < 100):
        return {"toc": True}
    if _has_toc_leader(s):
        return {"toc": True}
    if len(s) <= 160 and _APPROVAL_KEY.match(s) and _YEAR.search(s):
        return {"approval": s}
    if in_toc and _TOC_PLAIN_ENTRY.match(s):
        return {"toc": True}
    return None


def _has_toc_leader(s: str) -> bool:
    page = _TRAILING_PAGE.search(s[-8:])
    if page is None:
        return False
    before = s[: len(s) - len(page.group(0))].rstrip(" \t")
    return before.endswith(_LEADERS)


def _heading(s: str, c: _Clean, previous_text: Token | None, listing: bool = False) -> tuple[str, str, str, str | None] | None:
    """(element kind, number, title, separator) when the line is an element heading.

    *listing* says the line follows a heading closely, with no label between: a list of headings
    such as section 2, where a plain "Objective 1.1: ..." is this strategy's objective.
    """
    match = _HEADING.match(s)
    if not match:
        return None
    formatted = c.md_level > 0 or c.bold
    sep = match.group("sep")
    bare = match.group("bare")
    strong_word = bool(match.group("mission") or match.group("mgmt") or match.group("sub"))
    if bare is not None and match.group("dot") and strong_word and bare[:1].isupper():
        sep = "."  # "Mission Objective 2.1. Border agencies...": the full stop separates
    elif bare is not None and (not formatted or not bare[:1].isupper()):
        return None  # "Mission Goal 1 links with..." / "**Objective 2.4** of the JRS" is prose
    if not formatted and not strong_word and sep != "|" and not (sep == ":" and (match.group("goal") or listing)):
        # "Objective 2.1: ..." of some other framework; only "Objective 2.1 |" is ours, or one in a
        # list of headings. "Goal 1:" alone is how some framework sections list goals.
        return None
    if not formatted and previous_text is not None and _RUNS_ON.search(previous_text.text[-16:]):
        return None
    number = match.group("num")
    parts = number.count(".") + 1
    if match.group("mgmt"):
        kind = "management_sub" if (match.group("msub") or parts == 2) else "management_objective"
        if parts > 2:
            return None
    elif match.group("goal"):
        if parts != 1:
            return None
        kind = "goal"
    elif match.group("sub") or parts == 3:
        kind = "sub_objective"
    else:
        kind = "objective"
    title = match.group("title") if match.group("title") is not None else (bare or "")
    return kind, number, title.strip(), sep


def _section(s: str, c: _Clean) -> tuple[str, str, str | None] | None:
    """(section kind, title, number) when the line is a section heading."""
    match = _SECTION.match(s)
    if not match:
        return None
    title = match.group("title").strip()
    for kind, pattern in _KNOWN_SECTIONS:
        if pattern.match(title):
            return kind, title, match.group("num")
    formatted = c.md_level > 0 or c.bold
    if c.bullet:
        return None
    if (formatted and (match.group("num") or c.md_level in (1, 2))) or _EXTRA_SECTION.match(title):
        if len(title.split()) <= 12:
            return "other", title, match.group("num")
    return None


def _label_field(name: str) -> str:
    lowered = name.lower()
    if lowered.startswith("description"):
        return "description"
    for prefix, target in _LABEL_FIELDS.items():
        if prefix in lowered:
            return target
    return "justification"
