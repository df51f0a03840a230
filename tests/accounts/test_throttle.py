"""One sign-in throttle for every way in: the app's sign-in page, the Django admin's, API tokens.

Each case runs on SQLite and PostgreSQL (``DATABASE_URL``): the counts live in a database cache.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.test import Client, override_settings

from icsplan.accounts import services, throttle
from icsplan.accounts.actors import SYSTEM
from icsplan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
MESSAGE = b"Too many sign-in attempts; try again in 15 minutes."


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture()
def clock(monkeypatch):
    """The throttle's clock, moved by hand."""
    now = [1_900_000_020.0]  # the start of a one-minute slot
    monkeypatch.setattr(throttle, "_now", lambda: now[0])

    class Clock:
        def advance(self, seconds: float) -> None:
            now[0] += seconds

    return Clock()


@pytest.fixture()
def alice():
    return services.create_user("alice", password=PASSWORD, validate=False, actor=SYSTEM)


@pytest.fixture()
def boss():
    user = services.create_user("boss", password=PASSWORD, validate=False, actor=SYSTEM)
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return user


def _app_sign_in(ip: str, username: str, password: str):
    client = Client(REMOTE_ADDR=ip)
    return client, client.post("/accounts/login/", {"username": username, "password": password})


def _admin_sign_in(ip: str, username: str, password: str):
    client = Client(REMOTE_ADDR=ip)
    return client, client.post("/admin/login/?next=/admin/",
                               {"username": username, "password": password, "next": "/admin/"})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_app_sign_in_refuses_the_right_password_after_five_failures(alice, clock):
    for _ in range(5):
        client, response = _app_sign_in("10.0.0.1", "alice", "wrong")
        assert response.status_code == 200 and not _signed_in(client)
    client, response = _app_sign_in("10.0.0.1", "alice", PASSWORD)
    assert response.status_code == 200 and MESSAGE in response.content and not _signed_in(client)
    # The person at another address is not locked out by someone else's failures.
    client, response = _app_sign_in("10.0.0.2", "alice", PASSWORD)
    assert response.status_code == 302 and _signed_in(client)
    assert AuditEvent.objects.filter(action="auth.login_throttled").count() == 1
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 5


def test_admin_sign_in_is_throttled_like_the_app(boss, clock):
    for _ in range(5):
        client, response = _admin_sign_in("10.0.0.1", "boss", "wrong")
        assert response.status_code == 200 and not _signed_in(client)
    client, response = _admin_sign_in("10.0.0.1", "boss", PASSWORD)
    assert response.status_code == 200 and not _signed_in(client)
    assert MESSAGE in response.content
    # Once the window has passed, the right password signs in again.
    clock.advance(15 * 60)
    client, response = _admin_sign_in("10.0.0.1", "boss", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/" and _signed_in(client)


def test_failures_on_the_app_and_the_admin_count_together(boss, clock):
    for sign_in in (_app_sign_in, _admin_sign_in, _app_sign_in, _admin_sign_in, _app_sign_in):
        sign_in("10.0.0.1", "boss", "wrong")
    client, response = _admin_sign_in("10.0.0.1", "boss", PASSWORD)
    assert MESSAGE in response.content and not _signed_in(client)


def test_any_caller_of_authenticate_is_throttled(alice, clock):
    """The backend holds the limit, so a code path that calls ``authenticate`` directly is covered."""
    for _ in range(throttle.limits()["account"]):  # no request, no address: the account's count
        assert services.authenticate_with_throttle(None, "alice", "wrong") is None
    with pytest.raises(throttle.SignInThrottled, match="try again in 15 minutes") as info:
        Client().login(username="alice", password=PASSWORD)
    assert info.value.http_status == 429 and 0 < info.value.retry_after <= 15 * 60


def test_signing_in_forgets_earlier_typos(alice, clock):
    for _ in range(4):
        _app_sign_in("10.0.0.1", "alice", "wrong")
    client, _ = _app_sign_in("10.0.0.1", "alice", PASSWORD)
    assert _signed_in(client)
    for _ in range(4):
        _app_sign_in("10.0.0.1", "alice", "wrong")
    client, _ = _app_sign_in("10.0.0.1", "alice", PASSWORD)
    assert _signed_in(client)
    # The account's own count (from every address) is not reset by one success.
    assert throttle.retry_after("alice", None) == 0
    for _ in range(throttle.limits()["account"] - 8):
        throttle.record_failure("alice", None)
    assert throttle.retry_after("alice", "10.0.0.1") > 0


def test_password_spraying_from_one_address_is_limited(alice, clock):
    limit = throttle.limits()["address"]
    for n in range(limit):
        _app_sign_in("10.0.0.9", f"name-{n}", "Winter2026!")
    client, response = _app_sign_in("10.0.0.9", "alice", PASSWORD)
    assert MESSAGE in response.content and not _signed_in(client)
    client, response = _app_sign_in("10.0.0.10", "alice", PASSWORD)
    assert _signed_in(client)


def test_guessing_one_account_from_many_addresses_is_limited(alice, clock):
    limit = throttle.limits()["account"]
    for n in range(limit):
        _app_sign_in(f"10.1.0.{n}", "alice", f"guess-{n}")
    client, response = _app_sign_in("10.2.0.1", "alice", PASSWORD)
    assert MESSAGE in response.content and not _signed_in(client)


def test_the_window_slides(alice, clock):
    """Failures leave the count one by one as they age, not all at once at a window's end."""
    for _ in range(4):
        _app_sign_in("10.0.0.1", "alice", "wrong")
    clock.advance(10 * 60)
    _app_sign_in("10.0.0.1", "alice", "wrong")
    assert throttle.retry_after("alice", "10.0.0.1") > 0
    clock.advance(5 * 60)  # the first four are 15 minutes old now; the fifth is 5 minutes old
    assert throttle.retry_after("alice", "10.0.0.1") == 0
    client, response = _app_sign_in("10.0.0.1", "alice", PASSWORD)
    assert _signed_in(client)


def test_wait_is_told_in_minutes(alice, clock):
    for _ in range(5):
        _app_sign_in("10.0.0.1", "alice", "wrong")
    clock.advance(13 * 60 + 30)
    _, response = _app_sign_in("10.0.0.1", "alice", PASSWORD)
    assert b"Too many sign-in attempts; try again in 2 minutes." in response.content
    clock.advance(60)
    _, response = _app_sign_in("10.0.0.1", "alice", PASSWORD)
    assert b"Too many sign-in attempts; try again in 1 minute." in response.content


def test_bad_api_tokens_are_limited_per_address(alice, clock):
    _, token = services.create_token(alice, scope="read", actor=SYSTEM)
    limit = throttle.limits()["address"]
    client = Client(REMOTE_ADDR="10.0.0.7")
    for n in range(limit):
        response = client.get("/api/v1/strategies", HTTP_AUTHORIZATION=f"Bearer icsp_guess{n}")
        assert response.status_code == 401
    response = client.get("/api/v1/strategies", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled" and body["status"] == 429
    assert body["detail"] == "Too many sign-in attempts; try again in 15 minutes."
    assert response["Content-Type"].startswith("application/problem+json")
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    # The same token from another address works; the address's count also holds passwords back.
    other = Client(REMOTE_ADDR="10.0.0.8").get("/api/v1/strategies", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert other.status_code == 200
    _, page = _app_sign_in("10.0.0.7", "alice", PASSWORD)
    assert MESSAGE in page.content


def test_counts_live_in_the_shared_database_cache(alice, clock):
    """Worker processes share the counts only if they are in the database, not in a process's memory."""
    assert settings.CACHES[throttle.THROTTLE_CACHE]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    table = settings.CACHES[throttle.THROTTLE_CACHE]["LOCATION"]
    _app_sign_in("10.0.0.1", "alice", "wrong")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        assert cursor.fetchone()[0] == 3  # account and address, account, address


def test_a_missing_cache_table_fails_closed(alice):
    caches = {**settings.CACHES, throttle.THROTTLE_CACHE: {
        **settings.CACHES[throttle.THROTTLE_CACHE], "LOCATION": "no_such_cache_table"}}
    with override_settings(CACHES=caches):
        with pytest.raises(DatabaseError), transaction.atomic():
            services.authenticate_with_throttle(None, "alice", PASSWORD)


def test_no_import_fallback_can_switch_a_rule_off():
    """``except ImportError`` in product code silently dropped sign-in throttling (and indicators
    from the tree and search) when an import failed; every import now fails loudly."""
    from pathlib import Path

    import icsplan

    src = Path(icsplan.__file__).resolve().parent
    offenders = [f"{path.relative_to(src)}:{n}" for path in src.rglob("*.py")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if "except ImportError" in line or "except ModuleNotFoundError" in line]
    assert not offenders, offenders
