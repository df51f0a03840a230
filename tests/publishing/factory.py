"""Hand-built, Mali-like strategies for the publishing and document tests (no parser needed)."""

from __future__ import annotations

import datetime as dt

from icsplan.document.model import (
    Baseline,
    Disaggregation,
    Goal,
    Indicator,
    ManagementObjective,
    Mission,
    Objective,
    PeriodValue,
    Risk,
    Section,
    Sensitivity,
    Strategy,
    SubObjective,
)

SBU = Sensitivity.SBU

GOAL_TITLES = [
    "America's Security at Home and Abroad Is Enhanced by Mali's Increased Capacity to Protect its Borders.",
    "Mali's population sees significant advances in socio-economic conditions and economic development.",
    "Through Promotion of U.S. Values, Mali Experiences Strengthened Democratic Institutions.",
]
OBJECTIVE_TITLES = {
    "1.1": "Mali has strong and effective civilian control over its military and security forces.",
    "1.2": "Mali's Defense and Security sectors conduct institutional reform.",
    "2.1": "Adaptive capacity of vulnerable communities and households increased.",
    "2.2": "Socio-Economic Well-Being Advanced.",
    "3.1": "Public Trust in Government Improved.",
}


def _indicator(code: str, *, sensitivity=Sensitivity.PUBLIC, sbu_values: bool = False) -> Indicator:
    return Indicator(
        code=code,
        name=f"Number of security personnel trained ({code})",
        definition="Personnel completing a U.S.-funded course.",
        unit="people",
        data_source="DAO training records",
        responsible="DAO",
        standard_code="PS.6.2-1",
        sensitivity=sensitivity,
        baseline=Baseline(value="120", date=dt.date(2018, 9, 30)),
        disaggregations=[Disaggregation(category="sex", values=["female", "male"])],
        targets=[
            PeriodValue(period="FY2019", value="200"),
            PeriodValue(period="FY2020", value="260"),
            PeriodValue(period="FY2019", value="60", category="sex", category_value="female"),
        ],
        results=[
            PeriodValue(period="FY2019Q1", value="40", status="approved"),
            PeriodValue(period="FY2019", value="210", status="approved",
                        sensitivity=SBU if sbu_values else Sensitivity.PUBLIC),
        ],
    )


def build_strategy(*, sbu: bool = True) -> Strategy:
    """A Mali-like strategy: 3 goals, 5 objectives, a sub-objective, a management objective."""
    goals = []
    for index, title in enumerate(GOAL_TITLES, start=1):
        objectives = []
        for number, objective_title in OBJECTIVE_TITLES.items():
            if not number.startswith(f"{index}."):
                continue
            objectives.append(
                Objective(
                    number=number,
                    title=objective_title,
                    justification=f"Justification of objective {number}. Risks associated with not "
                    f"achieving this Mission Objective include instability.\n\nA second paragraph for {number}.",
                    linkages=["CDCS DO2"] if number == "2.1" else [],
                    risks=[Risk(statement="instability", in_narrative=True)],
                )
            )
        goals.append(
            Goal(
                number=str(index),
                title=title,
                description=f"Mission Goal {index} links with the National Security Strategy.",
                objectives=objectives,
            )
        )
    goals[0].framework_title = "America's Security at Home and Abroad Is Enhanced By Mali's Capacity."
    first = goals[0].objectives[0]
    first.sub_objectives.append(
        SubObjective(number="1.1.1", title="Border security command-and-control improved.",
                     justification="Border posts report daily.")
    )
    first.linkages_text = "Links to JRS Goal 1 and NSS Pillar 1."
    first.linkages = ["JRS Goal 1", "NSS Pillar 1"]
    first.risks.append(Risk(statement="Further loss of territorial control.", likelihood="high", impact="high",
                            mitigation="Coordinate with MINUSMA."))
    first.indicators.append(_indicator("1.1-a", sbu_values=sbu))
    if sbu:
        first.justification_sensitivity = SBU
        first.indicators.append(_indicator("1.1-b", sensitivity=SBU))
        first.risks.append(Risk(statement="Coup by junior officers.", sensitivity=SBU))
        goals[1].description_sensitivity = SBU
    management = ManagementObjective(
        number="1",
        title="To improve management efficiency and emergency preparedness.",
        justification="Mission Mali operates in an undeveloped country.",
    )
    sections = [Section(title="Country Context", text="Mali is a landlocked country.")]
    if sbu:
        sections.append(Section(title="Transition Planning", text="Internal planning notes.", sensitivity=SBU))
    return Strategy(
        mission=Mission(country="Mali", post="Embassy Bamako", bureau="AF"),
        edition="2018",
        layout=2018,
        fiscal_year_start=2019,
        fiscal_year_end=2022,
        classification="FOR PUBLIC RELEASE" if not sbu else "SENSITIVE BUT UNCLASSIFIED",
        approved_date=dt.date(2018, 10, 3),
        review_dates=[dt.date(2019, 11, 15)],
        priorities="Once lauded for over 20 years of democratic stability, Mali faces crises.\n\n"
        "In pursuit of these goals, U.S. priorities include a stable democracy.",
        sections=sections,
        goals=goals,
        management_objectives=[management],
    )
