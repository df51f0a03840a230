"""The whole tree in one request, with a constant number of SQL queries whatever its size."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from icsplan.accounts.actors import SYSTEM
from icsplan.strategies import services

from .conftest import Api


def _big_document(goals: int, objectives: int):
    from tests.security.world import canary_document

    document = canary_document(country=f"Bigland{goals}")
    template = document.goals[0]
    document.goals = []
    for g in range(1, goals + 1):
        goal = template.model_copy(deep=True)
        goal.number = str(g)
        goal.objectives = []
        for o in range(1, objectives + 1):
            objective = template.objectives[o % 2].model_copy(deep=True)
            objective.number = f"{g}.{o}"
            for sub in objective.sub_objectives:
                sub.number = f"{g}.{o}.1"
            for i, indicator in enumerate(objective.indicators):
                indicator.code = f"{g}.{o}-{i}"
            goal.objectives.append(objective)
        document.goals.append(goal)
    return document


def _queries(api: Api, strategy) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(f"strategies/{strategy.pk}/tree")
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries), response.json()


def test_tree_query_count_is_constant(world, api_as):
    small = services.import_strategy(_big_document(2, 2), status="approved", actor=SYSTEM)
    large = services.import_strategy(_big_document(6, 8), status="approved", actor=SYSTEM)
    api = Api()
    small_count, small_tree = _queries(api, small)
    large_count, large_tree = _queries(api, large)
    assert len(large_tree["goals"]) == 6 and len(large_tree["goals"][0]["objectives"]) == 8
    indicators = sum(len(o["indicators"]) for g in large_tree["goals"] for o in g["objectives"])
    assert indicators >= 48
    assert small_count == large_count, (small_count, large_count)
    assert large_count <= 16
    # The same for a member who reads SBU (a different filtering path).
    reader = api_as("admin", scope="read")
    reader.get("missions")  # the token's first use writes last_used_at once: not part of the tree
    assert _queries(reader, small)[0] == _queries(reader, large)[0]


def test_tree_carries_indicators_and_latest_status(world):
    tree = Api().get(f"strategies/{world.strategy.pk}/tree").json()
    objective = tree["goals"][0]["objectives"][0]
    assert objective["linkages"][0]["tag"] == "CDCS DO2"
    indicator = objective["indicators"][0]
    assert indicator["code"] == "1.1-P"
    assert indicator["latest"]["status"] in {"on_track", "at_risk", "off_track", "no_data", "not_rated"}
    assert {"id", "period", "status"} <= set(indicator["results"][0])


def _validated_body(tree: dict) -> bytes:
    """What ninja would send had it validated the tree through its response schema."""
    import json

    from ninja.responses import NinjaJSONEncoder

    from icsplan.api.tree import TreeSchema

    return json.dumps(TreeSchema.model_validate(tree).model_dump(), cls=NinjaJSONEncoder).encode()


def _same_instants(body: bytes) -> bytes:
    """``body`` with ``.000`` millisecond fractions dropped from timestamps.

    Django's JSON encoder writes milliseconds only when a timestamp has microseconds, so a stored
    time of 12:00:00.000400 reaches the client as ``12:00:00.000Z``, which parses back to a time
    with none and is written ``12:00:00Z``: the same instant, two spellings.
    """
    return re.sub(rb"\.000(?=Z|[+-]\d\d:\d\d)", b"", body)


def test_tree_body_is_exactly_what_its_schema_would_produce(world, api_as):
    """The tree skips response validation for speed: its body must equal the validated one, for
    the public copy and for readers of SBU, on a tree with breakdowns, baselines and statuses."""
    from icsplan.indicators import services as indicators
    from icsplan.indicators.models import Indicator
    from icsplan.strategies.services.gate import applying_revision

    indicator = Indicator.objects.get(strategy=world.strategy, code="1.1-P")
    with applying_revision():  # the edition in force: as an approved revision would set them
        indicators.set_baseline(indicator, "2", expected_version=0, actor=SYSTEM)
        indicators.define_disaggregation(indicator, "sex", ["female", "male"], expected_version=0, actor=SYSTEM)
    big = services.import_strategy(_big_document(3, 3), status="approved", actor=SYSTEM)
    callers = [Api(), api_as("viewer", scope="read"), api_as("reader", scope="read"), api_as("admin", scope="read")]
    checked = 0
    for strategy in (world.strategy, world.draft, big):
        for api in callers:
            response = api.get(f"strategies/{strategy.pk}/tree")
            if response.status_code == 404:  # the draft, for the public and readers
                continue
            assert response.status_code == 200, response.content[:300]
            assert response["Content-Type"] == "application/json; charset=utf-8"
            assert response["ETag"]
            assert _same_instants(response.content) == _same_instants(_validated_body(response.json())), strategy
            again = api.get(f"strategies/{strategy.pk}/tree", headers={"If-None-Match": response["ETag"]})
            assert again.status_code == 304
            checked += 1
    assert checked == 9  # the draft: for the admin only among these callers
    statuses = {i["latest"]["status"] for g in Api().get(f"strategies/{world.strategy.pk}/tree").json()["goals"]
                for o in g["objectives"] for i in o["indicators"]}
    assert statuses - {"no_data"}, "some indicator should have a computed status"
