"""Fixtures of the review tests: the Mali 2018 strategy (approved, with the demo's sample
indicators) and one person per role of Mission Mali."""

from __future__ import annotations

import pytest

from icsplan.accounts.actors import SYSTEM


@pytest.fixture(scope="module")
def mali_built(django_db_setup, django_db_blocker, mali_parsed):
    from icsplan.indicators.demo import demo_stage
    from icsplan.strategies import services
    from tests.shared_rows import built_once

    def build():
        row = services.import_strategy(mali_parsed.model_copy(deep=True), edition="2018", status="approved",
                                       actor=SYSTEM)
        demo_stage(row)
        return row

    with built_once(django_db_blocker, build) as built:
        yield built


@pytest.fixture()
def mali(request, mali_built, db):
    """Mali 2018, approved, with sample indicators FY2019–FY2022 (built once per module, rolled back
    after each test: see tests/conftest.py)."""
    from tests.shared_rows import fresh_copy

    return fresh_copy(request, mali_built)


@pytest.fixture()
def people(mali):
    """One user per role of Mission Mali; the reporter owns objective 1.1 only."""
    from icsplan.accounts.services import assign_reporter
    from tests.security.world import make_user

    mission = mali.mission
    users = {role: make_user(f"mali-{role}", role, mission=mission)
             for role in ("viewer", "reader", "reporter", "editor", "approver")}
    users["approver2"] = make_user("mali-approver2", "approver", mission=mission)
    users["outsider"] = make_user("nowhere-editor", None)
    assign_reporter(users["reporter"].memberships.get(), objective=mali.objectives.get(number="1.1"), actor=SYSTEM)
    return users
