"""Document import through the API: a preview with lint findings, then a confirming call."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import MALI_TEXT

from .conftest import Api, token_for


def _upload(api: Api, name: str, data: bytes, **form):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {api.token}"} if api.token else {}
    return api.client.post("/api/v1/imports", {"file": SimpleUploadedFile(name, data), **form}, **extra)


def test_preview_then_confirm(world):
    admin = Api(token_for(world.user("admin")))
    preview = _upload(admin, "mali-2018.txt", MALI_TEXT.read_bytes(), edition="2018")
    assert preview.status_code == 201, preview.content
    body = preview.json()
    assert body["country"] == "Mali" and body["mission_id"] is None and body["edition"] == "2018"
    assert body["counts"]["goals"] >= 3 and isinstance(body["findings"], list)
    assert body["document"]["schema"] == "icsplan.strategy/1"
    # Nothing is imported yet, and another person cannot see the preview.
    assert admin.get("strategies", country="Mali").json()["count"] == 0
    assert Api(token_for(world.user("editor"))).get(f"imports/{body['id']}").status_code == 404
    confirmed = admin.post(f"imports/{body['id']}/confirm", {})
    assert confirmed.status_code == 201, confirmed.content
    assert confirmed.json()["country"] == "Mali" and confirmed.json()["status"] == "draft"
    again = admin.post(f"imports/{body['id']}/confirm", {})
    assert again.status_code == 400 and again.json()["code"] == "already-confirmed"


def test_replacing_an_edition_needs_if_match(world):
    editor = Api(token_for(world.user("editor")))
    data = world.draft  # Testland 2026, a draft the editor may replace
    from icsplan.strategies.services import load_strategy

    document = load_strategy(data).to_json().encode()
    preview = _upload(editor, "testland.json", document, edition="2026")
    assert preview.status_code == 201, preview.content
    assert preview.json()["replaces_existing"] is True
    pid = preview.json()["id"]
    refused = editor.post(f"imports/{pid}/confirm", {})
    assert refused.status_code == 400 and refused.json()["code"] == "edition-exists"
    assert editor.post(f"imports/{pid}/confirm", {"replace": True}).status_code == 428
    tag = editor.get(f"strategies/{data.pk}")["ETag"]
    assert editor.post(f"imports/{pid}/confirm", {"replace": True}, headers={"If-Match": tag}).status_code == 201


def test_import_refuses_bad_files_and_outsiders(world):
    editor = Api(token_for(world.user("editor")))
    bad = _upload(editor, "x.txt", b"\x00\x01binary")
    assert bad.status_code in (400, 422) and bad["Content-Type"].startswith("application/problem+json")
    assert _upload(Api(), "mali.txt", MALI_TEXT.read_bytes()).status_code == 401
    # An editor may not create a new mission by importing.
    outsider = _upload(editor, "mali.txt", MALI_TEXT.read_bytes())
    assert outsider.status_code == 403 and outsider.json()["code"] == "new-mission-needs-admin"


def test_people_who_edit_no_mission_are_refused_before_the_upload_is_parsed(world, monkeypatch):
    """Parsing is the expensive part: a reader's write token must not make the server do it."""
    from icsplan.imports import services as imports

    parsed = []
    monkeypatch.setattr(imports, "read_strategy", lambda name, data: parsed.append(name))
    reader = Api(token_for(world.user("reader")))
    response = _upload(reader, "mali-2018.txt", MALI_TEXT.read_bytes())
    assert response.status_code == 403, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert parsed == []


def _replacing_preview(world, editor: Api) -> int:
    from icsplan.strategies.services import load_strategy

    preview = _upload(editor, "testland.json", load_strategy(world.draft).to_json().encode(), edition="2026")
    assert preview.status_code == 201, preview.content
    return preview.json()["id"]


def test_replacing_with_a_stale_etag_is_412_and_imports_nothing(world):
    from icsplan.strategies.models import Strategy

    editor = Api(token_for(world.user("editor")))
    pid = _replacing_preview(world, editor)
    stale = editor.get(f"strategies/{world.draft.pk}")["ETag"]
    Strategy.objects.filter(pk=world.draft.pk).update(version=world.draft.version + 1)
    refused = editor.post(f"imports/{pid}/confirm", {"replace": True}, headers={"If-Match": stale})
    assert refused.status_code == 412 and refused.json()["code"] == "precondition-failed"
    assert editor.get(f"imports/{pid}").json()["confirmed"] is False
    fresh = editor.get(f"strategies/{world.draft.pk}")["ETag"]
    assert fresh != stale
    assert editor.post(f"imports/{pid}/confirm", {"replace": True}, headers={"If-Match": fresh}).status_code == 201


def test_an_edition_changed_after_if_match_passed_is_caught_under_the_import_lock(world, monkeypatch):
    # The API compares If-Match before the service takes its lock; the service looks at the edition
    # again under the lock, and an edition changed in between is refused there, not overwritten.
    from django.db.models import F

    from icsplan.imports import services as imports
    from icsplan.strategies.models import Strategy

    editor = Api(token_for(world.user("editor")))
    pid = _replacing_preview(world, editor)
    tag = editor.get(f"strategies/{world.draft.pk}")["ETag"]
    looks: list[int] = []
    real = imports.edition_replaced

    def edited_in_between(row, edition=None):
        looks.append(row.pk)
        existing = real(row, edition)
        if len(looks) == 1:  # the API's look: someone saves the edition right after it
            Strategy.objects.filter(pk=world.draft.pk).update(version=F("version") + 1)
        return existing

    monkeypatch.setattr(imports, "edition_replaced", edited_in_between)
    refused = editor.post(f"imports/{pid}/confirm", {"replace": True}, headers={"If-Match": tag})
    assert looks == [pid, pid]
    assert refused.status_code == 412 and refused.json()["code"] == "precondition-failed"
    assert editor.get(f"imports/{pid}").json()["confirmed"] is False
    assert Strategy.objects.filter(mission=world.draft.mission, edition="2026").count() == 1
