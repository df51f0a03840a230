"""Mission metadata in the API (GET and PATCH bureau, post, region) and the Bureaus link in the
header: administrators change the metadata, everyone who may see the mission reads it, analysts
and administrators find the bureau's view from every page."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from icsplan.accounts.actors import SYSTEM
from icsplan.accounts.models import Mission
from icsplan.audit.models import AuditEvent

from tests.security.world import canary_document, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture()
def mali():
    from icsplan.strategies import services

    return services.import_strategy(canary_document("Mali", "AF"), status="approved", actor=SYSTEM).mission


def _client(user=None) -> Client:
    client = Client(REMOTE_ADDR="10.9.9.6")
    if user is not None:
        client.force_login(user)
    return client


def _patch(client, mission, body, etag):
    return client.patch(f"/api/v1/missions/{mission.pk}/metadata", data=json.dumps(body),
                        content_type="application/json", HTTP_IF_MATCH=etag)


def test_an_admin_sets_bureau_post_and_region_with_if_match(mali):
    client = _client(make_user("meta-admin", "admin"))
    read = client.get(f"/api/v1/missions/{mali.pk}/metadata")
    assert read.status_code == 200
    assert read.json()["bureau"] == "AF" and read.json()["synthetic"] is False
    changed = _patch(client, mali, {"bureau": "eur", "post": "Embassy  Bamako", "region": "Sahel"}, read["ETag"])
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["bureau"], body["post"], body["region"]) == ("EUR", "Embassy Bamako", "Sahel")
    assert changed["ETag"] != read["ETag"]
    assert AuditEvent.objects.filter(action="mission.update").exists()
    # The ETag read before the change is stale now.
    stale = _patch(client, mali, {"region": "West Africa"}, read["ETag"])
    assert stale.status_code == 412
    assert Mission.objects.get(pk=mali.pk).region == "Sahel"


def test_bad_metadata_is_refused_naming_the_field(mali):
    client = _client(make_user("meta-admin", "admin"))
    etag = client.get(f"/api/v1/missions/{mali.pk}/metadata")["ETag"]
    bad = _patch(client, mali, {"bureau": "A1", "region": "x" * 101}, etag)
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "bureau" in text and "region" in text
    assert Mission.objects.get(pk=mali.pk).bureau.code == "AF"


def test_only_admins_change_metadata(mali):
    editor = make_user("meta-editor", "editor", mission=mali)
    client = _client(editor)
    etag = client.get(f"/api/v1/missions/{mali.pk}/metadata")["ETag"]
    assert _patch(client, mali, {"region": "Sahel"}, etag).status_code == 403
    assert _patch(_client(), mali, {"region": "Sahel"}, etag).status_code == 401
    assert Mission.objects.get(pk=mali.pk).region == ""


def test_the_bureaus_link_is_for_analysts_and_admins(mali):
    analyst = make_user("meta-analyst", "analyst", bureau=mali.bureau)
    editor = make_user("meta-editor", "editor", mission=mali)
    for user, shown in ((analyst, True), (make_user("meta-admin", "admin"), True), (editor, False), (None, False)):
        page = _client(user).get(f"/missions/{mali.slug}/")
        assert page.status_code == 200
        assert (b'id="bureaus-link"' in page.content) is shown, user
    board = _client(analyst).get("/bureaus/")
    assert board.status_code == 200 and b'id="bureaus-link"' in board.content
