"""SMS: Japanese mobile numbers, one cut-to-fit text per resident, sent through a local gateway."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from apps.notifications import fanout, services
from apps.notifications.choices import Channel, DeliveryStatus, Priority
from apps.notifications.models import Delivery
from apps.notifications.transports import TransportError, configured_channels, transport_for
from apps.notifications.transports.sms import TEXT_LIMIT, sms_text, to_e164
from tests.notifications.conftest import district_audience
from tests.support.sms_stub import SmsGateway

pytestmark = pytest.mark.django_db
broadcasting = pytest.mark.django_db(transaction=True)

API_KEY = "test-sms-key"


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture
def gateway(settings):
    with SmsGateway(api_key=API_KEY) as stub:
        settings.SMS_API_URL, settings.SMS_API_KEY, settings.SMS_SENDER_ID = stub.url, API_KEY, "CITY"
        yield stub


@pytest.fixture
def phone_owner(resident_in):
    """phone_owner("090-1234-5678") -> a resident of district 01 who wants SMS on that number."""

    def make(number: str, *, sms_enabled: bool = True):
        user = resident_in("01")
        services.update_preferences(user=user, sms_enabled=sms_enabled, phone_number=number)
        return user

    return make


def publish(sender, demo_map, *, priority=Priority.EMERGENCY, **extra):
    fields = {"title": "避難指示", "body": "直ちに避難してください。", "category": "disaster"}
    fields.update(extra)
    return services.publish(sender=sender, audience=district_audience(demo_map.districts["01"]), priority=priority,
                            **fields)


def sms_row(user) -> Delivery:
    return Delivery.objects.get(recipient=user, channel=Channel.SMS)


# --- numbers and text ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("09012345678", "+819012345678"),
        ("090-1234-5678", "+819012345678"),
        ("080 1234 5678", "+818012345678"),
        ("070(1234)5678", "+817012345678"),
        ("０９０－１２３４－５６７８", "+819012345678"),  # typed with a Japanese keyboard
        ("+819012345678", "+819012345678"),
        ("+81 90-1234-5678", "+819012345678"),
        ("+8109012345678", "+819012345678"),  # the trunk 0 kept after the country code
        ("00819012345678", "+819012345678"),
        ("0312345678", None),  # a Tokyo landline cannot receive SMS
        ("0120123456", None),  # toll-free
        ("0901234567", None),  # a digit short
        ("090123456789", None),  # a digit too many
        ("+12025550123", None),  # abroad: the city's gateway delivers domestically
        ("090-abcd-5678", None),
        ("", None),
    ],
)
def test_japanese_mobile_numbers_become_e164(written, e164):
    assert to_e164(written) == e164


def test_a_short_text_is_title_body_and_link():
    assert sms_text("断水", "明日断水します。", "https://portal.example.jp/t/c/x/") == (
        "【断水】明日断水します。\nhttps://portal.example.jp/t/c/x/")
    assert sms_text("断水", "明日断水します。") == "【断水】明日断水します。"


def test_a_long_text_is_cut_before_the_link_which_stays_whole():
    link = "https://portal.example.jp/notifications/t/c/abcdefghijklmnopqrstuvwxyz/"
    text = sms_text("避難指示", "川が氾濫しています。" * 200, link)
    assert units(text) == TEXT_LIMIT
    assert text.startswith("【避難指示】川が氾濫しています。")
    assert text.endswith("…\n" + link)


def test_characters_outside_the_bmp_count_twice_and_are_never_split():
    text = sms_text("注意", "🚨" * 400, "https://p.example.jp/x")
    assert units(text) <= TEXT_LIMIT
    text.encode("utf-8")  # a lone surrogate would raise here
    assert text.endswith("🚨…\nhttps://p.example.jp/x")


def test_a_cut_text_without_a_link_points_to_the_whole_message():
    text = sms_text("お知らせ", "あ" * 1000, "", read_more="https://p.example.jp/notifications/5/")
    assert units(text) == TEXT_LIMIT
    assert text.endswith("…\nhttps://p.example.jp/notifications/5/")


def test_addresses_skip_numbers_that_cannot_be_texted(phone_owner, gateway):
    mobile, landline, abroad = phone_owner("090-1234-5678"), phone_owner("03-1234-5678"), phone_owner("+12025550123")
    assert transport_for(Channel.SMS).addresses([mobile.id, landline.id, abroad.id]) == {mobile.id: "+819012345678"}


def test_without_settings_sms_is_off(settings):
    settings.SMS_API_URL = settings.SMS_API_KEY = ""
    assert Channel.SMS not in configured_channels()


# --- sending ------------------------------------------------------------------------------

@broadcasting
def test_an_emergency_reaches_the_phone(sender, demo_map, phone_owner, gateway, run_broadcast):
    user = phone_owner("090-1234-5678")
    landline = phone_owner("03-1234-5678")
    run_broadcast(publish(sender, demo_map))

    assert gateway.texts == {"+819012345678": ["【避難指示】直ちに避難してください。"]}
    [request] = gateway.accepted
    row = sms_row(user)
    assert (request["from"], request["reference"]) == ("CITY", str(row.id))
    assert (row.status, row.provider_id) == (DeliveryStatus.SENT, "sms-1")
    assert not Delivery.objects.filter(recipient=landline, channel=Channel.SMS).exists()


@broadcasting
def test_a_long_message_is_cut_at_670_with_the_tracked_link_kept(sender, demo_map, phone_owner, gateway,
                                                                 run_broadcast):
    user = phone_owner("080-1111-2222")
    run_broadcast(publish(sender, demo_map, body="避難所は市民会館です。" * 150,
                          link_url="https://city.example.jp/evacuation"))

    [text] = gateway.texts["+818011112222"]
    assert units(text) == TEXT_LIMIT
    head, link = text.rsplit("\n", 1)
    assert head.startswith("【避難指示】避難所は市民会館です。") and head.endswith("…")
    token = link.removeprefix(f"{django_settings.SITE_URL}/notifications/t/c/").rstrip("/")
    assert fanout.read_tracking_token(token) == sms_row(user).id


@broadcasting
def test_sms_is_only_for_emergency_and_high_priority(sender, demo_map, phone_owner, gateway, run_broadcast):
    wants, declines = phone_owner("090-1234-5678"), phone_owner("090-8765-4321", sms_enabled=False)

    run_broadcast(publish(sender, demo_map, priority=Priority.NORMAL, category="administration"))
    run_broadcast(publish(sender, demo_map, priority=Priority.LOW, category="administration"))
    assert not Delivery.objects.filter(channel=Channel.SMS).exists()
    assert gateway.texts == {}

    # High priority honours the resident's choice; an emergency reaches every connected phone.
    run_broadcast(publish(sender, demo_map, priority=Priority.HIGH, category="administration"))
    assert set(Delivery.objects.filter(channel=Channel.SMS).values_list("recipient", flat=True)) == {wants.id}
    run_broadcast(publish(sender, demo_map))
    assert set(gateway.texts) == {"+819012345678", "+819087654321"}
    assert len(gateway.texts["+819012345678"]) == 2 and len(gateway.texts["+819087654321"]) == 1
    assert declines.id in set(Delivery.objects.filter(channel=Channel.SMS).values_list("recipient", flat=True))


@broadcasting
def test_a_resend_under_the_same_claim_is_not_texted_twice(sender, demo_map, phone_owner, gateway):
    user = phone_owner("090-1234-5678")
    message = publish(sender, demo_map)
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)
    claim = fanout.claim(message.id, Channel.SMS, [user.id])
    assert fanout.deliver(message.id, Channel.SMS, [], reclaim=claim) == 1

    # The worker died after the gateway took the text but before the row was marked: the
    # recovery task sends the claim again, with the same Idempotency-Key.
    Delivery.objects.filter(id=sms_row(user).id).update(status=DeliveryStatus.SENDING, provider_id="")
    assert fanout.deliver(message.id, Channel.SMS, [], reclaim=claim) == 1

    assert gateway.texts == {"+819012345678": ["【避難指示】直ちに避難してください。"]}
    assert gateway.replays == 1
    row = sms_row(user)
    assert (row.status, row.provider_id) == (DeliveryStatus.SENT, "sms-1")


@broadcasting
def test_a_refused_number_fails_alone_with_the_providers_reason(sender, demo_map, phone_owner, gateway,
                                                                run_broadcast):
    first, refused, last = (phone_owner("090-0000-0001"), phone_owner("090-0000-0002"),
                            phone_owner("090-0000-0003"))
    gateway.refuse("+819000000002", "number is not in service")
    run_broadcast(publish(sender, demo_map))

    row = sms_row(refused)
    assert row.status == DeliveryStatus.FAILED
    assert "422" in row.error and "number is not in service" in row.error
    for user in (first, last):
        assert sms_row(user).status == DeliveryStatus.SENT and sms_row(user).provider_id.startswith("sms-")
    assert set(gateway.texts) == {"+819000000001", "+819000000003"}


@broadcasting
def test_a_wrong_api_key_fails_the_rows_without_retrying(settings, sender, demo_map, phone_owner, gateway):
    users = [phone_owner("090-1234-5678"), phone_owner("090-8765-4321")]
    settings.SMS_API_KEY = "revoked-key"
    message = publish(sender, demo_map)
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)

    assert fanout.deliver(message.id, Channel.SMS, [u.id for u in users]) == 0  # no TransportError: no retry
    for user in users:
        row = sms_row(user)
        assert row.status == DeliveryStatus.FAILED and "401" in row.error
    assert gateway.texts == {}


@broadcasting
@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_gateway_gives_the_rows_back_for_a_retry(sender, demo_map, phone_owner, gateway, status):
    user = phone_owner("090-1234-5678")
    message = publish(sender, demo_map)
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)
    gateway.fail_next(status)

    with pytest.raises(TransportError) as caught:
        fanout.deliver(message.id, Channel.SMS, [user.id])
    assert caught.value.permanent is False
    row = sms_row(user)
    assert row.status == DeliveryStatus.QUEUED and str(status) in row.error

    assert fanout.deliver(message.id, Channel.SMS, [user.id]) == 1
    assert sms_row(user).status == DeliveryStatus.SENT
    assert len(gateway.texts["+819012345678"]) == 1


@broadcasting
def test_an_unreachable_gateway_is_temporary(settings, sender, demo_map, phone_owner, gateway, unused_tcp_port):
    user = phone_owner("090-1234-5678")
    settings.SMS_API_URL = f"http://127.0.0.1:{unused_tcp_port}/v1/messages"
    message = publish(sender, demo_map)
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)

    with pytest.raises(TransportError) as caught:
        fanout.deliver(message.id, Channel.SMS, [user.id])
    assert caught.value.permanent is False
    assert sms_row(user).status == DeliveryStatus.QUEUED


@broadcasting
def test_the_read_more_link_is_the_inbox_message(sender, demo_map, phone_owner, gateway, run_broadcast):
    phone_owner("090-1234-5678")
    message = publish(sender, demo_map, body="詳しくは以下をご覧ください。" * 100)
    run_broadcast(message)
    [text] = gateway.texts["+819012345678"]
    assert text.endswith(f"…\n{django_settings.SITE_URL}{reverse('notifications:detail', args=[message.id])}")
