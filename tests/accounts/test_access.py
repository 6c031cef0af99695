"""Who reaches the admin and the staff dashboard, role by role."""

import pytest
from django.utils import translation

from apps.accounts.roles import Role
from civicportal import dashboard

pytestmark = pytest.mark.django_db

NOT_STAFF = [Role.RESIDENT, Role.ASSOCIATION_OFFICER, Role.SCHOOL_STAFF]
STAFF = [Role.CITY_STAFF, Role.SYSTEM_ADMIN]


def test_anonymous_is_sent_to_the_admin_login(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("role", NOT_STAFF)
def test_roles_without_admin_access_are_sent_to_the_admin_login(client, make_user, role):
    client.force_login(make_user(role))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("role", STAFF)
def test_staff_roles_open_the_admin(client, make_user, role):
    client.force_login(make_user(role))

    assert client.get("/admin/").status_code == 200


def test_anonymous_dashboard_asks_to_sign_in(client):
    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


@pytest.mark.parametrize("role", NOT_STAFF)
def test_dashboard_is_forbidden_to_non_staff(client, make_user, role):
    client.force_login(make_user(role))

    assert client.get("/dashboard/").status_code == 403


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_every_dashboard_panel(client, make_user, role):
    client.force_login(make_user(role))
    client.cookies["django_language"] = "en"  # the language switch; the profile says Japanese

    response = client.get("/dashboard/")

    assert response.status_code == 200
    page = response.content.decode()
    panels = dashboard.panels()
    assert {panel.key for panel in panels} >= {"accounts", "geo"}
    with translation.override("en"):
        for panel in panels:
            assert f'id="panel-{panel.key}">{panel.title}</h2>' in page


def test_city_staff_manage_districts_but_not_users(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))

    assert client.get("/admin/geo/district/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403


def test_system_admin_manages_users(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))

    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/geo/district/").status_code == 200
