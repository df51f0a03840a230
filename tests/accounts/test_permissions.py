"""The permission layer: restrict, get_restricted, can/require, reporter scope, SBU visibility."""

from __future__ import annotations

import pytest

from icsplan.accounts.actors import SYSTEM
from icsplan.accounts import permissions as p
from icsplan.accounts.redaction import WITHHELD, document_for, redact_history_diff
from icsplan.errors import InputError, NotFoundError, PermissionDenied
from icsplan.strategies import models as m
from security.world import CANARY_PREFIX, PERSONAS, SBU_READERS

pytestmark = pytest.mark.django_db


def _anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def _u(world, persona):
    return world.user(persona) or _anon()


def test_restrict_strategies_per_persona(world):
    # A draft is work in progress: the mission's editors and approvers (and admins) only.
    expected_drafts = {"editor", "approver", "admin"}
    for persona in PERSONAS:
        user = _u(world, persona)
        visible = set(p.restrict(m.Strategy.objects.all(), user, "view_public").values_list("pk", flat=True))
        assert world.strategy.pk in visible and world.other_strategy.pk in visible, persona
        assert (world.draft.pk in visible) == (persona in expected_drafts), persona


def test_get_restricted_answers_not_found_for_missing_and_forbidden(world):
    viewer = world.user("viewer")
    with pytest.raises(NotFoundError):
        p.get_restricted(m.Strategy.objects.all(), viewer, "view_public", pk=world.draft.pk)
    with pytest.raises(NotFoundError):
        p.get_restricted(m.Strategy.objects.all(), viewer, "view_public", pk=987654)


def test_require_distinguishes_visible_from_invisible(world):
    reader = world.user("reader")
    with pytest.raises(PermissionDenied):
        p.require(reader, "edit", world.strategy)
    with pytest.raises(NotFoundError):
        p.require(world.user("other_member"), "edit", world.draft)
    p.require(world.user("editor"), "edit", world.draft)
    p.require(world.user("approver"), "approve", world.strategy)


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_sensitivities(world, persona):
    got = p.visible_sensitivities(_u(world, persona), world.mission)
    assert got == ({"public", "sbu"} if persona in SBU_READERS else {"public"})


def test_inactive_and_anonymous_users_have_no_membership_rights(world):
    reader = world.user("reader")
    reader.is_active = False
    assert not p.can(reader, "view", world.mission)
    assert not p.can(_anon(), "view", world.mission)
    assert p.can(_anon(), "view_public", world.strategy)
    assert not p.can(_anon(), "view_public", world.draft)


def test_reporter_reports_only_on_assignments(world):
    reporter = world.user("reporter")
    obj11 = world.strategy.objectives.get(number="1.1")
    obj12 = world.strategy.objectives.get(number="1.2")
    sub111 = world.strategy.sub_objectives.get(number="1.1.1")
    mo = world.strategy.management_objectives.get()
    assert p.can_report(reporter, obj11)
    assert p.can(reporter, "report", obj11)
    assert p.can_report(reporter, sub111)  # covered by its objective
    assert not p.can_report(reporter, obj12)
    assert not p.can_report(reporter, mo)
    assert p.can(reporter, "report", world.mission)  # mission level: may report somewhere

    class FakeIndicator:  # the indicators app's model shape: element keys and a responsible section
        mission_lookup = "strategy__mission"

        def __init__(self, objective, responsible):
            self.strategy = world.strategy
            self.objective, self.objective_id = objective, objective.pk
            self.responsible = responsible

    assert p.can_report(reporter, FakeIndicator(obj12, "POL/ECON"))  # by section
    assert p.can_report(reporter, FakeIndicator(obj12, "pol/econ, USAID"))
    assert not p.can_report(reporter, FakeIndicator(obj12, "USAID"))
    assert p.can_report(reporter, FakeIndicator(obj11, "USAID"))  # by objective

    class FakeResult:
        def __init__(self, indicator):
            self.indicator = indicator

    assert not p.can_report(reporter, FakeResult(FakeIndicator(obj12, "DAO")))
    for persona in ("editor", "admin"):
        assert p.can_report(world.user(persona), obj12), persona
    for persona in ("viewer", "reader", "approver", "analyst", "other_member", "other_analyst"):
        assert not p.can_report(world.user(persona), obj11), persona
    assert not p.can_report(_anon(), obj11)
    scope = p.reporter_scope(reporter, world.mission)
    assert scope.objective_ids == {obj11.pk} and scope.sections == {"pol/econ"}
    assert p.reporter_scope(world.user("editor"), world.mission) is None


def test_reportable_keeps_what_can_report_allows(world):
    """``reportable`` (a list, the scope read once per mission) answers as ``can_report`` does for
    each object, for every persona and across missions, in the list's order."""
    from icsplan.indicators.models import Indicator

    rows = list(Indicator.objects.filter(strategy__in=[world.strategy, world.other_strategy])
                .select_related("strategy__mission", "sub_objective").order_by("strategy_id", "position", "pk"))
    rows = rows + list(world.strategy.objectives.all()) + list(world.strategy.management_objectives.all())
    assert rows
    for persona in PERSONAS:
        user = world.user(persona) or _anon()
        expected = [o for o in rows if p.can_report(user, o)]
        assert p.reportable(user, rows) == expected, persona
    reporter = world.user("reporter")
    mine = p.reportable(reporter, rows)
    assert mine and len(mine) < len(rows)  # the reporter's assignments narrow the list


def test_document_for_redacts_for_public_readers(world):
    for persona in PERSONAS:
        document = document_for(world.user(persona) if world.user(persona) else _anon(), world.strategy)
        text = document.to_json()
        if persona in SBU_READERS:
            assert CANARY_PREFIX in text, persona
        else:
            assert CANARY_PREFIX not in text, persona
            assert "Public justification 1.1." in text


def test_document_for_refuses_what_cannot_be_seen(world):
    with pytest.raises(NotFoundError):
        document_for(world.user("viewer"), world.draft)
    with pytest.raises(NotFoundError):
        document_for(_anon(), world.draft)
    assert CANARY_PREFIX in document_for(None, world.draft).to_json()  # the local operator


def test_history_diffs_hide_sbu_values_from_public_readers(world):
    changes = [
        {"field": "justification", "old": "secret old", "new": "secret new"},
        {"field": "title", "old": "A", "new": "B"},
    ]
    before = {"justification_sensitivity": "sbu"}
    after = {"justification_sensitivity": "sbu"}
    hidden = redact_history_diff(world.user("viewer"), world.mission, changes, before=before, after=after)
    assert hidden[0]["old"] == WITHHELD and hidden[0]["new"] == WITHHELD
    assert hidden[1] == changes[1]
    shown = redact_history_diff(world.user("reader"), world.mission, changes, before=before, after=after)
    assert shown == changes
    # Becoming public reveals the new text but never the old SBU one.
    flip = redact_history_diff(world.user("viewer"), world.mission, changes[0],
                               before={"justification_sensitivity": "sbu"},
                               after={"justification_sensitivity": "public"})
    assert flip["old"] == WITHHELD and flip["new"] == "secret new"
    risk = redact_history_diff(_anon(), world.mission, {"before": {"statement": "x", "sensitivity": "sbu"},
                                                          "after": {"statement": "y", "sensitivity": "sbu"}})
    assert risk["before"]["statement"] == WITHHELD and risk["after"]["statement"] == WITHHELD


def test_token_narrows_permissions(world):
    from icsplan.accounts.services import authenticate_token, create_token

    editor = world.user("editor")
    _, read_plain = create_token(editor, scope="read", actor=SYSTEM)
    user, token = authenticate_token(read_plain)
    assert p.can(user, "view", world.mission)
    assert not p.can(user, "edit", world.mission)
    _, write_plain = create_token(editor, scope="write", mission=world.mission, actor=SYSTEM)
    user, _ = authenticate_token(write_plain)
    assert p.can(user, "edit", world.mission)
    admin = world.user("admin")
    _, admin_plain = create_token(admin, scope="read", mission=world.other_mission, actor=SYSTEM)
    user, _ = authenticate_token(admin_plain)
    assert p.can(user, "view", world.other_mission) and not p.can(user, "view", world.mission)
    assert not p.can(user, "edit", world.other_mission)
    assert set(p.restrict(m.Strategy.objects.all(), user, "view").values_list("pk", flat=True)) == {
        world.other_strategy.pk}


def test_reporter_assigned_one_indicator_reports_on_it_alone(world):
    """An assignment to one indicator covers that indicator (and its results), not its siblings
    nor the objective it hangs from."""
    from django.contrib.auth import get_user_model

    from icsplan.accounts.services import add_membership, assign_reporter
    from icsplan.indicators.models import Indicator

    user = get_user_model().objects.create_user("single-indicator")
    membership = add_membership(user, "reporter", mission=world.mission, actor=SYSTEM)
    assert p.reporter_scope(user, world.mission).indicator_ids == set()
    chosen = Indicator.objects.get(strategy=world.strategy, code="2.2-S")
    sibling = Indicator.objects.get(strategy=world.strategy, code="2.2-P")
    assign_reporter(membership, indicator=chosen, actor=SYSTEM)
    user = get_user_model().objects.get(pk=user.pk)  # a fresh request: no cached scope
    assert p.reporter_scope(user, world.mission).indicator_ids == {chosen.pk}
    assert p.can_report(user, chosen) and p.can(user, "report", chosen)
    assert p.can_report(user, chosen.results.first())  # a result is judged by its indicator
    assert not p.can_report(user, sibling)
    assert not p.can_report(user, chosen.objective)
    # Another mission's indicator is refused by the service, with a sentence.
    other = Indicator.objects.filter(strategy=world.other_strategy).first()
    with pytest.raises(InputError, match="another mission"):
        assign_reporter(membership, indicator=other, actor=SYSTEM)
    with pytest.raises(InputError, match="exactly one"):
        assign_reporter(membership, indicator=chosen, responsible_section="USAID", actor=SYSTEM)
