"""Publishing and fan-out on the real database: who gets what, on which channel, once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.notifications import fanout, services
from apps.notifications.choices import Channel, DeliveryStatus, MessageStatus, Priority
from apps.notifications.models import Delivery, Message
from tests.notifications.conftest import district_audience

pytestmark = pytest.mark.django_db(transaction=True)


def publish(sender, audience, **extra):
    fields = {"title": "断水のお知らせ", "body": "明日9時から12時まで断水します。", "category": "administration"}
    fields.update(extra)
    return services.publish(sender=sender, audience=audience, **fields)


def test_residents_of_the_district_get_inbox_and_email(sender, resident_in, demo_map, run_broadcast, smtp_sink):
    inside = [resident_in("01"), resident_in("01")]
    resident_in("02")  # elsewhere: not reached
    message = publish(sender, district_audience(demo_map.districts["01"]))
    assert message.status == MessageStatus.SENDING

    run_broadcast(message)

    rows = Delivery.objects.filter(message=message)
    assert {(r.recipient_id, r.channel) for r in rows} == {
        (u.id, c) for u in inside for c in (Channel.INBOX, Channel.EMAIL)}
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED, DeliveryStatus.SENT}
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(u.email for u in inside)
    mail = smtp_sink.messages[0]
    assert mail["Subject"] == "断水のお知らせ"
    assert mail["List-Unsubscribe"].startswith("<http")
    message.refresh_from_db()
    assert (message.status, message.recipient_count) == (MessageStatus.SENT, 2)


def test_running_the_broadcast_twice_sends_nothing_twice(sender, resident_in, demo_map, run_broadcast, smtp_sink):
    resident_in("01")
    message = publish(sender, district_audience(demo_map.districts["01"]))
    run_broadcast(message)
    # A task that runs again after a crash: the message is done, the rows are sent.
    Message.objects.filter(id=message.id).update(status=MessageStatus.SENDING, fanout_cursor=0)
    run_broadcast(message)
    for channel in (Channel.INBOX, Channel.EMAIL):
        fanout.deliver(message.id, channel, list(Delivery.objects.values_list("recipient_id", flat=True)))
    assert len(smtp_sink.messages) == 1
    assert Delivery.objects.filter(message=message).count() == 2


def test_only_residents_who_opted_into_the_category(sender, resident_in, demo_map, run_broadcast):
    keen, indifferent = resident_in("01"), resident_in("01")
    services.set_topics(user=keen, categories=["events"])
    services.set_topics(user=indifferent, categories=["disaster"])
    message = publish(sender, district_audience(demo_map.districts["01"]), category="events")
    run_broadcast(message)
    assert set(Delivery.objects.values_list("recipient_id", flat=True)) == {keen.id}


def test_emergency_reaches_everyone_in_the_area_despite_opt_outs(sender, resident_in, demo_map, run_broadcast):
    opted_out = resident_in("01")
    services.set_topics(user=opted_out, categories=[])
    services.update_preferences(user=opted_out, email_enabled=False)
    message = publish(sender, district_audience(demo_map.districts["01"]), category="disaster",
                      priority=Priority.EMERGENCY)
    run_broadcast(message)
    assert set(Delivery.objects.filter(recipient=opted_out).values_list("channel", flat=True)) == {
        Channel.INBOX, Channel.EMAIL}


def test_channel_switched_off_is_not_used(sender, resident_in, demo_map, run_broadcast):
    user = resident_in("01")
    services.update_preferences(user=user, email_enabled=False)
    message = publish(sender, district_audience(demo_map.districts["01"]))
    run_broadcast(message)
    assert list(Delivery.objects.values_list("channel", flat=True)) == [Channel.INBOX]


def _quiet_now(user) -> None:
    now_tokyo = timezone.localtime()
    start = (now_tokyo - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now_tokyo + dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    services.update_preferences(user=user, quiet_start=start, quiet_end=end)


@pytest.mark.parametrize("priority", [Priority.NORMAL, Priority.EMERGENCY])
def test_quiet_hours_hold_back_line_until_they_end_except_in_emergencies(sender, resident_in, demo_map, settings,
                                                                         priority):
    from apps.notifications import recovery
    from apps.notifications.models import LineLink

    settings.LINE_CHANNEL_ACCESS_TOKEN, settings.LINE_CHANNEL_SECRET = "token", "secret"
    user = resident_in("01")
    LineLink.objects.create(user=user, line_user_id="U" + "a" * 32)
    _quiet_now(user)
    message = publish(sender, district_audience(demo_map.districts["01"]), category="disaster", priority=priority)
    queued: list[tuple[str, list[int]]] = []
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: queued.append((c, ids)))
    line = Delivery.objects.get(recipient=user, channel=Channel.LINE)
    inbox = Delivery.objects.get(recipient=user, channel=Channel.INBOX)
    assert inbox.status == DeliveryStatus.DELIVERED  # the inbox never waits
    if priority == Priority.EMERGENCY:
        assert line.status == DeliveryStatus.QUEUED and (Channel.LINE, [user.id]) in queued
        return
    assert line.status == DeliveryStatus.DEFERRED and line.not_before > timezone.now()
    assert Channel.LINE not in [channel for channel, _ids in queued]
    released: list[tuple[str, list[int]]] = []
    assert recovery.release_deferred(queue_chunk=lambda m, c, ids: released.append((c, ids))) == 0  # not yet
    later = line.not_before + dt.timedelta(seconds=1)
    assert recovery.release_deferred(queue_chunk=lambda m, c, ids: released.append((c, ids)), now=later) == 1
    assert released == [(Channel.LINE, [user.id])]
    assert Delivery.objects.get(id=line.id).status == DeliveryStatus.QUEUED


def test_claims_make_a_second_delivery_task_a_no_op(sender, resident_in, demo_map, smtp_sink):
    user = resident_in("01")
    message = publish(sender, district_audience(demo_map.districts["01"]))
    chunks = []
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: chunks.append((c, ids)))
    first = fanout.claim(message.id, Channel.EMAIL, [user.id])
    assert first is not None
    assert fanout.claim(message.id, Channel.EMAIL, [user.id]) is None
    assert fanout.deliver(message.id, Channel.EMAIL, [user.id]) == 0  # nothing left to claim
    assert fanout.take_over(first, older_than=dt.timedelta(hours=1)) is None  # owner still alive
    token = fanout.take_over(first, older_than=dt.timedelta(0))
    assert token is not None and token != first
    assert fanout.deliver(message.id, Channel.EMAIL, [], reclaim=token) == 1
    assert fanout.deliver(message.id, Channel.EMAIL, [], reclaim=first) == 0  # the old owner lost them
    assert len(smtp_sink.messages) == 1


def test_a_refused_address_fails_alone_with_its_reason(sender, resident_in, demo_map, run_broadcast, smtp_sink):
    good, bad = resident_in("01"), resident_in("01")
    smtp_sink.refuse(bad.email)
    message = publish(sender, district_audience(demo_map.districts["01"]))
    run_broadcast(message)
    failed = Delivery.objects.get(recipient=bad, channel=Channel.EMAIL)
    assert failed.status == DeliveryStatus.FAILED and "refused" in failed.error
    assert Delivery.objects.get(recipient=good, channel=Channel.EMAIL).status == DeliveryStatus.SENT


def test_mail_server_down_gives_rows_back_for_a_retry(sender, resident_in, demo_map, settings, unused_tcp_port):
    user = resident_in("01")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", unused_tcp_port
    message = publish(sender, district_audience(demo_map.districts["01"]))
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: None)
    with pytest.raises(fanout.TransportError) as caught:
        fanout.deliver(message.id, Channel.EMAIL, [user.id])
    assert caught.value.permanent is False
    row = Delivery.objects.get(recipient=user, channel=Channel.EMAIL)
    assert row.status == DeliveryStatus.QUEUED and "unreachable" in row.error


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"body": "x" * 5001}, "body"),
        ({"category": "gossip"}, "category"),
        ({"priority": "urgent-ish"}, "priority"),
        ({"link_url": "javascript:alert(1)"}, "link_url"),
        ({"scheduled_at": timezone.now() - dt.timedelta(hours=1)}, "scheduled_at"),
        ({"audience": {"segments": []}}, "audience"),
        ({"audience": {"segments": [{"kind": "horoscope"}]}}, "audience"),
        ({"audience": {"segments": [{"kind": "district", "ids": [999999]}]}}, "audience"),
        ({"body": "あ" * 4990, "link_url": "https://example.jp/a"}, "body"),
    ],
)
def test_bad_input_names_the_field_and_queues_nothing(sender, demo_map, change, field):
    fields = {"audience": district_audience(demo_map.districts["01"])}
    fields.update(change)
    with pytest.raises(ValidationError) as caught:
        publish(sender, **fields)
    assert field in caught.value.message_dict
    assert not Message.objects.exists()


def test_a_resident_may_not_send_to_a_district(make_user, demo_map):
    with pytest.raises(PermissionDenied):
        publish(make_user("resident"), district_audience(demo_map.districts["01"]))


def test_city_wide_send_waits_for_a_second_person(sender, make_user, resident_in, run_broadcast):
    resident_in("03")
    message = publish(sender, {"segments": [{"kind": "everyone"}]})
    assert message.status == MessageStatus.PENDING_APPROVAL
    with pytest.raises(PermissionDenied):
        services.approve(message=message, approver=sender)
    services.approve(message=message, approver=make_user("city_staff"))
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    run_broadcast(message)
    assert Delivery.objects.filter(message=message, channel=Channel.INBOX).count() >= 1


def test_scheduled_message_waits_and_can_be_cancelled(sender, demo_map, resident_in):
    resident_in("01")
    later = timezone.now() + dt.timedelta(hours=2)
    message = publish(sender, district_audience(demo_map.districts["01"]), scheduled_at=later)
    assert message.status == MessageStatus.SCHEDULED
    assert services.send_due() == 0
    assert services.send_due(now=later + dt.timedelta(seconds=1)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    with pytest.raises(ValidationError):
        services.cancel(message=message, user=sender)
    other = publish(sender, district_audience(demo_map.districts["01"]), scheduled_at=later)
    services.cancel(message=other, user=sender)
    other.refresh_from_db()
    assert other.status == MessageStatus.CANCELLED
    assert services.send_due(now=later + dt.timedelta(seconds=1)) == 0


def test_resident_reads_english_when_they_chose_it(sender, resident_in, demo_map, run_broadcast, smtp_sink):
    from apps.accounts.services import update_profile

    reader = resident_in("01")
    update_profile(user=reader, preferred_language="en")
    message = publish(sender, district_audience(demo_map.districts["01"]),
                      variants={"en": {"title": "Water outage", "body": "No water tomorrow 9-12."}})
    run_broadcast(message)
    assert smtp_sink.messages[0]["Subject"] == "Water outage"


def test_preview_counts_recipients_and_channels(sender, resident_in, demo_map):
    resident_in("01")
    user = resident_in("01")
    services.update_preferences(user=user, email_enabled=False)
    result = services.preview(sender=sender, audience=district_audience(demo_map.districts["01"]),
                              category="administration")
    assert result["recipients"] == 2
    assert result["channels"] == {"inbox": 2, "email": 1}


def test_fan_out_runs_as_a_chain_of_steps_that_never_doubles(sender, resident_in, demo_map, smtp_sink):
    """One step per task: each queues its chunks, then the next step; a stale step does nothing."""
    residents = sorted([resident_in("01") for _ in range(3)], key=lambda u: u.id)
    message = publish(sender, district_audience(demo_map.districts["01"]))
    queued: list[tuple[str, list[int]]] = []
    steps: list[int] = []

    def step(after):
        return fanout.fan_out_step(message.id, after=after, chunk_size=2,
                                   queue_chunk=lambda m, c, ids: queued.append((c, ids)),
                                   queue_next=lambda m, cursor: steps.append(cursor))

    first = step(None)
    assert (first.added, first.done) == (2, False)
    assert steps == [residents[1].id] and queued == [(Channel.EMAIL, [u.id for u in residents[:2]])]
    # A second chain (say, one recovery resumed) that expects an older cursor stops at once.
    assert step(0) is None
    last = step(steps[-1])
    assert (last.added, last.done) == (1, True)
    assert steps == [residents[1].id]  # the short chunk was the last: no further step
    assert step(steps[-1]) is None  # the message is sent; a late duplicate does nothing
    message.refresh_from_db()
    assert (message.status, message.recipient_count) == (MessageStatus.SENT, 3)
    assert Delivery.objects.filter(message=message).count() == 6
    for channel, ids in queued:
        fanout.deliver(message.id, channel, ids)
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(u.email for u in residents)


def test_each_step_queues_the_quickest_first_message_before_line(sender, resident_in, demo_map, settings):
    from apps.notifications.models import LineLink

    settings.LINE_CHANNEL_ACCESS_TOKEN, settings.LINE_CHANNEL_SECRET = "token", "secret"
    user = resident_in("01")
    LineLink.objects.create(user=user, line_user_id="U" + "b" * 32)
    message = publish(sender, district_audience(demo_map.districts["01"]), category="disaster",
                      priority=Priority.EMERGENCY)
    queued: list[str] = []
    fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: queued.append(c))
    assert queued == [Channel.EMAIL, Channel.LINE]


def test_chunks_of_a_union_of_segments_reach_everyone_once(sender, resident_in, demo_map, run_broadcast):
    """The keyset cursor goes inside each segment's sub-query; every chunk still finds its people."""
    first, second, third = resident_in("01"), resident_in("02"), resident_in("01")
    resident_in("03")  # in neither segment
    audience = {"segments": [{"kind": "district", "ids": [demo_map.districts["01"].id]},
                             {"kind": "district", "ids": [demo_map.districts["02"].id]}]}
    message = publish(sender, audience)
    run_broadcast(message, chunk_size=1)
    inbox = Delivery.objects.filter(message=message, channel=Channel.INBOX)
    assert sorted(inbox.values_list("recipient_id", flat=True)) == sorted(u.id for u in (first, second, third))
    assert inbox.get(recipient=second).segment == demo_map.districts["02"].name
    message.refresh_from_db()
    assert (message.status, message.recipient_count) == (MessageStatus.SENT, 3)
