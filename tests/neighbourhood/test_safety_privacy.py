"""Who may see safety-check answers: trying as every wrong user, in pages and the API."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.urls import reverse
from rest_framework.test import APIClient

from apps.neighbourhood.choices import MembershipStatus
from apps.neighbourhood.models import Membership, SafetyAnswer
from apps.neighbourhood.services import safety as services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def check(association, officer, member):
    started = services.start_check(user=officer, title="地震", association=association)
    services.answer(safety_check=started, user_id=member.pk, status="need_help", note="秘密のメモ")
    return started


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _urls(check) -> list[str]:
    return [reverse("neighbourhood:safety_live", args=[check.pk]),
            reverse("neighbourhood:safety_answer", args=[check.pk]),
            reverse("neighbourhood:safety_links", args=[check.pk]),
            reverse("neighbourhood:safety_live", args=[check.pk]) + "?print=1"]


def _api_urls(check) -> list[str]:
    return [reverse("api:neighbourhood-safety-check", args=[check.pk]),
            reverse("api:neighbourhood-safety-unanswered", args=[check.pk])]


def test_non_member_resident_gets_404_and_no_answers(client, check, make_user):
    outsider = make_user("resident")
    client.force_login(outsider)
    for url in _urls(check):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "秘密のメモ" not in response.content.decode()
    for url in _api_urls(check):
        response = _api(outsider).get(url)
        assert response.status_code == 404 and "秘密のメモ" not in response.content.decode()
    put = _api(outsider).put(reverse("api:neighbourhood-safety-answer", args=[check.pk]), {"status": "safe"},
                             format="json")
    assert put.status_code == 404
    assert client.post(reverse("neighbourhood:safety_close", args=[check.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in_or_refused(client, check):
    for url in _urls(check):
        response = client.get(url)
        assert response.status_code == 302 and "秘密のメモ" not in response.content.decode()
    for url in _api_urls(check):
        assert _api().get(url).status_code == 401


def test_member_of_another_association_gets_404(client, check, other_association, make_member, make_user):
    other_officer = make_member(other_association, "officer")
    client.force_login(other_officer)
    for url in _urls(check):
        assert client.get(url).status_code == 404, url
    for url in _api_urls(check):
        assert _api(other_officer).get(url).status_code == 404
    assert _api(other_officer).post(reverse("api:neighbourhood-safety-close", args=[check.pk])).status_code == 404
    # City staff do not follow an association's own check either.
    staff = make_user("city_staff")
    assert _api(staff).get(_api_urls(check)[0]).status_code == 404


def test_plain_member_sees_only_their_own_answer(client, check, association, make_member, member):
    other = make_member(association)
    client.force_login(other)
    page = client.get(reverse("neighbourhood:safety_live", args=[check.pk]))
    assert page.status_code == 200 and "live" not in page.context
    assert "秘密のメモ" not in page.content.decode()
    assert client.get(reverse("neighbourhood:safety_links", args=[check.pk])).status_code == 404
    summary = _api(other).get(_api_urls(check)[0]).json()
    assert summary["own_answer"] is None and "counts" not in summary
    assert _api(other).get(_api_urls(check)[1]).status_code == 404
    assert _api(other).post(reverse("api:neighbourhood-safety-close", args=[check.pk])).status_code == 404
    assert _api(member).get(_api_urls(check)[0]).json()["own_answer"]["note"] == "秘密のメモ"


def test_former_member_can_no_longer_answer(check, association, member):
    token = services.make_token(safety_check=check, user=member)
    Membership.objects.filter(user=member, association=association).update(status=MembershipStatus.LEFT)
    response = _api().post(reverse("api:neighbourhood-safety-answer-token"), {"token": token, "status": "safe"},
                           format="json")
    assert response.status_code == 400 and "token" in response.json()["errors"]
    assert _api(member).get(_api_urls(check)[0]).status_code == 404


class _OldSigner(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - services.TOKEN_MAX_AGE - 60)


def test_bad_tampered_and_expired_tokens_are_refused(client, check, member, make_member, association):
    good = services.make_token(safety_check=check, user=member)
    other = make_member(association)
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    # Re-signed for another user with a wrong key: the signature does not match.
    forged = signing.dumps([check.pk, other.pk], key="not-the-secret", salt=services.TOKEN_SALT)
    wrong_salt = signing.dumps([check.pk, other.pk], salt="something-else")
    expired = _OldSigner(salt=services.TOKEN_SALT).sign_object([check.pk, other.pk])
    not_a_pair = signing.dumps({"c": check.pk}, salt=services.TOKEN_SALT)
    url = reverse("api:neighbourhood-safety-answer-token")
    for token in ["garbage", tampered, forged, wrong_salt, expired, not_a_pair]:
        response = _api().post(url, {"token": token, "status": "safe"}, format="json")
        assert response.status_code == 400 and "token" in response.json()["errors"], token
        page = client.post(reverse("neighbourhood:safety_answer_token", args=[token]), {"status": "safe"})
        assert page.status_code == 400
    assert "expired" in _api().post(url, {"token": expired, "status": "safe"}, format="json").json()["errors"][
        "token"][0]
    assert not SafetyAnswer.objects.filter(safety_check=check, user=other).exists()
    # The good token answers only for its own person and never shows others' answers.
    page = client.get(reverse("neighbourhood:safety_answer_token", args=[good]))
    assert page.status_code == 200 and "秘密のメモ" in page.content.decode()  # the member's own note
    other_token = services.make_token(safety_check=check, user=other)
    assert "秘密のメモ" not in client.get(reverse("neighbourhood:safety_answer_token", args=[other_token])
                                      ).content.decode()


def test_token_answer_validation_names_fields(check, member):
    token = services.make_token(safety_check=check, user=member)
    response = _api().post(reverse("api:neighbourhood-safety-answer-token"),
                           {"token": token, "status": "maybe", "extra": 1}, format="json")
    assert response.status_code == 400 and {"status", "extra"} <= set(response.json()["errors"])
    missing = _api().post(reverse("api:neighbourhood-safety-answer-token"), {"status": "safe"}, format="json")
    assert missing.status_code == 400 and "token" in missing.json()["errors"]


def test_answer_links_are_limited_per_link_not_per_shared_address(check, association, make_member):
    """After a quake a whole street answers from one carrier address: 130 links all count;
    one link repeated past its limit is slowed down."""
    url = reverse("api:neighbourhood-safety-answer-token")
    people = [make_member(association) for _ in range(130)]
    client = _api()
    answered = [client.post(url, {"token": services.make_token(safety_check=check, user=person),
                                  "status": "safe"}, format="json").status_code for person in people]
    assert answered == [200] * 130  # more than the anonymous limit of 120 a minute per address
    assert SafetyAnswer.objects.filter(safety_check=check, user__in=people).count() == 130
    token = services.make_token(safety_check=check, user=people[0])
    repeats = [client.post(url, {"token": token, "status": "away"}, format="json").status_code for _ in range(25)]
    assert 429 in repeats
