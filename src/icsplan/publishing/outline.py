"""The reading order of a rendered strategy, independent of any file format.

Markdown, HTML (and so PDF) and DOCX all walk the same flat list of blocks built here, so the
four documents cannot drift apart in structure or wording: a renderer only decides how a
``Heading`` or a ``Paragraph`` looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from icsplan.document.model import Indicator, PeriodValue, Strategy

from . import content
from .content import clean_text, is_sbu, paragraphs
from .periods import period_sort_key

PRIORITIES = "1. Chief of Mission Priorities"
FRAMEWORK = "2. Mission Strategic Framework"
GOALS = "3. Mission Goals and Objectives"
MANAGEMENT = "4. Management Objectives"


@dataclass(frozen=True)
class Cover:
    """What the cover page shows."""

    title: str
    country: str
    post: str | None
    banner: str
    approved: str | None
    reviewed: tuple[str, ...]
    fiscal_span: str | None
    bureau: str | None = None  # the line printed under the post ("Regional bureau: AF")


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 = numbered section, 2 = goal, 3 = objective, 4 = sub-objective."""

    level: int
    text: str
    anchor: str
    toc: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A narrative paragraph, optionally led by a bold label such as "Justification:"."""

    text: str
    label: str | None = None
    sbu: bool = False


@dataclass(frozen=True)
class FrameworkLine:
    """One line of section 2 ("Mission Objective 1.1: ..."), indented by ``depth``."""

    text: str
    depth: int


@dataclass(frozen=True)
class Items:
    """A labelled list (risks); each item is (text, sbu)."""

    label: str
    items: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class IndicatorTable:
    """One indicator: heading, details and rows of (period, target, result)."""

    heading: str
    details: tuple[str, ...]
    rows: tuple[tuple[str, str, str], ...]
    sbu: bool = False


Block = Heading | Paragraph | FrameworkLine | Items | IndicatorTable


@dataclass
class Outline:
    """The cover and the blocks of a strategy, in reading order."""

    cover: Cover
    blocks: list[Block] = field(default_factory=list)

    def toc(self) -> list[Heading]:
        return [block for block in self.blocks if isinstance(block, Heading) and block.toc]


def _narrative(label: str | None, text: str | None, sbu_flag) -> list[Paragraph]:
    sbu = is_sbu(sbu_flag)
    return [
        Paragraph(text, label=label if index == 0 else None, sbu=sbu)
        for index, text in enumerate(paragraphs(text))
    ]


def _value_cell(value: PeriodValue | None) -> str:
    if value is None:
        return ""
    text = clean_text(value.value).strip()
    if not text and value.numerator is not None and value.denominator:
        text = f"{value.numerator:g}/{value.denominator:g}"
    return f"(SBU) {text}" if is_sbu(value.sensitivity) else text


def _indicator_table(indicator: Indicator) -> IndicatorTable:
    details = []
    for label, text in (
        ("Definition", indicator.definition),
        ("Data source", indicator.data_source),
        ("Responsible", indicator.responsible),
        ("Standard indicator", indicator.standard_code),
    ):
        if text:
            details.append(f"{label}: {clean_text(text).strip()}")
    details.append(
        f"Frequency: {indicator.frequency}; "
        f"{'higher' if indicator.direction == 'increase' else 'lower'} is better"
    )
    if indicator.baseline and (indicator.baseline.value or indicator.baseline.date):
        when = content.format_date(indicator.baseline.date)
        baseline = clean_text(indicator.baseline.value).strip() or "not recorded"
        details.append(f"Baseline: {baseline}" + (f" ({when})" if when else ""))
    rows = []
    keys: dict[tuple, dict[str, PeriodValue]] = {}
    for kind, values in (("target", indicator.targets), ("result", indicator.results)):
        for value in values:
            key = (value.period, value.category or "", value.category_value or "")
            keys.setdefault(key, {})[kind] = value
    for period, category, category_value in sorted(keys, key=lambda k: (period_sort_key(k[0]), k[1], k[2])):
        pair = keys[(period, category, category_value)]
        label = clean_text(period)
        if category:
            label += f" \u2014 {clean_text(category)}: {clean_text(category_value)}"
        rows.append((label, _value_cell(pair.get("target")), _value_cell(pair.get("result"))))
    return IndicatorTable(
        heading=content.indicator_heading(indicator),
        details=tuple(details),
        rows=tuple(rows),
        sbu=is_sbu(indicator.sensitivity),
    )


def _element_body(element, narrative_label: str, narrative_field: str, indicators: bool) -> list[Block]:
    blocks: list[Block] = []
    blocks += _narrative(
        narrative_label, getattr(element, narrative_field), getattr(element, f"{narrative_field}_sensitivity")
    )
    if element.linkages_text:
        blocks += _narrative("Linkages:", element.linkages_text, element.linkages_text_sensitivity)
    elif element.linkages:
        blocks.append(Paragraph(", ".join(clean_text(code) for code in element.linkages), label="Linkages:"))
    # Risks already quoted in the narrative are not printed a second time.
    risks = [risk for risk in element.risks if not risk.in_narrative]
    if risks:
        blocks.append(Items("Risks:", tuple((content.risk_text(risk), is_sbu(risk.sensitivity)) for risk in risks)))
    if indicators:
        blocks += [_indicator_table(indicator) for indicator in element.indicators]
    return blocks


def _anchor(prefix: str, number: str) -> str:
    # Numbers come from people ("1.2."): keep anchors to characters every format accepts.
    return prefix + "-" + "".join(ch if ch.isalnum() else "-" for ch in number).strip("-")


def _title(element, *, framework: bool = False) -> str:
    text = element.framework_title if framework and element.framework_title else element.title
    return clean_text(text).strip()


def build_outline(strategy: Strategy, *, banner: str, indicators: bool = True) -> Outline:
    """The outline of ``strategy`` (already redacted by the caller when public)."""
    cover = Cover(
        title=clean_text(strategy.title).strip() or "Integrated Country Strategy",
        country=clean_text(strategy.mission.country).strip(),
        post=clean_text(strategy.mission.post).strip() or None,
        banner=banner,
        approved=content.format_date(strategy.approved_date),
        reviewed=tuple(content.format_date(day) for day in strategy.review_dates),
        fiscal_span=content.fiscal_span(strategy),
        bureau=content.bureau_line(strategy),
    )
    outline = Outline(cover)
    add = outline.blocks.append
    add(Heading(1, PRIORITIES, "priorities", toc=True))
    outline.blocks += _narrative(None, strategy.priorities, strategy.priorities_sensitivity)

    add(Heading(1, FRAMEWORK, "framework", toc=True))
    for goal in strategy.goals:
        add(FrameworkLine(f"Mission Goal {goal.number}: {_title(goal, framework=True)}", 0))
        for objective in goal.objectives:
            add(FrameworkLine(f"Mission Objective {objective.number}: {_title(objective, framework=True)}", 1))
            for sub in objective.sub_objectives:
                add(FrameworkLine(f"Sub-Objective {sub.number}: {_title(sub, framework=True)}", 2))
    for mo in strategy.management_objectives:
        add(FrameworkLine(f"Management Objective {mo.number}: {_title(mo, framework=True)}", 0))
        for sub in mo.sub_objectives:
            add(FrameworkLine(f"Sub-Objective {sub.number}: {_title(sub, framework=True)}", 1))

    add(Heading(1, GOALS, "goals", toc=True))
    for goal in strategy.goals:
        add(Heading(2, f"Mission Goal {goal.number}: {_title(goal)}", _anchor("goal", goal.number)))
        outline.blocks += _element_body(goal, "Description and Linkages:", "description", indicators)
        for objective in goal.objectives:
            add(Heading(3, f"Mission Objective {objective.number}: {_title(objective)}", _anchor("objective", objective.number)))
            outline.blocks += _element_body(objective, "Justification:", "justification", indicators)
            for sub in objective.sub_objectives:
                add(Heading(4, f"Sub-Objective {sub.number}: {_title(sub)}", _anchor("sub-objective", sub.number)))
                outline.blocks += _element_body(sub, "Justification:", "justification", indicators)

    if strategy.management_objectives:
        add(Heading(1, MANAGEMENT, "management", toc=True))
        for mo in strategy.management_objectives:
            add(Heading(2, f"Management Objective {mo.number}: {_title(mo)}", _anchor("management-objective", mo.number)))
            outline.blocks += _element_body(mo, "Justification:", "justification", indicators)
            for sub in mo.sub_objectives:
                add(Heading(3, f"Sub-Objective {sub.number}: {_title(sub)}", _anchor("management-sub-objective", sub.number)))
                outline.blocks += _element_body(sub, "Justification:", "justification", indicators)

    for index, section in enumerate(strategy.sections, start=1):
        add(Heading(1, clean_text(section.title).strip(), f"section-{index}", toc=True))
        outline.blocks += _narrative(None, section.text, section.sensitivity)
    return outline


def prepare(strategy: Strategy, *, public: bool, indicators: bool = True) -> Outline:
    """Redact when public, choose the banner and build the outline: every renderer's first step."""
    from .redaction import public_copy

    source = public_copy(strategy) if public else strategy
    return build_outline(source, banner=content.banner(source, public=public), indicators=indicators)
