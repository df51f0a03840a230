"""Document structure: the third stage of the text/Markdown parser.

Groups the units into the document's outline (title page, sections, element blocks), tells the
section-2 framework entries from the body, and builds the canonical elements, attaching each
objective to its goal *by number* — so a misplaced or orphaned objective is noticed, not hidden.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple, TypeAlias

from ..document import Goal, ManagementObjective, Objective, Section, SubObjective
from . import linkages as lk
from .narrative import narrative, narrative_risks, risks_block, sensitivity
from .paragraphs import Unit

_WHITESPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})

# Element kinds, and the name of each kind's parent kind.
GOAL, OBJECTIVE, SUB, MGMT, MGMT_SUB = (
    "goal", "objective", "sub_objective", "management_objective", "management_sub_objective",
)
_TOKEN_KINDS = {"management_sub": MGMT_SUB}

# What `_new` builds (a ManagementObjective is an Objective).
Element: TypeAlias = Goal | Objective | SubObjective


class FrameworkEntry(NamedTuple):
    """One element as listed in section 2 (the Mission Strategic Framework)."""

    kind: str
    number: str
    title: str  # as written, linkage tags included
    line: int


class Orphan(NamedTuple):
    """An element whose parent does not exist (objective 4.1 without goal 4)."""

    kind: str
    number: str
    title: str
    line: int
    parent_kind: str
    parent_number: str


@dataclass
class Block:
    """An element heading and the labelled paragraphs that follow it."""

    kind: str
    number: str
    title: str
    line: int
    section: str
    parts: list[tuple[str | None, Unit]] = field(default_factory=list)  # (label field, paragraph)
    current: str | None = None
    labelled: bool = False

    @property
    def has_content(self) -> bool:
        return self.labelled or bool(self.parts)

    def units(self, *fields: str | None) -> list[Unit]:
        return [unit for name, unit in self.parts if name in fields]


@dataclass
class OtherSection:
    title: str
    line: int
    units: list[Unit] = field(default_factory=list)


@dataclass
class Outline:
    """The document cut into its parts, before any element is built."""

    header: list[str] = field(default_factory=list)
    priorities: list[Unit] = field(default_factory=list)
    others: list[OtherSection] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    has_framework_section: bool = False


def outline(units: list[Unit]) -> Outline:
    """Cut the units into title page, sections and element blocks."""
    result = Outline()
    section = "header"
    block: Block | None = None
    for unit in units:
        if unit.kind == "section":
            assert unit.token is not None and unit.token.section is not None  # set for every section token
            kind = unit.token.section
            if kind == "other" and section == "header":
                result.header.append(unit.text)  # "## Mali" on the title page is not a section
                continue
            section, block = kind, None
            result.has_framework_section |= kind == "framework"
            if kind == "other":
                result.others.append(OtherSection(unit.text, unit.line))
        elif unit.kind == "heading":
            if section in ("header", "priorities", "other"):
                section = "body"  # goals without a section heading of their own
            token = unit.token
            assert token is not None and token.element is not None and token.number is not None  # a heading's
            block = Block(_TOKEN_KINDS.get(token.element, token.element), token.number, unit.text, unit.line, section)
            result.blocks.append(block)
        elif unit.kind == "label":
            if block is not None and unit.token is not None:
                block.current, block.labelled = unit.token.target, True
        elif block is not None:
            block.parts.append((block.current, unit))
        elif section == "priorities":
            result.priorities.append(unit)
        elif section == "other":
            result.others[-1].units.append(unit)
        elif section == "header":
            result.header.append(unit.text)
        # Introductory text of sections 2-4 (before their first heading) is not part of the model.
    return result


def split_framework(doc: Outline) -> tuple[list[Block], list[Block]]:
    """(framework blocks, body blocks).

    Section 2 lists bare headings. It ends early when an entry has labelled content or a number
    repeats: then its heading was missed and the body has begun. Without a section-2 heading, a
    bare first occurrence of a number that repeats later is taken as the framework's.
    """
    framework: list[Block] = []
    body: list[Block] = []
    listing, seen = True, set()
    for block in doc.blocks:
        key = (block.kind, block.number)
        if block.section == "framework" and listing:
            if not block.labelled and key not in seen:
                seen.add(key)
                framework.append(block)
                continue
            listing = False
        body.append(block)
    if doc.has_framework_section:
        return framework, body
    counts = Counter((b.kind, b.number) for b in body)
    remaining, seen = [], set()
    for block in body:
        key = (block.kind, block.number)
        if counts[key] > 1 and key not in seen and not block.has_content:
            framework.append(block)
        else:
            remaining.append(block)
        seen.add(key)
    return framework, remaining


def comparable(title: str) -> str:
    """A title reduced to its wording: no case, quote style, spacing, final stop or linkage tags."""
    text = lk.split_trailing_tags(title)[0].translate(_QUOTES).lower()
    return _WHITESPACE.sub(" ", text).strip().rstrip(". ").strip()


def clean_title(title: str) -> tuple[str, list[str]]:
    """A heading's title trimmed, with trailing linkage tags split off as codes."""
    return lk.split_trailing_tags(_WHITESPACE.sub(" ", title).strip())


def number_key(number: str) -> tuple[int, ...]:
    """Sort key of a dotted number: "1.10" after "1.9"."""
    return tuple(int(part) for part in number.split(".") if part.isdigit())


def parent_of(kind: str, number: str) -> tuple[str, str] | None:
    """(kind, number) of the element an element belongs under, by its number."""
    head = number.rsplit(".", 1)[0]
    if kind == OBJECTIVE:
        return GOAL, head
    if kind == SUB:
        return OBJECTIVE, head
    if kind == MGMT_SUB:
        return MGMT, head
    return None


class _Numbering:
    """Completes numbers written without their parent's ("Mission Objective 2" under goal 1)."""

    def __init__(self) -> None:
        self.last: dict[str, str] = {}
        self.context = GOAL

    def resolve(self, block: Block) -> tuple[str, str]:
        kind, number = block.kind, block.number.rstrip(".")
        if kind == SUB and self.context == MGMT:
            kind = MGMT_SUB
        if kind == SUB and number.count(".") < 2 and OBJECTIVE in self.last:
            number = f"{self.last[OBJECTIVE]}.{number.rsplit('.', 1)[-1]}"
        elif kind == OBJECTIVE and "." not in number and GOAL in self.last:
            number = f"{self.last[GOAL]}.{number}"
        elif kind == MGMT_SUB and "." not in number and MGMT in self.last:
            number = f"{self.last[MGMT]}.{number}"
        self.last[kind] = number
        if kind in (GOAL, OBJECTIVE):
            self.context = GOAL
        elif kind == MGMT:
            self.context = MGMT
        return kind, number


@dataclass
class Built:
    """The elements of a strategy, with where each was found."""

    goals: list[Goal]
    management_objectives: list[ManagementObjective]
    framework: list[FrameworkEntry]
    orphans: list[Orphan]
    lines: dict[str, int]


class Builder:
    """Builds canonical elements from body and framework blocks."""

    def __init__(self, document_sbu: bool) -> None:
        self.sbu = document_sbu
        self.lines: dict[str, int] = {}
        self.elements: list[tuple[str, str, Element, int]] = []  # (kind, number, element, line)

    def build(self, framework_blocks: list[Block], body_blocks: list[Block]) -> Built:
        entries = self._framework(framework_blocks)
        by_key: dict[tuple[str, str], FrameworkEntry] = {}
        for entry in entries:
            by_key.setdefault((entry.kind, entry.number), entry)
        numbering = _Numbering()
        for block in body_blocks:
            kind, number = numbering.resolve(block)
            element = self._element(kind, number, block)
            self.elements.append((kind, number, element, block.line))
            self.lines.setdefault(f"{kind}:{number}", block.line)
        present = {(kind, number) for kind, number, _, _ in self.elements}
        for kind, number, element, _ in self.elements:
            listed = by_key.get((kind, number))
            if listed is not None:
                _apply_framework(element, listed)
        for key, entry in by_key.items():
            if key not in present:
                title, codes = clean_title(entry.title)
                element = _new(entry.kind, entry.number, title)
                element.linkages = codes
                self.elements.append((entry.kind, entry.number, element, entry.line))
                self.lines.setdefault(f"{entry.kind}:{entry.number}", entry.line)
        goals, mos, orphans = self._attach()
        return Built(goals, mos, entries, orphans, self.lines)

    def _framework(self, blocks: list[Block]) -> list[FrameworkEntry]:
        numbering = _Numbering()
        entries = []
        for block in blocks:
            kind, number = numbering.resolve(block)
            title = _WHITESPACE.sub(" ", block.title).strip()
            entries.append(FrameworkEntry(kind, number, title, block.line))
            self.lines.setdefault(f"framework:{kind}:{number}", block.line)
        return entries

    def _element(self, kind: str, number: str, block: Block) -> Element:
        title, codes = clean_title(block.title)
        element = _new(kind, number, title)
        element.linkages = codes
        link_units = block.units("linkages")
        if link_units:
            element.linkages_text = narrative(link_units)
            element.linkages_text_sensitivity = sensitivity(link_units, self.sbu)
            element.linkages = _merge(element.linkages, lk.codes_in_text(element.linkages_text or ""))
        element.risks = risks_block(block.units("risks"), self.sbu)
        prose = block.units(None, "description", "justification")
        if isinstance(element, Goal):  # kind == GOAL
            element.description = narrative(prose)
            element.description_sensitivity = sensitivity(prose, self.sbu)
        else:
            element.justification = narrative(prose)
            element.justification_sensitivity = sensitivity(prose, self.sbu)
            quoted = narrative_risks(element.justification, element.justification_sensitivity)
            element.risks = quoted + element.risks
        return element

    def _attach(self) -> tuple[list[Goal], list[ManagementObjective], list[Orphan]]:
        ordered = sorted(self.elements, key=lambda item: number_key(item[1]))
        first: dict[tuple[str, str], Element] = {}
        for kind, number, element, _ in ordered:
            first.setdefault((kind, number), element)
        goals = [element for kind, _, element, _ in ordered if kind == GOAL and isinstance(element, Goal)]
        mos = [element for kind, _, element, _ in ordered if kind == MGMT and isinstance(element, ManagementObjective)]
        orphans = []
        for kind in (OBJECTIVE, SUB, MGMT_SUB):  # parents before children
            for k, number, element, line in ordered:
                if k != kind:
                    continue
                parent_key = parent_of(kind, number)
                assert parent_key is not None  # every kind in this loop has a parent kind
                parent_kind, parent_number = parent_key
                parent = first.get((parent_kind, parent_number))
                if parent is None:
                    orphans.append(Orphan(kind, number, element.title, line, parent_kind, parent_number))
                elif kind == OBJECTIVE:
                    assert isinstance(parent, Goal) and isinstance(element, Objective)
                    parent.objectives.append(element)
                else:
                    assert isinstance(parent, Objective) and isinstance(element, SubObjective)
                    parent.sub_objectives.append(element)
        return goals, mos, orphans


def _new(kind: str, number: str, title: str) -> Element:
    if kind == GOAL:
        return Goal(number=number, title=title)
    if kind == MGMT:
        return ManagementObjective(number=number, title=title)
    if kind in (SUB, MGMT_SUB):
        return SubObjective(number=number, title=title)
    return Objective(number=number, title=title)


def _apply_framework(element: Element, entry: FrameworkEntry) -> None:
    """Keep the section-2 wording when it differs, and the linkage tags appended to it."""
    wording, codes = clean_title(entry.title)
    if wording and comparable(wording) != comparable(element.title):
        element.framework_title = wording
    element.linkages = _merge(codes, element.linkages)
    if not element.title:
        element.title = wording


def _merge(first: list[str], second: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def build_sections(doc: Outline, document_sbu: bool) -> list[Section]:
    """The extra sections (Country Context, Transition Planning...) in document order."""
    sections = []
    for other in doc.others:
        sections.append(
            Section(title=other.title, text=narrative(other.units) or "", sensitivity=sensitivity(other.units, document_sbu))
        )
    return sections
