"""SBU text never reaches those who may not read it: anonymous callers, viewers, members of other
missions and tokens limited to another mission — in lists, single reads, the tree, the document,
search and exports. Every SBU field of the world holds a canary string."""

from __future__ import annotations

import pytest

from icsplan.indicators.models import Indicator, Result, Target
from icsplan.strategies import models as sm

from .conftest import Api, token_for

CANARY = "CANARY-SBU-"


def _urls(world) -> list[str]:
    s = world.strategy.pk
    m = world.mission.pk
    # Members of the other mission legitimately read *its* canaries: look at Testland only.
    urls = [
        "missions", f"missions/{m}", f"strategies?mission={m}", f"strategies/{s}", f"strategies/{s}/tree",
        f"strategies/{s}/document", "exports/strategies/%d/md" % s, "exports/strategies/%d/json" % s,
        f"search?q=CANARY&mission={m}", f"search?q=canary-sbu&kind=risk&mission={m}", f"search?q=7f3a&strategy={s}",
    ]
    for resource in ("goals", "objectives", "sub-objectives", "management-objectives", "linkages", "risks",
                     "indicators", "targets", "results"):
        urls.append(f"{resource}?strategy={s}&page_size=500")
    for model, resource in ((sm.Goal, "goals"), (sm.Objective, "objectives"), (sm.SubObjective, "sub-objectives"),
                            (sm.ManagementObjective, "management-objectives"), (sm.Risk, "risks"),
                            (Indicator, "indicators"), (Target, "targets"), (Result, "results")):
        for pk in model.objects.filter(strategy=world.strategy).values_list("pk", flat=True):
            urls.append(f"{resource}/{pk}")
    return urls


def _get(api: Api, url: str):
    path, _, query = url.partition("?")
    params = dict(part.split("=", 1) for part in query.split("&")) if query else {}
    return api.get(path, **params)


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "other_member", "other_analyst", "mission_token"])
def test_no_sbu_for_those_who_may_not_read_it(world, persona):
    if persona == "anonymous":
        api = Api()
    elif persona == "mission_token":
        api = Api(token_for(world.user("admin"), scope="read", mission=world.other_mission))
    else:
        api = Api(token_for(world.user(persona), scope="read"))
    seen = 0
    for url in _urls(world):
        response = _get(api, url)
        assert response.status_code in (200, 404), (url, response.status_code, response.content[:200])
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert CANARY.encode() not in content, (persona, url)
        seen += response.status_code == 200
    assert seen > 20  # the public copy is there; only SBU is missing


def test_readers_do_see_sbu(world):
    api = Api(token_for(world.user("reader"), scope="read"))
    assert CANARY in api.get(f"strategies/{world.strategy.pk}/tree").content.decode()
    assert api.get("search", q="CANARY").json()["count"] > 0
    sbu_results = api.get("results", strategy=world.strategy.pk, page_size=500).json()["items"]
    assert any(r["sensitivity"] == "sbu" for r in sbu_results)
