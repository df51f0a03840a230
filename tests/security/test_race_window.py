"""The race windows of "create if absent" over the API, made deterministic.

``POST /results`` and ``POST /targets`` look up the row first (no row: a create, no If-Match
needed) and then call the service, which locks and re-reads. Found by the HTTP concurrency test:
when another request stored the same row between the two reads, the second "create" silently
overwrote the first one and both clients were told 201. Now the handler tells the service it
expects a new row, and the late one gets a conflict (412, as for a stale ETag); a unique-constraint error from a truly simultaneous
insert is a 409 problem too, never a 500.
"""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError
from django.test import Client

from icsplan.accounts.actors import SYSTEM
from icsplan.indicators.models import Indicator, Result, Target

pytestmark = pytest.mark.django_db


def _post(token, path, body):
    return Client().post(path, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture()
def editor_token(world):
    from icsplan.accounts.services import create_token

    return create_token(world.user("editor"), scope="write", actor=SYSTEM)[1]


@pytest.mark.parametrize("path, model", [("/api/v1/results", Result), ("/api/v1/targets", Target)])
def test_a_create_that_lost_the_race_is_a_conflict_not_an_overwrite(world, editor_token, monkeypatch, path, model):
    from icsplan.api.routers.indicators import values as router

    # Targets belong to the edition (the draft is edited directly); results to the edition in force.
    edition = world.draft if model is Target else world.strategy
    indicator = Indicator.objects.get(strategy=edition, code="1.1-P")
    first = _post(editor_token, path, {"indicator": indicator.pk, "period": "FY2026", "value": "1"})
    assert first.status_code == 201, first.content
    # The second request read "no such row" just before the first one committed.
    monkeypatch.setattr(router, "_existing", lambda *args, **kwargs: None)
    second = _post(editor_token, path, {"indicator": indicator.pk, "period": "FY2026", "value": "2"})
    # The API answers a stale version found by the service as 412, like a stale If-Match.
    assert second.status_code in (409, 412), second.content
    assert second["Content-Type"].startswith("application/problem+json")
    assert second.json()["code"] in ("conflict", "precondition-failed")
    assert list(model.objects.filter(indicator=indicator, period="FY2026").values_list("value", flat=True)) == ["1"]


def test_a_unique_constraint_race_is_a_409_problem(world, editor_token, monkeypatch):
    from icsplan.indicators import services

    def collide(*args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "unique_result"')

    monkeypatch.setattr(services, "submit_result", collide)
    indicator = Indicator.objects.get(strategy=world.strategy, code="1.1-P")
    response = _post(editor_token, "/api/v1/results", {"indicator": indicator.pk, "period": "FY2026", "value": "1"})
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert "unique_result" not in response.content.decode()  # no database internals in the answer
