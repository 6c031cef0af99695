"""Settings parsing: good environments give the expected configuration, bad ones one clear line."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from civicportal.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
PROD = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 10 + secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "portal.example.jp, www.portal.example.jp",
    "SITE_URL": "https://portal.example.jp/",
}


def test_nothing_set_means_embedded_defaults(tmp_path):
    config = load_config({"DATA_DIR": str(tmp_path)})
    assert config.debug is True
    assert config.embedded is True
    assert config.database["ENGINE"] == "django.contrib.gis.db.backends.spatialite"
    assert config.database["NAME"] == str(tmp_path / "civicportal.sqlite3")
    assert config.mail.backend.endswith("console.EmailBackend")
    assert config.line_login_enabled is False
    assert "127.0.0.1" in config.allowed_hosts


def test_postgis_and_redis_from_urls(tmp_path):
    config = load_config({
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgis://city:pw@db.internal:5433/portal",
        "REDIS_URL": "redis://cache.internal:6379/2",
    })
    assert config.database["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    database = config.database
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "portal")
    assert config.redis_url == "redis://cache.internal:6379/2"
    assert config.embedded is False


def test_production_environment_is_accepted(tmp_path):
    config = load_config({**PROD, "DATA_DIR": str(tmp_path)})
    assert config.debug is False
    assert config.allowed_hosts == ["portal.example.jp", "www.portal.example.jp"]
    assert config.site_url == "https://portal.example.jp"
    # A production site without a mail server keeps mail in files rather than losing it.
    assert config.mail.backend.endswith("filebased.EmailBackend")


def test_smtp_mail_settings(tmp_path):
    config = load_config({"DATA_DIR": str(tmp_path), "EMAIL_HOST": "smtp.example.jp", "EMAIL_PORT": "587",
                          "EMAIL_USE_TLS": "yes", "EMAIL_HOST_USER": "portal"})
    assert (config.mail.host, config.mail.port, config.mail.use_tls, config.mail.user) == (
        "smtp.example.jp", 587, True, "portal")


def test_blank_optional_variables_mean_their_defaults(tmp_path):
    blanks = {name: "" for name in ("MAP_TILES_URL", "LINE_API_BASE", "DEFAULT_FROM_EMAIL", "SMS_SENDER_ID",
                                    "SECURE_HSTS_PRELOAD", "LOG_LEVEL", "REDIS_URL", "EMAIL_HOST", "DEBUG")}
    config = load_config({**blanks, "DATA_DIR": str(tmp_path)})
    defaults = load_config({"DATA_DIR": str(tmp_path)})
    assert config == defaults


def test_line_login_switches_on_only_with_both_keys(tmp_path):
    config = load_config({"DATA_DIR": str(tmp_path), "LINE_LOGIN_CHANNEL_ID": "1650000000",
                          "LINE_LOGIN_CHANNEL_SECRET": "abc"})
    assert config.line_login_enabled is True


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({**PROD, "SECRET_KEY": ""}, "SECRET_KEY"),
        ({**PROD, "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({**PROD, "SECRET_KEY": "django-insecure-" + "x" * 60}, "SECRET_KEY"),
        ({**PROD, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({**PROD, "SITE_URL": ""}, "SITE_URL"),
        ({"SITE_URL": "portal.example.jp"}, "SITE_URL"),
        ({"DATABASE_URL": "postgres://u@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgis://u@h:5432/"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"EMAIL_HOST": "smtp.example.jp", "EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
        ({"EMAIL_HOST": "smtp.example.jp", "EMAIL_PORT": "70000"}, "EMAIL_PORT"),
        ({"EMAIL_HOST": "smtp.example.jp", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_TLS"),
        ({"LINE_CHANNEL_SECRET": "s"}, "LINE_CHANNEL_ACCESS_TOKEN"),
        ({"LINE_LOGIN_CHANNEL_SECRET": "s"}, "LINE_LOGIN_CHANNEL_ID"),
        ({"VAPID_PUBLIC_KEY": "p", "VAPID_PRIVATE_KEY": "k"}, "VAPID_SUBJECT"),
        ({"VAPID_PUBLIC_KEY": "p", "VAPID_PRIVATE_KEY": "k", "VAPID_SUBJECT": "me"}, "VAPID_SUBJECT"),
        ({"SMS_API_URL": "https://sms.example.jp"}, "SMS_API_KEY"),
        ({"SMS_API_URL": "ftp://sms.example.jp", "SMS_API_KEY": "k"}, "SMS_API_URL"),
        ({"MAP_TILES_URL": "tiles.example.jp/x"}, "MAP_TILES_URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_bad_environment_names_the_variable(env, named, tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config({"DATA_DIR": str(tmp_path), **env})
    message = str(caught.value)
    assert named in message
    assert "\n" not in message


def _manage(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"}}
    clean.update(env, DATA_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_start_up_with_a_bad_variable_stops_with_one_line(tmp_path):
    result = _manage(["check"], {"DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "x", "SITE_URL": "https://x"},
                     tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["civicportal: configuration error: SECRET_KEY is required when DEBUG is off"]


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], PROD, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_cap_sender_defaults_to_the_site_host_and_can_be_given(tmp_path):
    assert load_config({**PROD, "DATA_DIR": str(tmp_path)}).cap_sender_id == "alerts@portal.example.jp"
    given = load_config({**PROD, "DATA_DIR": str(tmp_path), "CAP_SENDER_ID": "jp.go.city.sakuragawa"})
    assert given.cap_sender_id == "jp.go.city.sakuragawa"
