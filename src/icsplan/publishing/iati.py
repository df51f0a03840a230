"""IATI 2.03 activity XML: the strategy as one ``iati-activity`` with its results.

Always the public copy, whatever ``public`` says: IATI files are published. Element order
follows the 2.03 schema's sequences (``iati-activities-schema.xsd``), which lxml validation
in the tests enforces. Each mission and management objective with at least one public
indicator is a ``result`` (type 2, outcome); the schema requires a result to carry an
indicator, so objectives without one are described in the activity but have no ``result``.

Beyond the schema the file follows IATI's ruleset (tests/publishing/iati_rules.py runs the
rules that can be checked offline):

- sectors (6.2.2): the mission's own list when settings give one
  (``ICSPLAN_IATI_SECTORS``: country -> [(vocabulary, code, percentage)]), else DAC 5-digit
  codes chosen from the themes of the objectives' titles, percentages adding up to 100;
- a ``reference`` at one level of a result only (8.11.1): the indicators' standard codes when an
  indicator has one, and then the objective's linkages are named in the result's description;
- activity dates and status come from the edition's fiscal years; without them, from the four
  years after its edition year, each date saying it is such an estimate; an edition with no year
  at all cannot be dated honestly, and is refused rather than given today's date;
- the ``reporting-org`` identifier comes from settings (``ICSPLAN_IATI_REPORTING_ORG``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from lxml import etree

from icsplan.document.model import Indicator, PeriodValue, Strategy

from icsplan.errors import InputError

from .base import Renderer
from .content import clean_text, fiscal_span, paragraphs
from .countries import country_code
from .periods import period_bounds, period_sort_key
from .redaction import public_copy

IATI_VERSION = "2.03"
REPORTING_ORG_REF = "US-GOV-1"  # U.S. Department of State in the IATI organisation registry (the default)
ORG_TYPE_GOVERNMENT = "10"
ROLE_ACCOUNTABLE = "2"
RESULT_OUTCOME = "2"
VOCABULARY_REPORTING_ORG = "99"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# IATI IndicatorMeasure: 1 unit, 2 percentage, 5 qualitative.
_MEASURES = {"number": "1", "currency": "1", "percent": "2", "milestone": "5", "qualitative": "5"}
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
VOCABULARY_DAC5 = "1"  # IATI SectorVocabulary 1: OECD DAC CRS purpose codes (5 digit)
# Themes of ICS objectives and the DAC 5-digit purpose code each stands for. The first theme whose
# word appears in an objective's title counts; an objective with none counts as public sector
# policy and administrative management (15110), the nearest code for diplomatic engagement.
DAC_THEMES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("health", "hiv", "malaria", "disease", "epidemic"), "12110"),
    (("education", "school", "literacy", "youth"), "11110"),
    (("agricultur", "food", "farm", "nutrition"), "31110"),
    (("humanitarian", "refugee", "displaced", "emergency"), "72010"),
    (("security", "terroris", "peace", "conflict", "military", "defense", "defence", "stabil"), "15210"),
    (("democra", "governance", "election", "civil society", "human rights", "rule of law", "justice",
      "corruption", "accountab"), "15150"),
    (("trade", "econom", "invest", "business", "growth", "market", "commerc"), "33110"),
    (("environment", "climate", "energy", "water"), "41010"),
)
DAC_DEFAULT = "15110"


def reporting_org_ref() -> str:
    """The reporting organisation's IATI identifier: ``ICSPLAN_IATI_REPORTING_ORG`` or US-GOV-1."""
    try:
        from django.conf import settings

        return str(getattr(settings, "ICSPLAN_IATI_REPORTING_ORG", "") or REPORTING_ORG_REF)
    except Exception:  # no Django settings configured (a renderer used on its own)
        return REPORTING_ORG_REF


def _configured_sectors(country: str) -> list[tuple[str, str, str]] | None:
    try:
        from django.conf import settings

        chosen = getattr(settings, "ICSPLAN_IATI_SECTORS", None) or {}
    except Exception:  # no Django settings configured
        return None
    rows = chosen.get(country) or chosen.get(country.lower())
    return [(str(v), str(c), str(p)) for v, c, p in rows] if rows else None


def sectors(strategy: Strategy) -> list[tuple[str, str, str]]:
    """(vocabulary, code, percentage) of the activity's sectors; the percentages add up to 100."""
    configured = _configured_sectors(clean_text(strategy.mission.country).strip())
    if configured:
        return configured
    counts: dict[str, int] = {}
    titles = [o.title for o in strategy.iter_objectives()] + [mo.title for mo in strategy.management_objectives]
    for title in titles or [strategy.title]:
        lower = clean_text(title).lower()
        code = next((code for words, code in DAC_THEMES if any(word in lower for word in words)), DAC_DEFAULT)
        counts[code] = counts.get(code, 0) + 1
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shares = [item[1] * 100 // total for item in ordered]
    shares[0] += 100 - sum(shares)  # whole percentages that add up to exactly 100
    return [(VOCABULARY_DAC5, code, str(share)) for (code, _), share in zip(ordered, shares, strict=True)]


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


def _identifier(strategy: Strategy, org: str) -> str:
    country = country_code(strategy.mission.country) or strategy.mission.country
    edition = strategy.edition or strategy.fiscal_year_start or (
        strategy.approved_date.year if strategy.approved_date else "current"
    )
    # The identifier starts with the reporting-org identifier exactly as written there.
    rest = re.sub(r"[^A-Za-z0-9-]+", "-", f"ICS-{country}-{edition}").upper().strip("-")
    return f"{org}-{rest}"


ICS_YEARS = 4  # an ICS covers four fiscal years


def _period(strategy: Strategy) -> tuple[int, int, bool] | None:
    """(first, last fiscal year, estimated) of the edition: its own fiscal years, or, when it
    records none, the four years after its edition year (an ICS approved in 2018 runs FY2019–2022),
    marked as an estimate; None when not even the edition year is known."""
    start, end = strategy.fiscal_year_start, strategy.fiscal_year_end
    if start or end:
        first = start or (end or 0) - ICS_YEARS + 1
        return first, end or first + ICS_YEARS - 1, False
    edition = re.fullmatch(r"(?:19|20)\d\d", (strategy.edition or "").strip())
    if edition:
        year = int(edition.group(0))
        return year + 1, year + ICS_YEARS, True
    return None


def _status(strategy: Strategy, today: dt.date) -> str:
    """IATI ActivityStatus from the edition's period: 1 pipeline (before its first fiscal year),
    2 implementation (within it, or approved with no known period), 3 finalisation (after it)."""
    period = _period(strategy)
    if period and today < dt.date(period[0] - 1, 10, 1):
        return "1"
    if period and today > dt.date(period[1], 9, 30):
        # Closed (4) would claim the final reporting is done; finalisation is what is known.
        return "3"
    return "2"


def _dates(strategy: Strategy, today: dt.date) -> list[tuple[str, dt.date, str | None]]:
    """(IATI ActivityDateType, date, note): 1 planned start, 2 actual start, 3 planned end."""
    dates: list[tuple[str, dt.date, str | None]] = []
    period = _period(strategy)
    note = None
    if period and period[2]:
        note = (f"Estimated from the edition year {strategy.edition}: the strategy records no fiscal years, "
                f"and an ICS covers the {ICS_YEARS} fiscal years after its edition year.")
    if period:
        dates.append(("1", dt.date(period[0] - 1, 10, 1), note))
    if strategy.approved_date and strategy.approved_date <= today:  # an actual date is never in the future
        dates.append(("2", strategy.approved_date, None))
    if period:
        dates.append(("3", dt.date(period[1], 9, 30), note))
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
    """A result per objective with indicators; references on one level only (rule 8.11.1)."""
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
        indicator_references = any(indicator.standard_code for indicator in indicators)
        description = " ".join(paragraphs(objective.justification)) if objective.justification else ""
        linkages = [clean_text(code) for code in objective.linkages]
        if linkages and indicator_references:
            description = (description + " " if description else "") + f"Linkages: {', '.join(linkages)}."
        if description:
            _sub(result, "description", narrative=description)
        if not indicator_references:
            for code in linkages:
                _sub(result, "reference", {"vocabulary": VOCABULARY_REPORTING_ORG, "code": code})
        for indicator in indicators:
            _indicator(result, indicator)


def to_iati(strategy: Strategy, *, now: dt.datetime | None = None) -> bytes:
    """The public copy of ``strategy`` as an IATI 2.03 ``iati-activities`` document."""
    source = public_copy(strategy)
    now = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    dates = _dates(source, now.date())
    if not any(kind in ("1", "2") for kind, _, _ in dates):
        # IATI needs a start date; today's date would be a false claim, so the export says why not.
        raise InputError("This edition records no fiscal years, no edition year and no approval date, so it "
                         "has no start date to publish to IATI: set its fiscal years first.", code="iati-no-dates")
    org = reporting_org_ref()
    country = clean_text(source.mission.country).strip()
    mission = f"U.S. Mission {country}"
    root = etree.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": now.isoformat()})
    activity = _sub(root, "iati-activity", {"last-updated-datetime": now.isoformat(), _XML_LANG: "en", "default-currency": "USD"})
    etree.SubElement(activity, "iati-identifier").text = _identifier(source, org)
    _sub(activity, "reporting-org", {"ref": org, "type": ORG_TYPE_GOVERNMENT}, narrative=mission)
    span = fiscal_span(source)
    _sub(activity, "title", narrative=f"{clean_text(source.title).strip()}: {country}" + (f", {span}" if span else ""))
    summary = f"The Integrated Country Strategy of the U.S. Mission in {country}." + "".join(
        f" Mission Goal {goal.number}: {_sentence(goal.title)}" for goal in source.goals
    )
    _sub(activity, "description", {"type": "1"}, narrative=summary)
    if source.priorities:
        _sub(activity, "description", {"type": "2"}, narrative=" ".join(paragraphs(source.priorities)))
    _sub(activity, "participating-org", {"ref": org, "type": ORG_TYPE_GOVERNMENT, "role": ROLE_ACCOUNTABLE}, narrative=mission)
    _sub(activity, "activity-status", {"code": _status(source, now.date())})
    for kind, day, note in dates:
        _sub(activity, "activity-date", {"type": kind, "iso-date": day.isoformat()}, narrative=note)
    code = country_code(source.mission.country)
    if code:
        _sub(activity, "recipient-country", {"code": code}, narrative=country)
    for vocabulary, sector, percentage in sectors(source):
        _sub(activity, "sector", {"vocabulary": vocabulary, "code": sector, "percentage": percentage})
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
