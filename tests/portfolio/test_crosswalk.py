"""The alignment crosswalk: catalogues as data (CSV/JSON, versioned), both directions, the flags."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import NotFoundError, PermissionDenied, ValidationError
from icsplan.portfolio import crosswalk as cw

from tests.security.world import build_world

pytestmark = pytest.mark.django_db

CSV = b"code,title,description\nDO1,Health,\nDO2,Democratic governance,Accountable institutions\nDO3,Growth,\n"


@pytest.fixture()
def world(db):
    world = build_world()
    cw.import_items("CDCS", "2020", cw.parse_items(CSV, "cdcs.csv"), actor=SYSTEM)
    return world


def _client(world, persona) -> Client:
    client = Client(REMOTE_ADDR="10.9.9.6")
    if world.user(persona) is not None:
        client.force_login(world.user(persona))
    return client


def test_both_directions_and_the_flags(world):
    from icsplan.strategies import services

    goal = world.strategy.goals.get(number="1")
    with services.applying_revision():  # as an approved revision applies it (the edition is in force)
        services.create_objective(goal, {"number": "1.9", "title": "Unaligned objective"}, actor=SYSTEM)
    walk = cw.crosswalk("cdcs", actor=world.user("reader"))
    supported = {row.item.code: sorted((o.mission.country, o.number) for o in row.objectives) for row in walk.items}
    assert supported["DO2"] == [("Otherland", n) for n in ("1.1", "1.2", "2.1", "2.2")] + \
        [("Testland", n) for n in ("1.1", "1.2", "2.1", "2.2")]
    assert [row.item.code for row in walk.unsupported] == ["DO1", "DO3"]
    assert all(o.items == ["DO2"] for o in walk.objectives)
    assert [(o.mission.country, o.number) for o in walk.unlinked] == [("Testland", "1.9")]
    assert cw.crosswalk("CDCS", actor=world.user("reader"), bureau="EUR").items[1].objectives[0].mission.country \
        == "Otherland"


def test_only_editions_in_force_the_actor_may_read(world):
    """The public sees approved editions; the 2026 draft of Testland is not in force anyway."""
    for persona in ("viewer", "reader"):
        walk = cw.crosswalk("CDCS", actor=world.user(persona))
        assert {o.strategy.edition for o in walk.objectives} == {"2022"}
    from django.contrib.auth.models import AnonymousUser

    assert cw.crosswalk("CDCS", actor=AnonymousUser()).objectives
    with pytest.raises(NotFoundError):
        cw.crosswalk("NOPE", actor=SYSTEM)


def test_catalogues_are_versioned_data(world):
    items = cw.parse_items(json.dumps({"items": [{"code": "DO 2", "title": "Governance, 2024 wording"}]}).encode(),
                           "cdcs.json")
    cw.import_items("CDCS", "2024", items, actor=SYSTEM)
    walk = cw.crosswalk("CDCS", actor=SYSTEM)
    assert walk.version == "2024" and walk.versions == ["2024", "2020"]
    assert walk.items[0].objectives  # "DO 2" is "DO2"
    assert len(cw.crosswalk("CDCS", actor=SYSTEM, version="2020").items) == 3
    cw.import_items("CDCS", "2024", items, actor=SYSTEM)  # loading a version again replaces it
    assert len(cw.crosswalk("CDCS", actor=SYSTEM).items) == 1


def test_bad_catalogues_and_who_may_load_them(world):
    with pytest.raises(ValidationError) as caught:
        cw.parse_items(b"code,title\nDO1,\nDO1,Again\n", "bad.csv")
    assert [p.where.row for p in caught.value.problems] == [1, 2]
    for data, name in ((b"\xff\xfe", "x.csv"), (b"{", "x.json"), (b'{"items": 3}', "x.json"), (b"code,title\n", "x.csv")):
        with pytest.raises(ValidationError):
            cw.parse_items(data, name)
    with pytest.raises(PermissionDenied):
        cw.import_items("CDCS", "2030", [{"code": "X", "title": "Y", "description": ""}], actor=world.user("editor"))
    with pytest.raises(ValidationError):
        cw.import_items("XYZ", "2030", [{"code": "X", "title": "Y", "description": ""}], actor=SYSTEM)
    with pytest.raises(TypeError):
        cw.import_items("CDCS", "2030", [], actor=None)


def test_pages_and_api(world):
    page = _client(world, "viewer").get("/frameworks/CDCS/crosswalk/")
    assert page.status_code == 200 and "Nothing supports this item" in page.content.decode()
    data = json.loads(_client(world, "analyst").get("/api/v1/portfolio/crosswalk/CDCS").content)
    assert data["unsupported"] == ["DO1", "DO3"] and data["version"] == "2020"
    assert _client(world, "editor").get("/frameworks/CDCS/catalogue/").status_code == 404
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = _client(world, "admin")
    response = admin.post("/frameworks/JRS/catalogue/", {
        "version": "AF-2022", "file": SimpleUploadedFile("jrs.csv", b"code,title\nGoal 1,Peace and security\n")})
    assert response.status_code == 302
    assert json.loads(admin.get("/api/v1/portfolio/crosswalk/JRS").content)["items"][0]["code"] == "Goal 1"
    bad = admin.post("/frameworks/JRS/catalogue/", {"version": "v", "file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")})
    assert bad.status_code == 400
