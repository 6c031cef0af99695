"""Staff, school staff, officers and admins sign in with a second factor (TOTP + recovery codes).

Without an authenticator they are sent to set one up before anything else (pages) or refused
with a message (API, session or token); with one, the login asks for the code.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.accounts.mfa import current_code, give_totp
from apps.accounts.roles import Role
from apps.neighbourhood.choices import MemberRole
from tests.conftest import PASSWORD
from tests.neighbourhood.conftest import association, make_member  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

SECOND_FACTOR_ROLES = [Role.ASSOCIATION_OFFICER, Role.SCHOOL_STAFF, Role.CITY_STAFF, Role.SYSTEM_ADMIN]
SET_UP = "/accounts/2fa/totp/activate/"


def login(client: Client, email: str) -> object:
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.second_factor_unset
@pytest.mark.parametrize("role", SECOND_FACTOR_ROLES)
def test_role_holder_without_authenticator_is_sent_to_set_one_up(client, make_user, role):
    client.force_login(make_user(role))

    for page in ("/", "/notifications/", "/accounts/profile/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == SET_UP

    # The set-up page (after allauth confirms the password of a session this old) opens: no loop.
    response = client.get(SET_UP, follow=True)
    assert response.status_code == 200
    reauthenticate = "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    assert response.redirect_chain in ([], [(reauthenticate, 302)])


@pytest.mark.second_factor_unset
@pytest.mark.parametrize("role", SECOND_FACTOR_ROLES)
def test_role_holder_without_authenticator_is_refused_by_the_api(client, make_user, english, role):
    user = make_user(role)
    client.force_login(user)

    response = client.get("/api/v1/me/")

    assert response.status_code == 403
    assert "Two-factor authentication is required" in response.json()["detail"]

    token = Token.objects.create(user=user)
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403
    assert "Two-factor authentication is required" in response.json()["detail"]


@pytest.mark.second_factor_unset
def test_a_resident_needs_no_second_factor(client, make_user):
    user = make_user(Role.RESIDENT)
    client.force_login(user)

    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()


@pytest.mark.second_factor_unset
def test_an_association_officer_by_membership_needs_one_too(client, association, make_member):  # noqa: F811
    user = make_member(association, MemberRole.OFFICER)  # an officer through the membership row only
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == SET_UP


@pytest.mark.second_factor_unset
def test_setting_up_totp_opens_the_site_and_gives_recovery_codes(make_user):
    client = Client()
    user = make_user(Role.CITY_STAFF)
    response = login(client, user.email)
    assert response["Location"] == "/"  # no authenticator yet: the password alone signs in...
    assert client.get("/")["Location"] == SET_UP  # ...and the site asks for the set-up first

    # allauth asks for the password again before adding an authenticator
    reauthenticate = client.get(SET_UP)["Location"]
    assert reauthenticate.startswith("/accounts/reauthenticate/")
    assert client.post(reauthenticate, {"password": PASSWORD})["Location"] == SET_UP
    page = client.get(SET_UP)  # shows the QR code; the secret waits in the session
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown to type in, beside the QR code
    assert "data:image/svg+xml" in page.content.decode()
    response = client.post(SET_UP, {"code": "000000" if current_code(secret) != "000000" else "111111"})
    assert response.status_code == 200  # a wrong code sets nothing up
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post(SET_UP, {"code": current_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", SECOND_FACTOR_ROLES)
def test_login_asks_for_the_code(make_user, role):
    user = make_user(role)  # the test fixture gave this role holder an authenticator
    secret = give_totp(user)
    client = Client()

    response = login(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)
    wrong = "000000" if current_code(secret) != "000000" else "111111"
    assert client.post("/accounts/2fa/authenticate/", {"code": wrong}).status_code == 200
    assert not signed_in(client)

    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/").status_code == 200


def test_a_recovery_code_signs_in_once(make_user):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = make_user(Role.CITY_STAFF)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    first = Client()
    login(first, user.email)
    assert first.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert signed_in(first)

    second = Client()
    login(second, user.email)
    assert second.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 200
    assert not signed_in(second)


def test_staff_cannot_switch_their_authenticator_off(make_user):
    user = make_user(Role.SCHOOL_STAFF)
    secret = give_totp(user)
    client = Client()
    login(client, user.email)
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.get("/").status_code == 200

    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # allauth asks again first

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 200  # the form with its error
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_if_an_authenticator_goes_anyway_staff_are_sent_back_to_set_up(client, make_user):
    """E.g. an administrator deleted it in the admin for a lost phone."""
    user = make_user(Role.CITY_STAFF)
    client.force_login(user)
    assert client.get("/").status_code == 200  # remembered in this session from here on...

    Authenticator.objects.filter(user=user).delete()
    from allauth.mfa.signals import authenticator_removed

    request = type("Request", (), {"session": client.session})()
    authenticator_removed.send(sender=Authenticator, request=request, user=user, authenticator=None)
    request.session.save()  # ...until allauth's signal says it was removed

    assert client.get("/")["Location"] == SET_UP


@pytest.mark.second_factor_unset
def test_without_authenticator_staff_may_still_sign_out(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not signed_in(client)
