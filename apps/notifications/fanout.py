"""Fan-out: resolve the audience in chunks, write the ledger, hand chunks to transports.

Exactly once, even across crashes:
- Audience ids are read in ascending order in chunks; each chunk's ledger rows and the
  message's cursor are written in one transaction, so a restarted fan-out resumes after the
  last chunk it committed and never resolves a chunk twice. Each chunk is one step (one task
  in a chain, see `fan_out_step`).
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
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
from apps.notifications.ledger import Marker, NewRow, heartbeat, insert_rows, relaxed_commits, write_marks
from apps.notifications.models import Delivery, Message, ResidentPreferences, TopicSubscription
from apps.notifications.tokens import TRACKING_SALT as TRACKING_SALT
from apps.notifications.tokens import ChunkSigner
from apps.notifications.tokens import read_tracking_token as read_tracking_token
from apps.notifications.tokens import tracking_token as tracking_token
from apps.notifications.transports import TransportError, configured_channels, transport_for
from apps.notifications.transports.base import Outgoing, Result, Transport
from apps.notifications.webhooks import plan_webhooks

logger = logging.getLogger(__name__)

CHUNK_SIZE = settings.NOTIFICATION_CHUNK_SIZE
# The order each step queues its chunks in: the channels whose first message goes out
# soonest first (an SMTP exchange or one push, not four LINE calls of 500), so the first
# resident hears of an emergency within moments of publishing.
QUEUE_ORDER = (Channel.EMAIL, Channel.WEBPUSH, Channel.SMS, Channel.LINE)

# Called after each committed chunk with (message, channel, recipient_ids); the tasks
# module installs the function that queues a delivery task.
QueueChunk = Callable[[Message, str, list[int]], None]
# Called after a committed step with (message, cursor) to queue the next step.
QueueStep = Callable[[Message, int], None]


# --- who ----------------------------------------------------------------------------------

def recipients(message: Message, audience: Audience | None = None, *, after: int = 0) -> QuerySet[User]:
    """Active users in the audience who want this category (emergency: everyone in it);
    with `after`, only those whose id is greater (see Audience.as_q)."""
    audience = audience or parse_audience(message.audience)
    query = User.objects.filter(is_active=True, id__gt=after).filter(audience.as_q(after=after))
    if not message.is_emergency:
        query = query.filter(id__in=TopicSubscription.objects.filter(
            category=message.category, user_id__gt=after).values("user_id"))
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
    emergency = message.is_emergency
    # An emergency ignores the residents' choices, so they need not be read at all.
    prefs = {} if emergency else {p.user_id: p for p in ResidentPreferences.objects.filter(user_id__in=ids)}
    default = ResidentPreferences()

    def wants(user_id: int, flag: str) -> bool:
        return emergency or getattr(prefs.get(user_id, default), flag)

    plan: dict[str, list[int]] = {}
    for channel in channels:
        if channel == Channel.INBOX:
            plan[channel] = list(ids)
            continue
        if channel == Channel.SMS and message.priority not in SMS_PRIORITIES:
            continue
        reachable = transport_for(channel).reachable(ids)
        flag = f"{channel}_enabled"
        plan[channel] = [i for i in ids if i in reachable and wants(i, flag)]
    return plan


# --- fan-out ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """What one fan-out step did."""

    added: int  # recipients whose ledger rows this step wrote
    cursor: int  # the highest recipient id resolved so far
    done: bool  # the whole audience is resolved


def fan_out(message_id: int, *, queue_chunk: QueueChunk, chunk_size: int = CHUNK_SIZE,
            queue_webhook: Callable[[int, Message], None] | None = None) -> int:
    """Resolve the whole audience here, step after step; returns recipients added."""
    added = 0
    while (step := fan_out_step(message_id, queue_chunk=queue_chunk, chunk_size=chunk_size,
                                queue_webhook=queue_webhook)) is not None:
        added += step.added
        if step.done:
            break
    return added


def fan_out_step(message_id: int, *, queue_chunk: QueueChunk, after: int | None = None,
                 chunk_size: int = CHUNK_SIZE, queue_webhook: Callable[[int, Message], None] | None = None,
                 queue_next: QueueStep | None = None) -> Step | None:
    """Resolve the next chunk of the audience and write its ledger rows; None if nothing to do.

    The worker runs a fan-out as a chain of tasks, one step each: a step queues its delivery
    chunks, then the next step (`queue_next`). Every worker can so deliver from the first
    moment, and the fan-out keeps pace with delivery instead of holding a worker to itself.
    `after` is the cursor the step expects: a step whose message has moved past it (a second
    chain, e.g. one recovery resumed while the first was still alive) stops, so at most one
    chain goes on.
    """
    message = Message.objects.get(id=message_id)
    if message.status != MessageStatus.SENDING:
        return None
    if message.fanout_started_at is None:
        with transaction.atomic():
            started = Message.objects.filter(id=message.id, fanout_started_at=None).update(
                fanout_started_at=timezone.now())
            # Other city systems hear of it at once, not after the last resident.
            if started and queue_webhook is not None:
                plan_webhooks(message, queue=queue_webhook)
    audience = parse_audience(message.audience)
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(id=message_id)
        if locked.status != MessageStatus.SENDING or (after is not None and locked.fanout_cursor != after):
            return None
        cursor = locked.fanout_cursor
        ids = next(iter_id_chunks(recipients(locked, audience, after=cursor), after=cursor, size=chunk_size), [])
        if ids:
            queued = _write_chunk(locked, audience, ids, configured_channels())
            locked.fanout_cursor = ids[-1]
            locked.recipient_count += len(ids)
        # Ids come in ascending order: a short chunk was the last one.
        done = len(ids) < chunk_size
        if done:
            locked.status = MessageStatus.SENT
            locked.fanout_finished_at = timezone.now()
        locked.save(update_fields=["fanout_cursor", "recipient_count", "status", "fanout_finished_at"])
        if ids:
            for channel in sorted(queued, key=_queue_rank):
                transaction.on_commit(lambda c=channel, i=queued[channel]: queue_chunk(locked, c, i))
        if not done and queue_next is not None:
            transaction.on_commit(lambda: queue_next(locked, locked.fanout_cursor))
    return Step(added=len(ids), cursor=locked.fanout_cursor, done=done)


def _queue_rank(channel: str) -> int:
    return QUEUE_ORDER.index(channel) if channel in QUEUE_ORDER else len(QUEUE_ORDER)


def _write_chunk(message: Message, audience: Audience, ids: list[int], channels: list[str]) -> dict[str, list[int]]:
    """Ledger rows for one chunk; returns the recipients to send to now, per channel."""
    now = timezone.now()
    labels = _segment_labels(audience, ids)
    plan = channel_plan(message, ids, channels=channels)
    quiet = (
        {}
        if message.is_emergency
        else {p.user_id: p for p in ResidentPreferences.objects.filter(user_id__in=ids).exclude(quiet_start=None)}
    )
    to_send: dict[str, list[int]] = {}
    for channel, channel_ids in plan.items():
        instant = transport_for(channel).instant
        rows = []
        for user_id in channel_ids:
            prefs = quiet.get(user_id)
            wait_until = _in_quiet_hours(prefs, now) if prefs is not None and channel in INTRUSIVE_CHANNELS else None
            if instant:
                status = DeliveryStatus.DELIVERED
            elif wait_until:
                status = DeliveryStatus.DEFERRED
            else:
                status = DeliveryStatus.QUEUED
                to_send.setdefault(channel, []).append(user_id)
            rows.append(NewRow(user_id, status, labels.get(user_id, ""), wait_until))
        insert_rows(message_id=message.id, channel=channel, rows=rows, now=now, instant=instant)
    return to_send


# --- delivery -----------------------------------------------------------------------------

class _Row(NamedTuple):
    id: int
    recipient_id: int


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def claim(message_id: int, channel: str, recipient_ids: list[int]) -> uuid.UUID | None:
    """Take the rows still waiting, counting the attempt; a second caller gets nothing.

    One UPDATE, committed on return (outside a transaction).
    """
    token = uuid.uuid4()
    count = Delivery.objects.filter(
        message_id=message_id, channel=channel, recipient_id__in=recipient_ids, status=DeliveryStatus.QUEUED,
    ).update(status=DeliveryStatus.SENDING, claim=token, claimed_at=timezone.now(), attempts=F("attempts") + 1)
    return token if count else None


def _url_maker(name: str) -> Callable[[str], str]:
    """reverse() once per chunk; the token is the only part that changes per row."""
    marker = "TOKEN0"
    template = _absolute(reverse(name, args=[marker]))
    return lambda token: template.replace(marker, token)


class _Composer:
    """Builds each row's Outgoing; whatever is the same for the whole chunk is worked out once."""

    def __init__(self, message: Message, recipient_ids: list[int]) -> None:
        self.message = message
        self.languages = dict(Profile.objects.filter(user_id__in=recipient_ids)
                              .values_list("user_id", "preferred_language"))
        self.click_url, self.open_url = _url_maker("notifications:track_click"), _url_maker("notifications:track_open")
        self.unsubscribe_url = _absolute(reverse("notifications:settings"))
        self.signer = ChunkSigner()
        self.texts: dict[str, tuple[str, str]] = {}

    def outgoing(self, rows: list[_Row] | list[Delivery], addresses: dict) -> list[Outgoing]:
        message, items = self.message, []
        for row in rows:
            language = self.languages.get(row.recipient_id, "ja")
            if language not in self.texts:
                self.texts[language] = message.text_for(language)
            title, body = self.texts[language]
            token = self.signer.sign(row.id)
            items.append(Outgoing(
                delivery_id=row.id, recipient_id=row.recipient_id, address=addresses.get(row.recipient_id),
                language=language, title=title, body=body,
                link=self.click_url(token) if message.link_url else "",
                open_pixel=self.open_url(token),
                unsubscribe_url=self.unsubscribe_url,
                # Stable across retries and take-overs, so a provider can drop a resend.
                idempotency_key=f"m{message.id}-d{row.id}",
            ))
        return items


def _outgoing(message: Message, rows: list[Delivery], addresses: dict) -> list[Outgoing]:
    return _Composer(message, [r.recipient_id for r in rows]).outgoing(rows, addresses)


def _mark(results: list[Result]) -> None:
    write_marks(results, timezone.now())


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
    with relaxed_commits():
        return _deliver(message, transport, recipient_ids, reclaim)


def _deliver(message: Message, transport: Transport, recipient_ids: list[int], reclaim: uuid.UUID | None) -> int:
    token = reclaim or claim(message.id, transport.channel, recipient_ids)
    if token is None:
        return 0
    mine = Delivery.objects.filter(message_id=message.id, channel=transport.channel, claim=token,
                                   status=DeliveryStatus.SENDING)
    if reclaim is not None:
        mine.update(attempts=F("attempts") + 1)
    rows = [_Row(*values) for values in mine.order_by("id").values_list("id", "recipient_id")]
    if message.expires_at and message.expires_at <= timezone.now():
        Delivery.objects.filter(id__in=[r.id for r in rows]).update(status=DeliveryStatus.FAILED, error="expired")
        return 0
    addresses = transport.addresses([r.recipient_id for r in rows])
    unreachable = [r for r in rows if r.recipient_id not in addresses]
    if unreachable:
        _mark([Result(r.id, ok=False, error="no address on this channel any more", permanent=True)
               for r in unreachable])
    reachable = [r for r in rows if r.recipient_id in addresses]
    composer = _Composer(message, [r.recipient_id for r in reachable])
    marker = Marker(overlap=transport.overlap_marks)
    sent = 0
    transport.open()
    try:
        for start in range(0, len(reachable), transport.batch_size):
            batch = reachable[start:start + transport.batch_size]
            owned = set(heartbeat([r.id for r in batch], token, timezone.now()))
            batch = [r for r in batch if r.id in owned]
            if not batch:
                continue
            # Each group is marked as soon as the transport knows it (one mail, one API call).
            for group in transport.send(message, composer.outgoing(batch, addresses)):
                marker.mark(group)
                sent += sum(result.ok for result in group)
        marker.flush()
    except TransportError as exc:
        # Rows the transport did send must be marked before the rest are given back.
        marker.flush()
        leftover = Delivery.objects.filter(claim=token, status=DeliveryStatus.SENDING)
        if exc.permanent:
            leftover.update(status=DeliveryStatus.FAILED, error=str(exc)[:300])
            return sent
        # Give the rows back; the retry claims them afresh.
        leftover.update(status=DeliveryStatus.QUEUED, error=str(exc)[:300])
        raise
    finally:
        marker.close()
        transport.close()
    return sent


def queue_name(message: Message) -> str:
    return settings.NOTIFICATION_EMERGENCY_QUEUE if message.is_emergency else settings.NOTIFICATION_QUEUE
