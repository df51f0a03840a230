"""One import pipeline: the web pages, the API and the CLI give the same answer to the same file.

- a document with a linter error is refused at confirmation by the API as by the web page (and by
  ``icsplan import``), and nothing is written;
- one staging table, one expiry;
- ``import_strategy`` checks the permission itself, for every caller, and takes no implicit actor;
- replacing an approved edition takes an approver (or the system actor with ``--replace-approved``).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from typer.testing import CliRunner

from icsplan.accounts.actors import SYSTEM
from icsplan.cli import app
from icsplan.errors import NotFoundError, PermissionDenied

runner = CliRunner()


def _token(world, persona="editor"):
    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.services import create_token

    return create_token(world.user(persona), scope="write", actor=SYSTEM)[1]


def _document(world, edition="2031", *, duplicate_goal=False) -> bytes:
    from icsplan.strategies.services import load_strategy

    document = json.loads(load_strategy(world.strategy).to_json())
    document["edition"] = edition
    if duplicate_goal:  # two goals numbered 1: the linter's "duplicate-number" error
        document["goals"][1]["number"] = document["goals"][0]["number"]
    return json.dumps(document).encode()


def _strategies():
    from icsplan.strategies.models import Goal, Strategy

    return list(Strategy.objects.order_by("pk").values_list("pk", "edition", "status")), Goal.objects.count()


def _api_preview(world, data: bytes, persona="editor", **form):
    return Client().post("/api/v1/imports", {"file": SimpleUploadedFile("strategy.json", data),
                                             "mission": str(world.mission.pk), **form},
                         HTTP_AUTHORIZATION=f"Bearer {_token(world, persona)}")


def _api_confirm(world, preview_id: int, persona="editor", **body):
    return Client().post(f"/api/v1/imports/{preview_id}/confirm", json.dumps(body), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {_token(world, persona)}")


def test_a_lint_error_blocks_the_import_in_the_api_as_on_the_web_and_the_cli(world, tmp_path):
    data = _document(world, duplicate_goal=True)
    before = _strategies()

    preview = _api_preview(world, data)
    assert preview.status_code == 201 and preview.json()["has_errors"] is True
    refused = _api_confirm(world, preview.json()["id"])
    assert refused.status_code == 400, refused.content
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "lint-errors" and "linter found errors" in refused.json()["detail"]

    client = Client()
    client.force_login(world.user("editor"))
    upload = client.post(f"/missions/{world.mission.slug}/import/", {"file": SimpleUploadedFile("strategy.json", data)})
    assert upload.status_code == 302
    page = client.post(upload["Location"], {"edition": "2031"})
    assert page.status_code == 422 and b"linter found errors" in page.content

    path = tmp_path / "strategy.json"
    path.write_bytes(data)
    result = runner.invoke(app, ["import", str(path), "--mission", "Testland"])
    assert result.exit_code == 2 and "linter found 3 errors" in result.output and "strategy.json" in result.output
    assert _strategies() == before


def test_web_and_api_stage_into_one_table_with_one_expiry(world, settings):
    from icsplan.imports.models import StagedImport

    preview = _api_preview(world, _document(world))
    assert preview.status_code == 201
    client = Client()
    client.force_login(world.user("editor"))
    upload = client.post(f"/missions/{world.mission.slug}/import/",
                         {"file": SimpleUploadedFile("strategy.json", _document(world))})
    assert upload.status_code == 302
    assert StagedImport.objects.filter(user=world.user("editor"), kind="strategy").count() == 2
    created = dt.datetime.fromisoformat(preview.json()["created_at"].replace("Z", "+00:00"))
    expires = dt.datetime.fromisoformat(preview.json()["expires_at"].replace("Z", "+00:00"))
    assert expires - created == dt.timedelta(hours=settings.ICSPLAN_IMPORT_EXPIRY_HOURS)

    # Past the expiry, both are gone for both.
    StagedImport.objects.update(created_at=created - dt.timedelta(hours=settings.ICSPLAN_IMPORT_EXPIRY_HOURS + 1))
    assert _api_confirm(world, preview.json()["id"]).status_code == 404
    page = client.post(upload["Location"], {"edition": "2031"})
    assert page.status_code == 302 and page["Location"].endswith("/import/")


def test_same_bad_json_same_code_everywhere(world, tmp_path):
    """Bad JSON is ``invalid-json`` for the API, the web and the CLI (it used to be three codes)."""
    bad = b'{"schema": "icsplan.strategy/1", "mission": {"country": "Testland"}, "goals": "not a list"}'
    response = _api_preview(world, bad)
    assert response.status_code == 422 and response.json()["code"] == "invalid-json"
    path = tmp_path / "bad.json"
    path.write_bytes(bad)
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 2 and "not a valid icsplan strategy" in result.output
    client = Client()
    client.force_login(world.user("editor"))
    page = client.post(f"/missions/{world.mission.slug}/import/", {"file": SimpleUploadedFile("bad.json", bad)})
    assert page.status_code == 422 and b"not a valid icsplan strategy" in page.content


# -- the permission is the service's ---------------------------------------------------------------------

def test_import_strategy_checks_the_permission_itself(world):
    from icsplan.strategies.services import import_strategy, load_strategy

    document = load_strategy(world.strategy)
    document.edition = "2032"
    before = _strategies()
    for persona in ("viewer", "reader", "reporter", "approver", "other_member"):
        with pytest.raises((PermissionDenied, NotFoundError)):
            import_strategy(document, actor=world.user(persona), mission=world.mission)
    with pytest.raises(PermissionDenied):
        import_strategy(document, actor=None, mission=world.mission)  # no actor is no permission
    with pytest.raises(TypeError):
        import_strategy(document, mission=world.mission)  # and there is no default
    with pytest.raises(PermissionDenied):  # an editor may not save an edition as approved
        import_strategy(document, actor=world.user("editor"), mission=world.mission, status="approved")
    other = load_strategy(world.strategy)
    other.mission.country = "Newland"
    with pytest.raises(PermissionDenied, match="administrator"):
        import_strategy(other, actor=world.user("editor"))
    assert _strategies() == before
    assert import_strategy(document, actor=world.user("editor"), mission=world.mission).status == "draft"


# -- replacing an approved edition ---------------------------------------------------------------------

def test_an_editor_may_not_replace_an_approved_edition(world):
    """The approved 2022 edition: an editor's replacement (API) is refused; nothing is deleted."""
    before = _strategies()
    preview = _api_preview(world, _document(world, edition="2022"))
    assert preview.status_code == 201 and preview.json()["replaces_existing"] is True
    tag = Client().get(f"/api/v1/strategies/{world.strategy.pk}",
                       HTTP_AUTHORIZATION=f"Bearer {_token(world)}")["ETag"]
    refused = Client().post(f"/api/v1/imports/{preview.json()['id']}/confirm", json.dumps({"replace": True}),
                            content_type="application/json", HTTP_IF_MATCH=tag,
                            HTTP_AUTHORIZATION=f"Bearer {_token(world)}")
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "edition-approved"
    assert refused.json()["detail"] == "Edition 2022 of Mission Testland is approved; only an approver of the " \
                                       "mission may replace it."
    assert _strategies() == before


def test_an_editor_who_is_also_approver_may_replace_it(world):
    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.services import add_membership
    from icsplan.strategies.services import import_strategy, load_strategy

    editor = world.user("editor")
    add_membership(editor, "approver", mission=world.mission, actor=SYSTEM)
    document = load_strategy(world.strategy)
    row = import_strategy(document, actor=editor, mission=world.mission, edition="2022", replace=True)
    assert row.status == "draft" and row.pk != world.strategy.pk


def test_the_cli_replaces_an_approved_edition_only_with_the_explicit_flag(world, tmp_path):
    path = tmp_path / "testland.json"
    path.write_bytes(_document(world, edition="2022"))
    before = _strategies()
    result = runner.invoke(app, ["import", str(path), "--mission", "Testland", "--replace"])
    assert result.exit_code == 2, result.output
    assert "is approved" in result.output and "--replace-approved" in result.output
    assert _strategies() == before
    result = runner.invoke(app, ["import", str(path), "--mission", "Testland", "--replace", "--replace-approved"])
    assert result.exit_code == 0, result.output
    from icsplan.strategies.models import Strategy

    assert Strategy.objects.get(mission=world.mission, edition="2022").status == "draft"


def test_a_draft_edition_is_replaced_as_before(world):
    from icsplan.strategies.services import import_strategy, load_strategy

    row = import_strategy(load_strategy(world.draft), actor=SYSTEM, mission=world.mission, edition="2026",
                          replace=True)
    assert row.edition == "2026"
