"""The hooks that let a lower app call an upper one without importing it (issue 13: no import
cycle between apps): connected when Django starts, and failing closed when they are not."""

from __future__ import annotations

import pytest

from icsplan.accounts import redaction
from icsplan.accounts.actors import SYSTEM
from icsplan.core import audit_trail


def test_the_audit_app_connects_its_writer():
    from icsplan.audit import services

    assert audit_trail._recorder is services.record


def test_an_audited_change_without_a_writer_raises_and_is_not_silently_unrecorded(monkeypatch):
    monkeypatch.setattr(audit_trail, "_recorder", None)
    with pytest.raises(RuntimeError, match="audit trail is not connected"):
        audit_trail.record("membership.add", actor=None)


def test_the_strategy_app_connects_the_document_reader():
    from icsplan.strategies.services import load_strategy

    assert redaction._document_loader is load_strategy


def test_no_document_is_handed_out_without_the_reader(world, monkeypatch):
    monkeypatch.setattr(redaction, "_document_loader", None)
    with pytest.raises(RuntimeError, match="no strategy document reader"):
        redaction.document_for(None, world.strategy)


def test_a_change_made_through_accounts_reaches_the_audit_trail(world):
    from icsplan.accounts.services import create_user
    from icsplan.audit.models import AuditEvent

    create_user("hook-check", password=None, actor=SYSTEM)
    assert AuditEvent.objects.filter(action="user.create", object_repr="hook-check").exists()
