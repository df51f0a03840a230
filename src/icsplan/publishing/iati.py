"""IATI 2.03 activity XML: the strategy as one ``iati-activity`` with its results.

Always the public copy, whatever ``public`` says: IATI files are published. Element order
follows the 2.03 schema's sequences (``iati-activities-schema.xsd``), which lxml validation
in the tests enforces. Each mission and management objective with at least one public
indicator is a ``result`` (type 2, outcome); the schema requires a result to carry an
indicator, so objectives without one are described in the activity but have no ``result``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from lxml import etree

from icsplan.document.model import Indicator, PeriodValue, Strategy

from .base import Renderer
from .content import clean_text, fiscal_span, paragraphs
from .countries import country_code
from .periods import period_bounds, period_sort_key
from .redaction import public_copy

IATI_VERSION = "2.03"
REPORTING_ORG_REF = "US-GOV-1"  # U.S. Department of State in the IATI organisation registry
ORG_TYPE_GOVERNMENT = "10"
ROLE_ACCOUNTABLE = "2"
RESULT_OUTCOME = "2"
VOCABULARY_REPORTING_ORG = "99"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# IATI IndicatorMeasure: 1 unit, 2 percentage, 5 qualitative.
_MEASURES = {"number": "1", "currency": "1", "percent": "2", "milestone": "5", "qualitative": "5"}
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _sub(parent, tag: str, attrib: dict | None = None, narrative: str | None = None):
    element = etree.SubElement(parent, tag, {k: v for k, v in (attrib or {}).items() if v is not None})
    if narrative is not None:
        etree.SubElement(element, "narrative").text = clean_text(narrative)
    return element


def _numeric(value: str | None) -> str | None:
    """A value as IATI wants it for measured indicators ("1,200" -> "1200", "45%" -> "45")."""
    text = clean_text(value).replace(",", "").replace("%", "").strip()
    return text if _NUMBER.match(text) else None


def _sentence(text: str | None) -> str:
    text = clean_text(text).strip()
    return text if text[-1:] in ".!?" else text + "."


def _identifier(strategy: Strategy) -> str:
    country = country_code(strategy.mission.country) or strategy.mission.country
    edition = strategy.edition or strategy.fiscal_year_start or (
        strategy.approved_date.year if strategy.approved_date else "current"
    )
    raw = f"{REPORTING_ORG_REF}-ICS-{country}-{edition}"
    return re.sub(r"[^A-Za-z0-9-]+", "-", raw).upper().strip("-")


def _status(strategy: Strategy, today: dt.date) -> str:
    # IATI ActivityStatus: 1 pipeline, 2 implementation, 4 closed.
    if strategy.fiscal_year_start and today < dt.date(strategy.fiscal_year_start - 1, 10, 1):
        return "1"
    if strategy.fiscal_year_end and today > dt.date(strategy.fiscal_year_end, 9, 30):
        return "4"
    return "2"


def _dates(strategy: Strategy) -> list[tuple[str, dt.date]]:
    # IATI ActivityDateType: 1 planned start, 2 actual start, 3 planned end.
    dates = []
    if strategy.fiscal_year_start:
        dates.append(("1", dt.date(strategy.fiscal_year_start - 1, 10, 1)))
    if strategy.approved_date:
        dates.append(("2", strategy.approved_date))
    if strategy.fiscal_year_end:
        dates.append(("3", dt.date(strategy.fiscal_year_end, 9, 30)))
    return dates


def _value(parent, tag: str, value: PeriodValue, measured: bool) -> None:
    number = _numeric(value.value) if measured else None
    element = _sub(parent, tag, {"value": number})
    if value.category:
        _sub(element, "dimension", {"name": clean_text(value.category), "value": clean_text(value.category_value)})
    comment = [text for text in (None if number else clean_text(value.value).strip(), value.comment) if text]
    if comment:
        _sub(element, "comment", narrative=" ".join(clean_text(text) for text in comment))


def _indicator(result, indicator: Indicator) -> None:
    measure = _MEASURES.get(indicator.value_type, "1")
    measured = measure != "5"
    attrib = {"measure": measure}
    if measured:
        attrib["ascending"] = "true" if indicator.direction == "increase" else "false"
    element = _sub(result, "indicator", attrib)
    name = clean_text(indicator.name).strip() or clean_text(indicator.code)
    _sub(element, "title", narrative=name)
    if indicator.definition:
        _sub(element, "description", narrative=indicator.definition)
    if indicator.standard_code:
        _sub(element, "reference", {"vocabulary": VOCABULARY_REPORTING_ORG, "code": clean_text(indicator.standard_code)})
    baseline = indicator.baseline
    # The schema requires a baseline year; a baseline without a date cannot be placed in time.
    if baseline and baseline.date:
        number = _numeric(baseline.value) if measured else None
        base = _sub(element, "baseline", {"year": str(baseline.date.year), "iso-date": baseline.date.isoformat(), "value": number})
        comment = [text for text in (None if number else baseline.value, baseline.note) if text]
        if comment:
            _sub(base, "comment", narrative=" ".join(clean_text(text) for text in comment))
    periods: dict[str, dict[str, list[PeriodValue]]] = {}
    for kind, values in (("target", indicator.targets), ("actual", indicator.results)):
        for value in values:
            periods.setdefault(value.period, {"target": [], "actual": []})[kind].append(value)
    for period in sorted(periods, key=period_sort_key):
        bounds = period_bounds(period)
        if bounds is None:  # not a fiscal period id: it cannot be dated, so it is not reported
            continue
        node = _sub(element, "period")
        _sub(node, "period-start", {"iso-date": bounds[0].isoformat()})
        _sub(node, "period-end", {"iso-date": bounds[1].isoformat()})
        for kind in ("target", "actual"):
            # The total first, then the disaggregated values.
            for value in sorted(periods[period][kind], key=lambda v: (v.category is not None, v.category or "", v.category_value or "")):
                _value(node, kind, value, measured)


def _results(activity, strategy: Strategy) -> None:
    objectives = [("Mission Objective", objective) for objective in strategy.iter_objectives()]
    objectives += [("Management Objective", mo) for mo in strategy.management_objectives]
    for label, objective in objectives:
        indicators = list(objective.indicators)
        for sub in objective.sub_objectives:
            indicators += sub.indicators
        if not indicators:
            continue
        result = _sub(activity, "result", {"type": RESULT_OUTCOME, "aggregation-status": "false"})
        _sub(result, "title", narrative=f"{label} {objective.number}: {clean_text(objective.title).strip()}")
        if objective.justification:
            _sub(result, "description", narrative=" ".join(paragraphs(objective.justification)))
        for code in objective.linkages:
            _sub(result, "reference", {"vocabulary": VOCABULARY_REPORTING_ORG, "code": clean_text(code)})
        for indicator in indicators:
            _indicator(result, indicator)


def to_iati(strategy: Strategy, *, now: dt.datetime | None = None) -> bytes:
    """The public copy of ``strategy`` as an IATI 2.03 ``iati-activities`` document."""
    source = public_copy(strategy)
    now = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    dates = _dates(source)
    country = clean_text(source.mission.country).strip()
    mission = f"U.S. Mission {country}"
    root = etree.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": now.isoformat()})
    activity = _sub(root, "iati-activity", {"last-updated-datetime": now.isoformat(), _XML_LANG: "en", "default-currency": "USD"})
    etree.SubElement(activity, "iati-identifier").text = _identifier(source)
    _sub(activity, "reporting-org", {"ref": REPORTING_ORG_REF, "type": ORG_TYPE_GOVERNMENT}, narrative=mission)
    span = fiscal_span(source)
    _sub(activity, "title", narrative=f"{clean_text(source.title).strip()}: {country}" + (f", {span}" if span else ""))
    summary = f"The Integrated Country Strategy of the U.S. Mission in {country}." + "".join(
        f" Mission Goal {goal.number}: {_sentence(goal.title)}" for goal in source.goals
    )
    _sub(activity, "description", {"type": "1"}, narrative=summary)
    if source.priorities:
        _sub(activity, "description", {"type": "2"}, narrative=" ".join(paragraphs(source.priorities)))
    _sub(activity, "participating-org", {"ref": REPORTING_ORG_REF, "type": ORG_TYPE_GOVERNMENT, "role": ROLE_ACCOUNTABLE}, narrative=mission)
    _sub(activity, "activity-status", {"code": _status(source, now.date())})
    for kind, day in dates:
        _sub(activity, "activity-date", {"type": kind, "iso-date": day.isoformat()})
    if not dates:
        # The schema requires a date; say plainly that it is only the publication date.
        _sub(activity, "activity-date", {"type": "1", "iso-date": now.date().isoformat()},
             narrative="Date of publication: the strategy records no fiscal years or approval date.")
    code = country_code(source.mission.country)
    if code:
        _sub(activity, "recipient-country", {"code": code}, narrative=country)
    _results(activity, source)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class IatiRenderer(Renderer):
    """IATI 2.03 activity XML of the public copy (``public`` is ignored: always public)."""

    format = "iati"
    media_type = "application/xml"
    extension = "xml"

    def __init__(self, *, clock: Callable[[], dt.datetime] | None = None):
        self.clock = clock

    def render(self, strategy: Strategy, *, public: bool = False) -> bytes:
        return to_iati(strategy, now=self.clock() if self.clock else None)


RENDERER = IatiRenderer()
