"""Small text helpers shared by the renderers: banners, dates, paragraphs, labels."""

from __future__ import annotations

import datetime as dt
import re
from typing import overload

from icsplan.document.model import Indicator, Risk, Sensitivity, Strategy
from icsplan.document.public import (  # noqa: F401 (re-exported: one copy, in the core)
    PUBLIC_BANNER,
    is_sbu,
    is_synthetic,
    synthetic_banner,
)

#: the CSS class of SBU blocks in HTML output (the stylesheets style ``.sbu``)
SBU_CSS_CLASS = Sensitivity.SBU.value
SBU_BANNER = "SENSITIVE BUT UNCLASSIFIED"
#: used for an internal render with nothing marked SBU and no classification recorded
DEFAULT_BANNER = "UNCLASSIFIED"

# Characters XML 1.0 forbids (and that Word, Excel and PDF writers choke on); tabs and newlines stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n+")


def clean_text(text: str | None) -> str:
    """``text`` without characters that no document format can carry."""
    return _CONTROL.sub("", text or "")


def paragraphs(text: str | None) -> list[str]:
    """Split a narrative into paragraphs at blank lines; lines inside a paragraph are joined."""
    result = []
    for block in _BLANK_LINE.split(clean_text(text).replace("\r\n", "\n").replace("\r", "\n")):
        joined = " ".join(line.strip() for line in block.split("\n") if line.strip())
        if joined:
            result.append(joined)
    return result


def has_sbu(strategy: Strategy) -> bool:
    """Whether anything in the strategy is marked SBU."""
    if is_sbu(strategy.priorities_sensitivity) and strategy.priorities:
        return True
    if any(is_sbu(section.sensitivity) for section in strategy.sections):
        return True
    for _kind, element in strategy.iter_elements():
        for name in ("description", "justification", "linkages_text"):
            if getattr(element, name, None) and is_sbu(getattr(element, f"{name}_sensitivity", None)):
                return True
        if any(is_sbu(risk.sensitivity) for risk in element.risks):
            return True
        for indicator in element.indicators:
            if is_sbu(indicator.sensitivity):
                return True
            if any(is_sbu(value.sensitivity) for value in indicator.targets + indicator.results):
                return True
    return False


def banner(strategy: Strategy, *, public: bool) -> str:
    """The classification banner printed on the cover, the header and the footer."""
    if public:
        # Synthetic data (``icsplan synth``) stays marked as such in the public release too.
        return synthetic_banner(PUBLIC_BANNER) if is_synthetic(strategy) else PUBLIC_BANNER
    if has_sbu(strategy):
        return SBU_BANNER
    return clean_text(strategy.classification).strip() or DEFAULT_BANNER


def bureau_line(strategy: Strategy) -> str | None:
    """"Regional bureau: AF": printed on the cover, so the bureau survives a round trip through
    the document's text (the reader looks for this line)."""
    bureau = clean_text(strategy.mission.bureau).strip()
    return f"Regional bureau: {bureau}" if bureau else None


@overload
def format_date(value: dt.date) -> str: ...
@overload
def format_date(value: dt.date | None) -> str | None: ...
def format_date(value: dt.date | None) -> str | None:
    """"October 3, 2018" (the form the published ICS uses), or None."""
    if value is None:
        return None
    return f"{value:%B} {value.day}, {value.year}"


def fiscal_span(strategy: Strategy) -> str | None:
    """"FY 2019–2022" when the fiscal years are known."""
    start, end = strategy.fiscal_year_start, strategy.fiscal_year_end
    if start and end:
        return f"FY {start}\u2013{end}"
    if start or end:
        return f"FY {start or end}"
    return None


def risk_text(risk: Risk) -> str:
    """A risk statement with its assessment, as sentences on one line."""
    text = clean_text(risk.statement).strip()
    if text and text[-1] not in ".!?":
        text += "."
    assessment = [f"{name} {value}" for name, value in (("likelihood", risk.likelihood), ("impact", risk.impact)) if value]
    if assessment:
        text += f" {', '.join(assessment).capitalize()}."
    for label, value in (("Mitigation", risk.mitigation), ("Owner", risk.owner)):
        if value:
            value = clean_text(value).strip()
            text += f" {label}: {value}" + ("" if value[-1:] in ".!?" else ".")
    return text


def indicator_heading(indicator: Indicator) -> str:
    """"PS-1: Number of people trained (people)"."""
    name = clean_text(indicator.name).strip()
    text = f"{clean_text(indicator.code).strip()}: {name}" if indicator.code else name
    if indicator.unit:
        text += f" ({clean_text(indicator.unit).strip()})"
    return text
