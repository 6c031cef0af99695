"""Putting back work a dead worker left behind, and sending what waited for quiet hours.

Run by beat (`notifications.recover_stalled`, `notifications.release_deferred`); safe at any
time and any number of times, because delivery claims make re-queued work idempotent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone

from apps.notifications.choices import DeliveryStatus, MessageStatus
from apps.notifications.fanout import CHUNK_SIZE, QueueChunk, take_over
from apps.notifications.models import Delivery, Message, WebhookDelivery


def recover_stalled(*, older_than: dt.timedelta, queue_chunk: QueueChunk,
                    resend_claim: Callable[[Message, str, uuid.UUID], None],
                    resume_fanout: Callable[[Message], None],
                    requeue_webhook: Callable[[int], None]) -> dict[str, int]:
    """Re-queue work a dead worker left behind. Safe to run at any time."""
    cutoff = timezone.now() - older_than
    counts = {"claims": 0, "queued": 0, "fanouts": 0}
    # Claimed by a worker that stopped beating: a new owner finishes them.
    stalled_claims = (Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=cutoff)
                      .values_list("message_id", "channel", "claim").distinct())
    for message_id, channel, old in stalled_claims:
        token = take_over(old, older_than=older_than)
        if token is not None:
            resend_claim(Message.objects.get(id=message_id), channel, token)
            counts["claims"] += 1
    # Written but the queueing was lost (a crash between commit and queue).
    stalled = defaultdict(list)
    for message_id, channel, recipient_id in (
        Delivery.objects.filter(status=DeliveryStatus.QUEUED, queued_at__lt=cutoff)
        .values_list("message_id", "channel", "recipient_id").order_by("message_id", "channel", "recipient_id")
    ).iterator(chunk_size=5000):
        stalled[(message_id, channel)].append(recipient_id)
    for (message_id, channel), ids in stalled.items():
        message = Message.objects.get(id=message_id)
        for start in range(0, len(ids), CHUNK_SIZE):
            queue_chunk(message, channel, ids[start:start + CHUNK_SIZE])
            counts["queued"] += 1
    # Webhook posts a dead worker left behind.
    for delivery_id in WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING], updated_at__lt=cutoff
    ).values_list("id", flat=True):
        WebhookDelivery.objects.filter(id=delivery_id).update(status=DeliveryStatus.QUEUED, updated_at=timezone.now())
        requeue_webhook(delivery_id)
        counts["webhooks"] = counts.get("webhooks", 0) + 1
    # A fan-out that stopped half-way.
    for message in Message.objects.filter(status=MessageStatus.SENDING, fanout_started_at__lt=cutoff):
        resume_fanout(message)
        counts["fanouts"] += 1
    return counts


def release_deferred(*, queue_chunk: QueueChunk, now: dt.datetime | None = None) -> int:
    """Queue rows whose recipients' quiet hours have ended."""
    now = now or timezone.now()
    due = defaultdict(list)
    for row in Delivery.objects.filter(status=DeliveryStatus.DEFERRED, not_before__lte=now).values(
            "id", "message_id", "channel", "recipient_id").iterator(chunk_size=5000):
        due[(row["message_id"], row["channel"])].append(row["recipient_id"])
    released = 0
    for (message_id, channel), ids in due.items():
        Delivery.objects.filter(message_id=message_id, channel=channel, recipient_id__in=ids,
                                status=DeliveryStatus.DEFERRED).update(status=DeliveryStatus.QUEUED)
        message = Message.objects.get(id=message_id)
        for start in range(0, len(ids), CHUNK_SIZE):
            queue_chunk(message, channel, ids[start:start + CHUNK_SIZE])
        released += len(ids)
    return released
