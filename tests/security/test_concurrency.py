"""Concurrency at the service level on PostgreSQL: 20 threads at once, no lost update, no lost or
duplicated row. (SQLite serialises writers, and the in-memory test database is not shared between
threads, so these run on PostgreSQL only.)"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from icsplan.errors import ConflictError, IcsplanError

from .world import build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, shared database)"),
]
THREADS = 20


def _run_all(fn, args):
    barrier = threading.Barrier(len(args))

    def call(arg):
        try:
            barrier.wait(timeout=30)
            return fn(arg)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(args)) as pool:
        return list(pool.map(call, args))


def test_twenty_editors_of_one_objective_one_wins_the_rest_conflict():
    from icsplan.strategies import models as m
    from icsplan.strategies import services

    world = build_world()
    objective = world.draft.objectives.get(number="1.1")  # a draft: edited directly
    editor = world.user("editor")
    outcomes = _run_all(
        lambda i: services.update_element(m.Objective.objects.get(pk=objective.pk), {"title": f"Version by {i}"},
                                          expected_version=1, actor=editor),
        list(range(THREADS)),
    )
    wins = [o for o in outcomes if isinstance(o, m.Objective)]
    conflicts = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(wins) == 1 and len(conflicts) == THREADS - 1, outcomes
    fresh = m.Objective.objects.get(pk=objective.pk)
    assert fresh.version == 2 and fresh.title == wins[0].title
    assert fresh.history.filter(history_type="~").count() == 1


def test_twenty_concurrent_result_submissions_no_lost_or_duplicated_row():
    pytest.importorskip("icsplan.indicators.services")
    from icsplan.indicators import models as im
    from icsplan.indicators import services as isv

    world = build_world()
    editor = world.user("editor")
    indicators = list(im.Indicator.objects.filter(strategy=world.strategy).order_by("pk"))
    taken = set(im.Result.objects.values_list("indicator_id", "period"))
    pairs = [(ind.pk, period) for period in ("FY2022", "FY2025", "FY2026") for ind in indicators
             if (ind.pk, period) not in taken][:THREADS]
    assert len(pairs) == THREADS
    before = im.Result.objects.count()

    def submit(pair):
        indicator_pk, period = pair
        return isv.submit_result(im.Indicator.objects.get(pk=indicator_pk), period, "5", expected_version=0,
                                 actor=editor)

    outcomes = _run_all(submit, pairs)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors
    assert im.Result.objects.count() == before + THREADS
    for indicator_pk, period in pairs:
        assert im.Result.objects.filter(indicator_id=indicator_pk, period=period).count() == 1

    # The same result submitted 20 times at once: one row, and every failure is a clean icsplan error.
    indicator = indicators[0]
    outcomes = _run_all(lambda i: isv.submit_result(im.Indicator.objects.get(pk=indicator.pk), "FY2026",
                                                    str(i), expected_version=0, actor=editor), list(range(THREADS)))
    assert all(not isinstance(o, Exception) or isinstance(o, IcsplanError) for o in outcomes), outcomes
    assert im.Result.objects.filter(indicator=indicator, period="FY2026").count() == 1


def test_twenty_concurrent_first_web_entries_one_winner_clean_conflicts():
    """The results form of a result that does not exist yet carries version 0 ("there was none"):
    of 20 people saving the same first entry at once one wins, the others are told it changed
    meanwhile — no lost update, no duplicate, no server error."""
    from django.test import Client
    from django.urls import reverse

    from icsplan.indicators import models as im

    world = build_world()
    indicator = im.Indicator.objects.get(strategy=world.strategy, code="1.1-P")
    url = reverse("web:result-save", args=[world.mission.slug, indicator.pk])
    clients = []
    for _ in range(THREADS):
        client = Client(raise_request_exception=False)
        client.force_login(world.user("editor"))
        clients.append(client)

    def save(i):
        return clients[i].post(url, {f"i{indicator.pk}-period": "FY2026", f"i{indicator.pk}-version": "0",
                                     f"i{indicator.pk}-value": str(i)}, HTTP_HX_REQUEST="true")

    outcomes = _run_all(save, list(range(THREADS)))
    assert all(not isinstance(o, Exception) and o.status_code == 200 for o in outcomes), outcomes
    saved = [i for i, o in enumerate(outcomes) if b"draft saved" in o.content]
    refused = [o for o in outcomes if b"changed by someone else" in o.content]
    assert len(saved) == 1 and len(refused) == THREADS - 1
    rows = list(im.Result.objects.filter(indicator=indicator, period="FY2026").values_list("value", "version"))
    assert rows == [(str(saved[0]), 1)]
