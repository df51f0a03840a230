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


def _narratives(node, out):
    """Every (text, marking) pair of narrative fields in a response, recursively."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_sensitivity"):
                out.append((node.get(key[: -len("_sensitivity")]), value))
            else:
                _narratives(value, out)
    elif isinstance(node, list):
        for item in node:
            _narratives(item, out)
    return out


def test_withheld_narratives_carry_no_marking(world, api_as):
    """Those who may not read SBU get null for withheld narratives and no sensitivity marking on
    any narrative, so a withheld one cannot be told from an empty one; readers get the markings."""
    s = world.strategy.pk
    urls = [f"strategies/{s}", f"strategies/{s}/tree", f"objectives?strategy={s}", f"goals?strategy={s}",
            f"sub-objectives?strategy={s}", f"management-objectives?strategy={s}"]
    public = []
    for api in (Api(), api_as("viewer", scope="read"), api_as("other_member", scope="read")):
        for url in urls:
            public += _narratives(_get(api, url).json(), [])
    assert len(public) > 50
    assert {marking for _text, marking in public} == {None}
    assert any(text is None for text, _m in public) and any(text for text, _m in public)
    reader = []
    for url in urls:
        reader += _narratives(_get(api_as("reader", scope="read"), url).json(), [])
    assert {marking for _text, marking in reader} == {"public", "sbu"}
    assert all(text for text, marking in reader if marking == "sbu")


def test_openapi_documents_the_narrative_rule(world):
    schema = Api().get("/api/v1/openapi.json").json()
    assert "withheld narrative and an empty one" in schema["info"]["description"]
    objective = schema["components"]["schemas"]["ObjectiveSchema"]["properties"]["justification_sensitivity"]
    assert "null" in objective["description"] and "justification_sensitivity" not in \
        schema["components"]["schemas"]["ObjectiveSchema"].get("required", [])
