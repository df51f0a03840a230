"""``accounts.redaction``: the audience, query narrowing and history judged by current visibility."""

from __future__ import annotations

import pytest

from icsplan.accounts import redaction
from icsplan.accounts.redaction import OPERATOR, PUBLIC_AUDIENCE, WITHHELD, audience_for, visible

pytestmark = pytest.mark.django_db


@pytest.fixture()
def world(db):
    from tests.security.world import build_world

    return build_world()


@pytest.fixture()
def unapproved(world):
    from icsplan.indicators import models as im

    indicator = im.Indicator.objects.get(strategy=world.strategy, code="1.1-P")
    common = {"strategy": world.strategy, "indicator": indicator}
    return [
        im.Result.objects.create(**common, period="FY2025", value="1", status="submitted"),
        im.Result.objects.create(**common, period="FY2026", value="2", status="returned", return_reason="why"),
        im.Result.objects.create(**common, period="FY2022", value="3", status="draft"),
    ]


def test_the_audience_follows_the_view_action(world):
    mission = world.mission
    for persona in ("reader", "reporter", "editor", "approver", "analyst", "admin"):
        audience = audience_for(world.user(persona))
        assert audience.reads_sbu(mission) and audience.reads_unapproved(mission), persona
    for persona in ("viewer", "other_member", "other_analyst"):
        audience = audience_for(world.user(persona))
        assert audience.public_only(mission) and not audience.reads_unapproved(mission.pk), persona
    from django.contrib.auth.models import AnonymousUser

    assert audience_for(AnonymousUser()).public_only(mission)
    assert audience_for(None) is OPERATOR and not OPERATOR.public_only(mission)
    assert audience_for(PUBLIC_AUDIENCE) is PUBLIC_AUDIENCE


def test_results_are_narrowed_in_the_query(world, unapproved):
    from icsplan.indicators import models as im

    rows = im.Result.objects.filter(strategy=world.strategy)
    public = set(rows.visible_to(world.user("viewer")).values_list("status", "sensitivity", "indicator__sensitivity"))
    assert public == {("approved", "public", "public")}
    assert rows.visible_to(world.user("reader")).count() == rows.count()
    assert rows.visible_to(None).count() == rows.count()
    # Another mission's reader reads this mission as the public does.
    assert set(rows.visible_to(world.user("other_member"))) == set(rows.visible_to(PUBLIC_AUDIENCE))


def test_every_row_kind_is_narrowed(world):
    from icsplan.indicators import models as im
    from icsplan.strategies import models as sm

    viewer = world.user("viewer")
    assert not im.Indicator.objects.filter(strategy=world.strategy, sensitivity="sbu").visible_to(viewer).exists()
    assert im.Indicator.objects.filter(strategy=world.strategy).visible_to(viewer).exists()
    targets = im.Target.objects.filter(strategy=world.strategy).visible_to(viewer)
    assert set(targets.values_list("sensitivity", "indicator__sensitivity")) == {("public", "public")}
    assert not sm.Risk.objects.filter(strategy=world.strategy, sensitivity="sbu").visible_to(viewer).exists()
    assert not sm.Section.objects.filter(strategy=world.strategy, sensitivity="sbu").visible_to(viewer).exists()


def test_a_risk_quoted_from_an_sbu_narrative_is_hidden_in_the_query(world):
    from icsplan.strategies import models as sm

    sbu_objective = sm.Objective.objects.get(strategy=world.strategy, number="1.2")
    public_objective = sm.Objective.objects.get(strategy=world.strategy, number="1.1")
    quoted = sm.Risk.objects.create(strategy=world.strategy, objective=sbu_objective, in_narrative=True, statement="q")
    kept = sm.Risk.objects.create(strategy=world.strategy, objective=public_objective, in_narrative=True, statement="k")
    public = set(sm.Risk.objects.visible_to(world.user("viewer")))
    assert kept in public and quoted not in public
    assert quoted in set(sm.Risk.objects.visible_to(world.user("reader")))


def test_an_unknown_model_is_refused_not_shown():
    from icsplan.strategies import models as sm

    with pytest.raises(TypeError):
        visible(sm.Linkage.objects.all(), PUBLIC_AUDIENCE)


def test_history_applies_the_current_marking_to_every_version(world):
    """Text saved while public and marked SBU later is withheld from its old versions too."""
    viewer, mission = world.user("viewer"), world.mission
    before = {"justification": "old public text", "justification_sensitivity": "public"}
    after = {"justification": "newer text", "justification_sensitivity": "public"}
    change = {"field": "justification", "old": "old public text", "new": "newer text"}
    current = {"justification_sensitivity": "sbu"}
    shown = redaction.redact_history_diff(viewer, mission, [change], before=before, after=after)
    assert shown == [change]  # public then and now: shown
    hidden = redaction.redact_history_diff(viewer, mission, [change], before=before, after=after, current=current)
    assert hidden[0]["old"] == WITHHELD and hidden[0]["new"] == WITHHELD
    reader = redaction.redact_history_diff(world.user("reader"), mission, [change], before=before, after=after,
                                           current=current)
    assert reader == [change]
    snapshot = redaction.redact_snapshot({"statement": "risk text", "sensitivity": "public", "id": 4},
                                         current={"sensitivity": "sbu"})
    assert snapshot == {"statement": WITHHELD, "sensitivity": "public", "id": 4}


def test_history_hides_rows_the_public_may_not_read_now_deleted_ones_included(world):
    """Risks SBU now, quoted from an SBU narrative, or deleted after being SBU have no history
    for the public; a public risk keeps its history."""
    from icsplan.strategies import models as sm

    objective = sm.Objective.objects.get(strategy=world.strategy, number="1.2")  # SBU justification
    public_risk = sm.Risk.objects.create(strategy=world.strategy, objective=objective, statement="public")
    quoted = sm.Risk.objects.create(strategy=world.strategy, objective=objective, statement="q", in_narrative=True)
    deleted_sbu = sm.Risk.objects.create(strategy=world.strategy, objective=objective, statement="s", sensitivity="sbu")
    deleted_quoted = sm.Risk.objects.create(strategy=world.strategy, objective=objective, statement="d",
                                            in_narrative=True)
    ids = {deleted_sbu.pk, deleted_quoted.pk}
    deleted_sbu.delete()
    deleted_quoted.delete()
    records = list(sm.Risk.history.filter(objective_id=objective.pk))
    hidden = redaction.hidden_history_rows(world.user("viewer"), world.mission, sm.Risk, records, element=objective)
    sbu_now = set(sm.Risk.objects.filter(objective=objective, sensitivity="sbu").values_list("pk", flat=True))
    assert hidden == sbu_now | {quoted.pk} | ids
    assert public_risk.pk not in hidden
    assert redaction.hidden_history_rows(world.user("reader"), world.mission, sm.Risk, records,
                                         element=objective) == set()
