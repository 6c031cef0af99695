"""Read the portal's configuration from environment variables.

`load_config` is a pure function of a mapping so that tests can feed it good and bad
environments; `settings.py` calls it once with `os.environ`. Any missing or malformed
variable raises `ConfigError`, whose message is a single line that names the variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "django-insecure-civicportal-development-key-never-use-in-production"  # noqa: S105
DEFAULT_TILES_URL = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
DEFAULT_TILES_ATTRIBUTION = (
    '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>'
)
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class ConfigError(ImproperlyConfigured):
    """A configuration variable is missing or malformed; the message names it."""


@dataclass(frozen=True)
class MailConfig:
    backend: str
    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    default_from: str = "civicportal <noreply@localhost>"
    file_path: str = ""


@dataclass(frozen=True)
class Config:
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    site_url: str
    data_dir: Path
    database: dict
    redis_url: str | None
    mail: MailConfig
    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_base: str = "https://api.line.me"
    line_login_channel_id: str = ""
    line_login_channel_secret: str = ""
    vapid_public_key: str = ""
    vapid_private_key: str = ""
    vapid_subject: str = ""
    sms_api_url: str = ""
    sms_api_key: str = ""
    sms_sender_id: str = ""
    map_tiles_url: str = DEFAULT_TILES_URL
    map_tiles_attribution: str = DEFAULT_TILES_ATTRIBUTION
    ssl_redirect: bool = True
    trust_forwarded_proto: bool = False
    hsts_preload: bool = True
    log_level: str = "INFO"
    line_message_price_yen: float = 3.0
    notification_chunk_size: int = 2000
    cap_sender_id: str = ""

    @property
    def embedded(self) -> bool:
        """True when no external broker is configured (the newcomer's defaults)."""
        return self.redis_url is None

    @property
    def line_login_enabled(self) -> bool:
        return bool(self.line_login_channel_id and self.line_login_channel_secret)


def _get(env: Mapping[str, str], name: str, default: str = "") -> str:
    """A variable's value; set-but-blank counts as unset (compose passes blanks through)."""
    return env.get(name, "").strip() or default


def parse_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false (1/0, yes/no, on/off), got {raw!r}")


def parse_int(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def parse_url(env: Mapping[str, str], name: str, default: str, *, schemes: set[str]) -> str:
    raw = _get(env, name, default)
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not parts.netloc:
        wanted = " or ".join(sorted(f"{s}://" for s in schemes))
        raise ConfigError(f"{name} must be a URL starting with {wanted}, got {raw!r}")
    return raw.rstrip("/")


def parse_list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = env.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _parse_database(env: Mapping[str, str], data_dir: Path) -> dict:
    raw = _get(env, "DATABASE_URL")
    if not raw:
        return {
            "ENGINE": "django.contrib.gis.db.backends.spatialite",
            "NAME": str(data_dir / "civicportal.sqlite3"),
            "TEST": {"NAME": str(data_dir / "test-civicportal.sqlite3")},
        }
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in {"postgis", "spatialite"}:
        raise ConfigError(
            f"DATABASE_URL must start with postgis:// or spatialite:// "
            f"(the portal needs a spatial database), got scheme {scheme or 'none'!r}"
        )
    try:
        database = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several kinds for bad URLs.
        raise ConfigError(f"DATABASE_URL could not be read: {exc}") from None
    if not database.get("NAME"):
        raise ConfigError("DATABASE_URL must name a database, e.g. postgis://user@host:5432/civicportal")
    if scheme == "spatialite":
        database["TEST"] = {"NAME": str(data_dir / "test-civicportal.sqlite3")}
    return database


def _parse_mail(env: Mapping[str, str], data_dir: Path, debug: bool) -> MailConfig:
    default_from = _get(env, "DEFAULT_FROM_EMAIL", "civicportal <noreply@localhost>")
    host = _get(env, "EMAIL_HOST")
    if not host:
        # Without a mail server, mail goes to the console (development) or files (a
        # production site that forgot to configure mail loses nothing).
        if debug:
            return MailConfig(backend="django.core.mail.backends.console.EmailBackend",
                              default_from=default_from)
        return MailConfig(backend="django.core.mail.backends.filebased.EmailBackend",
                          default_from=default_from, file_path=str(data_dir / "mail"))
    use_tls = parse_bool(env, "EMAIL_USE_TLS", False)
    use_ssl = parse_bool(env, "EMAIL_USE_SSL", False)
    if use_tls and use_ssl:
        raise ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
    return MailConfig(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host=host,
        port=parse_int(env, "EMAIL_PORT", 25, low=1, high=65535),
        user=_get(env, "EMAIL_HOST_USER"),
        password=env.get("EMAIL_HOST_PASSWORD", ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        default_from=default_from,
    )


def _require_together(env: Mapping[str, str], names: tuple[str, ...]) -> None:
    present = [n for n in names if _get(env, n)]
    if present and len(present) != len(names):
        missing = next(n for n in names if n not in present)
        raise ConfigError(f"{missing} is required when {present[0]} is set")


def _check_secret_key(key: str) -> None:
    if not key:
        raise ConfigError("SECRET_KEY is required when DEBUG is off")
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
        raise ConfigError(
            "SECRET_KEY must be at least 50 random characters when DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')"
        )


def load_config(env: Mapping[str, str]) -> Config:
    debug = parse_bool(env, "DEBUG", True)
    data_dir = Path(_get(env, "DATA_DIR") or BASE_DIR / "var").resolve()

    secret_key = env.get("SECRET_KEY", "").strip()
    if not debug:
        _check_secret_key(secret_key)
    secret_key = secret_key or DEV_SECRET_KEY

    if not debug and not _get(env, "ALLOWED_HOSTS"):
        raise ConfigError("ALLOWED_HOSTS is required when DEBUG is off (comma-separated host names)")
    allowed_hosts = parse_list(env, "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

    if not debug and not _get(env, "SITE_URL"):
        raise ConfigError("SITE_URL is required when DEBUG is off, e.g. https://portal.example.jp")
    site_url = parse_url(env, "SITE_URL", "http://127.0.0.1:8000", schemes={"http", "https"})

    redis_url = None
    if _get(env, "REDIS_URL"):
        redis_url = parse_url(env, "REDIS_URL", "", schemes={"redis", "rediss"})

    for group in (
        ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"),
        ("LINE_LOGIN_CHANNEL_ID", "LINE_LOGIN_CHANNEL_SECRET"),
        ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"),
        ("SMS_API_URL", "SMS_API_KEY"),
    ):
        _require_together(env, group)
    vapid_subject = _get(env, "VAPID_SUBJECT")
    if vapid_subject and not vapid_subject.startswith(("mailto:", "https://")):
        raise ConfigError(f"VAPID_SUBJECT must start with mailto: or https://, got {vapid_subject!r}")

    tiles_url = _get(env, "MAP_TILES_URL", DEFAULT_TILES_URL)
    if not tiles_url.startswith(("https://", "http://", "/")) or "{z}" not in tiles_url:
        raise ConfigError(
            "MAP_TILES_URL must be an http(s) or site-relative URL template with {z}, {x} and {y}"
        )

    return Config(
        debug=debug,
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        site_url=site_url,
        data_dir=data_dir,
        database=_parse_database(env, data_dir),
        redis_url=redis_url,
        mail=_parse_mail(env, data_dir, debug),
        line_channel_secret=_get(env, "LINE_CHANNEL_SECRET"),
        line_channel_access_token=_get(env, "LINE_CHANNEL_ACCESS_TOKEN"),
        line_api_base=parse_url(env, "LINE_API_BASE", "https://api.line.me", schemes={"http", "https"}),
        line_login_channel_id=_get(env, "LINE_LOGIN_CHANNEL_ID"),
        line_login_channel_secret=_get(env, "LINE_LOGIN_CHANNEL_SECRET"),
        vapid_public_key=_get(env, "VAPID_PUBLIC_KEY"),
        vapid_private_key=_get(env, "VAPID_PRIVATE_KEY"),
        vapid_subject=vapid_subject,
        sms_api_url=(
            parse_url(env, "SMS_API_URL", "", schemes={"http", "https"}) if _get(env, "SMS_API_URL") else ""
        ),
        sms_api_key=_get(env, "SMS_API_KEY"),
        sms_sender_id=_get(env, "SMS_SENDER_ID", "civicportal"),
        # The CAP <sender> of the city's alerts; without one, an address at the site's host.
        cap_sender_id=_get(env, "CAP_SENDER_ID") or f"alerts@{urlsplit(site_url).hostname or 'localhost'}",
        map_tiles_url=tiles_url,
        map_tiles_attribution=_get(env, "MAP_TILES_ATTRIBUTION", DEFAULT_TILES_ATTRIBUTION),
        ssl_redirect=parse_bool(env, "SECURE_SSL_REDIRECT", True),
        trust_forwarded_proto=parse_bool(env, "TRUST_X_FORWARDED_PROTO", False),
        hsts_preload=parse_bool(env, "SECURE_HSTS_PRELOAD", True),
        log_level=_parse_log_level(env),
        line_message_price_yen=_parse_price(env, "LINE_MESSAGE_PRICE_YEN", 3.0),
        notification_chunk_size=parse_int(env, "NOTIFICATION_CHUNK_SIZE", 2000, low=50, high=20000),
    )


def _parse_price(env: Mapping[str, str], name: str, default: float) -> float:
    raw = _get(env, name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of yen such as 3 or 2.5, got {raw!r}") from None
    if not 0 <= value <= 1000:
        raise ConfigError(f"{name} must be between 0 and 1000, got {value}")
    return value


def _parse_log_level(env: Mapping[str, str]) -> str:
    level = _get(env, "LOG_LEVEL", "INFO").upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {level!r}")
    return level
