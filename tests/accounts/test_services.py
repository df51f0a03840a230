"""People, memberships, throttled sign-in, API tokens, the users CLI, demo accounts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone
from typer.testing import CliRunner

from icsplan.accounts.actors import SYSTEM
from icsplan.accounts import services
from icsplan.accounts.models import ApiToken
from icsplan.audit.models import AuditEvent
from icsplan.cli import app
from icsplan.errors import InputError, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture()
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _request(ip="10.0.0.1"):
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR=ip)


def test_sign_in_is_throttled_after_five_failures(world, fast_hasher, monkeypatch):
    from icsplan.accounts import throttle

    now = [1_900_000_020.0]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    user = services.create_user("alice", password="correct horse battery", validate=False, actor=SYSTEM)
    for _ in range(5):
        assert services.authenticate_with_throttle(_request(), "alice", "wrong") is None
    with pytest.raises(services.SignInThrottled, match="try again in 15 minutes") as info:
        services.authenticate_with_throttle(_request(), "alice", "correct horse battery")
    assert info.value.http_status == 429 and 0 < info.value.retry_after <= 15 * 60
    # Another address is not locked out by these failures; an unknown account is throttled the same way.
    assert services.authenticate_with_throttle(_request("10.0.0.2"), "alice", "correct horse battery") == user
    assert AuditEvent.objects.filter(action="auth.login_throttled").count() == 1
    # Failures older than the window no longer count.
    now[0] += 15 * 60
    assert services.authenticate_with_throttle(_request(), "alice", "correct horse battery") == user


def test_create_user_checks_password_rules_and_roles(world):
    with pytest.raises(InputError):
        services.create_user("bob", password="short", role="reader", mission="Testland", actor=SYSTEM)
    with pytest.raises(InputError, match="Unknown role"):
        services.create_user("bob", password=None, role="king", mission="Testland", actor=SYSTEM)
    with pytest.raises(InputError, match="needs a bureau"):
        services.create_user("bob", password=None, role="analyst", mission="Testland", actor=SYSTEM)
    assert not get_user_model().objects.filter(username="bob").exists()  # all or nothing
    with pytest.raises(PermissionDenied):
        services.create_user("bob", password=None, actor=world.user("editor"))
    bob = services.create_user("bob", password=None, role="reader", mission="testland", actor=world.user("admin"))
    assert bob.memberships.get().mission == world.mission
    assert AuditEvent.objects.filter(action="membership.add", actor=world.user("admin")).exists()


def test_tokens_are_hashed_scoped_expiring_and_revocable(world):
    reader = world.user("reader")
    row, plain = services.create_token(reader, scope="read", mission="Testland", actor=SYSTEM)
    assert plain.startswith("icsp_") and row.prefix == plain[:12]
    assert plain not in (row.key_hash, row.prefix) and len(row.key_hash) == 64
    assert not ApiToken.objects.filter(key_hash__contains=plain[5:20]).exists()
    user, token = services.authenticate_token(plain)
    assert user == reader and token.last_used_at is not None
    assert services.authenticate_token(plain + "x") is None
    assert services.authenticate_token("") is None and services.authenticate_token(None) is None
    with pytest.raises(InputError, match="no role in Mission Otherland"):
        services.create_token(reader, mission="Otherland", actor=SYSTEM)
    with pytest.raises(InputError):
        services.create_token(reader, scope="admin", actor=SYSTEM)
    with pytest.raises(InputError):
        services.create_token(reader, expires_in_days=5000, actor=SYSTEM)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.authenticate_token(plain) is None
    row2, plain2 = services.create_token(reader, actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        services.revoke_token(row2, actor=world.user("editor"))
    services.revoke_token(row2, actor=reader)
    assert services.authenticate_token(plain2) is None
    row3, plain3 = services.create_token(reader, actor=SYSTEM)
    reader.is_active = False
    reader.save()
    assert services.authenticate_token(plain3) is None


def test_users_cli(world):
    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "carol", "--role", "editor", "--mission", "Testland",
                                 "--password-stdin"], input="a sturdy passphrase 42\n")
    assert result.exit_code == 0, result.output
    carol = get_user_model().objects.get(username="carol")
    assert carol.check_password("a sturdy passphrase 42") and carol.memberships.get().role == "editor"
    result = runner.invoke(app, ["users", "add", "dave", "--role", "analyst", "--bureau", "AF"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["users", "add", "erin", "--role", "reader", "--mission", "Atlantis"])
    assert result.exit_code == 2 and "Atlantis" in result.output
    result = runner.invoke(app, ["users", "list"])
    assert "carol" in result.output and "editor (Testland)" in result.output and "analyst (AF)" in result.output
    result = runner.invoke(app, ["users", "token", "carol", "--scope", "write", "--mission", "Testland"])
    assert result.exit_code == 0, result.output
    plaintext = result.stdout.strip().splitlines()[0]
    assert services.authenticate_token(plaintext)[0] == carol


def test_users_add_on_an_existing_name_needs_update(world, fast_hasher):
    """``users add`` on an existing name used to keep the old password silently: now it is refused
    unless ``--update`` says the operator means to change that person."""
    runner = CliRunner()
    args = ["users", "add", "fay", "--role", "reader", "--mission", "Testland", "--password-stdin"]
    assert runner.invoke(app, args, input="first passphrase 42\n").exit_code == 0
    result = runner.invoke(app, args, input="second passphrase 43\n")
    assert result.exit_code == 2 and "--update" in result.output and "Traceback" not in result.output
    fay = get_user_model().objects.get(username="fay")
    assert fay.check_password("first passphrase 42")
    result = runner.invoke(app, [*args[:3], "--role", "reporter", "--mission", "Testland", "--password-stdin",
                                 "--update"], input="second passphrase 43\n")
    assert result.exit_code == 0, result.output
    fay.refresh_from_db()
    assert fay.check_password("second passphrase 43")
    assert set(fay.memberships.values_list("role", flat=True)) == {"reader", "reporter"}
    assert AuditEvent.objects.filter(action="user.password", object_repr="fay").exists()


def test_users_assign_cli_gives_a_reporter_one_indicator_and_takes_it_back(world):
    """``users assign`` names the target as a person reads it (objective number, indicator code,
    section); ``unassign`` withdraws it; both go through the audited service."""
    from icsplan.accounts.models import ReporterAssignment

    runner = CliRunner()
    assert runner.invoke(app, ["users", "add", "gus", "--role", "reporter", "--mission", "Testland"]).exit_code == 0
    result = runner.invoke(app, ["users", "assign", "gus", "--mission", "Testland", "--indicator", "1.1-p"])
    assert result.exit_code == 0, result.output
    assert "gus now reports on indicator 1.1-P" in result.output
    row = ReporterAssignment.objects.get(membership__user__username="gus")
    assert row.indicator.code == "1.1-P" and row.indicator.strategy == world.strategy
    result = runner.invoke(app, ["users", "assign", "gus", "--mission", "Testland", "--section", "DAO"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["users", "assignments", "Testland"]).output
    assert re.search(r"^gus\s+indicator 1\.1-P$", listed, re.M) and re.search(r"^gus\s+section DAO$", listed, re.M)
    # Refusals are one sentence naming what is wrong, exit status 2, nothing changed.
    for args, words in [
        (["--indicator", "9.9-Z"], "has no indicator '9.9-Z'"),
        (["--objective", "1.1", "--section", "DAO"], "exactly one of --objective"),
        ([], "exactly one of --objective"),
    ]:
        result = runner.invoke(app, ["users", "assign", "gus", "--mission", "Testland", *args])
        assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output, args
    result = runner.invoke(app, ["users", "assign", "t-reader", "--mission", "Testland", "--objective", "1.1"])
    assert result.exit_code == 2 and "is not a reporter of Mission Testland" in result.output
    assert ReporterAssignment.objects.filter(membership__user__username="gus").count() == 2
    result = runner.invoke(app, ["users", "unassign", "gus", "--mission", "Testland", "--indicator", "1.1-P"])
    assert result.exit_code == 0 and "no longer reports on indicator 1.1-P" in result.output
    assert not ReporterAssignment.objects.filter(membership__user__username="gus", indicator__isnull=False).exists()
    result = runner.invoke(app, ["users", "unassign", "gus", "--mission", "Testland", "--indicator", "1.1-P"])
    assert result.exit_code == 2 and "no such assignment" in result.output
    assert AuditEvent.objects.filter(action="assignment.remove").count() == 1


def test_demo_accounts(world, fast_hasher, monkeypatch):
    from icsplan import demo
    from icsplan.accounts.demo import DEMO_USERS, create_demo_users
    from icsplan.accounts.permissions import can

    assert create_demo_users in demo.demo_stages()
    monkeypatch.setenv("ICSPLAN_DEMO_PASSWORD", "x-demo-pass-123")
    create_demo_users(world.strategy)
    create_demo_users(world.strategy)  # twice is harmless
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[d[0] for d in DEMO_USERS])}
    assert set(users) == {d[0] for d in DEMO_USERS}
    assert users["mali-editor"].check_password("x-demo-pass-123")
    assert can(users["mali-approver"], "approve", world.mission)
    assert can(users["af-analyst"], "view", world.mission) and not can(users["af-analyst"], "edit", world.mission)
    assert users["admin"].is_superuser
    assert users["mali-reporter"].memberships.get().assignments.count() == 2
