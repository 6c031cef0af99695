"""Fan-out: resolve the audience in chunks, write the ledger, hand chunks to transports.

Exactly once, even across crashes:
- Audience ids are read in ascending order in chunks; each chunk's ledger rows and the
  message's cursor are written in one transaction, so a restarted fan-out resumes after the
  last chunk it committed and never resolves a chunk twice.
- A delivery task first *claims* its rows (QUEUED -> SENDING with a claim id) in a committed
  update, then marks each row the moment the transport knows its fate. A task that runs
  twice finds nothing left to claim.
- Before each slice the sender refreshes a heartbeat on its rows and sends only rows it
  still owns. `recover_stalled` gives rows whose heartbeat stopped a new owner (a dead
  worker's) and re-queues rows whose task was lost. Idempotency keys are stable per
  delivery, so providers that have them (LINE's X-Line-Retry-Key) drop a resend of a row
  whose send succeeded just before a crash.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Profile, User
from apps.notifications.audiences import Audience, parse_audience
from apps.notifications.choices import (
    INTRUSIVE_CHANNELS,
    SMS_PRIORITIES,
    Channel,
    DeliveryStatus,
    MessageStatus,
)
from apps.notifications.models import Delivery, Message, ResidentPreferences, TopicSubscription
from apps.notifications.transports import TransportError, configured_channels, transport_for
from apps.notifications.transports.base import Outgoing, Result
from apps.notifications.webhooks import plan_webhooks

logger = logging.getLogger(__name__)

CHUNK_SIZE = settings.NOTIFICATION_CHUNK_SIZE
TRACKING_SALT = "notifications.tracking"

# Called after each committed chunk with (message, channel, recipient_ids); the tasks
# module installs the function that queues a delivery task.
QueueChunk = Callable[[Message, str, list[int]], None]


# --- who ----------------------------------------------------------------------------------

def recipients(message: Message, audience: Audience | None = None) -> QuerySet[User]:
    """Active users in the audience who want this category (emergency: everyone in it)."""
    audience = audience or parse_audience(message.audience)
    query = User.objects.filter(is_active=True).filter(audience.as_q())
    if not message.is_emergency:
        query = query.filter(id__in=TopicSubscription.objects.filter(category=message.category).values("user_id"))
    return query


def iter_id_chunks(query: QuerySet[User], *, after: int = 0, size: int = CHUNK_SIZE) -> Iterator[list[int]]:
    """Ids in ascending order, `size` at a time, never the whole list in memory."""
    while True:
        ids = list(query.filter(id__gt=after).order_by("id").values_list("id", flat=True)[:size])
        if not ids:
            return
        yield ids
        after = ids[-1]


def _segment_labels(audience: Audience, ids: list[int]) -> dict[int, str]:
    """Which segment each recipient came through (the first that matches)."""
    labels: dict[int, str] = {}
    if len(audience.segments) == 1:
        return dict.fromkeys(ids, audience.segments[0].label)
    for segment in audience.segments:
        remaining = [i for i in ids if i not in labels]
        if not remaining:
            break
        matched = User.objects.filter(id__in=remaining).filter(id__in=segment.user_ids())
        for user_id in matched.values_list("id", flat=True):
            labels[user_id] = segment.label
    return labels


# --- which channels -----------------------------------------------------------------------

def _in_quiet_hours(prefs: ResidentPreferences | None, now: dt.datetime) -> dt.datetime | None:
    """When the recipient's quiet hours end, if they are in them now; else None."""
    if prefs is None or prefs.quiet_start is None or prefs.quiet_end is None or prefs.quiet_start == prefs.quiet_end:
        return None
    local = timezone.localtime(now)  # quiet hours are in the city's time (settings.TIME_ZONE)
    start, end, current = prefs.quiet_start, prefs.quiet_end, local.time()
    inside = start <= current < end if start < end else (current >= start or current < end)
    if not inside:
        return None
    end_at = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if end_at <= local:
        end_at += dt.timedelta(days=1)
    return end_at.astimezone(dt.UTC)


def channel_plan(message: Message, ids: list[int], *, channels: list[str] | None = None) -> dict[str, list[int]]:
    """For each channel, the recipients among `ids` it can reach and they want it for.

    Emergency messages use every channel a resident has connected, whatever they chose.
    """
    channels = channels if channels is not None else configured_channels()
    prefs = {p.user_id: p for p in ResidentPreferences.objects.filter(user_id__in=ids)}
    default = ResidentPreferences()
    emergency = message.is_emergency

    def wants(user_id: int, flag: str) -> bool:
        return emergency or getattr(prefs.get(user_id, default), flag)

    plan: dict[str, list[int]] = {}
    for channel in channels:
        if channel == Channel.INBOX:
            plan[channel] = list(ids)
            continue
        if channel == Channel.SMS and message.priority not in SMS_PRIORITIES:
            continue
        reachable = transport_for(channel).addresses(ids)
        flag = f"{channel}_enabled"
        plan[channel] = [i for i in ids if i in reachable and wants(i, flag)]
    return plan


# --- fan-out ------------------------------------------------------------------------------

def fan_out(message_id: int, *, queue_chunk: QueueChunk, chunk_size: int = CHUNK_SIZE,
            queue_webhook: Callable[[int, Message], None] | None = None) -> int:
    """Resolve the audience and write the ledger chunk by chunk; returns recipients added."""
    message = Message.objects.get(id=message_id)
    if message.status != MessageStatus.SENDING:
        return 0
    audience = parse_audience(message.audience)
    query = recipients(message, audience)
    channels = configured_channels()
    added = 0
    with transaction.atomic():
        started = Message.objects.filter(id=message.id, fanout_started_at=None).update(
            fanout_started_at=timezone.now())
        # Other city systems hear of it at once, not after the last resident.
        if started and queue_webhook is not None:
            plan_webhooks(message, queue=queue_webhook)
    while True:
        with transaction.atomic():
            locked = Message.objects.select_for_update().get(id=message_id)
            if locked.status != MessageStatus.SENDING:
                return added
            ids = next(iter_id_chunks(query, after=locked.fanout_cursor, size=chunk_size), [])
            if not ids:
                locked.status = MessageStatus.SENT
                locked.fanout_finished_at = timezone.now()
                locked.save(update_fields=["status", "fanout_finished_at"])
                return added
            queued = _write_chunk(locked, audience, ids, channels)
            locked.fanout_cursor = ids[-1]
            locked.recipient_count += len(ids)
            locked.save(update_fields=["fanout_cursor", "recipient_count"])
            for channel, channel_ids in queued.items():
                transaction.on_commit(
                    lambda m=locked, c=channel, i=channel_ids: queue_chunk(m, c, i)
                )
        added += len(ids)


def _write_chunk(message: Message, audience: Audience, ids: list[int], channels: list[str]) -> dict[str, list[int]]:
    """Ledger rows for one chunk; returns the recipients to send to now, per channel."""
    now = timezone.now()
    labels = _segment_labels(audience, ids)
    plan = channel_plan(message, ids, channels=channels)
    prefs = (
        {}
        if message.is_emergency
        else {p.user_id: p for p in ResidentPreferences.objects.filter(user_id__in=ids).exclude(quiet_start=None)}
    )
    to_send: dict[str, list[int]] = {}
    rows = []
    for channel, channel_ids in plan.items():
        instant = transport_for(channel).instant
        for user_id in channel_ids:
            wait_until = _in_quiet_hours(prefs.get(user_id), now) if channel in INTRUSIVE_CHANNELS else None
            if instant:
                status = DeliveryStatus.DELIVERED
            elif wait_until:
                status = DeliveryStatus.DEFERRED
            else:
                status = DeliveryStatus.QUEUED
                to_send.setdefault(channel, []).append(user_id)
            rows.append(Delivery(
                message=message, recipient_id=user_id, channel=channel, status=status,
                segment=labels.get(user_id, ""), not_before=wait_until,
                sent_at=now if instant else None, delivered_at=now if instant else None,
            ))
    Delivery.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return to_send


# --- delivery -----------------------------------------------------------------------------

def tracking_token(delivery_id: int) -> str:
    return signing.dumps(delivery_id, salt=TRACKING_SALT, compress=True)


def read_tracking_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=TRACKING_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def claim(message_id: int, channel: str, recipient_ids: list[int]) -> uuid.UUID | None:
    """Take the rows still waiting; a second caller gets nothing. Committed on return."""
    token = uuid.uuid4()
    with transaction.atomic():
        count = Delivery.objects.filter(
            message_id=message_id, channel=channel, recipient_id__in=recipient_ids, status=DeliveryStatus.QUEUED,
        ).update(status=DeliveryStatus.SENDING, claim=token, claimed_at=timezone.now())
    return token if count else None


def _url_maker(name: str) -> Callable[[str], str]:
    """reverse() once per chunk; the token is the only part that changes per row."""
    marker = "TOKEN0"
    template = _absolute(reverse(name, args=[marker]))
    return lambda token: template.replace(marker, token)


def _outgoing(message: Message, rows: list[Delivery], addresses: dict) -> list[Outgoing]:
    languages = dict(Profile.objects.filter(user_id__in=[r.recipient_id for r in rows])
                     .values_list("user_id", "preferred_language"))
    click_url, open_url = _url_maker("notifications:track_click"), _url_maker("notifications:track_open")
    unsubscribe_url = _absolute(reverse("notifications:settings"))
    items = []
    for row in rows:
        language = languages.get(row.recipient_id, "ja")
        title, body = message.text_for(language)
        token = tracking_token(row.id)
        items.append(Outgoing(
            delivery_id=row.id, recipient_id=row.recipient_id, address=addresses.get(row.recipient_id),
            language=language, title=title, body=body,
            link=click_url(token) if message.link_url else "",
            open_pixel=open_url(token),
            unsubscribe_url=unsubscribe_url,
            # Stable across retries and take-overs, so a provider can drop a resend.
            idempotency_key=f"m{message.id}-d{row.id}",
        ))
    return items


@contextmanager
def _relaxed_commit() -> Iterator[None]:
    """Marks may skip waiting for the WAL flush: a worker crash loses none of them (the
    server has them); only a database-server crash could lose the last few, and then the
    rows are sent again under the same idempotency key / Message-ID."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _mark(results: list[Result], channel: str) -> None:
    with _relaxed_commit():
        _write_marks(results)


def _write_marks(results: list[Result]) -> None:
    now = timezone.now()
    done_ids = [r.delivery_id for r in results if r.ok and not r.delivered]
    delivered_ids = [r.delivery_id for r in results if r.ok and r.delivered]
    if done_ids:
        Delivery.objects.filter(id__in=done_ids, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.SENT, sent_at=now, error="")
    if delivered_ids:
        Delivery.objects.filter(id__in=delivered_ids, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.DELIVERED, sent_at=now, delivered_at=now, error="")
    by_provider_id: dict[str, list[int]] = defaultdict(list)
    for result in results:
        if not result.ok:
            # A row that failed for this recipient only: permanent or not, retrying the
            # whole chunk would not help it, and the sender's page shows the reason.
            Delivery.objects.filter(id=result.delivery_id, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.FAILED, error=result.error[:300])
        if result.provider_id:
            by_provider_id[result.provider_id[:200]].append(result.delivery_id)
    # One LINE call gives all its rows the same request id: one UPDATE per call.
    for provider_id, ids in by_provider_id.items():
        Delivery.objects.filter(id__in=ids).update(provider_id=provider_id)


def _still_mine(row_ids: list[int], token: uuid.UUID) -> list[int]:
    """Heartbeat: confirm (and refresh) ownership of rows just before sending them.

    Row locks make this atomic with `take_over`: a recovery that takes rows over waits for
    this to commit, then sees the fresh heartbeat and leaves them alone.
    """
    with transaction.atomic():
        owned = list(Delivery.objects.select_for_update().filter(
            id__in=row_ids, claim=token, status=DeliveryStatus.SENDING).values_list("id", flat=True))
        Delivery.objects.filter(id__in=owned).update(claimed_at=timezone.now())
    return owned


def take_over(old: uuid.UUID, *, older_than: dt.timedelta) -> uuid.UUID | None:
    """Give rows whose owner stopped beating a new owner; None if the owner is alive."""
    token = uuid.uuid4()
    with transaction.atomic():
        moved = Delivery.objects.filter(
            claim=old, status=DeliveryStatus.SENDING, claimed_at__lt=timezone.now() - older_than,
        ).update(claim=token, claimed_at=timezone.now())
    return token if moved else None


def deliver(message_id: int, channel: str, recipient_ids: list[int], *, reclaim: uuid.UUID | None = None) -> int:
    """Send one chunk on one channel. Returns rows sent. Raises TransportError to retry.

    `reclaim` is a claim already taken over by `take_over` (the rows of a dead worker).
    """
    message = Message.objects.prefetch_related("variants").get(id=message_id)
    transport = transport_for(channel)
    token = reclaim or claim(message_id, channel, recipient_ids)
    if token is None:
        return 0
    rows = list(Delivery.objects.filter(message_id=message_id, channel=channel, claim=token,
                                        status=DeliveryStatus.SENDING).order_by("id"))
    if message.expires_at and message.expires_at <= timezone.now():
        Delivery.objects.filter(id__in=[r.id for r in rows]).update(status=DeliveryStatus.FAILED, error="expired")
        return 0
    Delivery.objects.filter(id__in=[r.id for r in rows]).update(attempts=F("attempts") + 1)
    addresses = transport.addresses([r.recipient_id for r in rows])
    unreachable = [r for r in rows if r.recipient_id not in addresses]
    if unreachable:
        _mark([Result(r.id, ok=False, error="no address on this channel any more", permanent=True)
               for r in unreachable], channel)
    reachable = [r for r in rows if r.recipient_id in addresses]
    sent = 0
    transport.open()
    try:
        for start in range(0, len(reachable), transport.batch_size):
            batch = reachable[start:start + transport.batch_size]
            owned = set(_still_mine([r.id for r in batch], token))
            batch = [r for r in batch if r.id in owned]
            if not batch:
                continue
            # Each group is marked as soon as the transport knows it (one mail, one API call).
            for group in transport.send(message, _outgoing(message, batch, addresses)):
                _mark(group, channel)
                sent += sum(result.ok for result in group)
    except TransportError as exc:
        leftover = Delivery.objects.filter(claim=token, status=DeliveryStatus.SENDING)
        if exc.permanent:
            leftover.update(status=DeliveryStatus.FAILED, error=str(exc)[:300])
            return sent
        # Give the rows back; the retry claims them afresh.
        leftover.update(status=DeliveryStatus.QUEUED, error=str(exc)[:300])
        raise
    finally:
        transport.close()
    return sent


def queue_name(message: Message) -> str:
    return settings.NOTIFICATION_EMERGENCY_QUEUE if message.is_emergency else settings.NOTIFICATION_QUEUE
