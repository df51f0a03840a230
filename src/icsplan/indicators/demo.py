"""Sample indicators for the Mali demo: two to four per objective, FY2019–FY2022.

SAMPLE DATA: every figure here is illustrative, invented for the demonstration — not official
statistics and not the mission's real monitoring data. Each indicator is flagged ``sample=True``
and its definition and data source say so, so every view, export and chart can label it.
The mix is deliberate: some indicators are on track, some at risk or off track, some lack a
result, one is qualitative, one SBU, and a few results are still in clearance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from icsplan import document as doc

SAMPLE_LABEL = "Sample data — illustrative, not official"
YEARS = (2019, 2020, 2021, 2022)
BASELINE_DATE = dt.date(2018, 9, 30)


@dataclass
class Spec:
    """One sample indicator; ``targets``/``results`` are per fiscal year FY2019–FY2022."""

    name: str
    unit: str
    targets: tuple
    results: tuple
    value_type: str = "number"
    direction: str = "increase"
    cumulative: bool = False
    frequency: str = "annual"
    responsible: str = "POL/ECON"
    source: str = "implementing partner reports"
    method: str = "partner reports reviewed by the section each period"
    baseline: object = None
    standard_code: str | None = None
    by_sex: float | None = None  # female share of each figure, when broken down by sex
    denominator: float | None = None  # survey sample size for percents
    sensitivity: str = "public"
    states: dict | None = None  # fiscal year -> (status, return reason) when not approved


S = Spec
MALI: dict[str, list[Spec]] = {
    "1.1": [
        S("Defense and security personnel trained in civilian protection and human rights with U.S. assistance",
          "people", (400, 450, 500, 500), (430, 470, 380, 300), cumulative=True, frequency="quarterly",
          responsible="DAO", source="training rosters", baseline=0, by_sex=0.12),
        S("Conflict-related civilian deaths per 100,000 population", "deaths per 100,000",
          (3.8, 3.5, 3.2, 3.0), (4.4, 5.1, 5.6, None), direction="decrease", source="UN and ACLED conflict data",
          method="desk review of published conflict data", baseline=4.1, standard_code="SDG 16.1.2"),
    ],
    "1.2": [
        S("National security sector reform strategy adopted", "milestone", ("no", "yes", "yes", "yes"),
          ("no", "no", "yes", "yes"), value_type="milestone", source="Official Journal of Mali",
          method="review of published decrees", baseline="no"),
        S("Officers completing U.S.-funded professional military education", "officers", (60, 60, 70, 70),
          (65, 58, 72, 40), cumulative=True, responsible="DAO", source="course completion records", baseline=0,
          states={2022: ("returned", "Attach the course completion roster before resubmitting.")}),
        S("Share of defense budget execution audited by the Auditor General", "percent", (30, 40, 50, 60),
          (28, 35, 41, None), value_type="percent", source="Auditor General annual report",
          method="desk review", baseline=20, sensitivity=doc.Sensitivity.SBU),
    ],
    "1.3": [
        S("People in conflict-affected areas benefiting from U.S.-supported stabilization activities", "people",
          (50000, 60000, 60000, 50000), (52000, 61000, 47000, 30000), cumulative=True, responsible="USAID",
          baseline=0, by_sex=0.48),
        S("Residents of Mopti and Timbuktu regions who feel safe in their community", "percent",
          (45, 50, 55, 60), (44, 43, 40, 38), value_type="percent", responsible="USAID",
          source="annual perception survey", method="household survey (1,200 respondents)", baseline=42,
          denominator=1200),
        S("Functioning of local reconciliation committees", "narrative",
          ("Committees meet quarterly in 10 communes",) * 4,
          ("Committees met in 6 communes; two suspended after attacks",
           "Committees met in 8 communes", "Meetings suspended in Mopti region", None),
          value_type="qualitative", responsible="POL/ECON", source="field visits and partner reports"),
    ],
    "2.1": [
        S("Households with improved capacity to recover from shocks", "households",
          (20000, 25000, 25000, 30000), (21500, 26000, 24800, 29000), cumulative=True, responsible="USAID",
          baseline=0),
        S("Prevalence of stunting among children under five", "percent", (26, 25, 24, 23),
          (26.4, 25.8, 25.0, None), value_type="percent", direction="decrease", responsible="USAID",
          source="national SMART nutrition survey", method="anthropometric survey", baseline=26.9,
          standard_code="SDG 2.2.1"),
    ],
    "2.2": [
        S("Grade 2 students reading with comprehension", "percent", (10, 13, 16, 20), (9.5, 12.8, 11, 14),
          value_type="percent", responsible="USAID", source="early grade reading assessment",
          method="sample assessment of 2,000 pupils", baseline=8, standard_code="SDG 4.1.1", by_sex=0.49,
          denominator=2000),
        S("Births attended by skilled health personnel", "percent", (69, 71, 73, 75), (69.5, 71.2, 70.1, None),
          value_type="percent", responsible="USAID", source="health management information system",
          method="facility data", baseline=67, standard_code="SDG 3.1.2"),
        S("People gaining access to basic drinking water services", "people", (80000, 90000, 100000, 100000),
          (85000, 70000, 60000, 95000), cumulative=True, responsible="USAID", baseline=0,
          standard_code="SDG 6.1.1"),
    ],
    "2.3": [
        S("U.S. exports and investment facilitated by the Embassy", "USD",
          (5_000_000, 6_000_000, 7_000_000, 8_000_000), (5_400_000, 4_100_000, 6_900_000, 8_300_000),
          value_type="currency", responsible="POL/ECON", source="Embassy commercial records",
          method="deal tracking", baseline=3_500_000),
        S("Farmers applying improved technologies or management practices", "farmers",
          (12000, 15000, 18000, 18000), (12500, 15800, 17100, 19000), cumulative=True, responsible="USAID",
          baseline=0, by_sex=0.35),
        S("Days needed to register a business", "days", (10, 9, 8, 7), (10, 9, 9, 9), direction="decrease",
          source="one-stop business registration office", method="administrative data", baseline=11),
    ],
    "3.1": [
        S("Share of women among appointed officials", "percent", (30, 30, 30, 30), (22, 26, 29, 31),
          value_type="percent", source="Ministry for the Promotion of Women", method="desk review", baseline=18),
        S("Citizens satisfied with local public services", "percent", (38, 41, 44, 47), (36, 37, 36, 35),
          value_type="percent", responsible="USAID", source="annual perception survey",
          method="household survey", baseline=35, standard_code="SDG 16.6.2"),
        S("Court cases resolved with support of the Regional Legal Advisor program", "cases", (40, 50, 60, 60),
          (45, 52, 63, 58), cumulative=True, responsible="INL", source="RLA case tracker", baseline=0),
    ],
    "3.2": [
        S("Surveyed Malians with a favorable view of the United States", "percent", (62, 64, 66, 68),
          (63, 65, 61, 64), value_type="percent", responsible="PAS", source="public opinion survey",
          method="national survey", baseline=60),
        S("Exchange program alumni engaged in Embassy follow-on activities", "alumni", (150, 150, 200, 200),
          (160, 170, 210, 190), cumulative=True, responsible="PAS", source="alumni database", baseline=0),
        S("U.S. citizens in Mali enrolled in the Smart Traveler Enrollment Program", "people",
          (900, 950, 1000, 1050), (920, 980, 1010, 1060), responsible="CONS", source="STEP records",
          method="consular records", baseline=850, states={2022: ("submitted", "")}),
    ],
    "3.3": [
        S("Civil society organizations supported to advocate or monitor government", "organizations",
          (30, 35, 40, 40), (32, 30, 25, 20), cumulative=True, responsible="USAID", baseline=0),
        S("Human rights cases documented and referred by supported organizations", "cases",
          (200, 250, 300, 300), (210, 260, 290, 310), responsible="POL/ECON", baseline=150),
        S("Assessment of civic space", "narrative", ("Civic space stable or widening",) * 4,
          ("Stable", "Narrowing after protests", "Narrowing: two organizations suspended", None),
          value_type="qualitative", source="civil society consultations"),
    ],
    "M1": [
        S("ICASS customer satisfaction score", "score out of 5", (3.8, 3.9, 4.0, 4.1), (3.9, 3.8, 4.0, 4.2),
          responsible="MGMT", source="ICASS customer satisfaction survey", method="annual survey", baseline=3.6),
        S("Emergency action plan updated and drilled", "milestone", ("yes",) * 4, ("yes", "yes", "no", "yes"),
          value_type="milestone", responsible="MGMT", source="RSO drill records", baseline="yes"),
        S("Vacancy rate of locally employed staff positions", "percent", (8, 7, 6, 5), (8.5, 6.9, 7.5, 6.1),
          value_type="percent", direction="decrease", responsible="MGMT", source="HR staffing pattern",
          method="staffing records", baseline=9),
    ],
}


def _fallback(number: str) -> list[Spec]:
    # Objectives the table does not know (another parse of the text) still get sample data.
    return [
        S(f"People reached by activities under objective {number}", "people", (100, 120, 140, 160),
          (110, 118, 90, 150), cumulative=True, baseline=0),
        S(f"Partners reporting progress on objective {number}", "percent", (50, 55, 60, 65), (52, 56, 61, 58),
          value_type="percent", baseline=45),
    ]


def _fmt(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _split(total, share: float) -> tuple[int, int]:
    female = round(total * share)
    return female, total - female


def _values(spec: Spec, figures, *, result: bool) -> list[doc.PeriodValue]:
    """Period values for the spec's frequency; quarterly figures split each year in four."""
    out = []
    for year, figure in zip(YEARS, figures):
        if figure is None:
            continue
        state, reason = (spec.states or {}).get(year, ("approved", "")) if result else (None, "")
        periods = [(f"FY{year}", figure)]
        if spec.frequency == "quarterly":
            quarter = [round(figure * w) for w in (0.2, 0.25, 0.25)]
            periods = [(f"FY{year}Q{q + 1}", v) for q, v in enumerate(quarter + [figure - sum(quarter)])]
        for period, value in periods:
            extra = dict(status=state, return_reason=reason or None) if result else {}
            num = den = None
            if spec.value_type == "percent" and spec.denominator:
                den = spec.denominator
                num = round(den * float(value) / 100)
                value = round(num * 100 / den, 2)
            out.append(doc.PeriodValue(period=period, value=_fmt(value), numerator=num, denominator=den,
                                       comment=SAMPLE_LABEL if result else None, **extra))
            if spec.by_sex is None:
                continue
            if num is not None and den is not None:  # set together
                f_den = round(den * spec.by_sex)
                f_num = min(f_den, round(num * spec.by_sex))
                parts = {"female": (f_num, f_den), "male": (num - f_num, den - f_den)}
                for sex, (n, d) in parts.items():
                    out.append(doc.PeriodValue(period=period, value=_fmt(round(n * 100 / d, 2)), numerator=n,
                                               denominator=d, category="sex", category_value=sex, **extra))
            else:
                female, male = _split(value, spec.by_sex)
                for sex, part in (("female", female), ("male", male)):
                    out.append(doc.PeriodValue(period=period, value=_fmt(part), category="sex",
                                               category_value=sex, **extra))
    return out


def sample_indicator(code: str, spec: Spec) -> doc.Indicator:
    """The canonical form of one sample indicator."""
    return doc.Indicator(
        code=code, name=spec.name, unit=spec.unit, value_type=spec.value_type, direction=spec.direction,
        cumulative=spec.cumulative, frequency=spec.frequency, responsible=spec.responsible,
        definition=f"{SAMPLE_LABEL}. {spec.name} ({spec.unit}), "
                   f"{'cumulative increments per period' if spec.cumulative else 'value for the period'}.",
        data_source=f"{SAMPLE_LABEL}; would come from: {spec.source}",
        collection_method=spec.method, standard_code=spec.standard_code, sensitivity=spec.sensitivity,
        sample=True,
        baseline=doc.Baseline(value=_fmt(spec.baseline), date=BASELINE_DATE, note=SAMPLE_LABEL)
        if spec.baseline is not None else None,
        disaggregations=[doc.Disaggregation(category="sex", values=["female", "male"])] if spec.by_sex else [],
        targets=_values(spec, spec.targets, result=False),
        results=_values(spec, spec.results, result=True),
    )


def demo_stage(strategy) -> None:
    """DEMO_STAGES hook: add sample indicators to every objective and management objective."""
    from .document import write_indicators

    items = []
    for row in strategy.objectives.order_by("position"):
        specs = MALI.get(row.number) if strategy.mission.country == "Mali" else None
        items.append(("objective", row, _indicators(row.number, specs or _fallback(row.number))))
    for row in strategy.management_objectives.order_by("position"):
        key = f"M{row.number}"
        specs = MALI.get(key) if strategy.mission.country == "Mali" else None
        items.append(("management_objective", row, _indicators(key, specs or _fallback(key))))
    write_indicators(strategy, items)


def _indicators(prefix: str, specs: list[Spec]) -> list[doc.Indicator]:
    return [sample_indicator(f"{prefix}-{chr(ord('A') + i)}", spec) for i, spec in enumerate(specs)]
