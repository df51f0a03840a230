"""Fixtures for the web pages: a generated mission of any size with one account per role."""

from __future__ import annotations

import datetime as dt

import pytest

from icsplan.accounts.actors import SYSTEM
from icsplan import document as doc

CANARY = "CANARY-SBU-WEB-51c2"
PASSWORD = "demo-password-2018"


def make_document(country: str = "Testland", goals: int = 2, objectives: int = 2, indicators: int = 2) -> doc.Strategy:
    """An approved-looking strategy: every objective with indicators (targets, approved results)
    and one SBU narrative holding a canary string."""
    goal_list = []
    for g in range(1, goals + 1):
        objective_list = []
        for o in range(1, objectives + 1):
            number = f"{g}.{o}"
            inds = []
            for i in range(indicators):
                code = f"{number}-{chr(65 + i)}"
                inds.append(doc.Indicator(
                    code=code, name=f"People reached {code}", unit="people", responsible="POL/ECON" if o == 1 else "USAID",
                    baseline=doc.Baseline(value="100"),
                    targets=[doc.PeriodValue(period=f"FY{y}", value=str(100 + 50 * (y - 2022))) for y in range(2023, 2026)],
                    results=[doc.PeriodValue(period="FY2023", value="150" if i == 0 else "90", status="approved")],
                ))
            objective_list.append(doc.Objective(
                number=number, title=f"Objective {number} title",
                justification=f"{CANARY} secret of {number}" if (g, o) == (1, 2) else f"Why {number} matters.",
                justification_sensitivity=doc.Sensitivity.SBU if (g, o) == (1, 2) else doc.Sensitivity.PUBLIC,
                linkages=["CDCS DO2", "SDG 4"],
                risks=[doc.Risk(statement=f"Risk of {number}.", likelihood="medium", impact="high")],
                sub_objectives=[doc.SubObjective(number=f"{number}.1", title=f"Sub-objective {number}.1")],
                indicators=inds,
            ))
        goal_list.append(doc.Goal(number=str(g), title=f"Goal {g} title", description=f"Goal {g} description.",
                                  objectives=objective_list))
    return doc.Strategy(
        mission=doc.Mission(country=country, post=f"Embassy {country}", bureau="AF"),
        edition="2022", layout=2022, fiscal_year_start=2023, fiscal_year_end=2025,
        classification="FOR PUBLIC RELEASE", approved_date=dt.date(2022, 5, 1),
        priorities="Priority one.\n\nPriority two.", goals=goal_list,
        management_objectives=[doc.ManagementObjective(number="1", title="Management objective 1",
                                                       justification="Support platform.")],
    )


def build_site(goals: int = 2, objectives: int = 2, indicators: int = 2, country: str = "Testland"):
    """Import the generated strategy as an approved edition and create the demo accounts for it."""

    from icsplan.accounts.demo import create_demo_users
    from icsplan.strategies import services

    row = services.import_strategy(make_document(country, goals, objectives, indicators), status="approved", actor=SYSTEM)
    create_demo_users(row)
    return row


@pytest.fixture(scope="module")
def site_built(django_db_setup, django_db_blocker):
    from tests.shared_rows import built_once

    with built_once(django_db_blocker, build_site) as built:
        yield built


@pytest.fixture()
def site(request, site_built, db):
    """The generated mission with the demo accounts, built once per module (see tests/conftest.py)."""
    from tests.shared_rows import fresh_copy

    return fresh_copy(request, site_built)


@pytest.fixture()
def login(client):
    """login("mali-editor") signs the test client in as a demo account."""
    from django.contrib.auth import get_user_model

    def _login(username: str):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return _login


@pytest.fixture(scope="module")
def prepare_served():
    """What a browser test module adds to the served demo (``test_browser.server``) before the
    server starts: a callable given the server's environment (it runs commands against the same
    database), or None. A module overrides it (test_browser_analyst.py)."""
    return None
