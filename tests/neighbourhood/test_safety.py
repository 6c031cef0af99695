"""Safety checks from start to the follow-up list, through pages and the API."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import AuditEntry
from apps.neighbourhood.choices import MemberRole
from apps.neighbourhood.models import Membership, SafetyAnswer, SafetyCheck
from apps.neighbourhood.services import safety as services
from apps.notifications.choices import Category, Channel, Priority
from apps.notifications.models import Delivery, Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _start_as(client, officer, association, title="地震 安否確認"):
    client.force_login(officer)
    response = client.post(reverse("neighbourhood:safety_start"),
                           {"title": title, "note": "", "association": association.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    return SafetyCheck.objects.get(title=title)


def test_check_runs_from_start_to_follow_up_list(client, association, officer, make_member, run_broadcast):
    members = [make_member(association) for _ in range(4)]
    for user in members:
        Membership.objects.filter(user=user).update(phone="086-000-0000")
    check = _start_as(client, officer, association)

    # One message to every member, with the one-tap link, delivered to each inbox.
    message = Message.objects.get(pk=check.message_id)
    assert message.category == Category.DISASTER and message.priority == Priority.HIGH
    assert message.link_url.endswith(reverse("neighbourhood:safety_answer", args=[check.pk]))
    run_broadcast(message)
    inbox_recipients = set(Delivery.objects.filter(message=message, channel=Channel.INBOX)
                           .values_list("recipient_id", flat=True))
    assert {u.pk for u in members} | {officer.pk} <= inbox_recipients

    # Member 0 answers on the web, then changes their mind: the answer is replaced.
    client.force_login(members[0])
    page = client.get(reverse("neighbourhood:safety_answer", args=[check.pk]))
    assert page.status_code == 200 and 'value="need_help"' in page.content.decode()
    client.post(reverse("neighbourhood:safety_answer", args=[check.pk]), {"status": "safe", "note": ""})
    client.post(reverse("neighbourhood:safety_answer", args=[check.pk]), {"status": "need_help", "note": "足を怪我"})
    assert SafetyAnswer.objects.filter(safety_check=check, user=members[0]).get().status == "need_help"
    assert SafetyAnswer.objects.filter(safety_check=check).count() == 1

    # Member 1 answers with a personal link, without signing in.
    client.logout()
    token = services.make_token(safety_check=check, user=members[1])
    url = reverse("neighbourhood:safety_answer_token", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url, {"status": "away", "note": "実家にいます"}).status_code == 302
    assert SafetyAnswer.objects.get(safety_check=check, user=members[1]).status == "away"

    # The officer's live page: counts, answers and the unanswered list with address and phone.
    client.force_login(officer)
    before = AuditEntry.objects.filter(action="neighbourhood.safety.live").count()
    live = client.get(reverse("neighbourhood:safety_live", args=[check.pk]))
    assert live.status_code == 200
    data = live.context["live"]
    assert data.counts == {"safe": 0, "need_help": 1, "away": 1}
    assert [p.user_id for p in data.answered] == [members[1].pk, members[0].pk]  # newest first
    unanswered = {p.user_id for p in data.unanswered}
    assert unanswered == {members[2].pk, members[3].pk, officer.pk}
    html = live.content.decode()
    assert "足を怪我" in html and "086-000-0000" in html and 'href="' + live.wsgi_request.path in html
    assert 'http-equiv="refresh"' not in html
    assert AuditEntry.objects.filter(action="neighbourhood.safety.live").count() == before + 1
    printable = client.get(reverse("neighbourhood:safety_live", args=[check.pk]) + "?print=1")
    assert printable.status_code == 200 and "086-000-0000" in printable.content.decode()

    # Personal links for the unanswered, and closing.
    links = client.get(reverse("neighbourhood:safety_links", args=[check.pk]))
    assert links.status_code == 200 and len(links.context["links"]) == 3
    client.post(reverse("neighbourhood:safety_close", args=[check.pk]))
    check.refresh_from_db()
    assert check.closed_at is not None


def test_closed_check_refuses_answers(client, association, officer, member):
    check = _start_as(client, officer, association)
    token = services.make_token(safety_check=check, user=member)
    services.close_check(safety_check=check, user=officer)
    client.force_login(member)
    response = client.post(reverse("neighbourhood:safety_answer", args=[check.pk]), {"status": "safe"})
    assert response.status_code == 409 and "closed" in response.content.decode()
    api = APIClient()
    api.force_authenticate(member)
    refused = api.put(reverse("api:neighbourhood-safety-answer", args=[check.pk]), {"status": "safe"}, format="json")
    assert refused.status_code == 400 and "status" in refused.json()["errors"]
    by_token = APIClient().post(reverse("api:neighbourhood-safety-answer-token"),
                                {"token": token, "status": "safe"}, format="json")
    assert by_token.status_code == 400 and "token" in by_token.json()["errors"]
    assert not SafetyAnswer.objects.filter(safety_check=check).exists()


def test_api_chain(association, officer, make_member, demo_map):
    members = [make_member(association) for _ in range(3)]
    api = APIClient()
    api.force_authenticate(officer)
    created = api.post(reverse("api:neighbourhood-safety-checks"), {"title": "台風", "association": association.pk},
                       format="json")
    assert created.status_code == 201, created.json()
    check_id = created.json()["id"]

    member_api = APIClient()
    member_api.force_authenticate(members[0])
    answered = member_api.put(reverse("api:neighbourhood-safety-answer", args=[check_id]),
                              {"status": "safe", "note": "無事"}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "safe"
    own = member_api.get(reverse("api:neighbourhood-safety-check", args=[check_id])).json()
    assert own["own_answer"]["note"] == "無事" and "counts" not in own

    token = services.make_token(safety_check=check_id, user=members[1])
    by_token = APIClient().post(reverse("api:neighbourhood-safety-answer-token"),
                                {"token": token, "status": "need_help", "note": ""}, format="json")
    assert by_token.status_code == 200

    summary = api.get(reverse("api:neighbourhood-safety-check", args=[check_id])).json()
    assert summary["counts"] == {"safe": 1, "need_help": 1, "away": 0}
    assert summary["unanswered"] == 2 and summary["expected"] == 4
    unanswered = api.get(reverse("api:neighbourhood-safety-unanswered", args=[check_id])).json()
    assert {p["user_id"] for p in unanswered} == {members[2].pk, officer.pk}
    assert all(p["address"] for p in unanswered)
    closed = api.post(reverse("api:neighbourhood-safety-close", args=[check_id]))
    assert closed.status_code == 200 and closed.json()["closed_at"]
    again = api.post(reverse("api:neighbourhood-safety-close", args=[check_id]))
    assert again.status_code == 400 and "closed_at" in again.json()["errors"]


def test_validation_errors_name_the_field(association, officer, member):
    api = APIClient()
    api.force_authenticate(officer)
    url = reverse("api:neighbourhood-safety-checks")
    missing = api.post(url, {"association": association.pk}, format="json")
    assert missing.status_code == 400 and "title" in missing.json()["errors"]
    nowhere = api.post(url, {"title": "x"}, format="json")
    assert nowhere.status_code == 400 and "association" in nowhere.json()["errors"]
    unknown = api.post(url, {"title": "x", "association": association.pk, "colour": "red"}, format="json")
    assert unknown.status_code == 400 and "colour" in unknown.json()["errors"]
    check = services.start_check(user=officer, title="t", association=association)
    member_api = APIClient()
    member_api.force_authenticate(member)
    bad = member_api.put(reverse("api:neighbourhood-safety-answer", args=[check.pk]),
                         {"status": "fine", "note": "x" * 301}, format="json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"status", "note"}
    # A plain member cannot start a check for the association.
    refused = member_api.post(url, {"title": "x", "association": association.pk}, format="json")
    assert refused.status_code == 403


def test_city_staff_district_check(client, association, other_association, make_member, make_user, resident_in,
                                   demo_map, run_broadcast):
    member = make_member(association)
    outsider = make_member(other_association)
    resident = resident_in("02")
    staff = make_user("city_staff")
    api = APIClient()
    api.force_authenticate(staff)
    created = api.post(reverse("api:neighbourhood-safety-checks"),
                       {"title": "豪雨 安否確認", "districts": [demo_map.districts["02"].pk]}, format="json")
    assert created.status_code == 201, created.json()
    check = SafetyCheck.objects.get(pk=created.json()["id"])
    message = Message.objects.get(pk=check.message_id)
    assert message.priority == Priority.EMERGENCY
    run_broadcast(message)
    reached = set(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True))
    assert {member.pk, resident.pk} <= reached and outsider.pk not in reached
    # The resident answers; the member of another district's association is not asked.
    resident_api = APIClient()
    resident_api.force_authenticate(resident)
    assert resident_api.put(reverse("api:neighbourhood-safety-answer", args=[check.pk]),
                            {"status": "safe"}, format="json").status_code == 200
    outsider_api = APIClient()
    outsider_api.force_authenticate(outsider)
    assert outsider_api.put(reverse("api:neighbourhood-safety-answer", args=[check.pk]),
                            {"status": "safe"}, format="json").status_code == 404
    client.force_login(staff)
    live = client.get(reverse("neighbourhood:safety_live", args=[check.pk])).context["live"]
    assert live.counts["safe"] == 1 and member.pk in {p.user_id for p in live.unanswered}
    assert live.needs_help == []  # city staff are not shown members who need help


def test_admin_shows_answers(client, association, officer, member, make_user):
    from apps.accounts.roles import Role

    check = services.start_check(user=officer, title="admin", association=association)
    services.answer(safety_check=check, user_id=member.pk, status="safe")
    admin = make_user(Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:neighbourhood_safetycheck_change", args=[check.pk]))
    assert page.status_code == 200 and "admin" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_bench_command_tiny(capsys):
    call_command("bench_safety", members=30, clients=2)
    result = json.loads(capsys.readouterr().out)
    assert result["answers"] == 30 and result["errors"] == 0, json.dumps(result)
    assert SafetyAnswer.objects.filter(safety_check_id=result["check"]).count() == 30


def test_officer_role_promotion_sees_live(client, association, make_member):
    chair = make_member(association, MemberRole.CHAIR)
    check = services.start_check(user=chair, title="chair", association=association)
    client.force_login(chair)
    assert "live" in client.get(reverse("neighbourhood:safety_live", args=[check.pk])).context


@pytest.mark.second_factor_unset
def test_officer_without_second_factor_may_answer_but_not_follow(association, make_member):
    """Answering shows nobody else's data, so it is open to an officer who has not set up an
    authenticator yet; the check's counts and the unanswered list stay closed to them."""
    from rest_framework.authtoken.models import Token

    chair = make_member(association, MemberRole.CHAIR)
    check = services.start_check(user=chair, title="地震", association=association)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=chair).key}")

    first = api.put(reverse("api:neighbourhood-safety-answer", args=[check.pk]), {"status": "away"}, format="json")
    again = api.put(reverse("api:neighbourhood-safety-answer", args=[check.pk]),
                    {"status": "safe", "note": "避難所にいます"}, format="json")
    summary = api.get(reverse("api:neighbourhood-safety-check", args=[check.pk]))

    assert first.status_code == 200 and again.status_code == 200
    stored = SafetyAnswer.objects.get(safety_check=check, user=chair)  # answering twice replaces
    assert (stored.status, stored.note) == ("safe", "避難所にいます")
    assert summary.status_code == 403
