"""Hand-built documents for tests that must not depend on the parser."""

from __future__ import annotations

import datetime as dt

from icsplan import document as doc


def sample_document(country: str = "Testland", goals: int = 2, objectives_per_goal: int = 2) -> doc.Strategy:
    """A strategy exercising every field of the canonical model's structure."""
    goal_list = []
    for g in range(1, goals + 1):
        objectives = []
        for o in range(1, objectives_per_goal + 1):
            number = f"{g}.{o}"
            objectives.append(doc.Objective(
                number=number, title=f"Objective {number} title",
                framework_title=f"Objective {number} framework wording" if o == 1 else None,
                justification=f"Why {number} matters.\n\nSecond paragraph of {number}.",
                justification_sensitivity=doc.Sensitivity.SBU if o == 2 else doc.Sensitivity.PUBLIC,
                linkages=["CDCS DO2", "SDG 4"] if o == 1 else [],
                linkages_text="Links with CDCS DO2 and SDG 4." if o == 1 else None,
                risks=[doc.Risk(statement=f"Risks associated with not achieving {number} include delay.",
                                in_narrative=False, likelihood="medium", impact="high",
                                mitigation="Coordinate with partners.", owner="POL/ECON")],
                sub_objectives=[doc.SubObjective(number=f"{number}.1", title=f"Sub-objective {number}.1",
                                                 justification="Sub why.", linkages=["JRS Goal 1"])],
            ))
        goal_list.append(doc.Goal(
            number=str(g), title=f"Goal {g} title", description=f"Goal {g} description.",
            description_sensitivity=doc.Sensitivity.PUBLIC, linkages=["NSS Pillar 1"], objectives=objectives,
        ))
    return doc.Strategy(
        mission=doc.Mission(country=country, post=f"Embassy {country}", bureau="AF"),
        edition="2022", layout=2022, fiscal_year_start=2022, fiscal_year_end=2026,
        classification="FOR PUBLIC RELEASE", approved_date=dt.date(2022, 5, 1),
        review_dates=[dt.date(2023, 6, 1)], priorities="Priority one.\n\nPriority two.",
        sections=[doc.Section(title="Country Context", text="Context text.")],
        goals=goal_list,
        management_objectives=[doc.ManagementObjective(
            number="1", title="Management objective 1", justification="Support platform.",
            sub_objectives=[doc.SubObjective(number="1.1", title="Management sub-objective")],
        )],
    )
