"""Fixtures shared by every app's tests: people in each role, the demo map, a real worker."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache

from apps.accounts.models import Department, User
from apps.accounts.roles import Role
from apps.accounts.services import grant_role
from civicportal.demo import DemoCity
from tests.support.worker import running_worker

PASSWORD = "a-long-test-password-42"


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login lockout and rate limits live in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at production strength costs ~0.5 s a password; tests hash hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _role_holders_have_a_second_factor(request):
    """Anyone who gets a role (or office) that needs a second factor gets a TOTP authenticator.

    Staff, school staff, officers and admins must set up TOTP before using the site
    (apps/accounts/mfa.py); tests make them with `make_user`, `grant_role` or an app's own
    rows (an officer's membership), then `force_login`. Giving each holder an authenticator as
    the row is saved keeps those sessions valid. Tests of the enforcement itself opt out with
    `@pytest.mark.second_factor_unset`; `apps.accounts.mfa.give_totp(user)` returns the secret.
    """
    if request.node.get_closest_marker("second_factor_unset"):
        yield
        return
    from django.db.models.signals import post_save

    from apps.accounts import mfa
    from apps.accounts.models import RoleGrant

    def give(sender, instance, raw: bool = False, **kwargs) -> None:
        if raw:
            return
        if sender is User:
            if instance.is_superuser:  # a superuser is a system administrator
                mfa.give_totp(instance)
            return
        if not getattr(instance, "user_id", None):
            return
        user = User.objects.get(pk=instance.user_id)
        if sender is RoleGrant:
            # The grant is saved before its group: judge by the row itself.
            needed = instance.role in mfa.SECOND_FACTOR_ROLES
        else:
            needed = any(check.holds_office(user) for check in mfa.office_checks() if sender in check.models)
        if needed:
            mfa.give_totp(user)

    senders = {User, RoleGrant, *(model for check in mfa.office_checks() for model in check.models)}
    for sender in senders:
        post_save.connect(give, sender=sender, dispatch_uid=f"tests.second_factor.{sender.__name__}")
    yield
    for sender in senders:
        post_save.disconnect(sender=sender, dispatch_uid=f"tests.second_factor.{sender.__name__}")


@pytest.fixture
def department(db) -> Department:
    return Department.objects.get_or_create(code="citizen-affairs", defaults={"name": "市民課"})[0]


@pytest.fixture
def make_user(db, department):
    """make_user("city_staff") -> a verified user holding that role (and resident)."""
    from allauth.account.models import EmailAddress

    counter = {"n": 0}

    def make(role: str | None = Role.RESIDENT, *, email: str | None = None, **extra) -> User:
        counter["n"] += 1
        email = email or f"{role or 'nobody'}-{counter['n']}@example.jp"
        user = User.objects.create_user(email=email, password=PASSWORD, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if role:
            grant_role(user=user, role=Role.RESIDENT)
            if role == Role.CITY_STAFF:
                grant_role(user=user, role=role, department=department)
            elif role != Role.RESIDENT:
                grant_role(user=user, role=role)
        return user

    return make


@pytest.fixture
def demo_map(db) -> DemoCity:
    """The demo city's districts and school districts (no people)."""
    from apps.geo import demo

    city = DemoCity(debug=True, password=None)
    demo.seed(city)
    return city


@pytest.fixture
def point_in():
    """point_in(area) -> a point well inside an area's polygon."""

    def inside(area) -> Point:
        return area.area.point_on_surface

    return inside


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real worker process on the test database and broker, for one test module.

    Module scope, not session: a module that checks what happens with no worker (e.g.
    tests/shell/test_health_without_worker.py) must be able to run with none alive.
    """
    with django_db_blocker.unblock(), running_worker(name="module") as process:
        yield process


@pytest.fixture
def unused_tcp_port() -> int:
    from tests.support.http import free_port

    return free_port()


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on localhost; Django's mail goes to it for the test."""
    from tests.support.smtp import SmtpSink

    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = sink.host
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield sink


@pytest.fixture
def english(client, settings):
    """English pages, API answers and service messages, for tests that read the words.

    Japanese is the default; a signed-in person's profile language wins over Accept-Language,
    so the language cookie (the language switch) is what a test sets, as a person would; other
    clients (an APIClient) fall back to the default language, made English here.
    """
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
