"""Celery tasks: thin, idempotent wrappers around the fan-out and services.

Each channel has its own delivery task so that each can carry its own rate limit
(`NOTIFICATION_RATE_LIMITS`); emergency messages go to their own queue.
"""

from __future__ import annotations

import datetime as dt
import uuid

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from apps.notifications import fanout, recovery, services, webhooks
from apps.notifications.choices import Channel
from apps.notifications.models import Message
from apps.notifications.transports import TransportError, configured_channels

RETRY = {
    "autoretry_for": (TransportError,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 10,
    "acks_late": True,
}


@worker_ready.connect
def load_transports(**kwargs) -> None:
    """Import every configured transport before the first task: the LINE SDK alone takes a
    second or more to import, and the first step of an emergency must not wait for it."""
    configured_channels()


def _rate(channel: str) -> str | None:
    return settings.NOTIFICATION_RATE_LIMITS.get(channel)


def queue_chunk(message: Message, channel: str, recipient_ids: list[int]) -> None:
    DELIVERY_TASKS[channel].apply_async(args=[message.id, recipient_ids], queue=fanout.queue_name(message))


def resend_claim(message: Message, channel: str, claim: uuid.UUID) -> None:
    deliver_claimed.apply_async(args=[message.id, channel, str(claim)], queue=fanout.queue_name(message))


def start_fanout(message: Message) -> None:
    fan_out_message.apply_async(args=[message.id], queue=fanout.queue_name(message))


def continue_fanout(message: Message, cursor: int) -> None:
    fan_out_message.apply_async(args=[message.id, cursor], queue=fanout.queue_name(message))


def queue_webhook(delivery_id: int, message: Message) -> None:
    deliver_webhook.apply_async(args=[delivery_id], queue=fanout.queue_name(message))


@shared_task(name="notifications.fan_out", acks_late=True)
def fan_out_message(message_id: int, after: int | None = None) -> int:
    """One step of a fan-out; it queues its delivery chunks, then the next step."""
    step = fanout.fan_out_step(message_id, after=after, queue_chunk=queue_chunk, queue_webhook=queue_webhook,
                               queue_next=continue_fanout)
    return step.added if step else 0


@shared_task(name="notifications.deliver_webhook", **RETRY)
def deliver_webhook(delivery_id: int) -> bool:
    return webhooks.deliver_webhook(delivery_id)


def _deliver(task, channel: str, message_id: int, recipient_ids: list[int]) -> int:
    # A temporary TransportError propagates and autoretry backs off; permanent ones were
    # already recorded on the rows by fanout.deliver.
    return fanout.deliver(message_id, channel, recipient_ids)


@shared_task(name="notifications.deliver_inbox", bind=True, **RETRY)
def deliver_inbox(self, message_id: int, recipient_ids: list[int]) -> int:
    return _deliver(self, Channel.INBOX, message_id, recipient_ids)


@shared_task(name="notifications.deliver_email", bind=True, rate_limit=_rate("email"), **RETRY)
def deliver_email(self, message_id: int, recipient_ids: list[int]) -> int:
    return _deliver(self, Channel.EMAIL, message_id, recipient_ids)


@shared_task(name="notifications.deliver_line", bind=True, rate_limit=_rate("line"), **RETRY)
def deliver_line(self, message_id: int, recipient_ids: list[int]) -> int:
    return _deliver(self, Channel.LINE, message_id, recipient_ids)


@shared_task(name="notifications.deliver_webpush", bind=True, rate_limit=_rate("webpush"), **RETRY)
def deliver_webpush(self, message_id: int, recipient_ids: list[int]) -> int:
    return _deliver(self, Channel.WEBPUSH, message_id, recipient_ids)


@shared_task(name="notifications.deliver_sms", bind=True, rate_limit=_rate("sms"), **RETRY)
def deliver_sms(self, message_id: int, recipient_ids: list[int]) -> int:
    return _deliver(self, Channel.SMS, message_id, recipient_ids)


DELIVERY_TASKS = {
    Channel.INBOX: deliver_inbox,
    Channel.EMAIL: deliver_email,
    Channel.LINE: deliver_line,
    Channel.WEBPUSH: deliver_webpush,
    Channel.SMS: deliver_sms,
}


@shared_task(name="notifications.deliver_claimed", **RETRY)
def deliver_claimed(message_id: int, channel: str, claim: str) -> int:
    """Finish rows a dead worker had claimed, under the same claim (idempotency key)."""
    return fanout.deliver(message_id, channel, [], reclaim=uuid.UUID(claim))


@shared_task(name="notifications.send_due")
def send_due() -> int:
    return services.send_due()


@shared_task(name="notifications.release_deferred")
def release_deferred() -> int:
    return recovery.release_deferred(queue_chunk=queue_chunk)


@shared_task(name="notifications.recover_stalled")
def recover_stalled(older_than_seconds: int = 300) -> dict[str, int]:
    return recovery.recover_stalled(
        older_than=dt.timedelta(seconds=older_than_seconds),
        queue_chunk=queue_chunk,
        resend_claim=resend_claim,
        resume_fanout=start_fanout,
        requeue_webhook=lambda delivery_id: deliver_webhook.apply_async(args=[delivery_id]),
    )
