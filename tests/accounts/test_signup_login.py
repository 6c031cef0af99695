"""Sign-up by email: verify first, then sign in as a resident with a profile."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from apps.accounts.models import User
from apps.accounts.selectors import has_role, roles_of
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

EMAIL = "hanako@example.jp"


def sign_up(client: Client, **extra):
    data = {
        "email": EMAIL,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "  花子  ",
        "preferred_language": "en",
        **extra,
    }
    return client.post("/accounts/signup/", data)


def log_in(client: Client, email: str = EMAIL, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_sends_one_verification_mail_and_does_not_sign_in(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    assert mail.outbox[0].subject.startswith("[civicportal] ")
    confirmation_link(mail.outbox[0])
    assert not EmailAddress.objects.get(email=EMAIL).verified


def test_sign_up_creates_a_resident_with_profile(client):
    sign_up(client)

    user = User.objects.get(email=EMAIL)
    assert user.profile.display_name == "花子"
    assert user.profile.preferred_language == "en"
    assert has_role(user, "resident")
    assert roles_of(user) == {"resident"}
    assert not user.is_staff


def test_sign_up_refuses_a_language_we_do_not_offer(client):
    response = sign_up(client, preferred_language="fr")

    assert response.status_code == 200
    assert "preferred_language" in response.context["form"].errors
    assert not User.objects.filter(email=EMAIL).exists()
    assert mail.outbox == []


def test_unverified_user_cannot_sign_in(client):
    sign_up(client)
    other = Client()

    response = log_in(other)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in other.session


def test_following_the_mail_link_verifies_and_then_login_works(client):
    sign_up(client)
    link = confirmation_link(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert EMAIL in page.content.decode()
    assert not EmailAddress.objects.get(email=EMAIL).verified

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email=EMAIL).verified

    fresh = Client()
    response = log_in(fresh)
    assert response.status_code == 302
    assert fresh.session["_auth_user_id"] == str(User.objects.get(email=EMAIL).pk)


def test_wrong_password_does_not_sign_in(client):
    sign_up(client)
    client.post(confirmation_link(mail.outbox[0]))
    fresh = Client()

    response = log_in(fresh, password="not-the-password-at-all")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in fresh.session
