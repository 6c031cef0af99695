"""Five wrong passwords lock one account from one address (django-axes), on both login forms."""

import pytest
from django.test import Client
from pytest_django.asserts import assertTemplateNotUsed, assertTemplateUsed

from apps.accounts.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-right-password"
LOCKED_TEMPLATE = "accounts/locked_out.html"


def site_login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def admin_login(client: Client, email: str, password: str):
    return client.post("/admin/login/", {"username": email, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_four_wrong_passwords_do_not_lock(client, make_user):
    user = make_user(Role.RESIDENT)
    for _ in range(4):
        response = site_login(client, user.email, WRONG)
        assert response.status_code == 200
        assertTemplateNotUsed(response, LOCKED_TEMPLATE)

    response = site_login(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_fifth_wrong_password_shows_the_locked_out_page(client, make_user):
    user = make_user(Role.RESIDENT)
    for _ in range(4):
        site_login(client, user.email, WRONG)

    response = site_login(client, user.email, WRONG)

    assert response.status_code == 429
    assertTemplateUsed(response, LOCKED_TEMPLATE)


def test_locked_account_refuses_the_right_password(client, make_user):
    user = make_user(Role.RESIDENT)
    for _ in range(5):
        site_login(client, user.email, WRONG)

    response = site_login(client, user.email, PASSWORD)

    assert response.status_code == 429
    assertTemplateUsed(response, LOCKED_TEMPLATE)
    assert not signed_in(client)


def test_lock_is_per_address_so_a_stranger_cannot_lock_a_resident_out(client, make_user):
    user = make_user(Role.RESIDENT)
    for _ in range(5):
        site_login(client, user.email, WRONG)
    from_home = Client(REMOTE_ADDR="192.0.2.10")

    response = site_login(from_home, user.email, PASSWORD)

    assert response.status_code == 302
    assert from_home.session["_auth_user_id"] == str(user.pk)


def test_lock_on_one_account_leaves_others_from_the_same_address_alone(client, make_user):
    locked, other = make_user(Role.RESIDENT), make_user(Role.RESIDENT)
    for _ in range(5):
        site_login(client, locked.email, WRONG)
    neighbour = Client()  # same REMOTE_ADDR (127.0.0.1), own session

    response = site_login(neighbour, other.email, PASSWORD)

    assert response.status_code == 302
    assert neighbour.session["_auth_user_id"] == str(other.pk)


def test_the_admin_has_no_password_form_of_its_own(client, make_user):
    """A password posted to the admin signs nobody in: the admin sends people to the site login,
    which counts failures (axes) and asks staff for their second factor."""
    staff = make_user(Role.CITY_STAFF)

    response = admin_login(client, staff.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
    assert not signed_in(client)


def test_site_login_locks_a_staff_user_the_same_way(client, make_user):
    staff = make_user(Role.CITY_STAFF)
    for _ in range(4):
        assert site_login(client, staff.email, WRONG).status_code == 200

    fifth = site_login(client, staff.email, WRONG)
    assert fifth.status_code == 429
    assertTemplateUsed(fifth, LOCKED_TEMPLATE)

    response = site_login(client, staff.email, PASSWORD)
    assert response.status_code == 429
    assertTemplateUsed(response, LOCKED_TEMPLATE)
    assert not signed_in(client)


def test_staff_password_before_the_lock_leads_to_the_code(client, make_user):
    staff = make_user(Role.CITY_STAFF)
    for _ in range(4):
        site_login(client, staff.email, WRONG)

    response = site_login(client, staff.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)  # not until the code is given
