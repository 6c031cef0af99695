"""Every endpoint anyone may write to without signing in has a limit (table-driven).

Each row names how to make one anonymous write and the limit; the test writes until just
before the limit (all accepted or refused for their content, never 429) and once more (429).
Login lockout per account (django-axes) is in tests/accounts/test_lockout.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.neighbourhood.choices import MemberRole
from tests.neighbourhood.conftest import association, make_member  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class PublicWrite:
    name: str
    limit: int
    send: Callable[[dict, int], object]  # (context, attempt number) -> response


def _signup(ctx, n):
    return ctx["client"].post("/accounts/signup/", {"email": f"new{n}@example.jp", "password1": "x",
                                                   "password2": "y"})


def _reset(ctx, n):
    return ctx["client"].post("/accounts/password/reset/", {"email": f"someone{n}@example.jp"})


def _login(ctx, n):
    # A different (unknown) account each time: axes counts per account, allauth per address.
    return ctx["client"].post("/accounts/login/", {"login": f"nobody{n}@example.jp", "password": "wrong-password"})


def _token_page(ctx, n):
    return ctx["client"].post(ctx["token_url"], {"status": "safe", "note": ""})


def _token_api(ctx, n):
    return ctx["api"].post("/api/v1/neighbourhood/safety-checks/answer-by-token/",
                           {"token": ctx["token"], "status": "safe", "note": ""}, format="json")


def _inquiry_page(ctx, n):
    return ctx["client"].post("/counter/inquiries/new/", {"department": ctx["department"].pk, "subject": f"質問{n}",
                                                         "body": "住民票の取り方", "asker_email": "a@example.jp"})


def _inquiry_api(ctx, n):
    return ctx["api"].post("/api/v1/counter/inquiries/", {"department": ctx["department"].code, "subject": f"質問{n}",
                                                          "body": "住民票の取り方", "asker_email": "a@example.jp"},
                           format="json")


def _report_page(ctx, n):
    return ctx["client"].post("/counter/reports/new/", {"service": "", "description": f"穴{n}"})


PUBLIC_WRITES = [
    PublicWrite("sign-up (allauth, per address)", 20, _signup),
    PublicWrite("password reset (allauth, per address)", 20, _reset),
    PublicWrite("login (allauth, per address)", 30, _login),
    PublicWrite("safety answer link page (per link)", 20, _token_page),
    PublicWrite("safety answer link API (per link)", 20, _token_api),
    PublicWrite("counter inquiry page (per address)", 10, _inquiry_page),
    PublicWrite("counter inquiry API (per address)", 10, _inquiry_api),
    PublicWrite("resident report page (per address)", 10, _report_page),
]


@pytest.fixture
def ctx(association, make_member, department):  # noqa: F811
    from apps.neighbourhood.services import safety

    officer = make_member(association, MemberRole.OFFICER)
    member = make_member(association)
    check = safety.start_check(user=officer, title="地震", association=association)
    token = safety.make_token(safety_check=check, user=member)
    return {"client": Client(), "api": APIClient(), "token": token, "department": department,
            "token_url": reverse("neighbourhood:safety_answer_token", args=[token])}


@pytest.mark.parametrize("write", PUBLIC_WRITES, ids=lambda w: w.name)
def test_public_write_is_limited(ctx, write: PublicWrite):
    for n in range(write.limit):
        response = write.send(ctx, n)
        assert response.status_code != 429, f"refused after {n} of {write.limit}"
        assert response.status_code < 500

    assert write.send(ctx, write.limit).status_code == 429
