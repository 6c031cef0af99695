"""seed_demo builds the demo city once, however often it runs; passwords only with DEBUG on."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from apps.accounts.demo import DEMO_TOTP_SECRET, DEPARTMENTS, PEOPLE
from apps.accounts.mfa import SECOND_FACTOR_ROLES, current_code
from apps.accounts.models import Department, RoleGrant, User
from apps.accounts.selectors import has_role
from apps.counter.catalogue_seed import DEPARTMENTS as COUNTER_DEPARTMENTS
from apps.counter.demo import INSURANCE_CLERK
from apps.counter.demo_floor import DEPARTMENTS as FLOOR_DEPARTMENTS
from apps.disastermap.models import CommunityFeature, Facility, HazardZone, Shelter
from apps.geo.models import City, District, SchoolDistrict
from apps.neighbourhood.demo import NEWCOMER, POLICE
from apps.notifications.services import SYSTEM_SENDER_EMAIL
from civicportal.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

NEIGHBOURHOOD_EXTRA = (NEWCOMER, POLICE)
# The counter's second clerk; its demo applications send system messages (the system sender account).
COUNTER_EXTRA = (INSURANCE_CLERK,)
SYSTEM_ACCOUNTS = (SYSTEM_SENDER_EMAIL,)
ALL_DEPARTMENTS = {code for code, *_ in (*DEPARTMENTS, *COUNTER_DEPARTMENTS, *FLOOR_DEPARTMENTS)}

COUNTED = [City, District, SchoolDistrict, User, RoleGrant, Department, EmailAddress,
           Facility, Shelter, HazardZone, CommunityFeature]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def seed(*, debug: bool) -> str:
    out = StringIO()
    with override_settings(DEBUG=debug):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_tests_run_with_debug_off():
    # pytest-django turns DEBUG off, so the tests below choose it explicitly.
    assert settings.DEBUG is False


def test_seeding_twice_changes_no_counts():
    seed(debug=True)
    first = counts()

    seed(debug=True)

    assert counts() == first
    assert first["City"] == 1
    assert first["District"] == 10
    assert first["SchoolDistrict"] == 3
    # The demo people, plus the association's newcomer (a pending request) and its police liaison.
    assert first["User"] == len(PEOPLE) + len(NEIGHBOURHOOD_EXTRA) + len(COUNTER_EXTRA) + len(SYSTEM_ACCOUNTS)
    assert first["EmailAddress"] == len(PEOPLE) + len(NEIGHBOURHOOD_EXTRA) + len(COUNTER_EXTRA)
    assert first["Department"] == len(ALL_DEPARTMENTS)
    assert first["Shelter"] == 8
    assert first["Facility"] > first["Shelter"]


def test_each_demo_person_holds_their_role_with_a_verified_email():
    seed(debug=True)

    for email, role, display, *_rest in PEOPLE:
        user = User.objects.get(email=email)
        assert has_role(user, role), email
        assert has_role(user, "resident"), email
        assert user.profile.display_name == display
        assert user.profile.district is not None
        assert EmailAddress.objects.get(user=user, email=email).verified


def test_with_debug_on_every_demo_login_signs_in():
    output = seed(debug=True)
    assert DEMO_PASSWORD in output

    for email, role, *_rest in PEOPLE:
        client = Client()
        with override_settings(DEBUG=True):
            response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
            assert response.status_code == 302, email
            if role in SECOND_FACTOR_ROLES:  # staff give the demo authenticator's code (manage.py demo_totp)
                assert response["Location"] == "/accounts/2fa/authenticate/", email
                response = client.post(response["Location"], {"code": current_code(DEMO_TOTP_SECRET)})
                assert response.status_code == 302, email
        assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


def test_with_debug_off_demo_users_have_no_usable_password():
    output = seed(debug=False)

    assert DEMO_PASSWORD not in output
    assert "DEBUG is off" in output
    for email, *_rest in PEOPLE:
        assert not User.objects.get(email=email).has_usable_password(), email

    email = PEOPLE[0][0]
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_seed_with_debug_off_clears_demo_passwords_set_earlier(db):
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    from apps.accounts.demo import PEOPLE
    from apps.accounts.models import User

    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
    with override_settings(DEBUG=False):
        call_command("seed_demo", stdout=StringIO())
    assert not any(User.objects.get(email=person[0]).has_usable_password() for person in PEOPLE)
