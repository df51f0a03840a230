"""Linkage codes: finding and normalizing references to other strategic frameworks.

An ICS objective points to items of higher or sister frameworks. Documents write them many ways —
"(CDCS DO 3)", "USAID's Development Objective 2", "JRS Goal 1", "Pillar 1 of the National Security
Strategy", "Sustainable Development Goal 4" — and icsplan keeps one normalized code per item:
"CDCS DO3", "JRS Goal 1", "NSS Pillar 1", "SDG 4".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Frameworks icsplan knows, with the spelled-out names documents use for them.
KNOWN_FRAMEWORKS = {
    "NSS": r"National[ \t]+Security[ \t]+Strateg(?:y|ies)",
    "JRS": r"(?:Bureau['’]?s?[ \t]+)?Joint[ \t]+Regional[ \t]+Strateg(?:y|ies)",
    "JSP": r"(?:(?:Department[ \t]+of[ \t]+)?State[ \t]*(?:[-–/]|and)[ \t]*USAID[ \t]+)?Joint[ \t]+Strategic[ \t]+Plan",
    "CDCS": r"Country[ \t]+Development[ \t]+Cooperation[ \t]+Strateg(?:y|ies)",
    "SDG": r"(?:UN[ \t]+)?Sustainable[ \t]+Development[ \t]+Goals?",
}
_SPELLED = re.compile(
    "|".join(f"(?P<{acronym}>{pattern})(?:[ \t]*\\([A-Z]{{2,5}}\\))?" for acronym, pattern in KNOWN_FRAMEWORKS.items()),
    re.IGNORECASE,
)
# Kinds of item, with the short form a code uses ("DO2") or the word it keeps ("Goal 1").
_KINDS = {
    "development objective": "DO",
    "transition objective": "TO",
    "intermediate result": "IR",
    "special objective": "SpO",
    "do": "DO",
    "to": "TO",
    "ir": "IR",
    "spo": "SpO",
    "so": "SO",
    "goal": "Goal",
    "objective": "Objective",
    "obj": "Objective",
    "pillar": "Pillar",
    "priority": "Priority",
    "target": "Target",
}
_SHORT_KINDS = {"DO", "TO", "IR", "SpO", "SO"}
_KIND = (
    r"Development[ \t]+Objective|Transition[ \t]+Objective|Intermediate[ \t]+Result|Special[ \t]+Objective"
    r"|DO|TO|IR|SpO|SO|Goal|goal|Objective|objective|Obj\.?|Pillar|pillar|Priority|Target"
)
# "(?!\d)": "NSS 2017" is a year, not item 20 of the NSS.
_NUMBER = r"(?:\d{1,2}(?:\.\d{1,2}){0,2}(?!\d)[a-z]?\b|[IVX]{1,4}\b)"
# One code in running text: a known framework (or USAID, standing for its CDCS) and an item.
# "SDGs 8 and 16", "CDCS DO 1, 2": further numbers of the same kind.
# "JRS Goal 2, Objective 2.1": a further item of another kind in the same framework.
_MORE = rf"(?P<more>(?:[ \t]*(?:,|&|and|,[ \t]*and)[ \t]*(?:(?:{_KIND})s?[ \t]*)?(?:{_NUMBER}))*)"
_CODE_IN_TEXT = re.compile(
    rf"\b(?P<fw>NSS|JRS|JSP|CDCS|SDGs?|USAID)(?:['’]s)?[ \t]+(?:(?P<kind>{_KIND})s?[ \t]*)?(?P<num>{_NUMBER}){_MORE}",
)
_MORE_ITEM = re.compile(rf"(?:(?P<kind>{_KIND})s?[ \t]*)?(?P<num>{_NUMBER})")
# The reversed form: "Pillar 1 of the NSS", "Goal 2 of the Bureau's JRS".
_CODE_REVERSED = re.compile(
    rf"\b(?P<kind>Goal|Objective|Pillar|Priority)[ \t]+(?P<num>{_NUMBER})[ \t]+(?:of|in|under)[ \t]+"
    r"(?:the[ \t]+)?(?:[A-Z]{2,4}(?:/[A-Z]{2,4})?[ \t]+)?(?P<fw>NSS|JRS|JSP|CDCS)\b",
)
# A whole tag, possibly of an unknown framework ("XYZ DO2"), as appended to a framework title.
_TAG_CODE = re.compile(rf"^(?P<fw>[A-Z][A-Za-z]{{1,7}})(?:['’]s)?[ \t]+(?:(?P<kind>{_KIND})s?[ \t]*)?(?P<num>{_NUMBER})$")
# An item without its framework: "(CDCS DO2, DO3)" continues the framework before it; a USAID kind
# first in the tag ("(DO2)", "(IR 2.1)") names the mission's CDCS, the only framework using them.
_TAG_ITEM = re.compile(rf"^(?P<kind>{_KIND})s?[ \t]*(?P<num>{_NUMBER})$")
_CDCS_KINDS = {"DO", "TO", "IR", "SpO"}
_TRAILING_TAG = re.compile(r"[ \t]*\((?P<body>[^()]{2,80})\)[ \t]*\.?[ \t]*$")
_TAG_SPLIT = re.compile(r"[ \t]*(?:[,;/]|\band\b)[ \t]*")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


def expand_names(text: str) -> str:
    """Replace spelled-out framework names ("National Security Strategy (NSS)") by their acronyms."""
    return _SPELLED.sub(lambda m: m.lastgroup or m.group(0), text)


def _normalize(fw: str, kind: str | None, num: str) -> str | None:
    fw = "SDG" if fw.upper() == "SDGS" else fw
    fw = fw.upper() if fw.upper() in KNOWN_FRAMEWORKS or fw.isupper() else fw
    number = str(_ROMAN[num]) if num in _ROMAN else num
    short = _KINDS.get(re.sub(r"[ \t]+", " ", kind.lower().rstrip("."))) if kind else None
    if fw == "USAID":
        if short not in _SHORT_KINDS:
            return None  # "USAID Objective 2.1" is not a CDCS item we can name
        fw = "CDCS"
    if short is None:
        return f"{fw} {number}"
    if short in _SHORT_KINDS:
        return f"{fw} {short}{number}"
    return f"{fw} {short} {number}"


def codes_in_text(text: str) -> list[str]:
    """Every linkage code named in free text, normalized, in order, without repeats."""
    expanded = expand_names(text)
    found: list[tuple[int, str]] = []
    for match in _CODE_IN_TEXT.finditer(expanded):
        kind = match.group("kind")
        items = [(kind, match.group("num"))]
        for more in _MORE_ITEM.finditer(match.group("more") or ""):
            kind = more.group("kind") or kind  # a number alone keeps the kind before it
            items.append((kind, more.group("num")))
        for offset, (kind, number) in enumerate(items):
            code = _normalize(match.group("fw"), kind, number)
            if code:
                found.append((match.start() + offset, code))
    for match in _CODE_REVERSED.finditer(expanded):
        code = _normalize(match.group("fw"), match.group("kind"), match.group("num"))
        if code:
            found.append((match.start(), code))
    return _unique(code for _, code in sorted(found))


def split_trailing_tags(title: str) -> tuple[str, list[str]]:
    """Strip linkage tags appended to a title: "... increased (CDCS DO2)" -> ("... increased", ["CDCS DO2"]).

    A parenthesis counts as a tag only when every comma/semicolon-separated part of it is a code;
    "(ICASS)" or "(COVID 19)" stay part of the title. Unknown frameworks are accepted when an item
    kind is named ("XYZ DO2"), so the linter can report them.
    """
    groups: list[list[str]] = []  # last tag first
    end = len(title)
    while True:
        # Only the end of the title can hold a tag: searching (or slicing) it all for every tag
        # would be quadratic.
        match = _TRAILING_TAG.search(title, max(0, end - 100), end)
        if not match:
            break
        parsed = _parse_tag(match.group("body"))
        if parsed is None:
            break
        groups.append(parsed)
        end = match.start()
        while end and title[end - 1] in " \t":
            end -= 1
    return title[:end], [code for group in reversed(groups) for code in group]


def _parse_tag(body: str) -> list[str] | None:
    codes = []
    fw = None
    for part in _TAG_SPLIT.split(expand_names(body.strip())):
        if not part:
            continue
        match = _TAG_ITEM.match(part) or _TAG_CODE.match(part)
        if not match:
            return None
        kind = match.group("kind")
        if "fw" in match.groupdict():
            fw = match.group("fw")
        elif fw is None:
            if _KINDS.get(re.sub(r"\s+", " ", kind.lower().rstrip("."))) not in _CDCS_KINDS:
                return None  # "(Goal 2)": of which framework?
            fw = "CDCS"
        if fw.upper() not in KNOWN_FRAMEWORKS and fw.upper() != "USAID" and (kind is None or not fw.isupper()):
            return None
        code = _normalize(fw, kind, match.group("num"))
        if code is None:
            return None
        codes.append(code)
    return codes or None


def framework_of(code: str) -> str:
    """The framework part of a normalized code ("CDCS DO2" -> "CDCS")."""
    return code.split(" ", 1)[0]


def is_known(code: str) -> bool:
    """True when *code* names one of :data:`KNOWN_FRAMEWORKS`."""
    return framework_of(code).upper() in KNOWN_FRAMEWORKS


def _unique(codes: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for code in codes:
        seen.setdefault(code, None)
    return list(seen)
