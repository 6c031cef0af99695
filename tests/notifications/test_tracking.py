"""Read receipts from outside the portal: the email open pixel and tracked links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import reverse

from apps.notifications import services
from apps.notifications.choices import Channel, DeliveryStatus
from apps.notifications.fanout import TRACKING_SALT, tracking_token
from apps.notifications.models import Delivery, Message
from apps.notifications.tracking import PIXEL
from tests.notifications.conftest import district_audience

# Fan-out hands chunks to delivery on commit, so the mail is only sent outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

LINK = "https://city.example.jp/suido/kouji"


@pytest.fixture
def mailed(sender, resident_in, demo_map, run_broadcast, smtp_sink):
    """A message with a link, mailed to one resident through a real SMTP server."""
    resident = resident_in("01")
    message = services.publish(
        sender=sender, title="水道工事のお知らせ", body="工事の日程をご確認ください。", category="administration",
        audience=district_audience(demo_map.districts["01"]), link_url=LINK,
    )
    run_broadcast(message)
    assert len(smtp_sink.messages) == 1
    return message, resident, smtp_sink.messages[0]


def email_row(message: Message) -> Delivery:
    return Delivery.objects.get(message=message, channel=Channel.EMAIL)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def html_of(mail) -> str:
    return mail.get_body(preferencelist=("html",)).get_content()


def assert_is_the_pixel(response) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content == PIXEL and response.content.startswith(b"GIF8")
    assert "no-cache" in response["Cache-Control"]


# --- the open pixel -------------------------------------------------------------------------


def test_the_pixel_in_the_mail_marks_the_mail_read(client, mailed):
    message, _resident, mail = mailed
    pixel = re.search(r'<img src="([^"]+\.gif)"', html_of(mail)).group(1)
    assert email_row(message).read_at is None

    response = client.get(path_of(pixel))

    assert_is_the_pixel(response)
    row = email_row(message)
    assert row.status == DeliveryStatus.READ and row.read_at is not None
    # Opening the mail is not a click, and the inbox row is its own receipt.
    assert row.clicked_at is None
    assert Delivery.objects.get(message=message, channel=Channel.INBOX).read_at is None


def test_opening_twice_keeps_the_first_time(client, mailed):
    message, *_ = mailed
    url = reverse("notifications:track_open", args=[tracking_token(email_row(message).id)])
    client.get(url)
    first = email_row(message).read_at

    assert_is_the_pixel(client.get(url))

    assert email_row(message).read_at == first


@pytest.mark.parametrize("make_token", [
    lambda delivery_id: "not-a-token",
    lambda delivery_id: signing.dumps(delivery_id, salt="some.other.salt", compress=True),
    lambda delivery_id: signing.dumps(f"{delivery_id}; DROP TABLE", salt=TRACKING_SALT, compress=True),
], ids=["garbage", "other-salt", "not-a-number"])
def test_a_bad_token_still_gets_the_pixel_and_changes_nothing(client, mailed, make_token):
    message, *_ = mailed
    token = make_token(email_row(message).id)

    response = client.get(f"/notifications/t/o/{token}.gif")

    assert_is_the_pixel(response)
    assert not Delivery.objects.filter(message=message).exclude(read_at=None).exists()
    assert set(Delivery.objects.filter(message=message).values_list("status", flat=True)) == {
        DeliveryStatus.DELIVERED, DeliveryStatus.SENT}


def test_a_tampered_token_for_a_real_delivery_changes_nothing(client, mailed):
    message, *_ = mailed
    token = tracking_token(email_row(message).id)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert_is_the_pixel(client.get(f"/notifications/t/o/{forged}.gif"))

    assert email_row(message).read_at is None


# --- the tracked link -----------------------------------------------------------------------


def test_the_link_in_the_mail_goes_to_the_message_link_and_counts_a_click(client, mailed):
    message, _resident, mail = mailed
    body = html_of(mail)
    tracked = re.search(r'<a href="([^"]+/t/c/[^"]+)"', body).group(1)
    assert LINK not in body  # the mail carries only the tracked link

    response = client.get(path_of(tracked))

    assert response.status_code == 302
    assert response["Location"] == LINK
    row = email_row(message)
    assert row.clicked_at is not None
    assert row.read_at is not None and row.status == DeliveryStatus.READ


@pytest.mark.parametrize("query", ["next=https://evil.example/", "url=https://evil.example/", "to=//evil.example"])
def test_the_click_never_redirects_to_anything_from_the_url(client, mailed, query):
    message, *_ = mailed
    url = reverse("notifications:track_click", args=[tracking_token(email_row(message).id)])

    response = client.get(f"{url}?{query}")

    assert response.status_code == 302
    assert response["Location"] == LINK


@pytest.mark.parametrize("forge", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
    lambda token: signing.dumps(int(signing.loads(token, salt=TRACKING_SALT)), salt="other", compress=True),
    lambda token: "made-up",
], ids=["tampered", "other-salt", "made-up"])
def test_a_forged_click_token_is_not_found_and_changes_nothing(client, mailed, forge):
    message, *_ = mailed
    token = forge(tracking_token(email_row(message).id))

    response = client.get(f"/notifications/t/c/{token}/")

    assert response.status_code == 404
    row = email_row(message)
    assert (row.clicked_at, row.read_at) == (None, None)


def test_a_click_token_for_no_delivery_is_not_found(client, mailed):
    assert client.get(reverse("notifications:track_click", args=[tracking_token(10**9)])).status_code == 404


def test_a_message_without_a_link_has_no_click_to_follow(client, sender, resident_in, demo_map, run_broadcast):
    resident_in("01")
    message = services.publish(sender=sender, title="回覧", body="本文", category="administration",
                               audience=district_audience(demo_map.districts["01"]))
    run_broadcast(message)

    response = client.get(reverse("notifications:track_click", args=[tracking_token(email_row(message).id)]))

    assert response.status_code == 404
    assert email_row(message).clicked_at is None


def test_chunk_signer_writes_what_django_signing_writes(settings):
    from apps.notifications.fanout import read_tracking_token
    from apps.notifications.tokens import ChunkSigner

    for delivery_id in (1, 987_654_321):
        fast = ChunkSigner().sign(delivery_id)
        assert fast == signing.dumps(delivery_id, salt=TRACKING_SALT, compress=True) or (
            # The second ticked over between the two: the signature part still has to verify.
            fast.split(":")[0] == signing.dumps(delivery_id, salt=TRACKING_SALT, compress=True).split(":")[0])
        assert read_tracking_token(fast) == delivery_id
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    token = ChunkSigner().sign(42)
    settings.SECRET_KEY = "a-new-key-" + "x" * 50  # rotated: the old tokens still count
    assert read_tracking_token(token) == 42
    assert read_tracking_token(token[:-2] + "xx") is None
