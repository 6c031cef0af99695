"""The production settings (DEBUG off) switch on HSTS, secure cookies and the rest, and the
running site sends those headers. `manage.py check --deploy` on the same settings is in
tests/shell/test_config.py (test_production_settings_pass_check_deploy_without_warnings)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 10 + secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "portal.example.jp",
    "SITE_URL": "https://portal.example.jp/",
}
NAMES = [
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_SSL_REDIRECT", "X_FRAME_OPTIONS",
    "SECURE_REFERRER_POLICY", "SESSION_COOKIE_SAMESITE", "AXES_FAILURE_LIMIT", "MFA_SUPPORTED_TYPES",
]


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    """The security settings as the production environment makes them (a fresh interpreter)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    env.update(PROD, DATA_DIR=str(tmp_path_factory.mktemp("prod")), DJANGO_SETTINGS_MODULE="civicportal.settings")
    script = ("import json, django; from django.conf import settings; django.setup(); "
              f"print(json.dumps({{n: getattr(settings, n, None) for n in {NAMES!r}}}))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_switches_on_the_transport_and_cookie_protections(production):
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["AXES_FAILURE_LIMIT"] == 5
    assert production["MFA_SUPPORTED_TYPES"] == ["totp", "recovery_codes"]


@pytest.mark.django_db
def test_the_site_sends_the_security_headers_with_production_values(client, settings, make_user, production):
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
                 "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_CONTENT_TYPE_NOSNIFF"):
        setattr(settings, name, production[name])
    user = make_user("resident")

    response = client.post("/accounts/login/", {"login": user.email, "password": "a-long-test-password-42"},
                           secure=True)
    page = client.get("/", secure=True)

    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    for headers in (response, page):
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]


@pytest.mark.django_db
def test_api_answers_carry_the_same_headers(client):
    response = client.get("/api/v1/districts/", secure=True)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
