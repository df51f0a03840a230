"""The audit trail: append-only events, sign-in signals, merged trail, CSV export, CLI."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

from icsplan.audit import reader
from icsplan.audit import services as audit
from icsplan.audit.models import AuditEvent
from icsplan.errors import NotFoundError, PermissionDenied
from icsplan.strategies import services

pytestmark = pytest.mark.django_db


def test_events_cannot_be_changed_or_deleted(world):
    event = audit.record("export", actor=world.user("reader"), obj=world.strategy, after={"format": "json"})
    assert event.mission == world.mission and event.object_type == "strategies.strategy"
    event.reason = "tampered"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_admin_site_is_read_only_for_events(world):
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = world.user("admin")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_sign_in_events_with_ip(world):
    user = get_user_model().objects.create(username="signer")
    user.set_password("a long enough password 1")
    user.save()
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert client.login(username="signer", password="a long enough password 1")
    assert not Client().login(username="signer", password="wrong")
    client.logout()
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "actor_name"))
    assert ("auth.login", "signer") in actions
    assert ("auth.login_failed", "signer") in actions
    assert ("auth.logout", "signer") in actions


def test_record_export_only_records_sbu_exports(world):
    assert audit.record_export(world.user("reader"), world.strategy, "docx", public=True) is None
    assert audit.record_export(world.user("viewer"), world.strategy, "docx", public=False) is None
    event = audit.record_export(world.user("reader"), world.strategy, "docx", public=False)
    assert event.action == "export" and event.after == {"format": "docx", "public": False, "edition": "2022"}
    assert audit.record_export(None, world.strategy, "json", public=False).actor_name == "local operator"


def test_trail_merges_history_and_events_with_diffs(world):
    editor, approver = world.user("editor"), world.user("approver")
    objective = world.draft.objectives.get(number="1.1")
    services.update_element(objective, {"title": "Revised"}, expected_version=1, actor=editor, reason="mid-term")
    submitted = services.submit_edition(world.draft, actor=editor, expected_version=1)
    services.approve_strategy(submitted, actor=approver, expected_version=submitted.version)
    trail = reader.audit_trail(world.mission, user=approver)
    update = next(e for e in trail if e.object_type == "strategies.objective" and e.action == "update")
    assert update.who == "t-editor" and update.reason == "mid-term"
    assert {"field": "title", "old": "Objective 1.1 title", "new": "Revised"} in update.changes
    assert any(e.action == "strategy.approve" and e.who == "t-approver" for e in trail)
    assert any(e.object_type == "accounts.membership" and e.action == "create" for e in trail)
    assert trail == sorted(trail, key=lambda e: e.when, reverse=True)


@pytest.mark.parametrize("persona", ["viewer", "reader", "reporter", "editor", "analyst", "other_member"])
def test_only_approvers_and_admins_read_the_trail(world, persona):
    with pytest.raises((PermissionDenied, NotFoundError)):
        reader.audit_trail(world.mission, user=world.user(persona))


def test_csv_export_is_recorded_and_neutralises_formulas(world):
    audit.record("note", actor=world.user("admin"), mission=world.mission, reason="=HYPERLINK(\"http://x\")")
    text = reader.export_csv(world.mission, user=world.user("admin"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and set(rows[0]) == set(reader.CSV_COLUMNS)
    assert any(r["reason"].startswith("'=HYPERLINK") for r in rows)
    assert AuditEvent.objects.filter(action="audit.export", mission=world.mission).exists()


def test_history_for_withholds_sbu_values(world):
    objective = world.strategy.objectives.get(number="1.2")  # SBU justification
    # The edition is in force: the change is a revision, applied when the approver approves it.
    revision = services.propose_revision(objective, {"justification": "CANARY-new-secret"}, expected_version=1,
                                         actor=world.user("editor"), reason="Update")
    services.approve_revision(revision, actor=world.user("approver"), expected_version=revision.version)
    public = reader.history_for(world.user("viewer"), objective)
    assert "CANARY-new-secret" not in repr(public) and "CANARY-SBU-" not in repr(public)
    internal = reader.history_for(world.user("reader"), objective)
    assert "CANARY-new-secret" in repr(internal)


def test_cli_audit_export(world, tmp_path):
    from typer.testing import CliRunner

    from icsplan.cli import app

    target = tmp_path / "trail.csv"
    result = CliRunner().invoke(app, ["audit", "export", "Testland", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("when,who,action")
    result = CliRunner().invoke(app, ["audit", "export", "Atlantis"])
    assert result.exit_code == 2 and "Atlantis" in result.output


def test_cli_export_public_has_no_sbu_and_sbu_export_is_recorded(world, tmp_path):
    from typer.testing import CliRunner

    from icsplan.cli import app

    public = tmp_path / "public.json"
    result = CliRunner().invoke(app, ["export", "Testland", "--edition", "2022", "--public", "-o", str(public)])
    assert result.exit_code == 0, result.output
    assert "CANARY-SBU-" not in public.read_text() and "Public justification 1.1." in public.read_text()
    assert not AuditEvent.objects.filter(action="export").exists()
    full = tmp_path / "full.md"
    result = CliRunner().invoke(app, ["export", "Testland", "--edition", "2022", "-f", "md", "-o", str(full)])
    assert result.exit_code == 0 and "CANARY-SBU-" in full.read_text()
    assert AuditEvent.objects.get(action="export").after["format"] == "md"
