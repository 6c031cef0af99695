"""The LINE channel against a local server that speaks the Messaging API, and LINE linking."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.accounts.models import Profile, User
from apps.notifications import fanout, line_linking, services
from apps.notifications.choices import Channel, DeliveryStatus, Priority
from apps.notifications.models import Delivery, LineLink, LineLinkToken, TopicSubscription
from apps.notifications.transports import TransportError, configured_channels, transport_for
from apps.notifications.transports.line import LineTransport, fitted_text
from tests.notifications.conftest import district_audience
from tests.support.line_stub import LineStub

pytestmark = pytest.mark.django_db
# Fan-out queues chunks on commit, so tests that fan out really commit (as in test_fanout.py).
committing = pytest.mark.django_db(transaction=True)

TOKEN = "test-token"
SECRET = "test-channel-secret"
TITLE, BODY = "断水のお知らせ", "明日9時から12時まで断水します。"


def line_id(n: int) -> str:
    return f"U{n:032x}"


@pytest.fixture
def line(settings):
    """The stub LINE API, with the portal's LINE settings pointed at it."""
    with LineStub(token=TOKEN) as stub:
        settings.LINE_API_BASE = stub.base_url
        settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
        settings.LINE_CHANNEL_SECRET = SECRET
        yield stub


@pytest.fixture
def linked_in(resident_in):
    """linked_in("01", 7) -> a resident of district 01 whose LINE user id is line_id(7)."""

    def make(code: str, n: int, **extra) -> User:
        user = resident_in(code, **extra)
        line_linking.link(user=user, line_user_id=line_id(n))
        return user

    return make


def publish(sender, district, **extra):
    fields = {"title": TITLE, "body": BODY, "category": "administration"}
    fields.update(extra)
    return services.publish(sender=sender, audience=district_audience(district), **fields)


def line_rows(message):
    return Delivery.objects.filter(message=message, channel=Channel.LINE).order_by("id")


def sent_to(stub, path: str) -> list:
    return [r for r in stub.requests if r.path == f"/v2/bot/message/{path}"]


# --- sending ----------------------------------------------------------------------------------

def test_line_is_a_channel_only_with_an_access_token(settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    assert Channel.LINE not in configured_channels()
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    assert Channel.LINE in configured_channels()


@committing
def test_1200_recipients_are_three_multicasts_and_each_gets_one_text(line, sender, demo_map, run_broadcast):
    district = demo_map.districts["01"]
    users = User.objects.bulk_create(User(email=f"many-{i}@example.jp") for i in range(1200))
    Profile.objects.bulk_create(Profile(user=u, district=district) for u in users)
    TopicSubscription.objects.bulk_create(TopicSubscription(user=u, category="administration") for u in users)
    LineLink.objects.bulk_create(LineLink(user=u, line_user_id=line_id(u.id)) for u in users)
    message = publish(sender, district)

    run_broadcast(message)

    calls = sent_to(line, "multicast")
    assert [len(c.body["to"]) for c in calls] == [500, 500, 200]
    assert all(c.status == 200 for c in calls) and not sent_to(line, "push")
    assert len({c.retry_key for c in calls}) == 3
    expected = services.line_text(TITLE, BODY)
    assert line.received == {line_id(u.id): [expected] for u in users}
    assert set(line_rows(message).values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert line_rows(message).exclude(provider_id="").count() == 1200


@committing
def test_a_single_recipient_gets_a_push_with_a_tracked_link(line, sender, demo_map, linked_in, run_broadcast):
    user = linked_in("01", 1)
    message = publish(sender, demo_map.districts["01"], link_url="https://city.example.jp/water")

    run_broadcast(message)

    (call,) = line.requests
    assert call.path == "/v2/bot/message/push" and call.body["to"] == line_id(1)
    assert call.headers["authorization"] == f"Bearer {TOKEN}"
    (text,) = line.received[line_id(1)]
    assert text.startswith(f"【{TITLE}】\n\n{BODY}\n\nhttp") and "/t/c/" in text
    row = line_rows(message).get()
    assert (row.recipient_id, row.status) == (user.id, DeliveryStatus.SENT)


@committing
def test_each_language_gets_its_own_call_and_multicast_links_are_untracked(line, sender, demo_map, linked_in,
                                                                           run_broadcast):
    from apps.accounts.services import update_profile

    linked_in("01", 1)
    linked_in("01", 2)
    update_profile(user=linked_in("01", 3), preferred_language="en")
    message = publish(sender, demo_map.districts["01"], link_url="https://city.example.jp/water",
                      variants={"en": {"title": "Water outage", "body": "No water tomorrow 9-12."}})

    run_broadcast(message)

    (multicast,) = sent_to(line, "multicast")
    assert sorted(multicast.body["to"]) == [line_id(1), line_id(2)]
    japanese = services.line_text(TITLE, BODY, "https://city.example.jp/water")
    assert line.received[line_id(1)] == line.received[line_id(2)] == [japanese]
    (english,) = line.received[line_id(3)]
    assert english.startswith("【Water outage】") and "/t/c/" in english


@committing
def test_residents_without_a_following_link_get_no_line_rows(line, sender, demo_map, resident_in, linked_in,
                                                             run_broadcast):
    reachable = linked_in("01", 1)
    linked_in("01", 2)
    line_linking.set_following(line_user_id=line_id(2), following=False)  # blocked the account
    resident_in("01")  # never linked
    switched_off = linked_in("01", 4)
    services.update_preferences(user=switched_off, line_enabled=False)
    message = publish(sender, demo_map.districts["01"])

    run_broadcast(message)

    assert list(line_rows(message).values_list("recipient_id", flat=True)) == [reachable.id]
    assert list(line.received) == [line_id(1)]


@committing
def test_a_resend_after_a_crash_is_not_delivered_twice(line, sender, demo_map, linked_in):
    users = [linked_in("01", n) for n in (1, 2, 3)]
    message = publish(sender, demo_map.districts["01"])
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)
    claim = fanout.claim(message.id, Channel.LINE, [u.id for u in users])
    # The worker made the API call, then died before it could mark the rows.
    rows = list(line_rows(message))
    transport = LineTransport()
    crashed = fanout._outgoing(message, rows, transport.addresses([u.id for u in users]))
    list(transport.send(message, crashed))
    assert set(line_rows(message).values_list("status", flat=True)) == {DeliveryStatus.SENDING}

    # Recovery gives the dead worker's rows a new owner, which sends them again.
    successor = fanout.take_over(claim, older_than=dt.timedelta(0))
    assert successor is not None and successor != claim
    assert fanout.deliver(message.id, Channel.LINE, [], reclaim=successor) == 3

    first, again = line.requests
    assert (first.status, again.status) == (200, 409) and first.retry_key == again.retry_key
    assert line.received == {line_id(n): [services.line_text(TITLE, BODY)] for n in (1, 2, 3)}
    assert set(line_rows(message).values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert line_rows(message).filter(provider_id="").count() == 0


@committing
def test_an_answer_lost_after_line_accepted_is_not_sent_twice_on_retry(line, sender, demo_map, linked_in):
    users = [linked_in("01", n) for n in (1, 2)]
    message = publish(sender, demo_map.districts["01"])
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)
    line.fail_next(1, status=500, after_accepting=True)

    with pytest.raises(TransportError) as caught:
        fanout.deliver(message.id, Channel.LINE, [u.id for u in users])
    assert caught.value.permanent is False
    assert set(line_rows(message).values_list("status", flat=True)) == {DeliveryStatus.QUEUED}

    # The retry claims the rows afresh, but the retry key is the same: LINE answers 409.
    assert fanout.deliver(message.id, Channel.LINE, [u.id for u in users]) == 2
    assert [r.status for r in line.requests] == [500, 409]
    assert line.received == {line_id(1): [services.line_text(TITLE, BODY)],
                             line_id(2): [services.line_text(TITLE, BODY)]}


@committing
def test_rate_limited_rows_go_back_to_the_queue_then_send(line, sender, demo_map, linked_in):
    users = [linked_in("01", n) for n in (1, 2)]
    message = publish(sender, demo_map.districts["01"])
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)
    line.fail_next(1, status=429)

    with pytest.raises(TransportError) as caught:
        fanout.deliver(message.id, Channel.LINE, [u.id for u in users])
    assert caught.value.permanent is False
    rows = line_rows(message)
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.QUEUED}
    assert "rate limit" in rows.first().error and line.received == {}

    assert fanout.deliver(message.id, Channel.LINE, [u.id for u in users]) == 2
    assert [r.status for r in line.requests] == [429, 200]
    assert all(len(texts) == 1 for texts in line.received.values()) and len(line.received) == 2
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENT}


@committing
def test_line_down_gives_rows_back_for_a_retry(line, settings, sender, demo_map, linked_in, unused_tcp_port):
    user = linked_in("01", 1)
    message = publish(sender, demo_map.districts["01"])
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)
    settings.LINE_API_BASE = f"http://127.0.0.1:{unused_tcp_port}"

    with pytest.raises(TransportError) as caught:
        fanout.deliver(message.id, Channel.LINE, [user.id])
    assert caught.value.permanent is False
    row = line_rows(message).get()
    assert row.status == DeliveryStatus.QUEUED and "unreachable" in row.error


@committing
def test_a_refused_token_fails_the_rows_for_good(line, settings, sender, demo_map, linked_in):
    users = [linked_in("01", n) for n in (1, 2)]
    message = publish(sender, demo_map.districts["01"])
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)
    settings.LINE_CHANNEL_ACCESS_TOKEN = "revoked-token"

    assert fanout.deliver(message.id, Channel.LINE, [u.id for u in users]) == 0

    assert [r.status for r in line.requests] == [401]
    rows = line_rows(message)
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    assert "access token" in rows.first().error
    with pytest.raises(TransportError) as caught:
        LineTransport().broadcast(message)
    assert caught.value.permanent is True
    assert line.received == {} and line.broadcasts == []


@committing
def test_a_call_line_refuses_fails_its_rows_with_lines_reason(line, sender, demo_map, linked_in, resident_in,
                                                              run_broadcast):
    linked_in("01", 1)
    broken = resident_in("01")
    LineLink.objects.create(user=broken, line_user_id="")  # a corrupt id: LINE refuses the whole call
    message = publish(sender, demo_map.districts["01"])

    run_broadcast(message)

    assert [r.status for r in line.requests] == [400]
    rows = line_rows(message)
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    assert all("LINE refused the message (400)" in e and "to: Must be a user ID" in e
               for e in rows.values_list("error", flat=True))


@committing
def test_text_over_5000_characters_never_reaches_line(line, sender, demo_map, linked_in, run_broadcast):
    linked_in("01", 1)
    linked_in("01", 2)
    message = publish(sender, demo_map.districts["01"], link_url="https://city.example.jp/water")
    # publish refuses such a body; a row changed behind its back must still not break LINE.
    type(message).objects.filter(id=message.id).update(body="あ" * 6000)

    run_broadcast(message)

    assert [r.status for r in line.requests] == [200]
    (text,) = line.received[line_id(1)]
    assert len(text) == 5000 and text.endswith("…\n\nhttps://city.example.jp/water")
    assert set(line_rows(message).values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_long_texts_are_cut_in_utf16_units():
    text = fitted_text("絵文字", "😀" * 4000, "https://city.example.jp/")
    assert len(text.encode("utf-16-le")) // 2 <= 5000
    assert text.startswith("【絵文字】") and text.endswith("…\n\nhttps://city.example.jp/")
    assert fitted_text("短い", "本文") == services.line_text("短い", "本文")


def test_broadcast_reaches_every_follower_once(line, sender, demo_map):
    message = publish(sender, demo_map.districts["01"], priority=Priority.EMERGENCY, category="disaster",
                      link_url="https://city.example.jp/shelters")
    first = LineTransport().broadcast(message)
    again = LineTransport().broadcast(message)  # a repeat within 24 hours: same retry key
    assert line.broadcasts == [services.line_text(TITLE, BODY, "https://city.example.jp/shelters")]
    assert [r.status for r in line.requests] == [200, 409]
    assert first and first == again
    assert transport_for(Channel.LINE).channel == Channel.LINE


# --- the webhook ------------------------------------------------------------------------------

def signed_post(client, payload, *, secret: str = SECRET, signature: str | None = None):
    body = json.dumps(payload).encode()
    if signature is None:
        signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    headers = {"HTTP_X_LINE_SIGNATURE": signature} if signature else {}
    return client.post(reverse("notifications:line_webhook"), data=body, content_type="application/json",
                       **headers)


def event(kind: str, user: str, **extra) -> dict:
    return {"type": kind, "mode": "active", "timestamp": 1700000000000, "webhookEventId": "01H",
            "deliveryContext": {"isRedelivery": False}, "source": {"type": "user", "userId": user}, **extra}


def text_event(user: str, text: str) -> dict:
    return event("message", user, replyToken="r", message={"id": "1", "type": "text", "text": text})


def code_for(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("notifications:line_link")).content.decode()
    return re.search(r'id="line-link-code"[^>]*>([A-Z0-9]{8})<', page).group(1)


def test_webhook_refuses_a_bad_or_missing_signature_and_stores_nothing(line, client, make_user):
    user = make_user()
    code = line_linking.issue_code(user=user).code
    payload = {"destination": "U0", "events": [text_event(line_id(9), code)]}

    for response in (signed_post(client, payload, secret="not-the-secret"), signed_post(client, payload,
                                                                                        signature="")):
        assert response.status_code == 401 and "detail" in response.json()
    assert not LineLink.objects.exists()
    assert LineLinkToken.objects.filter(code=code).exists()


def test_webhook_answers_503_when_line_is_not_configured(client, settings):
    settings.LINE_CHANNEL_SECRET = ""
    response = signed_post(client, {"events": []})
    assert response.status_code == 503 and "detail" in response.json()


def test_webhook_takes_only_posts_and_answers_lines_url_check(line, client):
    assert client.get(reverse("notifications:line_webhook")).status_code == 405
    # LINE sends no CSRF token: the signature is the proof.
    client = Client(enforce_csrf_checks=True)
    response = signed_post(client, {"destination": "U0", "events": []})
    assert response.status_code == 200 and response.json() == {}


def test_unfollow_and_follow_switch_sending(line, client, make_user):
    user = make_user()
    line_linking.link(user=user, line_user_id=line_id(1))

    assert signed_post(client, {"events": [event("unfollow", line_id(1))]}).status_code == 200
    assert LineLink.objects.get(user=user).following is False
    assert LineTransport().addresses([user.id]) == {}

    signed_post(client, {"events": [event("follow", line_id(1), replyToken="r")]})
    assert LineLink.objects.get(user=user).following is True
    # A stranger following the account is not linked to anyone.
    signed_post(client, {"events": [event("follow", line_id(2), replyToken="r"), {"type": "beacon"}]})
    assert LineLink.objects.count() == 1


def test_a_code_from_the_link_page_links_the_sender_once(line, client, make_user):
    user = make_user()
    code = code_for(client, user)
    assert LineLinkToken.objects.filter(user=user).count() == 1

    response = signed_post(client, {"events": [text_event(line_id(5), f" {code.lower()} ")]})

    assert response.status_code == 200 and response.json() == {}
    link = LineLink.objects.get(user=user)
    assert (link.line_user_id, link.following) == (line_id(5), True)
    assert not LineLinkToken.objects.filter(code=code).exists()
    # The same code again, from someone else: ignored.
    signed_post(client, {"events": [text_event(line_id(6), code)]})
    assert list(LineLink.objects.values_list("line_user_id", flat=True)) == [line_id(5)]
    page = client.get(reverse("notifications:line_link")).content.decode()
    assert 'id="line-state"' in page and "unlink" in page


def test_a_new_code_replaces_the_old_and_codes_expire(line, client, make_user):
    user = make_user()
    old = code_for(client, user)
    new = code_for(client, user)
    assert old != new and not LineLinkToken.objects.filter(code=old).exists()
    LineLinkToken.objects.filter(code=new).update(
        created_at=LineLinkToken.objects.get(code=new).created_at - dt.timedelta(minutes=11))
    signed_post(client, {"events": [text_event(line_id(5), new)]})
    assert not LineLink.objects.exists()


def test_one_line_account_belongs_to_one_resident(line, client, make_user):
    first, second = make_user(), make_user()
    line_linking.link(user=first, line_user_id=line_id(1))
    signed_post(client, {"events": [text_event(line_id(1), line_linking.issue_code(user=second).code)]})
    assert list(LineLink.objects.values_list("user_id", "line_user_id")) == [(second.id, line_id(1))]
    # And a resident who links another LINE account leaves the first one.
    signed_post(client, {"events": [text_event(line_id(2), line_linking.issue_code(user=second).code)]})
    assert list(LineLink.objects.values_list("user_id", "line_user_id")) == [(second.id, line_id(2))]


def test_guessing_codes_is_stopped(line, client, make_user):
    user = make_user()
    code = line_linking.issue_code(user=user).code
    wrong = "".join("A" if c != "A" else "B" for c in code)
    guesses = [text_event(line_id(7), wrong)] * line_linking.MAX_WRONG_CODES
    signed_post(client, {"events": [*guesses, text_event(line_id(7), code)]})
    assert not LineLink.objects.exists()
    # Ordinary chat is not counted as guessing and links nobody.
    signed_post(client, {"events": [text_event(line_id(8), "こんにちは") for _ in range(20)]})
    signed_post(client, {"events": [text_event(line_id(8), code)]})
    assert LineLink.objects.get(user=user).line_user_id == line_id(8)


def test_codes_typed_in_full_width_or_with_dashes_are_understood():
    assert line_linking.normalise_code("ＡＢＣＤ－２３４５") == "ABCD2345"
    assert line_linking.normalise_code("abcd-2345") == "ABCD2345"
    assert line_linking.normalise_code("ABCD0OI1") is None  # ambiguous letters are never issued
    assert line_linking.normalise_code("お知らせありがとう") is None


def test_linking_refuses_what_is_not_a_line_user_id(make_user):
    with pytest.raises(ValidationError) as caught:
        line_linking.link(user=make_user(), line_user_id="@city-line")
    assert "line_user_id" in caught.value.message_dict


# --- the link page --------------------------------------------------------------------------

def test_link_page_needs_sign_in(client):
    response = client.get(reverse("notifications:line_link"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unlink_button_removes_the_link(line, client, make_user):
    user = make_user()
    line_linking.link(user=user, line_user_id=line_id(1))
    client.force_login(user)

    response = client.post(reverse("notifications:line_link"), {"action": "unlink"}, follow=True)

    assert response.status_code == 200 and not LineLink.objects.filter(user=user).exists()
    page = response.content.decode()
    assert 'id="line-link-code"' in page and 'value="unlink"' not in page


def test_link_page_without_line_shows_no_code(client, make_user, settings):
    settings.LINE_CHANNEL_SECRET = settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    client.force_login(make_user())
    page = client.get(reverse("notifications:line_link")).content.decode()
    assert 'id="line-unavailable"' in page and 'id="line-link-code"' not in page
    assert not LineLinkToken.objects.exists()


# --- LINE Login -------------------------------------------------------------------------------

def social_login(user, provider: str, uid: str):
    from allauth.socialaccount.models import SocialAccount, SocialLogin

    return SocialLogin(user=user, account=SocialAccount(user=user, provider=provider, uid=uid))


def test_signing_in_with_line_links_the_line_user_id(make_user):
    from allauth.account.signals import user_logged_in
    from allauth.socialaccount.models import SocialLogin
    from allauth.socialaccount.signals import social_account_added
    from django.http import HttpResponse

    line_linking.connect_signals()
    line_linking.connect_signals()  # twice is harmless (dispatch_uid)
    request = RequestFactory().get("/accounts/line/login/callback/")
    resident, other = make_user(), make_user()

    user_logged_in.send(sender=User, request=request, response=HttpResponse(), user=resident,
                        sociallogin=social_login(resident, "line", line_id(3)))
    assert LineLink.objects.get(user=resident).line_user_id == line_id(3)

    # Connecting LINE from the account page: the same, for the signed-in resident.
    social_account_added.send(sender=SocialLogin, request=request, sociallogin=social_login(other, "line",
                                                                                            line_id(4)))
    assert LineLink.objects.get(user=other).line_user_id == line_id(4)

    # A resident who blocked the account stays blocked when signing in again.
    line_linking.set_following(line_user_id=line_id(3), following=False)
    user_logged_in.send(sender=User, request=request, response=HttpResponse(), user=resident,
                        sociallogin=social_login(resident, "line", line_id(3)))
    assert LineLink.objects.get(user=resident).following is False

    # Other providers and password logins link nothing.
    third = make_user()
    user_logged_in.send(sender=User, request=request, response=HttpResponse(), user=third,
                        sociallogin=social_login(third, "google", line_id(5)))
    user_logged_in.send(sender=User, request=request, response=HttpResponse(), user=third)
    assert not LineLink.objects.filter(user=third).exists()
