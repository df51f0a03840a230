"""A small world for access-control tests: two missions in two bureaus, one person per role, and
an approved edition of Testland's strategy with a unique canary string in every SBU-capable field.

``build_world()`` is called inside a test (or a fixture) with database access.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model

from icsplan.accounts.actors import SYSTEM
from icsplan import document as doc

PERSONAS = (
    "anonymous", "viewer", "reader", "reporter", "editor", "approver",
    "analyst", "other_analyst", "other_member", "admin",
)
#: personas that may read Testland's SBU text
SBU_READERS = frozenset({"reader", "reporter", "editor", "approver", "analyst", "admin"})

CANARY_PREFIX = "CANARY-SBU-"
#: personas that may read Otherland's SBU text
OTHER_SBU_READERS = frozenset({"other_analyst", "other_member", "admin"})


def canary_prefix(country: str) -> str:
    return f"{CANARY_PREFIX}{country}-"


def canary(name: str, country: str = "Testland") -> str:
    return f"{canary_prefix(country)}{name}-7f3a"


def canary_document(country: str = "Testland", bureau: str = "AF") -> doc.Strategy:
    def canary(name: str) -> str:
        return globals()["canary"](name, country)

    """A strategy whose every SBU-capable field holds a canary and is marked SBU, beside public text."""
    sbu, public = doc.Sensitivity.SBU, doc.Sensitivity.PUBLIC
    with_indicators = apps.is_installed("icsplan.indicators")

    def indicators(tag: str) -> list[doc.Indicator]:
        if not with_indicators:
            return []
        return [
            doc.Indicator(code=f"{tag}-P", name=f"Public indicator {tag}", responsible="POL/ECON",
                          definition="Counted every year.",
                          targets=[doc.PeriodValue(period="FY2023", value="10"),
                                   doc.PeriodValue(period="FY2024", value="99", sensitivity=sbu,
                                                   comment=canary(f"target-note-{tag}"))],
                          results=[doc.PeriodValue(period="FY2023", value="8", status="approved"),
                                   doc.PeriodValue(period="FY2024", value="77", sensitivity=sbu, status="approved",
                                                   comment=canary(f"result-note-{tag}"))]),
            doc.Indicator(code=f"{tag}-S", name=canary(f"indicator-name-{tag}"), sensitivity=sbu,
                          definition=canary(f"indicator-definition-{tag}"), responsible="USAID",
                          targets=[doc.PeriodValue(period="FY2023", value="5")],
                          results=[doc.PeriodValue(period="FY2023", value="4", status="approved")]),
        ]

    def risk(tag: str) -> list[doc.Risk]:
        return [
            doc.Risk(statement=f"Public risk of {tag}.", mitigation="Public mitigation.", owner="POL/ECON"),
            doc.Risk(statement=canary(f"risk-{tag}"), mitigation=canary(f"mitigation-{tag}"), owner="DAO",
                     sensitivity=sbu),
        ]

    def sub(number: str, sensitive: bool) -> doc.SubObjective:
        return doc.SubObjective(
            number=number, title=f"Sub-objective {number}",
            justification=canary(f"sub-justification-{number}") if sensitive else f"Public why {number}.",
            justification_sensitivity=sbu if sensitive else public,
            risks=risk(f"sub-{number}") if sensitive else [],
        )

    goals = []
    for g in (1, 2):
        objectives = []
        for o in (1, 2):
            n = f"{g}.{o}"
            sensitive = o == 2
            objectives.append(doc.Objective(
                number=n, title=f"Objective {n} title",
                justification=canary(f"justification-{n}") if sensitive else f"Public justification {n}.",
                justification_sensitivity=sbu if sensitive else public,
                linkages=["CDCS DO2"],
                linkages_text=canary(f"linkages-{n}") if sensitive else "Links with CDCS DO2.",
                linkages_text_sensitivity=sbu if sensitive else public,
                risks=risk(n),
                sub_objectives=[sub(f"{n}.1", sensitive)],
                indicators=indicators(n),
            ))
        goals.append(doc.Goal(
            number=str(g), title=f"Goal {g} title",
            description=canary(f"goal-description-{g}") if g == 2 else "Public goal description.",
            description_sensitivity=sbu if g == 2 else public,
            linkages=["NSS Pillar 1"], objectives=objectives,
        ))
    return doc.Strategy(
        mission=doc.Mission(country=country, post=f"Embassy {country}", bureau=bureau),
        edition="2022", fiscal_year_start=2022, fiscal_year_end=2026,
        approved_date=dt.date(2022, 5, 1),
        priorities=canary("priorities"), priorities_sensitivity=sbu,
        sections=[doc.Section(title="Country Context", text="Public context."),
                  doc.Section(title="Internal Assessment", text=canary("section"), sensitivity=sbu)],
        goals=goals,
        management_objectives=[doc.ManagementObjective(
            number="1", title="Management objective 1", justification=canary("mo-justification"),
            justification_sensitivity=sbu, risks=risk("mo-1"),
            sub_objectives=[doc.SubObjective(number="1.1", title="Management sub-objective",
                                             justification=canary("mo-sub"), justification_sensitivity=sbu)],
        )],
    )


@dataclass
class World:
    mission: object
    other_mission: object
    strategy: object
    draft: object
    other_strategy: object
    users: dict = field(default_factory=dict)

    def user(self, persona: str):
        return self.users.get(persona)


def make_user(username: str, role: str | None = None, *, mission=None, bureau=None):
    from icsplan.accounts.services import add_membership

    user = get_user_model().objects.create(username=username)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    if role:
        add_membership(user, role, mission=mission, bureau=bureau, actor=SYSTEM)
    return get_user_model().objects.get(pk=user.pk)


def build_world() -> World:
    from icsplan.accounts.services import assign_reporter
    from icsplan.strategies import services

    strategy = services.import_strategy(canary_document(), status="approved", actor=SYSTEM)
    mission = strategy.mission
    draft_doc = canary_document()
    draft_doc.edition = "2026"
    draft = services.import_strategy(draft_doc, mission=mission, status="draft", actor=SYSTEM)
    other_doc = canary_document("Otherland", "EUR")
    other_strategy = services.import_strategy(other_doc, status="approved", actor=SYSTEM)
    other_mission = other_strategy.mission
    world = World(mission=mission, other_mission=other_mission, strategy=strategy, draft=draft,
                  other_strategy=other_strategy)
    world.users["anonymous"] = None
    for role in ("viewer", "reader", "reporter", "editor", "approver"):
        world.users[role] = make_user(f"t-{role}", role, mission=mission)
    world.users["analyst"] = make_user("t-analyst", "analyst", bureau=mission.bureau)
    world.users["other_analyst"] = make_user("o-analyst", "analyst", bureau=other_mission.bureau)
    world.users["other_member"] = make_user("o-editor", "editor", mission=other_mission)
    world.users["admin"] = make_user("t-admin", "admin")
    reporter_membership = world.users["reporter"].memberships.get()
    assign_reporter(reporter_membership, objective=strategy.objectives.get(number="1.1"), actor=SYSTEM)
    assign_reporter(reporter_membership, responsible_section="POL/ECON", actor=SYSTEM)
    return world
