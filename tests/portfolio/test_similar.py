"""Similar objectives (TF-IDF over public text, stored and recounted when text changes) and
suggested linkages; only other missions' editions in force the actor may read."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import NotFoundError
from icsplan.portfolio import similarity
from icsplan.portfolio.models import ObjectiveTerms

from tests.security.world import CANARY_PREFIX, build_world, canary_document

pytestmark = pytest.mark.django_db


@pytest.fixture()
def world(db):
    from icsplan.strategies import services

    world = build_world()
    for country, title in (("Chad", "Free and fair elections and accountable governance"),
                           ("Benin", "Maternal health services reach rural women")):
        document = canary_document(country, "AF")
        document.goals[0].objectives[0].title = title
        services.import_strategy(document, status="approved", actor=SYSTEM)
    return world


def _retitle(objective, title):
    from icsplan.strategies import services

    from icsplan.strategies.services import applying_revision

    with applying_revision():  # as an approved revision applies it (the edition is in force)
        return services.update_element(objective, {"title": title}, expected_version=objective.version, actor=SYSTEM)


def test_the_most_similar_objectives_of_other_missions(world):
    objective = _retitle(world.strategy.objectives.get(number="1.1"), "Credible elections and accountable governance")
    ranking = similarity.similar_objectives(objective.pk, actor=world.user("viewer"))
    found = ranking.similar
    assert ranking.method == similarity.TFIDF  # no embedding stored: the fallback ranks
    assert found[0].objective.strategy.mission.country == "Chad" and found[0].objective.number == "1.1"
    assert {"election", "accountable", "governance"} <= set(found[0].shared)
    assert all(s.objective.strategy.mission_id != world.mission.pk for s in found)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_terms_are_stored_and_recounted_when_the_text_changes(world):
    objective = world.strategy.objectives.get(number="1.1")
    similarity.similar_objectives(objective.pk, actor=SYSTEM)
    stored = ObjectiveTerms.objects.get(objective=objective)
    assert "public" not in stored.terms or stored.terms  # computed once
    objective = _retitle(objective, "Maternal health for rural women")
    found = similarity.similar_objectives(objective.pk, actor=SYSTEM).similar
    assert found[0].objective.strategy.mission.country == "Benin"
    assert ObjectiveTerms.objects.get(objective=objective).digest != stored.digest


def test_sbu_text_never_counts(world):
    """The SBU justification of Testland 1.2 is not in its stored terms."""
    objective = world.strategy.objectives.get(number="1.2")
    similarity.similar_objectives(objective.pk, actor=world.user("reader"))
    terms = ObjectiveTerms.objects.get(objective=objective).terms
    assert "canary" not in terms and "justification" not in terms
    assert "objective" not in terms and "title" in terms


def test_suggested_linkages_for_an_objective_with_none(world):
    from icsplan.strategies import services

    goal = world.strategy.goals.get(number="1")
    with services.applying_revision():  # as an approved revision applies it (the edition is in force)
        lonely = services.create_objective(goal, {"number": "1.9", "title": "Objective 1.1 title"}, actor=SYSTEM)
    suggestions = similarity.similar_objectives(lonely.pk, actor=SYSTEM).suggestions
    assert suggestions and suggestions[0].tag == "CDCS DO2"
    linked = world.strategy.objectives.get(number="1.1")
    assert similarity.similar_objectives(linked.pk, actor=SYSTEM).suggestions == []


def test_drafts_and_hidden_objectives_are_not_found(world):
    draft_objective = world.draft.objectives.get(number="1.1")
    with pytest.raises(NotFoundError):
        similarity.similar_objectives(draft_objective.pk, actor=world.user("viewer"))
    with pytest.raises(TypeError):
        similarity.similar_objectives(draft_objective.pk, actor=None)


def test_pages_and_api_say_which_method_ranked(world):
    objective = world.strategy.objectives.get(number="1.1")
    page = Client().get(f"/objectives/{objective.pk}/similar/")
    assert page.status_code == 200 and "Chad" in page.content.decode()
    assert "Ranked by TF-IDF over public text" in page.content.decode()
    data = json.loads(Client().get(f"/api/v1/portfolio/objectives/{objective.pk}/similar?limit=3").content)
    assert len(data["similar"]) == 3 and CANARY_PREFIX not in json.dumps(data)
    assert data["method"] == "tf-idf" and data["pending"] == 0
