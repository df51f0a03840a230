"""Request-level limits of the API: body size (413), content type and encoding (415), JSON depth,
NUL characters and non-JSON constants (400) — always problem+json with a stable code, never a 500,
and nothing written."""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

MB = 1024 * 1024


def _snapshot():
    from icsplan.imports.models import StagedImport
    from icsplan.strategies.models import Goal, Objective, Strategy

    return [list(m.objects.order_by("pk").values_list()) for m in (Strategy, Goal, Objective, StagedImport)]


@pytest.fixture()
def api(world):
    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.services import create_token

    token = create_token(world.user("editor"), scope="write", actor=SYSTEM)[1]
    goal = world.draft.goals.order_by("pk").first()
    url = f"/api/v1/goals/{goal.pk}"
    tag = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")["ETag"]

    def send(body: bytes, content_type: str = "application/json", **extra):
        return Client().generic("PATCH", url, body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}",
                                HTTP_IF_MATCH=tag, **extra)

    send.token = token
    return send


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code and body["status"] == status, body
    assert "\n" not in body["detail"]
    return body


def test_a_valid_body_still_works(api):
    response = api(json.dumps({"title": "A goal retitled", "reason": "check"}).encode())
    assert response.status_code == 200, response.content[:300]


def test_thirty_megabyte_json_body_is_413_without_being_read(api, world):
    before = _snapshot()
    body = b'{"title": "' + b"x" * (30 * MB) + b'"}'
    started = time.monotonic()
    _problem(api(body), 413, "too-large")
    assert time.monotonic() - started < 10
    assert _snapshot() == before


def test_json_body_over_the_json_limit_is_413(api, world):
    before = _snapshot()
    body = json.dumps({"title": "x" * (3 * MB)}).encode()  # under the request cap, over the JSON one
    detail = _problem(api(body), 413, "too-large")["detail"]
    assert "at most 2 MB" in detail
    assert _snapshot() == before


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=BOUNDARY", "application/x-www-form-urlencoded",
                                          "text/plain"])
def test_a_form_or_text_sent_to_a_json_endpoint_is_415(api, world, content_type):
    before = _snapshot()
    body = (b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n--BOUNDARY--\r\n"
            if content_type.startswith("multipart") else b"title=hello")
    detail = _problem(api(body, content_type), 415, "unsupported-media-type")["detail"]
    assert "application/json" in detail
    assert _snapshot() == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_and_utf32_bodies_are_415(api, world, encoding):
    before = _snapshot()
    _problem(api(json.dumps({"title": "UTF-16 title"}).encode(encoding)), 415, "unsupported-media-type")
    assert _snapshot() == before


def test_a_declared_charset_other_than_utf8_is_415(api):
    _problem(api(b'{"title": "x"}', "application/json; charset=latin-1"), 415, "unsupported-media-type")


@pytest.mark.parametrize("body", [b'{"title": "a\\u0000b"}', b'{"ti\\u0000tle": "ab"}', b'{"title": ["\\u0000"]}'])
def test_nul_characters_in_json_are_400(api, world, body):
    before = _snapshot()
    _problem(api(body), 400, "invalid-character")
    assert _snapshot() == before


@pytest.mark.parametrize("depth", [65, 100_000])
def test_deep_json_body_is_400(api, depth):
    body = b'{"title": ' + b"[" * depth + b"]" * depth + b"}"
    assert "64 levels" in _problem(api(body), 400, "too-deep")["detail"]


@pytest.mark.parametrize("body", [b'{"title": NaN}', b'{"title": Infinity}', b"{not json", b'{"title": "\xff"}'])
def test_invalid_json_is_400(api, body):
    _problem(api(body), 400, "invalid-json")


def test_file_upload_over_the_request_cap_is_413_before_it_is_read(world, api):
    """A declared length over the request cap is refused before any byte of the body is read."""
    response = Client().post("/api/v1/imports", b"", content_type="multipart/form-data; boundary=x",
                             CONTENT_LENGTH=str(200 * MB), HTTP_AUTHORIZATION=f"Bearer {api.token}")
    assert "200 MB" in _problem(response, 413, "too-large")["detail"]


def test_uploaded_file_over_the_size_limit_is_413_and_not_stored(world, api):
    import dataclasses

    from icsplan.ingest.uploads import DEFAULT_LIMITS

    before = _snapshot()
    with override_settings(ICSPLAN_READER_LIMITS=dataclasses.replace(DEFAULT_LIMITS, max_bytes=1 * MB)):
        response = Client().post("/api/v1/imports", {"file": SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2 * MB),
                                                     "mission": str(world.mission.pk)},
                                 HTTP_AUTHORIZATION=f"Bearer {api.token}")
        assert "at most 1 MB" in _problem(response, 413, "too-large")["detail"]
        client = Client()
        client.force_login(world.user("editor"))
        page = client.post(f"/missions/{world.mission.slug}/import/",
                           {"file": SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2 * MB)})
        assert page.status_code == 422 and b"at most 1 MB" in page.content
    assert _snapshot() == before


def test_the_api_documents_413_and_415_on_writes():
    schema = Client().get("/api/v1/openapi.json").json()
    patch = schema["paths"]["/api/v1/goals/{element_id}"]["patch"]
    assert {"413", "415"} <= set(patch["responses"])
