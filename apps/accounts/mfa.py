"""Second factor (allauth's TOTP + recovery codes) for everyone who sees personal data.

Who must use one: holders of the roles in `SECOND_FACTOR_ROLES`, plus anyone a feature app's
registered check says holds an office with personal data (e.g. a neighbourhood association
officer, who is an officer through a membership row, not a role grant). The lower floor
knows no feature app: apps call `require_second_factor_for(...)` from their AppConfig.ready().

What happens to them: `RequireSecondFactorMiddleware` sends a signed-in holder without an
authenticator to the TOTP set-up page before anything else (pages), or answers 403 with a
message (API, session or token). With an authenticator, allauth's login asks for the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import Role

SECOND_FACTOR_ROLES = frozenset({Role.ASSOCIATION_OFFICER, Role.SCHOOL_STAFF, Role.CITY_STAFF, Role.SYSTEM_ADMIN})

SET_UP_MESSAGE = _(
    "Your role gives you access to personal data, so you must set up two-factor authentication "
    "(an authenticator app) before you continue."
)
API_MESSAGE = _(
    "Two-factor authentication is required for your role. Sign in on the website and set up "
    "an authenticator app at /accounts/2fa/totp/activate/ first."
)

# Session key: the user id whose authenticator was already found in this session.
_SESSION_KEY = "_second_factor_ok"
_CACHE_ATTR = "_civicportal_needs_second_factor"


@dataclass(frozen=True)
class OfficeCheck:
    """A feature app's own notion of an office with personal data."""

    name: str
    holds_office: Callable[[User], bool]
    # Tables whose rows make someone hold the office (tests give such people a TOTP).
    models: tuple[type[Model], ...] = ()


_CHECKS: dict[str, OfficeCheck] = {}


def require_second_factor_for(name: str, holds_office: Callable[[User], bool], *,
                              models: tuple[type[Model], ...] = ()) -> None:
    """Register a check; called from a feature app's AppConfig.ready()."""
    _CHECKS[name] = OfficeCheck(name, holds_office, models)


def office_checks() -> list[OfficeCheck]:
    return list(_CHECKS.values())


def needs_second_factor(user: User | AnonymousUser) -> bool:
    """Does this person have to use a second factor? Read once per user object (request)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from apps.accounts.selectors import roles_of

        cached = bool(roles_of(user) & SECOND_FACTOR_ROLES) or any(
            check.holds_office(user) for check in _CHECKS.values()
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def has_authenticator(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def missing_second_factor(request) -> bool:
    """True when the signed-in person must use a second factor and has not set one up."""
    user = request.user
    if not user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.get(_SESSION_KEY) == user.pk:
        return False
    if not needs_second_factor(user):
        return False
    if has_authenticator(user):
        if session is not None:
            session[_SESSION_KEY] = user.pk
        return False
    return True


def remember_second_factor(request, user: User) -> None:
    """At sign-in (and when one is added): note in the session that this person has an
    authenticator, so the middleware costs no query on their later requests."""
    session = getattr(request, "session", None)
    if session is not None and has_authenticator(user):
        session[_SESSION_KEY] = user.pk


def forget_second_factor(request) -> None:
    """After an authenticator is removed: check again on the next request."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(_SESSION_KEY, None)


def give_totp(user: User, secret: str | None = None) -> str:
    """Activate TOTP for `user` (demo staff, test fixtures) and return the secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        if secret is None or decrypt(existing.data["secret"]) == secret:
            return decrypt(existing.data["secret"])
        existing.delete()
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
