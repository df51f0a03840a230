"""Production settings pass ``check --deploy``; every response carries the security headers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from icsplan.core.middleware import CONTENT_SECURITY_POLICY

REPO = Path(__file__).resolve().parents[2]


def test_check_deploy_reports_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update({
        "DJANGO_SETTINGS_MODULE": "icsplan.config.settings", "ICSPLAN_HTTPS": "1", "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64), "ICSPLAN_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "ics.example.org",
    })
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_csp_has_no_inline_script():
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY and "object-src 'none'" in CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_security_headers_and_request_id(client):
    from django.urls import get_resolver

    response = client.get("/static/does-not-exist.css")  # any path: headers are set by middleware
    for resp in (response,):
        assert resp["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert resp["X-Content-Type-Options"] == "nosniff"
        assert resp["X-Frame-Options"] == "DENY"
        assert resp["Referrer-Policy"] == "same-origin"
        assert len(resp["X-Request-ID"]) == 32
    assert client.get("/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"
    assert get_resolver() is not None


def test_session_and_csrf_cookies_are_hardened():
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
